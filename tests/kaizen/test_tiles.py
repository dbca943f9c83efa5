"""The card tiles of a board (kaizen.tiles): what each shows, escaped and translated, the same on
the page and in the live fragment every viewer gets."""

from __future__ import annotations

import datetime
import re

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from ideas.models import Idea
from kaizen import actions, queries
from kaizen.models import Card


def _tile(body: str, card: Card) -> str:
    """The ``<li>`` of one card in a page or fragment."""
    found = re.search(rf'<li id="card-{card.pk}" .*?</li>\n', body, re.S)
    assert found, f"card {card.pk} not shown"
    return found.group(0)


def _board(client, user, board, **headers) -> str:
    client.force_login(user)
    response = client.get(reverse("kaizen:board", args=[board.pk]), headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def test_every_value_on_a_tile_is_escaped(client, lee, board_a, col):
    card = actions.create_card(
        board_a,
        title='<b>"Fax" & co</b>',
        column=col("Plan"),
        labels="<i>urgent</i>, forms & letters",
        owners=[lee],
        by=lee,
    )
    Card.objects.filter(pk=card.pk).update(
        blocked=True, blocked_reason="<script>x()</script>", wip_reason="<u>audit</u>"
    )
    tile = _tile(_board(client, lee, board_a), card)
    assert "&lt;b&gt;&quot;Fax&quot; &amp; co&lt;/b&gt;" in tile
    assert '<span class="tag">&lt;i&gt;urgent&lt;/i&gt;</span>' in tile
    assert '<span class="tag">forms &amp; letters</span>' in tile
    assert "<strong>Blocked:</strong> &lt;script&gt;x()&lt;/script&gt;" in tile
    assert "<strong>Over WIP limit:</strong> &lt;u&gt;audit&lt;/u&gt;" in tile
    assert "<script>" not in tile and "<b>" not in tile and "<i>" not in tile
    # The title is in the move link's hidden text too, escaped the same way.
    assert '<span class="visually-hidden"> &lt;b&gt;&quot;Fax&quot;' in tile
    assert 'class="card card--blocked"' in tile


def test_a_tile_shows_owners_due_date_labels_and_its_idea(client, lee, sam, board_a, col):
    idea = Idea.objects.create(team=board_a.team, author=sam, title="Pre-fill", problem="x")
    card = actions.create_card(
        board_a,
        title="Pre-fill forms",
        column=col("Plan"),
        owners=[lee, sam],
        due_date=datetime.date(2027, 1, 5),
        idea=idea,
        by=lee,
    )
    plain = actions.create_card(board_a, title="Plain", column=col("Plan"), by=lee)
    body = _board(client, lee, board_a)
    tile = _tile(body, card)
    assert f"{lee.display_name}, {sam.display_name}" in tile and "· due 5 Jan" in tile
    assert '<span class="tag">From an idea</span>' in tile
    assert "Pre-fill</" not in tile  # the idea is mentioned, not named
    assert 'class="card__labels"' not in _tile(body, plain) and "· due" not in _tile(body, plain)


def test_a_hidden_name_is_hidden_on_the_tile_even_from_an_administrator(
    client, lee, sam, ada, board_a, col
):
    """The tile is broadcast to every viewer, so it is written for everyone at once."""
    idea = Idea.objects.create(
        team=board_a.team, author=sam, title="Quiet idea", problem="x", hide_name=True
    )
    card = actions.create_card(
        board_a, title="Quiet card", column=col("Plan"), owners=[sam, lee], idea=idea, by=lee
    )
    for viewer in (lee, ada, sam):
        tile = _tile(_board(client, viewer, board_a), card)
        meta = tile.split('<p class="card__meta">')[1].split("</p>")[0]
        assert sorted(meta.strip().split(", ")) == sorted(
            ["the person who raised it", lee.display_name]
        )
        assert sam.display_name not in tile


def test_stale_cards_say_so_in_the_page_language(client, lee, board_a, col):
    card = actions.create_card(board_a, title="Old", column=col("Plan"), by=lee)
    Card.objects.filter(pk=card.pk).update(
        moved_at=timezone.now() - datetime.timedelta(days=board_a.stale_after_days + 3)
    )
    days = board_a.stale_after_days + 3
    english = _tile(_board(client, lee, board_a), card)
    assert f"Stale: no movement for {days} days" in english and "card--stale" in english
    lee.language = "cy"
    lee.save(update_fields=["language"])
    welsh = _tile(_board(client, lee, board_a), card)
    assert f"Llonydd: dim symudiad ers {days} diwrnod" in welsh
    assert "Symud i…" in welsh and "Move to" not in welsh


def test_the_live_fragment_carries_the_same_tile_as_the_page(client, lee, sam, board_a, col):
    idea = Idea.objects.create(team=board_a.team, author=sam, title="I", problem="x")
    card = actions.create_card(
        board_a,
        title="Shared <tile>",
        column=col("Plan"),
        owners=[lee, sam],
        labels="forms",
        due_date=datetime.date(2027, 3, 1),
        idea=idea,
        by=lee,
    )
    page = _tile(_board(client, lee, board_a), card)
    with translation.override("en-gb"):
        fragment = render_to_string(
            actions.COLUMN_TEMPLATE, queries.columns_context(board_a.pk, [col("Plan").pk])
        )
    assert _tile(fragment, card) == page
