"""Every savings figure on the tile opens exactly the rows it adds up; a bad period says so."""

from __future__ import annotations

from datetime import UTC, timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from ideas.models import Idea
from metrics.models import Saving
from tests.spreadsheet_helpers import body_bytes, csv_rows, differences


def test_each_savings_figure_opens_the_rows_it_adds_up(
    client, maya, site_a1, team_a, lee, make_savings
):
    make_savings(1, team=team_a, claimed_by=lee, title="Yearly realised", stage="realised",
                 amount=Decimal("5000"))  # fmt: skip
    make_savings(1, team=team_a, claimed_by=lee, title="Once realised", stage="realised",
                 recurrence="one_off", amount=Decimal("700"))  # fmt: skip
    make_savings(1, team=team_a, claimed_by=lee, title="Turned down", stage="realised",
                 status="rejected", rejection_reason="No evidence")  # fmt: skip
    make_savings(1, team=team_a, claimed_by=lee, title="Hoped for", stage="projected")
    client.force_login(maya)
    tile = client.get(reverse("metrics:dashboard-scope", args=["site", site_a1.pk])).content
    realised_yearly = reverse("metrics:rows", args=["site", site_a1.pk, "realised"])
    assert realised_yearly.encode() in tile and b"recurrence=recurring" in tile

    def titles(what, recurrence):
        response = client.get(
            reverse("metrics:rows", args=["site", site_a1.pk, what]),
            {"recurrence": recurrence, "format": "csv"},
        )
        return {line.split(",")[0] for line in response.getvalue().decode().splitlines()[1:]}

    assert titles("realised", "recurring") == {"Yearly realised"}
    assert titles("realised", "one_off") == {"Once realised"}
    assert titles("projected", "recurring") == {"Hoped for"}


def test_a_period_that_ends_before_it_starts_is_explained(client, maya, site_a1):
    client.force_login(maya)
    page = client.get(
        reverse("metrics:dashboard-scope", args=["site", site_a1.pk]),
        {"start": "2026-06-01", "end": "2026-01-01"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert 'class="error-summary"' in page
    assert "The end date must be on or after the start date." in page


def test_every_rows_link_on_a_dashboard_names_a_declared_figure(client, pat, ada, place):
    import re

    from metrics.drills import DRILLS

    named = set()
    for who, kind, pk in ((pat, "place", place.pk), (ada, "all", 0)):
        client.force_login(who)
        body = client.get(reverse("metrics:dashboard-scope", args=[kind, pk])).content.decode()
        named |= set(re.findall(r"/rows/([\w-]+)/", body))
    assert named and named <= set(DRILLS)


def test_each_figures_csv_file_has_the_columns_it_declares(client, pat, place, org_a, org_b):
    from metrics.drills import DRILLS

    client.force_login(pat)
    for what, drill in DRILLS.items():
        url = reverse("metrics:rows", args=["place", place.pk, what])
        header = client.get(url, {"format": "csv"}).getvalue().decode().splitlines()[0]
        assert header == ",".join(str(h) for h in drill.header), what
        assert client.get(url).status_code == 200, what


def test_a_figure_no_dashboard_has_is_not_found(client, maya, site_a1):
    client.force_login(maya)
    response = client.get(reverse("metrics:rows", args=["site", site_a1.pk, "nonsense"]))
    assert response.status_code == 404


def test_a_summary_table_answers_htmx_with_the_table_alone(client, pat, place, org_a):
    client.force_login(pat)
    url = reverse("metrics:rows", args=["place", place.pk, "spend"])
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="rows-table">')
    assert "Testshire Jobcentre" in partial


def _file(client, url, fmt="csv", **params) -> bytes:
    return body_bytes(client.get(url, {"format": fmt, **params}))


def test_an_ideas_file_has_each_ideas_cells_and_quotes_what_looks_like_a_formula(
    client, maya, site_a1, team_a, sam, settings
):
    # Late in a UTC evening, already the next day where the site is: the file gives the day
    # as stored (UTC), whatever the local time.
    settings.TIME_ZONE = "Pacific/Auckland"
    raised = (timezone.now() - timedelta(days=30)).astimezone(UTC).replace(hour=23, minute=30)
    answered, done = raised + timedelta(days=2), raised + timedelta(days=9)
    Idea.objects.create(
        team=team_a, author=sam, title="Stop printing the claim pack", problem="p",
        kind=Idea.Kind.STOP_DOING, status=Idea.Status.IMPLEMENTED, created_at=raised,
        first_response_at=answered, implemented_at=done,
    )  # fmt: skip
    Idea.objects.create(
        team=team_a, author=sam, title="=HYPERLINK(1)", problem="p",
        created_at=raised - timedelta(days=1),
    )  # fmt: skip
    client.force_login(maya)
    url = reverse("metrics:rows", args=["site", site_a1.pk, "ideas"])
    rows = csv_rows(_file(client, url))
    assert rows == [
        ["Idea", "Team", "Kind", "Status", "Raised", "First response", "Implemented"],
        ["Stop printing the claim pack", "New Claims", str(Idea.Kind.STOP_DOING.label),
         str(Idea.Status.IMPLEMENTED.label), raised.date().isoformat(),
         answered.date().isoformat(), done.date().isoformat()],
        ["'=HYPERLINK(1)", "New Claims", str(Idea.Kind.IMPROVEMENT.label),
         str(Idea.Status.NEW.label), (raised - timedelta(days=1)).date().isoformat(), "", ""],
    ]  # fmt: skip
    # The workbook has the same cells: dates as dates, the title as text, never a formula.
    assert not differences(_file(client, url), _file(client, url, "xlsx"))


def test_a_savings_file_has_each_savings_cells_as_its_ledger_does(
    client, maya, site_a1, team_a, lee, org_a, org_b, make_savings
):
    start = timezone.localdate() - timedelta(days=3)
    make_savings(1, team=team_a, claimed_by=lee, title="Shorter huddles", kind=Saving.Kind.TIME,
                 amount=Decimal("150.5"), recurrence=Saving.Recurrence.ONE_OFF,
                 stage=Saving.Stage.PROJECTED, start_date=start, benefits=org_b)  # fmt: skip
    cells = [
        "Shorter huddles", "New Claims", str(Saving.Kind.TIME.label), "150.50", "hours one-off",
        str(Saving.Recurrence.ONE_OFF.label), str(Saving.Stage.PROJECTED.label),
        str(Saving.Status.CLAIMED.label), start.isoformat(), "Testshire Jobcentre",
        "Testshire Police",
    ]  # fmt: skip
    client.force_login(maya)
    url = reverse("metrics:rows", args=["site", site_a1.pk, "savings"])
    drill = csv_rows(_file(client, url))
    assert drill[1] == [cells[0], "", *cells[1:]]  # no idea or card behind it
    assert not differences(_file(client, url), _file(client, url, "xlsx"))
    ledger = reverse("metrics:savings")
    assert csv_rows(_file(client, ledger))[1:] == [cells]
    assert not differences(_file(client, ledger), _file(client, ledger, "xlsx"))
