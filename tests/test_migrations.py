"""A database filled at the state of the last release migrates to the current schema with
nothing lost: value-stream maps, their steps and kaizen bursts, the card worked on a step, and
every PDCA cycle's measure and go-live day (which moved from kaizen to metrics); and the survey
answers kept before their days were counted are counted, each on its local day.

The database is taken back to that state through the migrations themselves, filled through the
historical models (the current ones no longer fit those tables), and migrated forward again;
whatever happens it is left fully migrated for the tests after this one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.survey_helpers import days_answered, days_counted

# The schema of the last release, before metrics held the link between a cycle and its measure.
RELEASED = [
    ("leanhub", "0001_initial"),
    ("ideas", "0006_wastes_trigram_index"),
    ("kaizen", "0004_cycle_measure"),
    ("metrics", "0005_measure_screening_and_cycle_marks"),
]


def _migrate(targets=None):
    """Migrate to ``targets`` (the latest migration of every app when None); return the
    historical models of the state reached."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    # A fresh loader: the one that migrated may cache what was applied before it ran.
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _fill_as_released(apps) -> dict:
    """A team with a map and its future state, steps, a burst pinning an idea, a card worked on
    a step, and cycles with and without a measure. Returns the ids to look for afterwards."""
    Place = apps.get_model("leanhub", "Place")
    Organisation = apps.get_model("leanhub", "Organisation")
    Site = apps.get_model("leanhub", "Site")
    Team = apps.get_model("leanhub", "Team")
    User = apps.get_model("leanhub", "User")
    Membership = apps.get_model("leanhub", "Membership")
    Idea = apps.get_model("ideas", "Idea")
    Map = apps.get_model("ideas", "ValueStreamMap")
    Step = apps.get_model("ideas", "ValueStreamStep")
    Burst = apps.get_model("ideas", "KaizenBurst")
    Board = apps.get_model("kaizen", "Board")
    Column = apps.get_model("kaizen", "Column")
    Card = apps.get_model("kaizen", "Card")
    Cycle = apps.get_model("kaizen", "Cycle")
    Measure = apps.get_model("metrics", "Measure")
    Annotation = apps.get_model("metrics", "Annotation")

    place = Place.objects.create(
        name="Carrow", slug="carrow", population=120_000, annual_public_spend=Decimal("9e8")
    )
    org = Organisation.objects.create(name="Carrow Jobcentre Plus", slug="carrow-jcp")
    site = Site.objects.create(name="Carrow Jobcentre", organisation=org, place=place)
    team = Team.objects.create(name="New Claims", site=site)
    lee = User.objects.create(username="lee", full_name="Lee Lead")
    Membership.objects.create(user=lee, team=team, role="lead")
    idea = Idea.objects.create(
        team=team, author=lee, title="Pre-fill the claim form", problem="Retyping"
    )

    current = Map.objects.create(
        team=team, name="New claim", process="Call to first payment", customer="Claimant",
        demand=Decimal("120"), created_by=lee,
    )  # fmt: skip
    future = Map.objects.create(
        team=team, name="New claim — future state", process="Call to first payment",
        customer="Claimant", demand=Decimal("120"), created_by=lee, state="future",
        current=current, is_target=True,
    )  # fmt: skip
    steps = [
        Step.objects.create(map=m, position=i, name=name, cycle_s=600.0 * (i + 1), wait_s=3600.0)
        for m in (current, future)
        for i, name in enumerate(["Take the call", "Fill the form", "Check the evidence"])
    ]
    burst = Burst.objects.create(step=steps[1], idea=idea, created_by=lee)

    board = Board.objects.create(name="New Claims", team=team)
    plan = Column.objects.create(board=board, name="Plan", position=0)
    card = Card.objects.create(
        board=board, column=plan, title="Pre-fill the claim form", created_by=lee, idea=idea,
        vsm_step=steps[1],
    )  # fmt: skip
    minutes = Measure.objects.create(team=team, name="Minutes per new claim", unit="minutes")
    linked = Cycle.objects.create(
        card=card, number=1, measure=minutes, change_date=date(2026, 3, 30)
    )
    mark = Annotation.objects.create(
        measure=minutes, date=date(2026, 3, 30), label="Pre-fill the claim form (PDCA cycle 1)",
        rebase=True, idea=idea, cycle=linked,
    )  # fmt: skip
    no_day = Cycle.objects.create(card=card, number=2, measure=minutes)
    # Its measure was deleted (SET_NULL): the go-live day stayed on the cycle.
    day_only = Cycle.objects.create(card=card, number=3, change_date=date(2026, 5, 4))
    unlinked = Cycle.objects.create(card=card, number=4)
    return {
        "maps": {current.pk: (None, "current"), future.pk: (current.pk, "future")},
        "steps": {s.pk: (s.map_id, s.position, s.name, s.cycle_s) for s in steps},
        "burst": (burst.pk, steps[1].pk, idea.pk),
        "card": (card.pk, steps[1].pk),
        "links": {
            linked.pk: (minutes.pk, date(2026, 3, 30)),
            no_day.pk: (minutes.pk, None),
            day_only.pk: (None, date(2026, 5, 4)),
        },
        "unlinked": unlinked.pk,
        "mark": (mark.pk, linked.pk, minutes.pk, date(2026, 3, 30)),
    }


def _assert_maps_intact(apps, ids: dict) -> None:
    Map = apps.get_model("ideas", "ValueStreamMap")
    Step = apps.get_model("ideas", "ValueStreamStep")
    Burst = apps.get_model("ideas", "KaizenBurst")
    Card = apps.get_model("kaizen", "Card")
    assert {m.pk: (m.current_id, m.state) for m in Map.objects.all()} == ids["maps"]
    steps = {s.pk: (s.map_id, s.position, s.name, s.cycle_s) for s in Step.objects.all()}
    assert steps == ids["steps"]
    assert list(Burst.objects.values_list("pk", "step_id", "idea_id")) == [ids["burst"]]
    assert list(Card.objects.values_list("pk", "vsm_step_id")) == [ids["card"]]


@pytest.mark.django_db(transaction=True)
def test_a_database_filled_at_the_last_release_migrates_with_nothing_lost():
    try:
        ids = _fill_as_released(_migrate(RELEASED))

        apps = _migrate()
        _assert_maps_intact(apps, ids)
        CycleMeasure = apps.get_model("metrics", "CycleMeasure")
        links = {
            link.cycle_id: (link.measure_id, link.change_date)
            for link in CycleMeasure.objects.all()
        }
        assert links == ids["links"]
        assert not CycleMeasure.objects.filter(cycle_id=ids["unlinked"]).exists()
        Annotation = apps.get_model("metrics", "Annotation")
        assert list(Annotation.objects.values_list("pk", "cycle_id", "measure_id", "date")) == [
            ids["mark"]
        ]
        Cycle = apps.get_model("kaizen", "Cycle")
        assert {f.name for f in Cycle._meta.fields}.isdisjoint({"measure", "change_date"})

        # And back: the cycles name their measures and days again.
        apps = _migrate(RELEASED)
        _assert_maps_intact(apps, ids)
        Cycle = apps.get_model("kaizen", "Cycle")
        back = {c.pk: (c.measure_id, c.change_date) for c in Cycle.objects.all()}
        assert back == {**ids["links"], ids["unlinked"]: (None, None)}
    finally:
        _migrate()


# The last schema before each survey's answers were counted by day.
BEFORE_SURVEY_DAYS = [("metrics", "0013_special_cause_signals")]


@pytest.mark.django_db(transaction=True)
def test_the_answers_already_kept_are_counted_in_their_local_days():
    try:
        apps = _migrate(BEFORE_SURVEY_DAYS)
        Place = apps.get_model("leanhub", "Place")
        Organisation = apps.get_model("leanhub", "Organisation")
        Site = apps.get_model("leanhub", "Site")
        Survey = apps.get_model("metrics", "Survey")
        SurveyResponse = apps.get_model("metrics", "SurveyResponse")
        place = Place.objects.create(
            name="Carrow", slug="carrow", population=120_000, annual_public_spend=Decimal("9e8")
        )
        org = Organisation.objects.create(name="Carrow Jobcentre Plus", slug="carrow-jcp")
        site = Site.objects.create(name="Carrow Jobcentre", organisation=org, place=place)
        counter = Survey.objects.create(kind="customer", title="Counter", site=site, token="c")
        pulse = Survey.objects.create(kind="staff", title="Pulse", site=site, token="p")
        summer_night = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)  # 2 July, 00:30 in London
        winter_night = datetime(2026, 1, 15, 23, 30, tzinfo=UTC)  # still 15 January there
        SurveyResponse.objects.bulk_create(
            SurveyResponse(survey=survey, score=score, created_at=at, voter=voter)
            for survey, score, at, voter in [
                (counter, 5, summer_night, ""),
                (counter, 3, summer_night - timedelta(hours=1), ""),
                (counter, 4, summer_night + timedelta(hours=20), ""),
                (counter, 1, winter_night, ""),
                (pulse, 4, winter_night, "a"),
                (pulse, 2, winter_night - timedelta(hours=23), "b"),
            ]
        )

        apps = _migrate()
        SurveyDay = apps.get_model("metrics", "SurveyDay")
        assert days_counted(SurveyDay) == {
            (counter.pk, date(2026, 7, 2)): (2, 9, 2),
            (counter.pk, date(2026, 7, 1)): (1, 3, 0),
            (counter.pk, date(2026, 1, 15)): (1, 1, 0),
            (pulse.pk, date(2026, 1, 15)): (2, 6, 1),
        }
        assert days_counted(SurveyDay) == days_answered(apps.get_model("metrics", "SurveyResponse"))
    finally:
        _migrate()
