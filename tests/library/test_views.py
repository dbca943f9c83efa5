"""The library's pages: who sees which entries, the list's filters on real rows, an entry's
linked evidence only where the person may open it, publishing, "Try this here", thanks, the
search, and query counts that stay flat."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from leanhub import policy, search
from library import actions
from library.models import Entry
from metrics.models import CycleMeasure, Measure, Observation, Saving
from recognition.models import Thanks
from tests.library.conftest import adopted_cycle, publish

LIST = reverse("library:list")


def _titles(client, user, **query) -> str:
    client.force_login(user)
    response = client.get(LIST, query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_shows_own_organisations_entries_and_the_templates(client, entry, cast):
    body = _titles(client, cast["sam"])
    assert f'<a href="{entry.get_absolute_url()}">{entry.title}</a>' in body
    assert "5S workplace audit" in body and "Gemba walk checklist" in body
    assert entry.title not in _titles(client, cast["priya"])  # another agency
    assert "A3 problem-solving sheet" in _titles(client, cast["priya"])


def test_an_entry_shared_with_partners_is_seen_in_its_place_only(client, cast, team_a, lee):
    shared = publish(team_a, lee, title="Shared reminders", shared=True)
    assert shared.title in _titles(client, cast["priya"])
    assert shared.title in _titles(client, cast["pat"])
    for who in ("priya", "pat", "dev", "nobody"):
        assert policy.can(cast[who], "view_library_entry", shared) == (who != "nobody")
    assert (
        Entry.objects.filter(policy.library_entry_q(cast["nobody"]))
        .filter(team__isnull=False)
        .count()
        == 0
    )


def test_an_entry_page_answers_404_outside_its_reach(client, entry, cast):
    client.force_login(cast["priya"])
    assert client.get(entry.get_absolute_url()).status_code == 404
    client.force_login(cast["sam"])
    assert client.get(entry.get_absolute_url()).status_code == 200
    client.logout()
    assert client.get(entry.get_absolute_url()).status_code == 302


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"theme": "contact"}, "Phone back the same day", "Text reminders"),
        ({"waste": "defects"}, "Phone back the same day", "Text reminders"),
        ({"q": "reminders"}, "Text reminders", "Phone back the same day"),
        ({"kind": "template"}, "Standard work sheet", "Text reminders"),
        ({"service": "jobcentre"}, "Text reminders", "Standard work sheet"),
        ({"service": "police"}, "", "Text reminders"),
    ],
)
def test_the_filters_narrow_the_list(client, cast, team_a, lee, query, shown, hidden):
    publish(team_a, lee, title="Text reminders before appointments", wastes=["waiting"])
    publish(team_a, lee, title="Phone back the same day", theme="contact", wastes=["defects"])
    body = _titles(client, cast["sam"], **query)
    assert shown in body
    assert hidden not in body


def test_the_filter_answers_htmx_with_the_results_alone(client, cast, entry):
    client.force_login(cast["sam"])
    body = client.get(LIST, {"q": "reminders"}, headers={"HX-Request": "true"}).content.decode()
    assert body.lstrip().startswith('<section id="entry-results"')
    assert entry.title in body


def test_the_entry_shows_its_measure_savings_and_who_to_ask_to_those_who_may_open_them(
    client, cast, team_a, lee, maya
):
    entry = publish(team_a, lee, title="Shared reminders", shared=True)
    measure = Measure.objects.create(
        name="Wasted trips a week", unit="trips", team=team_a, created_by=lee
    )
    today = timezone.localdate()
    Observation.objects.bulk_create(
        Observation(measure=measure, date=today - datetime.timedelta(weeks=k), value=10 + k % 3)
        for k in range(20)
    )
    CycleMeasure.objects.create(cycle=entry.cycle, measure=measure, change_date=today)
    saving = Saving.objects.create(
        title="Fewer wasted trips", team=team_a, card=entry.cycle.card, kind=Saving.Kind.CASHABLE,
        amount=Decimal("5000"), start_date=today, invested_by=team_a.site.organisation,
        benefits=team_a.site.organisation, evidence="Counted", claimed_by=lee,
        status=Saving.Status.VERIFIED, decided_by=maya,
    )  # fmt: skip
    client.force_login(cast["sam"])
    body = client.get(entry.get_absolute_url()).content.decode()
    assert "Wasted trips a week" in body and "SPC reading:" in body and "Rules:" in body
    assert saving.get_absolute_url() in body
    assert "Who to ask" in body and "Lee" in body
    # A partner agency reads what changed, but not the measure, the savings nor the card.
    client.force_login(cast["priya"])
    body = client.get(entry.get_absolute_url()).content.decode()
    assert "We text customers" in body
    assert measure.get_absolute_url() not in body
    assert saving.get_absolute_url() not in body
    assert entry.cycle.card.get_absolute_url() not in body


def test_a_lead_publishes_from_the_cycle_page_with_a_draft(client, cast, team_a, lee):
    cycle = adopted_cycle(team_a, lee, title="Text reminders")
    client.force_login(lee)
    fragment = client.get(reverse("library:cycle-library", args=[cycle.pk])).content.decode()
    publish_url = reverse("library:publish", args=[cycle.pk])
    assert publish_url in fragment
    form = client.get(publish_url).content.decode()
    assert "Text every customer the day before" in form
    refused = client.post(
        publish_url, {"title": "Text reminders", "summary": "", "theme": "waiting"}
    )
    assert refused.status_code == 400 and not Entry.objects.filter(cycle=cycle).exists()
    done = client.post(
        publish_url,
        {
            "title": "Text reminders",
            "summary": "Texts",
            "theme": "waiting",
            "wastes": ["waiting"],
            "contact": lee.pk,
        },
    )
    entry = Entry.objects.get(cycle=cycle)
    assert done.url == entry.get_absolute_url() and entry.contact == lee
    fragment = client.get(reverse("library:cycle-library", args=[cycle.pk])).content.decode()
    assert entry.get_absolute_url() in fragment
    client.force_login(cast["sam"])
    assert client.get(publish_url).status_code == 403


def test_try_this_here_from_the_entry_page(client, cast, entry, team_a_coaches, wendy, sam):
    client.force_login(wendy)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "Try this here" in page and "Work Coaches" in page
    url = reverse("library:entry-try", args=[entry.pk])
    response = client.post(url, {"team": team_a_coaches.pk})
    card = entry.adoptions.get().card
    assert response.url == card.get_absolute_url()
    again = client.post(url, {"team": team_a_coaches.pk})
    assert again.status_code == 400 and "already trying" in again.content.decode()
    # Sam works only in the entry's own team: no board to offer, and a clear refusal.
    client.force_login(sam)
    assert "You work in no other team" in client.get(entry.get_absolute_url()).content.decode()
    refused = client.post(url, {"team": team_a_coaches.pk}, follow=True)
    assert "You work in no other team" in refused.content.decode()


def test_an_entry_is_thanked_and_its_people_told(client, cast, entry, sam, lee):
    client.force_login(sam)
    url = reverse("recognition:entry-thanks", args=[entry.pk])
    body = client.post(
        url, {"message": "Copied it"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "Thanked by 1 person." in body
    assert Thanks.objects.get(entry=entry).message == "Copied it"
    assert lee.notifications.filter(message__contains="library entry").exists()
    client.force_login(cast["priya"])
    assert client.get(url).status_code == 404


def test_a_library_spread_credits_both_teams_on_the_roll(
    client, cast, entry, team_a_coaches, wendy, maya
):
    actions.try_here(entry, team=team_a_coaches, by=wendy)
    client.force_login(maya)
    body = client.get(reverse("recognition:site-roll", args=[entry.team.site_id])).content.decode()
    assert f'<a href="{entry.get_absolute_url()}">{entry.title}</a>' in body
    assert "from New Claims, tried by Work Coaches from the library" in body


def test_the_header_search_finds_entries_a_person_may_open(cast, entry):
    found = search.search(cast["sam"], "reminders", only="library")
    assert [h.url for g in found.groups for h in g.hits] == [entry.get_absolute_url()]
    assert search.search(cast["priya"], "reminders", only="library").count == 0


@pytest.mark.parametrize("n", [1, 12])
def test_the_list_and_entry_queries_stay_flat(
    client, cast, team_a, team_a_coaches, lee, wendy, n, django_assert_max_num_queries
):
    from leanhub.models import Membership, Role, Team

    for k in range(n):
        team = Team.objects.create(name=f"Team {k}", site=team_a.site)
        Membership.objects.create(user=lee, team=team, role=Role.LEAD)
        policy.forget(lee)
        e = publish(team_a, lee, title=f"Entry {k}", shared=bool(k % 2))
        actions.try_here(e, team=team, by=lee)
    entry = Entry.objects.filter(team=team_a).first()
    policy.forget(lee)
    client.force_login(lee)
    with django_assert_max_num_queries(14):
        assert client.get(LIST).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(entry.get_absolute_url()).status_code == 200
