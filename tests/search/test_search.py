"""The header's search: a real row of each kind is found, titles rank above bodies, a typo is
forgiven on PostgreSQL, and nothing a person may not open is ever shown — nor a hidden name."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from ideas.models import Idea
from kaizen import actions as kaizen_actions
from leanhub import search
from library.models import Entry
from metrics.models import Measure
from tests.ideas.maps.conftest import make_map

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(cast, team_a, team_b):
    sam, lee, priya = cast["sam"], cast["lee"], cast["priya"]
    idea = Idea.objects.create(
        team=team_a,
        author=sam,
        title="Pre-fill the claim form",
        problem="Every claim is typed twice",
    )
    body_only = Idea.objects.create(
        team=team_a, author=sam, title="Fewer call-backs", problem="The claim form asks too much"
    )
    board = kaizen_actions.ensure_team_board(team_a)
    card = kaizen_actions.create_card(
        board, title="Trial pre-filled forms", description="Start with the claim", by=lee
    )
    cycle = kaizen_actions.start_cycle(card, by=lee)
    kaizen_actions.update_cycle(cycle, problem="Forms are retyped by hand", by=lee)
    vsm = make_map(team_a, lee, name="Claim to first payment")
    measure = Measure.objects.create(
        name="Minutes per new claim", unit="minutes", team=team_a, created_by=lee
    )
    # What sam may not open: another organisation's unshared idea, a card on its board, and a
    # measure of its team.
    Idea.objects.create(team=team_b, author=priya, title="Secret claim idea", problem="theirs")
    board_b = kaizen_actions.ensure_team_board(team_b)
    kaizen_actions.create_card(board_b, title="Secret claim card", by=cast["olu"])
    Measure.objects.create(name="Secret claim measure", unit="n", team=team_b, created_by=priya)
    return {"idea": idea, "body_only": body_only, "card": card, "cycle": cycle, "vsm": vsm,
            "measure": measure}  # fmt: skip


def _page(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("search"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_real_row_of_each_kind_is_found_and_linked(client, cast, rows):
    html = _page(client, cast["sam"], q="claim")
    assert reverse("ideas:detail", args=[rows["idea"].pk]) in html
    assert reverse("kaizen:card", args=[rows["card"].pk]) in html
    assert reverse("maps:detail", args=[rows["vsm"].pk]) in html
    assert reverse("metrics:measure", args=[rows["measure"].pk]) in html
    # The cycle's text says "retyped": found by it, under the cycles' heading.
    html = _page(client, cast["sam"], q="retyped")
    assert reverse("kaizen:cycle", args=[rows["cycle"].pk]) in html
    assert "Cycle 1 of Trial pre-filled forms" in html
    for label in ("Ideas", "Cards", "PDCA cycles", "Value-stream maps", "Measures"):
        assert label in html


def test_every_kind_is_registered_from_its_own_app():
    assert [k.key for k in search.kinds()] == [
        "ideas",
        "cards",
        "cycles",
        "maps",
        "measures",
        "library",
    ]


def test_a_title_match_ranks_above_a_body_match(cast, rows):
    found = search.search(cast["sam"], "claim form")
    ideas = next(g for g in found.groups if g.kind.key == "ideas")
    assert [h.title for h in ideas.hits] == ["Pre-fill the claim form", "Fewer call-backs"]


def test_a_typo_is_found_on_postgresql(cast, rows):
    if connection.vendor != "postgresql":
        pytest.skip("trigram search needs PostgreSQL (run with DATABASE_URL=postgres://…)")
    # "clam" is no word of any row: only the title's likeness finds it.
    found = search.search(cast["sam"], "clam form")
    ideas = next(g for g in found.groups if g.kind.key == "ideas")
    assert [h.title for h in ideas.hits] == ["Pre-fill the claim form"]
    # Plain matching would find nothing.
    assert not Idea.objects.filter(title__icontains="clam").exists()


def test_nothing_another_may_not_open_is_found(client, cast, rows):
    html = _page(client, cast["sam"], q="secret claim")
    assert "Secret claim" not in html
    found = search.search(cast["sam"], "secret")
    assert found.count == 0
    # Whoever may see them finds them.
    found = search.search(cast["priya"], "secret")
    assert {h.title for g in found.groups for h in g.hits} == {
        "Secret claim idea",
        "Secret claim card",
        "Secret claim measure",
    }


def test_a_hidden_authors_name_finds_nothing_and_is_never_shown(client, cast, team_a):
    wendy = cast["wendy"]
    Idea.objects.create(team=team_a, author=wendy, title="Quiet idea", problem="p", hide_name=True)
    name = wendy.display_name
    html = _page(client, cast["sam"], q=name)
    assert "Quiet idea" not in html
    html = _page(client, cast["sam"], q="quiet")
    assert "Quiet idea" in html
    assert name not in html


def test_empty_and_too_long_searches_say_why(client, cast):
    html = _page(client, cast["sam"], q="")
    assert "Type what you are looking for." in html
    html = _page(client, cast["sam"], q="x" * 201)
    assert "too long to search for" in html
    html = _page(client, cast["sam"], q="!!! ???")
    assert "at least one word" in html


def test_more_of_one_kind_and_the_ideas_list(client, cast, team_a):
    lee = cast["lee"]
    board = kaizen_actions.ensure_team_board(team_a)
    for n in range(search.PER_KIND + 2):
        kaizen_actions.create_card(board, title=f"Queue card {n}", by=lee)
        Idea.objects.create(team=team_a, author=lee, title=f"Queue idea {n}", problem="p")
    html = _page(client, cast["sam"], q="queue")
    assert html.count("Queue card") == search.PER_KIND
    assert 'href="?q=queue&amp;kind=cards"' in html
    assert reverse("ideas:list") + "?q=queue" in html
    html = _page(client, cast["sam"], q="queue", kind="cards")
    assert html.count("Queue card") == search.PER_KIND + 2
    assert "Queue idea" not in html
    assert 'href="?q=queue">Search every kind</a>' in html


def test_the_header_box_is_on_every_signed_in_page(client, cast):
    client.force_login(cast["sam"])
    html = client.get(reverse("home")).content.decode()
    assert 'role="search"' in html
    assert 'for="site-search-q"' in html
    assert f'action="{reverse("search")}"' in html


def test_queries_stay_flat_as_rows_grow(client, cast, team_a):
    lee = cast["lee"]
    board = kaizen_actions.ensure_team_board(team_a)
    client.force_login(cast["sam"])

    def count() -> int:
        from django.db import connection as conn
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(conn) as ctx:
            client.get(reverse("search"), {"q": "flat"})
        return len(ctx.captured_queries)

    def one_of_each(n: int) -> None:
        Idea.objects.create(team=team_a, author=lee, title=f"Flat idea {n}", problem="p")
        card = kaizen_actions.create_card(board, title=f"Flat card {n}", by=lee)
        cycle = kaizen_actions.start_cycle(card, by=lee)
        kaizen_actions.update_cycle(cycle, problem="Flat out", by=lee)
        make_map(team_a, lee, name=f"Flat map {n}")
        Measure.objects.create(name=f"Flat measure {n}", unit="n", team=team_a, created_by=lee)
        Entry.objects.create(team=team_a, title=f"Flat entry {n}", summary="s", theme="waiting")

    one_of_each(0)
    few = count()
    for n in range(1, 8):
        one_of_each(n)
    assert count() == few
    found = search.search(cast["sam"], "flat")
    assert [g.count for g in found.groups] == [8, 8, 8, 8, 8, 8]


def test_each_kind_can_use_its_indexes_on_postgresql(cast, rows):
    """The full-text expression each query filters on is the one the migrations indexed (else
    PostgreSQL could only read every row)."""
    if connection.vendor != "postgresql":
        pytest.skip("the search indexes are PostgreSQL's (run with DATABASE_URL=postgres://…)")
    expected = {
        "ideas": "idea_text_fts_idx",
        "cards": "card_search_fts_idx",
        "cycles": "cycle_search_fts_idx",
        "maps": "vsm_search_fts_idx",
        "measures": "measure_search_fts_idx",
        "library": "entry_search_fts_idx",
    }
    with connection.cursor() as cursor:
        # Neither reading every row nor walking a primary key in order: what is left is the
        # indexes a search condition can use (GIN indexes are read by bitmap scans).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    for kind in search.kinds():
        plan = search.matching(cast["ada"], kind, "claim").explain()
        assert expected[kind.key] in plan, plan


def test_a_common_word_is_counted_up_to_a_bound_and_ranked_among_the_newest(
    client, cast, team_a, monkeypatch
):
    monkeypatch.setattr(search, "COUNT_UP_TO", 3)
    monkeypatch.setattr(search, "RANKED_AMONG", 3)
    lee = cast["lee"]
    # The oldest is the best match (the word in its title twice), but it is not among the
    # newest three.
    Idea.objects.create(team=team_a, author=lee, title="Queue queue first", problem="p")
    for n in range(4):
        Idea.objects.create(team=team_a, author=lee, title=f"Queue idea {n}", problem="p")
    found = search.search(cast["sam"], "queue", only="ideas")
    (group,) = found.groups
    assert (group.count, group.capped, group.count_label, group.more) == (3, True, "3+", True)
    assert [h.title for h in group.hits] == ["Queue idea 3", "Queue idea 2", "Queue idea 1"]
    html = _page(client, cast["sam"], q="queue", kind="ideas")
    assert "3+ results for" in html and "(3+)" in html
