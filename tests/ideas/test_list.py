from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from ideas import actions
from ideas.models import Idea, IdeaFollow


def _titles(response) -> list[str]:
    return [idea.title for idea in response.context["page"].object_list]


def test_anonymous_people_are_sent_to_sign_in(client, db):
    assert client.get(reverse("ideas:list")).status_code == 302


def test_the_list_answers_only_get(client, cast):
    client.force_login(cast["sam"])
    assert client.post(reverse("ideas:list")).status_code == 405


def test_people_see_their_organisations_ideas_and_partner_shared_ones(client, cast, team_a, team_b):
    Idea.objects.create(team=team_a, author=cast["sam"], title="Ours", problem="p")
    Idea.objects.create(team=team_b, author=cast["priya"], title="Police private", problem="p")
    Idea.objects.create(
        team=team_b,
        author=cast["priya"],
        title="Police shared",
        problem="p",
        shared_with_partners=True,
    )
    client.force_login(cast["sam"])
    assert sorted(_titles(client.get(reverse("ideas:list")))) == ["Ours", "Police shared"]
    client.force_login(cast["nobody"])
    assert _titles(client.get(reverse("ideas:list"))) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=accepted", ["Accepted one"]),
        ("kind=stop_doing", ["Stop the tally"]),
        ("waste=motion", ["Stop the tally"]),
        ("q=tally", ["Stop the tally"]),
        ("q=PRINTER", ["Accepted one"]),
        ("q=print+jams", ["Accepted one"]),
        ("q=print+canteen", []),
        ("mine=on", ["Lee's own"]),
        ("following=on", ["Accepted one"]),
        ("sort=-support", ["Accepted one", "Lee's own", "Stop the tally"]),
        ("sort=title", ["Accepted one", "Lee's own", "Stop the tally"]),
    ],
)
def test_filters_and_sorting(client, cast, team_a, query, expected):
    accepted = Idea.objects.create(
        team=team_a, author=cast["sam"], title="Accepted one", problem="The printer jams"
    )
    actions.change_status(accepted, to="accepted", by=cast["lee"])
    Idea.objects.create(
        team=team_a,
        author=cast["sam"],
        title="Stop the tally",
        problem="p",
        kind="stop_doing",
        wastes="motion,processing",
    )
    Idea.objects.create(team=team_a, author=cast["lee"], title="Lee's own", problem="p")
    actions.set_support(accepted, on=True, by=cast["wendy"])
    IdeaFollow.objects.create(idea=accepted, user=cast["lee"])
    client.force_login(cast["lee"])
    titles = _titles(client.get(reverse("ideas:list") + "?" + query))
    if query.startswith("sort=-support"):
        assert titles[0] == "Accepted one"
    else:
        assert sorted(titles) == sorted(expected) if "sort" not in query else titles == expected


def test_team_site_organisation_and_date_filters(client, cast, team_a, team_a2, team_b):
    old = Idea.objects.create(team=team_a, author=cast["sam"], title="Old", problem="p")
    Idea.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    Idea.objects.create(team=team_a2, author=cast["dev"], title="Penmoor", problem="p")
    Idea.objects.create(team=team_a, author=cast["sam"], title="New", problem="p")
    client.force_login(cast["dev"])
    url = reverse("ideas:list")
    assert sorted(_titles(client.get(f"{url}?team={team_a.pk}"))) == ["New", "Old"]
    assert _titles(client.get(f"{url}?site={team_a2.site_id}")) == ["Penmoor"]
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    assert sorted(_titles(client.get(f"{url}?raised_from={since}"))) == ["New", "Penmoor"]
    until = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    assert _titles(client.get(f"{url}?raised_to={until}")) == ["Old"]
    assert len(_titles(client.get(f"{url}?organisation={team_a.site.organisation_id}"))) == 3
    # Another organisation's team is not a choice: the filter is invalid, nothing leaks.
    assert _titles(client.get(f"{url}?team={team_b.pk}")) == []


def test_htmx_gets_only_the_results_and_the_filters_keep_the_url(client, cast, idea):
    client.force_login(cast["sam"])
    full = client.get(reverse("ideas:list")).content.decode()
    assert 'data-hx-push-url="true"' in full and "<form" in full
    partial = client.get(reverse("ideas:list") + "?q=claim", headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert body.lstrip().startswith('<section id="idea-results"') and "<form" not in body
    assert "Pre-fill the claim form" in body and "export.csv?q=claim" in body


def test_the_list_paginates(client, cast, team_a, make_ideas):
    make_ideas(30, team=team_a)
    client.force_login(cast["sam"])
    first = client.get(reverse("ideas:list") + "?kind=improvement").content.decode()
    assert "Page 1 of 2" in first and "?kind=improvement&amp;page=2" in first
    assert len(_titles(client.get(reverse("ideas:list") + "?page=2"))) == 5


def _csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_export_follows_the_filters_and_never_leaks_hidden_names(client, cast, team_a):
    Idea.objects.create(
        team=team_a, author=cast["sam"], title="Secret", problem="p", hide_name=True
    )
    Idea.objects.create(team=team_a, author=cast["lee"], title="=cmd|calc", problem="p")
    client.force_login(cast["maya"])
    response = client.get(reverse("ideas:export") + "?q=secret")
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert [(r["Title"], r["Raised by"]) for r in rows] == [("Secret", "Name hidden")]
    assert "Sam" not in b"".join(client.get(reverse("ideas:export")).streaming_content).decode()
    titles = [r["Title"] for r in _csv(client.get(reverse("ideas:export")))]
    assert "'=cmd|calc" in titles
    client.force_login(cast["ada"])
    assert _csv(client.get(reverse("ideas:export") + "?q=secret"))[0]["Raised by"] == "Sam"


def test_the_list_never_shows_hidden_names_to_non_admins(client, cast, team_a):
    Idea.objects.create(
        team=team_a, author=cast["wendy"], title="Secret", problem="p", hide_name=True
    )
    client.force_login(cast["lee"])
    body = client.get(reverse("ideas:list")).content.decode()
    assert "Name hidden" in body and "Wendy" not in body


def test_red_tape_hours_are_totalled_proposed_and_realised(client, cast, team_a):
    common = {"team": team_a, "author": cast["sam"], "problem": "p", "kind": "stop_doing"}
    Idea.objects.create(title="A", minutes_per_occurrence=30, occurrences_per_year=1000, **common)
    Idea.objects.create(
        title="B",
        minutes_per_occurrence=6,
        occurrences_per_year=500,
        status="implemented",
        **common,
    )
    Idea.objects.create(
        title="C", minutes_per_occurrence=60, occurrences_per_year=99, status="declined", **common
    )
    client.force_login(cast["sam"])
    response = client.get(reverse("ideas:burden-queue"))
    hours = response.context["hours"]
    assert (hours.proposed, hours.realised, hours.burdens) == (550, 50, 2)
    assert "<dd>550.0</dd>" in response.content.decode()


@pytest.mark.parametrize("n", [1, 200])
def test_the_list_query_count_is_flat(
    client, cast, team_a, make_ideas, n, django_assert_max_num_queries
):
    ideas = make_ideas(n, team=team_a, hide_name=True)
    actions.set_support(ideas[0], on=True, by=cast["wendy"])
    client.force_login(cast["lee"])
    with django_assert_max_num_queries(14):
        assert client.get(reverse("ideas:list") + "?sort=-support&overdue=").status_code == 200
    with django_assert_max_num_queries(14):
        response = client.get(reverse("ideas:export"))
        assert len(_csv(response)) == n


@pytest.mark.parametrize("n", [1, 200])
def test_the_detail_query_count_is_flat(
    client, cast, team_a, make_ideas, n, django_assert_max_num_queries
):
    ideas = make_ideas(n, team=team_a)
    target = ideas[0]
    for other in ideas[1:]:
        other.merged_into = target
    Idea.objects.bulk_update(ideas[1:], ["merged_into"])
    for i, person in enumerate(["wendy", "maya", "dev"][: min(n, 3)]):
        actions.add_comment(target, body=f"comment {i}", by=cast[person])
        actions.set_support(target, on=True, by=cast[person])
    client.force_login(cast["lee"])
    with django_assert_max_num_queries(20):
        assert client.get(target.get_absolute_url()).status_code == 200


def test_a_long_list_is_counted_only_up_to_a_cap(client, cast, team_a, make_ideas, monkeypatch):
    from ideas.pagination import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 10)
    make_ideas(12, team=team_a)
    client.force_login(cast["sam"])
    body = client.get(reverse("ideas:list")).content.decode()
    assert "10+ ideas" in body


@pytest.mark.parametrize("n", [1, 200])
def test_the_other_idea_pages_query_counts_are_flat(
    client, cast, team_a, make_ideas, n, django_assert_max_num_queries
):
    ideas = make_ideas(n, team=team_a, kind="stop_doing", burden_owner="regulator")
    Idea.objects.filter(pk__in=[i.pk for i in ideas]).update(
        routed_at=timezone.now(), reply_due_on=timezone.localdate()
    )
    client.force_login(cast["lee"])
    for url in (
        reverse("ideas:new"),
        reverse("ideas:similar") + "?title=idea+number",
        reverse("ideas:burden-queue"),
    ):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


def _line(body: str, title: str) -> str:
    """The list item of the idea titled ``title``."""
    start = body[: body.index(title)].rindex("<li")
    return body[start : body.index("</li>", start)]


@pytest.mark.parametrize(
    ("language", "counted", "quiet"),
    [
        ("en-gb", ["Accepted", "Stop doing (red tape)", "1 support", "2 comments"], "0 supports"),
        ("cy", ["Derbyniwyd", "1 cefnogwr", "2 sylw"], "0 cefnogwr"),
    ],
)
def test_each_idea_is_listed_with_its_labels_and_counts_in_words(
    client, cast, team_a, language, counted, quiet
):
    from tests.welsh_helpers import ensure_welsh_compiled

    ensure_welsh_compiled()
    idea = Idea.objects.create(
        team=team_a,
        author=cast["sam"],
        title="Counted <one>",
        problem="p",
        status=Idea.Status.ACCEPTED,
        kind=Idea.Kind.STOP_DOING,
    )
    actions.set_support(idea, on=True, by=cast["lee"])
    for text in ("First", "Second"):
        actions.add_comment(idea, body=text, by=cast["lee"])
    Idea.objects.create(team=team_a, author=cast["lee"], title="Quiet", problem="p")
    cast["lee"].language = language
    cast["lee"].save(update_fields=["language"])
    client.force_login(cast["lee"])
    body = client.get(reverse("ideas:list")).content.decode()
    line = _line(body, "Counted &lt;one&gt;")
    assert f'<a href="{idea.get_absolute_url()}">' in line
    assert 'class="status status--accepted"' in line
    assert f"{team_a.name}, {team_a.site.name}" in line and "Sam" in line
    for words in counted:
        assert words in line, words
    assert quiet in _line(body, "Quiet")


def test_ideas_are_marked_overdue_by_their_own_organisations_target(client, cast, team_a, team_b):
    """Each listed idea waits against the first-response target of its team's organisation:
    a partner's shared idea by the partner's, not the viewer's."""
    team_b.site.organisation.first_response_days = 30
    team_b.site.organisation.save(update_fields=["first_response_days"])
    now = timezone.now()
    ages = {
        ("Ours, ten days", team_a, False): 10,
        ("Ours, answered", team_a, False): 10,
        ("Ours, accepted", team_a, False): 10,
        ("Ours, yesterday", team_a, False): 1,
        ("Police, ten days", team_b, True): 10,
        ("Police, forty days", team_b, True): 40,
    }
    for (title, team, shared), days in ages.items():
        idea = Idea.objects.create(
            team=team, author=cast["sam"], title=title, problem="p", shared_with_partners=shared
        )
        Idea.objects.filter(pk=idea.pk).update(
            created_at=now - datetime.timedelta(days=days),
            first_response_at=now if title == "Ours, answered" else None,
            status=Idea.Status.ACCEPTED if title == "Ours, accepted" else Idea.Status.NEW,
        )
    client.force_login(cast["sam"])
    body = client.get(reverse("ideas:list")).content.decode()
    overdue = {
        title for (title, _team, _shared) in ages if 'class="idea--overdue"' in _line(body, title)
    }
    assert overdue == {"Ours, ten days", "Police, forty days"}


@pytest.mark.parametrize("who", ["sam", "pat", "ada"])
def test_the_team_site_and_organisation_filters_offer_what_djangos_own_fields_would(
    cast, team_a, team_a2, team_a_coaches, team_b, who
):
    """Their choices are read as rows (teams and sites from one query): the same options, in
    the same order, with the same labels and the same one selected as Django's own model choice
    fields of the same querysets write through Django's own templates."""
    from django import forms
    from django.forms.renderers import DjangoTemplates
    from django.http import QueryDict

    from ideas import queries
    from ideas.filters import IdeaFilter

    user = cast[who]
    chosen = {
        "team": team_a.pk,
        "site": team_a2.site_id,
        "organisation": team_b.site.organisation_id,
    }
    for data in ({}, chosen):
        query = QueryDict(mutable=True)
        query.update(data)
        filterset = IdeaFilter(
            query,
            queryset=Idea.objects.visible_to(user),
            user=user,
            organisations=queries.organisations_for_overdue(user),
        )
        filterset.is_valid()
        for name in ("team", "site", "organisation"):
            ours = filterset.form[name]

            class Theirs(forms.Form):
                locals()[name] = forms.ModelChoiceField(
                    filterset.filters[name].queryset,
                    required=False,
                    empty_label=ours.field.empty_label,
                )

            theirs = Theirs(query, renderer=DjangoTemplates())[name]
            assert str(ours) == str(theirs), (name, data)
            assert str(ours).count("<option") > 1, name
            if data:
                assert f'<option value="{data[name]}" selected>' in str(ours), name
