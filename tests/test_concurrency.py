"""Crowds lose nothing: many people doing the same thing at the same moment leave exact counts,
positions and audit rows.

Each test releases a crowd of real threads at once, each with its own database connection, on
the real actions. Only PostgreSQL shows what the crowd does (SQLite writes one at a time), so
these run only there; CI runs the suite on PostgreSQL.

The crowd is 50 strong: 50 connections of the threads plus the test's own stay well inside
PostgreSQL's default ``max_connections`` of 100.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from ideas import actions as idea_actions
from ideas.models import Idea, IdeaSupport
from kaizen import actions as kaizen_actions
from kaizen.models import Board, Card, CardMove, Column
from leanhub.models import AuditEvent, Membership, Role, Site, Team, User
from leanhub.spreadsheets import AlreadyImported
from metrics import actions as metrics_actions
from metrics import pulses
from metrics.models import Observation, Saving, Survey, SurveyResponse
from tests.survey_helpers import days_answered, days_counted

CROWD = 50

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="a crowd of simultaneous writers needs PostgreSQL "
        "(SQLite writes one at a time; run with DATABASE_URL=postgres://…)",
    ),
    pytest.mark.django_db(transaction=True),
]


def crowd(n: int, ready: Callable[[int], Callable[[], Any]]) -> list[Any]:
    """Run ``n`` people at once, each in a thread with its own database connection.

    ``ready(i)`` runs first in person ``i``'s thread (loading what they have on screen, which
    opens their connection) and returns what they then do; all ``n`` do it at the same moment.
    Returns what each one's action returned, or the exception it raised, in order of ``i``."""
    barrier = threading.Barrier(n, timeout=60)
    outcomes: list[Any] = [None] * n

    def person(i: int) -> None:
        try:
            try:
                act = ready(i)
            except BaseException:
                barrier.abort()
                raise
            barrier.wait()
            outcomes[i] = act()
        except Exception as error:
            outcomes[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=person, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a person never finished"
    return outcomes


def people(n: int, *, role: str, prefix: str, **scope: Any) -> list[User]:
    """``n`` people with ``role`` in ``scope`` (a team or a site)."""
    users = [
        User.objects.create(
            username=f"{prefix}{i}", full_name=f"{prefix.title()} {i}", email=f"{prefix}{i}@x.org"
        )
        for i in range(n)
    ]
    Membership.objects.bulk_create(Membership(user=u, role=role, **scope) for u in users)
    return users


@pytest.fixture
def staff(team_a: Team) -> list[User]:
    return people(CROWD, role=Role.STAFF, prefix="staff", team=team_a)


def test_a_crowd_supporting_one_idea_leaves_an_exact_count(team_a: Team, sam: User, staff):
    idea = Idea.objects.create(team=team_a, author=sam, title="Pre-fill the form", problem="p")

    def ready(i: int) -> Callable[[], int]:
        mine, me = Idea.objects.get(pk=idea.pk), User.objects.get(pk=staff[i].pk)
        return lambda: idea_actions.set_support(mine, on=True, by=me)

    outcomes = crowd(CROWD, ready)

    assert not [o for o in outcomes if isinstance(o, Exception)]
    idea.refresh_from_db()
    rows = IdeaSupport.objects.filter(idea=idea).count()
    assert (rows, idea.support_count) == (CROWD, CROWD)
    # The last to finish saw everyone's support.
    assert max(outcomes) == CROWD


def test_a_crowd_moving_cards_into_one_column_leaves_exact_positions(
    team_a: Team, lee: User, staff
):
    board = kaizen_actions.ensure_team_board(team_a)
    column = {c.name: c for c in board.columns.all()}
    here = [
        kaizen_actions.create_card(board, title=f"Already {i}", column=column["Do"], by=lee)
        for i in range(3)
    ]
    cards = [
        kaizen_actions.create_card(
            board,
            title=f"Card {i}",
            column=column["To try" if i % 2 else "Plan"],
            owners=[person],
            by=lee,
        )
        for i, person in enumerate(staff)
    ]
    versions = {c.pk: c.version for c in cards}

    def ready(i: int) -> Callable[[], Card]:
        card = Card.objects.get(pk=cards[i].pk)
        to, me = Column.objects.get(pk=column["Do"].pk), User.objects.get(pk=staff[i].pk)
        return lambda: kaizen_actions.move_card(
            card, to=to, position=i % 5, expected_version=versions[card.pk], by=me
        )

    outcomes = crowd(CROWD, ready)

    assert not [o for o in outcomes if isinstance(o, Exception)]
    done = list(Card.objects.filter(column=column["Do"]).order_by("position", "pk"))
    assert [c.position for c in done] == list(range(len(here) + CROWD))
    assert {c.pk for c in done} == {c.pk for c in here + cards}
    # Inserting others never reorders the cards that were there.
    assert [c.title for c in done if c.title.startswith("Already")] == [c.title for c in here]
    assert not Card.objects.filter(column__in=[column["To try"], column["Plan"]]).exists()
    assert all(c.version == versions[c.pk] + 1 for c in done if c.pk in versions)
    moves = CardMove.objects.filter(card__in=cards, to_column=column["Do"])
    assert sorted(moves.values_list("card_id", flat=True)) == sorted(versions)
    audited = AuditEvent.objects.filter(verb="card.moved")
    assert sorted(int(pk) for pk in audited.values_list("target_id", flat=True)) == sorted(versions)


def test_imports_and_cards_added_at_once_leave_exact_positions(team_a: Team, lee: User, staff):
    board = kaizen_actions.ensure_team_board(team_a)
    column = Column.objects.get(board=board, name="To try")
    here = [kaizen_actions.create_card(board, title=f"Already {i}", by=lee) for i in range(3)]

    def ready(i: int) -> Callable[[], Any]:
        mine, to = Board.objects.get(pk=board.pk), Column.objects.get(pk=column.pk)
        if i % 2:
            me = User.objects.get(pk=staff[i].pk)
            return lambda: kaizen_actions.create_card(mine, title=f"Added {i}", by=me)
        lead = User.objects.get(pk=lee.pk)
        cards = [
            kaizen_actions.NewCard(row=n + 2, title=f"Imported {i}.{n}", column=to)
            for n in range(3)
        ]
        return lambda: kaizen_actions.import_cards(
            mine, cards=cards, filename="b.csv", key=f"import {i}", by=lead
        )

    outcomes = crowd(CROWD, ready)

    assert not [o for o in outcomes if isinstance(o, Exception)]
    cards = list(Card.objects.filter(column=column).order_by("position", "pk"))
    assert [c.position for c in cards] == list(range(len(here) + CROWD // 2 + 3 * CROWD // 2))
    # Each import's cards stay together, in the file's order.
    titles = [c.title for c in cards]
    for i in range(0, CROWD, 2):
        first = titles.index(f"Imported {i}.0")
        assert titles[first : first + 3] == [f"Imported {i}.{n}" for n in range(3)]
    assert AuditEvent.objects.filter(verb="cards.imported").count() == CROWD // 2


def test_one_preview_confirmed_by_many_clicks_at_once_imports_once(team_a: Team, lee: User):
    board = kaizen_actions.ensure_team_board(team_a)
    column = Column.objects.get(board=board, name="To try")

    def ready(i: int) -> Callable[[], Any]:
        mine, to, lead = (
            Board.objects.get(pk=board.pk),
            Column.objects.get(pk=column.pk),
            User.objects.get(pk=lee.pk),
        )
        cards = [kaizen_actions.NewCard(row=n + 2, title=f"Card {n}", column=to) for n in range(3)]
        return lambda: kaizen_actions.import_cards(
            mine, cards=cards, filename="b.csv", key="one preview", by=lead
        )

    outcomes = crowd(10, ready)

    imported = [o for o in outcomes if isinstance(o, list)]
    refused = [o for o in outcomes if isinstance(o, AlreadyImported)]
    assert (len(imported), len(refused)) == (1, 9)
    assert all(o.count == 3 for o in refused)
    assert list(Card.objects.filter(column=column).values_list("position", flat=True)) == [0, 1, 2]


def test_one_ideas_preview_confirmed_by_many_clicks_at_once_raises_them_once(
    team_a: Team, lee: User
):
    def ready(i: int) -> Callable[[], Any]:
        team, lead = Team.objects.get(pk=team_a.pk), User.objects.get(pk=lee.pk)
        ideas = [
            idea_actions.NewIdea(team=team, title=f"Idea {n}", problem="Queues") for n in range(3)
        ]
        return lambda: idea_actions.import_ideas(
            team, ideas=ideas, filename="b.csv", key="one preview", by=lead
        )

    outcomes = crowd(10, ready)

    raised = [o for o in outcomes if isinstance(o, list)]
    refused = [o for o in outcomes if isinstance(o, AlreadyImported)]
    assert (len(raised), len(refused)) == (1, 9)
    assert all(o.count == 3 for o in refused)
    assert Idea.objects.filter(team=team_a, title__startswith="Idea ").count() == 3


def test_a_crowd_verifying_one_saving_verifies_it_once(
    team_a: Team, site_a1: Site, lee: User, org_a
):
    managers = people(CROWD, role=Role.MANAGER, prefix="manager", site=site_a1)
    saving = Saving.objects.create(
        team=team_a,
        claimed_by=lee,
        title="Fewer call-backs",
        kind=Saving.Kind.CASHABLE,
        amount=Decimal("12000"),
        recurrence=Saving.Recurrence.RECURRING,
        start_date=timezone.localdate() - timedelta(days=10),
        invested_by=org_a,
        benefits=org_a,
        evidence="Call-backs fell from 120 to 40 a week.",
    )

    def ready(i: int) -> Callable[[], Saving]:
        mine, me = Saving.objects.get(pk=saving.pk), User.objects.get(pk=managers[i].pk)
        return lambda: metrics_actions.verify_saving(mine, expected_version=mine.version, by=me)

    outcomes = crowd(CROWD, ready)

    verified = [o for o in outcomes if isinstance(o, Saving)]
    refused = [o for o in outcomes if not isinstance(o, Saving)]
    assert len(verified) == 1
    # Everyone else is told the saving changed under them; nothing else goes wrong.
    assert len(refused) == CROWD - 1
    assert all(isinstance(o, metrics_actions.StaleChange) for o in refused), refused
    saving.refresh_from_db()
    assert (saving.status, saving.version) == (Saving.Status.VERIFIED, 2)
    assert saving.decided_by_id == verified[0].decided_by_id
    events = AuditEvent.objects.filter(verb="saving.verified", target_id=str(saving.pk))
    assert list(events.values_list("actor_id", flat=True)) == [saving.decided_by_id]


def test_a_crowd_answering_a_customer_survey_leaves_the_exact_day_mean(site_a1: Site, maya: User):
    survey = metrics_actions.create_survey(
        site_a1, kind="customer", title="Counter", question="How was today?", by=maya
    )
    # Uneven on purpose: a mean of only some of the answers would differ from the whole.
    scores = [5 if i % 3 == 0 else 2 for i in range(CROWD)]

    def ready(i: int) -> Callable[[], SurveyResponse]:
        mine = Survey.objects.get(pk=survey.pk)
        return lambda: metrics_actions.answer_survey(
            mine, score=scores[i], client_address=f"192.0.2.{10 + i}"
        )

    outcomes = crowd(CROWD, ready)

    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert SurveyResponse.objects.filter(survey=survey).count() == CROWD
    day = Observation.objects.get(measure=survey.measure)
    assert day.date == timezone.localdate()
    assert day.value == Decimal(sum(scores)) / CROWD
    # The day's counts the dashboards add up hold every answer.
    satisfied = sum(1 for s in scores if s >= 4)
    assert days_counted() == {(survey.pk, day.date): (CROWD, sum(scores), satisfied)}
    assert days_counted() == days_answered()


def test_a_crowd_answering_a_pulse_keeps_every_vote_once(
    site_a1: Site, team_a: Team, maya: User, staff
):
    pulse = metrics_actions.create_survey(
        site_a1, kind="staff", title="Pulse", question="How is work?", team=team_a, by=maya
    )
    scores = [4 if i % 4 else 1 for i in range(CROWD)]

    def ready(i: int) -> Callable[[], SurveyResponse]:
        mine, me = Survey.objects.get(pk=pulse.pk), User.objects.get(pk=staff[i].pk)
        return lambda: metrics_actions.answer_survey(
            mine, score=scores[i], client_address=f"192.0.2.{10 + i}", by=me
        )

    outcomes = crowd(CROWD, ready)

    assert not [o for o in outcomes if isinstance(o, Exception)]
    answers = SurveyResponse.objects.filter(survey=pulse)
    assert answers.count() == CROWD
    assert answers.values("voter").distinct().count() == CROWD
    assert days_counted() == days_answered()
    assert sum(n for n, _total, _satisfied in days_counted().values()) == CROWD
    # Nothing shows while the week is open; once it is over, the week's figure is everyone's.
    assert not Observation.objects.filter(measure=pulse.measure).exists()
    pulses.close_weeks(surveys=[pulse.pk], today=timezone.localdate() + timedelta(days=7))
    week = Observation.objects.get(measure=pulse.measure)
    assert week.value == Decimal(sum(scores)) / CROWD
    assert week.note == f"{CROWD} answers"


def test_a_crowd_answering_a_survey_that_locks_nothing_counts_every_answer_in_its_day(
    site_a1: Site, maya: User
):
    """A survey whose measure was deleted: nothing is averaged, so nothing takes the survey's
    lock, and every answer adds to the same day at the same moment."""
    survey = metrics_actions.create_survey(
        site_a1, kind="customer", title="Counter", question="How was today?", by=maya
    )
    assert survey.measure is not None
    survey.measure.delete()
    scores = [1 + i % 5 for i in range(CROWD)]

    def ready(i: int) -> Callable[[], SurveyResponse]:
        mine = Survey.objects.get(pk=survey.pk)
        return lambda: metrics_actions.submit_response(mine, score=scores[i])

    outcomes = crowd(CROWD, ready)

    assert not [o for o in outcomes if isinstance(o, Exception)]
    today = timezone.localdate()
    satisfied = sum(1 for s in scores if s >= 4)
    assert days_counted() == {(survey.pk, today): (CROWD, sum(scores), satisfied)}


def test_a_crowd_keeping_answers_to_the_same_days_in_any_order_counts_them_all(
    site_a1: Site, maya: User
):
    """Each person keeps answers to two surveys on two days at once, half of them listing
    them the other way round: every day is counted exactly, and no one waits on another in a
    circle (PostgreSQL would end one of them with a deadlock)."""
    surveys = [
        metrics_actions.create_survey(site_a1, kind="customer", title=t, question="?", by=maya)
        for t in ("Counter", "Phone")
    ]
    now = timezone.now()
    batches = [
        [(surveys[0], now), (surveys[1], now), (surveys[0], now - timedelta(days=1))],
        [(surveys[0], now - timedelta(days=1)), (surveys[1], now), (surveys[0], now)],
    ]

    def ready(i: int) -> Callable[[], list[SurveyResponse]]:
        answers = [
            SurveyResponse(survey_id=survey.pk, score=1 + i % 5, created_at=at)
            for survey, at in batches[i % 2][:: 1 if i % 4 < 2 else -1]
        ]
        return lambda: SurveyResponse.objects.bulk_create(answers)

    outcomes = crowd(CROWD, ready)

    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert SurveyResponse.objects.count() == 3 * CROWD
    assert days_counted() == days_answered()
    assert sum(n for n, _total, _satisfied in days_counted().values()) == 3 * CROWD


def test_a_flood_from_one_device_keeps_only_the_allowed_answers(site_a1: Site, maya: User):
    """One device sending a burst of answers at once: every answer counts the others before it
    is kept unless they take turns, and then all of them pass the flood limit."""
    survey = metrics_actions.create_survey(
        site_a1, kind="customer", title="Counter", question="How was today?", by=maya
    )

    def ready(i: int) -> Callable[[], SurveyResponse]:
        mine = Survey.objects.get(pk=survey.pk)
        return lambda: metrics_actions.answer_survey(mine, score=5, client_address="192.0.2.99")

    outcomes = crowd(CROWD, ready)

    kept = [o for o in outcomes if isinstance(o, SurveyResponse)]
    refused = [o for o in outcomes if isinstance(o, metrics_actions.TooManyAnswers)]
    assert len(kept) == metrics_actions.RESPONSES_PER_CLIENT
    assert len(refused) == CROWD - metrics_actions.RESPONSES_PER_CLIENT
    assert SurveyResponse.objects.filter(survey=survey).count() == (
        metrics_actions.RESPONSES_PER_CLIENT
    )


def test_a_flood_through_an_idea_box_keeps_only_the_allowed_ideas(team_a: Team, lee: User):
    """A burst sent through one idea box at once, from one device and then from many: the sends
    take their turn on the box, so the hourly limits hold exactly."""
    from ideas import box
    from ideas.models import BoxSubmission, IdeaBox

    idea_box = box.open_box(team_a, kind="staff", by=lee)

    def ready(address: Callable[[int], str]) -> Callable[[int], Callable[[], object]]:
        def person(i: int) -> Callable[[], object]:
            mine = IdeaBox.objects.get(pk=idea_box.pk)
            return lambda: box.submit(mine, title="t", problem="p", client_address=address(i))

        return person

    outcomes = crowd(CROWD, ready(lambda i: "192.0.2.99"))
    kept = [o for o in outcomes if isinstance(o, BoxSubmission)]
    refused = [o for o in outcomes if isinstance(o, box.TooManySubmissions)]
    assert (len(kept), len(refused)) == (IdeaBox.PER_CLIENT, CROWD - IdeaBox.PER_CLIENT)

    outcomes = crowd(CROWD, ready(lambda i: f"198.51.100.{i}"))
    kept += [o for o in outcomes if isinstance(o, BoxSubmission)]
    assert len(kept) == IdeaBox.PER_BOX
    assert BoxSubmission.objects.filter(box=idea_box).count() == IdeaBox.PER_BOX
