"""Improvements are kaizen cards as well as ideas: savings are claimed from a card, outcomes
recorded for a card, and the card's page shows both (as a fragment metrics serves, which the
page loads). A card's idea comes along with it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from ideas.models import Idea
from kaizen import actions as kaizen_actions
from metrics import actions
from metrics.models import Measure, Outcome, Saving

HTMX = {"HTTP_HX_REQUEST": "true"}
PERIODS = {"baseline_start": "2026-01-01", "baseline_end": "2026-02-10",
           "after_start": "2026-02-16", "after_end": "2026-03-31"}  # fmt: skip


@pytest.fixture
def idea(team_a, sam) -> Idea:
    return Idea.objects.create(
        team=team_a, author=sam, title="Pre-fill claim forms", problem="Retyping",
        status=Idea.Status.IN_PROGRESS,
    )  # fmt: skip


@pytest.fixture
def card(team_a, lee, idea):
    board = kaizen_actions.ensure_team_board(team_a)
    return kaizen_actions.create_card(board, title="Trial pre-filled forms", idea=idea, by=lee)


@pytest.fixture
def joint_card(team_a, team_b, ada, lee):
    board = kaizen_actions.create_joint_board(
        name="Carrow joint triage", teams=[team_a, team_b], by=ada
    )
    return kaizen_actions.create_card(board, title="One shared referral form", by=lee)


def _claim(**changes) -> dict:
    data = {
        "title": "Time released by pre-filled forms", "kind": "time", "amount": "1200",
        "recurrence": "recurring", "start_date": "2026-03-01", "stage": "realised",
        "evidence": "14 minutes on 5,200 claims a year",
    }  # fmt: skip
    return {**data, **changes}


def test_a_lead_claims_a_saving_from_a_card_and_the_cards_idea_comes_with_it(
    client, lee, team_a, org_a, card, idea
):
    client.force_login(lee)
    url = reverse("metrics:saving-new", args=[team_a.pk])
    form = client.get(url, {"card": card.pk}).content.decode()
    assert f'<option value="{card.pk}" selected>Trial pre-filled forms (New Claims board)' in form
    response = client.post(url, _claim(card=card.pk, invested_by=org_a.pk, benefits=org_a.pk))
    saving = Saving.objects.get()
    assert response.status_code == 302 and response.url == saving.get_absolute_url()
    assert saving.card == card and saving.idea == idea
    page = client.get(saving.get_absolute_url()).content.decode()
    assert f'Kaizen card: <a href="{card.get_absolute_url()}">Trial pre-filled forms</a>' in page
    assert f'<a href="{idea.get_absolute_url()}">Pre-fill claim forms</a>' in page


def test_the_action_fills_the_idea_from_the_card(team_a, lee, card, idea, saving_fields):
    saving = actions.claim_saving(team_a, fields={**saving_fields, "card": card}, by=lee)
    saving.refresh_from_db()
    assert saving.card == card and saving.idea == idea


def test_changing_a_claim_to_a_card_links_the_cards_idea(claimed, lee, card, idea):
    actions.update_saving(claimed, fields={"card": card, "idea": None}, expected_version=1, by=lee)
    claimed.refresh_from_db()
    assert claimed.card == card and claimed.idea == idea and claimed.version == 2


def test_it_refuses_an_idea_that_is_not_the_cards(team_a, lee, sam, card, saving_fields):
    other = Idea.objects.create(team=team_a, author=sam, title="Something else", problem="p")
    with pytest.raises(ValueError, match="another idea"):
        actions.claim_saving(team_a, fields={**saving_fields, "card": card, "idea": other}, by=lee)
    assert not Saving.objects.exists()


def test_the_claim_form_says_when_the_idea_is_not_the_cards(client, lee, sam, team_a, org_a, card):
    other = Idea.objects.create(team=team_a, author=sam, title="Something else", problem="p")
    client.force_login(lee)
    response = client.post(
        reverse("metrics:saving-new", args=[team_a.pk]),
        _claim(card=card.pk, idea=other.pk, invested_by=org_a.pk, benefits=org_a.pk),
    )
    assert "That card works on another idea" in response.content.decode()
    assert not Saving.objects.exists()


def test_a_card_on_a_joint_board_the_team_is_on_may_be_claimed_from(
    client, lee, team_a, org_a, joint_card
):
    client.force_login(lee)
    url = reverse("metrics:saving-new", args=[team_a.pk])
    assert "One shared referral form (Carrow joint triage)" in client.get(url).content.decode()
    client.post(url, _claim(card=joint_card.pk, invested_by=org_a.pk, benefits=org_a.pk))
    saving = Saving.objects.get()
    assert saving.card == joint_card and saving.idea is None


def test_a_lead_of_another_team_cannot_claim_from_a_card_not_theirs(
    client, olu, team_b, org_b, card, saving_fields
):
    client.force_login(olu)
    url = reverse("metrics:saving-new", args=[team_b.pk])
    assert "Trial pre-filled forms" not in client.get(url).content.decode()
    response = client.post(url, _claim(card=card.pk, invested_by=org_b.pk, benefits=org_b.pk))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    with pytest.raises(PermissionDenied, match="not on the team"):
        actions.claim_saving(
            team_b, fields={**saving_fields, "card": card, "invested_by": org_b,
                            "benefits": org_b}, by=olu,
        )  # fmt: skip
    assert not Saving.objects.exists()


def test_a_lead_records_a_cards_outcome_with_before_after_and_gain(
    client, lee, card, idea, measure, make_observations
):
    make_observations(measure, [50] * 6 + [40] * 6, start=date(2026, 1, 5))
    client.force_login(lee)
    url = reverse("metrics:outcome-new-card", args=[card.pk])
    assert "Outcome of “Trial pre-filled forms”" in client.get(url).content.decode()
    response = client.post(url, {"measure": measure.pk, **PERIODS})
    assert response.status_code == 302 and response.url == card.get_absolute_url()
    outcome = Outcome.objects.get()
    assert outcome.card == card and outcome.idea == idea and outcome.team == card.board.team
    assert outcome.before_mean == Decimal("50") and outcome.after_mean == Decimal("40")
    assert outcome.gain_percent == Decimal("20.0")


def test_a_card_without_an_idea_has_an_outcome_of_its_own(lee, team_a, measure):
    board = kaizen_actions.ensure_team_board(team_a)
    card = kaizen_actions.create_card(board, title="Tidy the post room", by=lee)
    outcome = actions.record_outcome(
        card, measure=measure, by=lee,
        periods={k: date.fromisoformat(v) for k, v in PERIODS.items()},
    )  # fmt: skip
    assert outcome.idea is None and outcome.improvement == card
    assert str(outcome) == "Tidy the post room on Minutes per new claim"


def test_an_outcome_must_name_an_improvement(team_a, measure):
    with pytest.raises(IntegrityError), transaction.atomic():
        Outcome.objects.create(
            measure=measure, team=team_a,
            **{k: date.fromisoformat(v) for k, v in PERIODS.items()},
        )  # fmt: skip


@pytest.mark.parametrize(("who", "status"), [("sam", 403), ("olu", 404), ("maya", 200)])
def test_only_the_cards_leads_record_its_outcome(client, cast, card, who, status):
    client.force_login(cast[who])
    assert client.get(reverse("metrics:outcome-new-card", args=[card.pk])).status_code == status


def test_a_joint_board_card_asks_whose_outcome_it_is(
    client, dev, ada, team_a, team_a2, site_a2, make_observations
):
    board = kaizen_actions.create_joint_board(name="Two sites", teams=[team_a, team_a2], by=ada)
    card = kaizen_actions.create_card(board, title="Shared phone rota", by=ada)
    penmoor = Measure.objects.create(name="Penmoor waits", unit="min", improvement="decrease",
                                     site=site_a2)  # fmt: skip
    make_observations(penmoor, [30] * 6 + [24] * 6, start=date(2026, 1, 5))
    client.force_login(dev)  # manages both teams
    url = reverse("metrics:outcome-new-card", args=[card.pk])
    assert "Whose outcome is it?" in client.get(url).content.decode()
    refused = client.post(url, {"team": team_a.pk, "measure": penmoor.pk, **PERIODS})
    assert "Choose a measure of that team" in refused.content.decode()
    assert (
        client.post(url, {"team": team_a2.pk, "measure": penmoor.pk, **PERIODS}).status_code == 302
    )
    outcome = Outcome.objects.get()
    assert outcome.team == team_a2 and outcome.gain_percent == Decimal("20.0")


def test_the_card_page_lists_its_outcomes_and_savings_and_offers_to_add_them(
    client, lee, sam, team_a, card, measure, saving_fields
):
    saving = actions.claim_saving(team_a, fields={**saving_fields, "card": card}, by=lee)
    actions.record_outcome(
        card, measure=measure, by=lee,
        periods={k: date.fromisoformat(v) for k, v in PERIODS.items()},
    )  # fmt: skip
    outcome_url = reverse("metrics:outcome-new-card", args=[card.pk])
    claim_url = reverse("metrics:saving-new", args=[team_a.pk]) + f"?card={card.pk}"
    results_url = reverse("metrics:card-results", args=[card.pk])
    client.force_login(lee)
    card_page = client.get(card.get_absolute_url()).content.decode()
    assert f'data-hx-get="{results_url}" data-hx-trigger="load"' in card_page
    assert f'href="{results_url}"' in card_page  # for browsers without script
    assert "style=" not in card_page and "<script>" not in card_page
    page = client.get(results_url, **HTMX).content.decode()
    assert '<h2 id="results-heading">What it achieved</h2>' in page
    assert f'<a href="{measure.get_absolute_url()}">Minutes per new claim</a>' in page
    assert f'<a href="{saving.get_absolute_url()}">{saving.title}</a>' in page
    assert f'href="{outcome_url}">Record an outcome</a>' in page
    assert f'href="{claim_url}">Claim a saving</a>' in page
    assert "style=" not in page and "<script>" not in page
    client.force_login(sam)  # staff see what it achieved, but do not claim
    page = client.get(results_url, **HTMX).content.decode()
    assert saving.title in page and outcome_url not in page and claim_url not in page


def test_the_dashboard_rows_name_the_improvement(
    client, lee, maya, team_a, site_a1, card, idea, measure, saving_fields
):
    from django.utils import timezone

    actions.claim_saving(team_a, fields={**saving_fields, "card": card}, by=lee)
    actions.claim_saving(team_a, fields={**saving_fields, "title": "No improvement"}, by=lee)
    actions.claim_saving(team_a, fields={**saving_fields, "title": "From the idea", "idea": idea},
                         by=lee)  # fmt: skip
    today = timezone.localdate()
    periods = {"baseline_start": date(today.year - 1, 1, 1),
               "baseline_end": date(today.year - 1, 1, 31),
               "after_start": date(today.year - 1, 2, 1), "after_end": today}  # fmt: skip
    actions.record_outcome(card, measure=measure, by=lee, periods=periods)
    Outcome.objects.create(idea=idea, measure=measure, team=team_a, **periods)
    client.force_login(maya)
    link = f'<a href="{card.get_absolute_url()}">Trial pre-filled forms</a>'
    for what in ("savings", "outcomes"):
        page = client.get(reverse("metrics:rows", args=["site", site_a1.pk, what]))
        assert link in page.content.decode()
    csv = (
        client.get(reverse("metrics:rows", args=["site", site_a1.pk, "savings"]), {"format": "csv"})
        .getvalue()
        .decode()
    )
    lines = csv.splitlines()
    assert lines[0].startswith("Saving,Improvement,Team,")
    assert "No improvement,,New Claims" in csv
    assert f"{saving_fields['title']},Trial pre-filled forms,New Claims" in csv
    assert "From the idea,Pre-fill claim forms,New Claims" in csv
    outcomes = (
        client.get(
            reverse("metrics:rows", args=["site", site_a1.pk, "outcomes"]), {"format": "csv"}
        )
        .getvalue()
        .decode()
    )
    named = sorted(line.split(",")[:3] for line in outcomes.splitlines()[1:])
    assert named == [
        ["Pre-fill claim forms", "New Claims", "Minutes per new claim"],
        ["Trial pre-filled forms", "New Claims", "Minutes per new claim"],
    ]


@pytest.mark.parametrize("n", [1, 25])
def test_the_card_page_query_count_is_flat(
    client, lee, team_a, card, measure, make_savings, n, django_assert_max_num_queries
):
    make_savings(n, team=team_a, claimed_by=lee, card=card)
    Outcome.objects.bulk_create(
        Outcome(card=card, measure=measure, team=team_a, baseline_start=date(2026, 1, 1),
                baseline_end=date(2026, 1, 31), after_start=date(2026, 2, 1),
                after_end=date(2026, 2, 28))
        for _ in range(n)
    )  # fmt: skip
    client.force_login(lee)
    with django_assert_max_num_queries(16):
        assert client.get(card.get_absolute_url()).status_code == 200
    # What it achieved: the fragment the page loads.
    with django_assert_max_num_queries(8):
        page = client.get(reverse("metrics:card-results", args=[card.pk]), **HTMX)
    assert page.content.decode().count("Minutes per new claim</a>") == n
