"""Places side by side: figures per place, and who may see them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ideas.models import Idea
from leanhub.models import Organisation, Place, Site, Team, User
from places.compare import compare
from places.models import ReferenceGroup, ServiceTheme, SpendLine

YEAR = 2025
DAY = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def idea(
    team: Team,
    author: User,
    *,
    days_to_respond: float | None,
    status: str = Idea.Status.NEW,
    **fields: object,
) -> Idea:
    made = Idea.objects.create(
        team=team, author=author, title="An idea", problem="p", status=status, **fields
    )
    Idea.objects.filter(pk=made.pk).update(
        created_at=DAY,
        first_response_at=None
        if days_to_respond is None
        else DAY + timedelta(days=days_to_respond),
        implemented_at=DAY + timedelta(days=30) if status == Idea.Status.IMPLEMENTED else None,
    )
    return made


def test_figures_per_place(
    place: Place, org_a: Organisation, team_a: Team, sam: User, lee: User, other_place: Place
) -> None:
    theme = ServiceTheme.objects.create(place=place, name="Worklessness")
    SpendLine.objects.create(
        place=place, organisation=org_a, theme=theme, year=YEAR, amount=D("1000000")
    )
    idea(team_a, sam, days_to_respond=2)
    idea(team_a, sam, days_to_respond=4, status=Idea.Status.IMPLEMENTED)
    idea(
        team_a,
        lee,
        days_to_respond=9,
        status=Idea.Status.IMPLEMENTED,
        kind=Idea.Kind.STOP_DOING,
        minutes_per_occurrence=D("15"),
        occurrences_per_year=400,
    )
    idea(team_a, lee, days_to_respond=None)
    rows = {row.place.slug: row for row in compare([place, other_place], YEAR)}
    mine = rows["testshire"]
    assert mine.spend_per_head == D("1000000") / 500_000
    assert (mine.staff, mine.ideas, mine.implemented) == (2, 4, 2)
    assert mine.ideas_per_100_staff == D(200)
    assert mine.implementation_rate == D("0.5")
    assert mine.median_days_to_first_response == 4.0
    assert mine.red_tape_hours_removed == D(100)  # 15 min x 400 a year
    empty = rows["elsewhere"]
    assert (
        empty.spend_per_head,
        empty.ideas_per_100_staff,
        empty.median_days_to_first_response,
    ) == (None, None, None)


def test_query_count_does_not_grow_with_places(
    place: Place, other_place: Place, org_a: Organisation
) -> None:
    def count(places: list[Place]) -> int:
        with CaptureQueriesContext(connection) as queries:
            compare(places, YEAR)
        return len(queries)

    few = count([place, other_place])
    more = [
        Place.objects.create(name=f"P{i}", slug=f"p{i}", population=1000, annual_public_spend=D(1))
        for i in range(5)
    ]
    for extra in more:
        site = Site.objects.create(name=f"S{extra.pk}", organisation=org_a, place=extra)
        Team.objects.create(site=site, name="T")
    assert count([place, other_place, *more]) == few


def test_only_administrators_and_reference_groups_compare(
    client: Client, place: Place, other_place: Place, ada: User, pat: User, sam: User
) -> None:
    url = reverse("places:compare")
    client.force_login(ada)
    page = client.get(url).content.decode()
    assert "Testshire" in page and "Elsewhere" in page
    client.force_login(pat)
    assert client.get(url).status_code == 404
    group = ReferenceGroup.objects.create(name="North West pilots")
    group.places.add(other_place)
    group.members.add(pat)
    page = client.get(url).content.decode()
    assert "Elsewhere" in page and "Testshire" not in page
    client.force_login(sam)
    assert client.get(url).status_code == 404
