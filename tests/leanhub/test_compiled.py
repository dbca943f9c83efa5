"""Queries the ORM writes once: the same SQL and the same rows as the queryset's, with each
run's values, and the query built only the first time."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Count, DateTimeField, IntegerField, Max, Q, Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ideas.models import Idea
from leanhub.compiled import Param, aggregate_of, compiled
from metrics.models import Saving


def _ideas(team_a, team_b, sam, priya) -> None:
    now = timezone.now()
    Idea.objects.bulk_create(
        [
            Idea(team=team_a, author=sam, title="Old", problem="p", created_at=now - timedelta(9)),
            Idea(team=team_a, author=sam, title="New", problem="p", created_at=now),
            Idea(team=team_b, author=priya, title="Police", problem="p", created_at=now),
        ]
    )


def test_an_aggregate_is_the_querysets_sql_and_figures(team_a, team_b, sam, priya):
    _ideas(team_a, team_b, sam, priya)
    figures = {"n": Count("pk"), "last": Max("created_at")}
    query = Idea.objects.filter(team=team_a)
    with CaptureQueriesContext(connection) as orm:
        expected = query.aggregate(**figures)
    with CaptureQueriesContext(connection) as written:
        row = compiled(
            Idea,
            ("test aggregate",),
            lambda: aggregate_of(
                Idea.objects.filter(team=Param("team", IntegerField())), **figures
            ),
        ).row(team=team_a.pk)
    assert row == expected and row["n"] == 2
    # The same SQL, the mark a parameter in parentheses (as the ORM writes an expression).
    team = f"= ({team_a.pk})"
    assert [q["sql"].replace(team, f"= {team_a.pk}") for q in written] == [q["sql"] for q in orm]
    # A team without ideas: the aggregate's one row still, as the ORM gives it.
    assert compiled(Idea, ("test aggregate",), lambda: Idea.objects.none()).row(
        team=team_a.pk + 1000
    ) == {"n": 0, "last": None}


def test_the_query_is_built_once_and_run_with_each_runs_values(team_a, team_b, sam, priya):
    _ideas(team_a, team_b, sam, priya)
    built = []

    def build():
        built.append(1)
        return Idea.objects.filter(
            team=Param("team", IntegerField()), created_at__gte=Param("since", DateTimeField())
        ).values_list("title")

    day_ago = timezone.now() - timedelta(days=1)
    titles = {
        team.pk: [
            t for (t,) in compiled(Idea, ("test titles",), build).rows(team=team.pk, since=day_ago)
        ]
        for team in (team_a, team_b)
    }
    assert titles == {team_a.pk: ["New"], team_b.pk: ["Police"]}
    assert len(built) == 1


def test_a_filter_that_matches_nothing_still_answers_as_the_orm(team_a):
    nothing = compiled(
        Idea, ("test nothing",), lambda: Idea.objects.filter(Q(pk__in=[]) & Q(team=team_a))
    )
    assert nothing.rows() == []
    none_counted = compiled(
        Idea,
        ("test nothing counted",),
        lambda: aggregate_of(Idea.objects.filter(pk__in=[]), n=Count("*")),
    )
    assert none_counted.row() == {"n": 0}


def test_rows_are_converted_as_the_orm_converts_them(team_a, lee, org_a):
    Saving.objects.bulk_create(
        Saving(
            team=team_a,
            claimed_by=lee,
            title=f"Saving {i}",
            kind=Saving.Kind.CASHABLE,
            amount=Decimal("10.50"),
            recurrence=Saving.Recurrence.ONE_OFF,
            start_date=timezone.localdate(),
            invested_by=org_a,
            benefits=org_a,
        )
        for i in range(3)
    )
    expected = list(
        Saving.objects.filter(team=team_a).values_list("kind").annotate(total=Sum("amount"))
    )
    rows = compiled(
        Saving,
        ("test sums",),
        lambda: (
            Saving.objects.filter(team=Param("team", IntegerField()))
            .values_list("kind")
            .annotate(total=Sum("amount"))
        ),
    ).rows(team=team_a.pk)
    assert [tuple(r) for r in rows] == expected
    assert isinstance(rows[0][1], Decimal)
