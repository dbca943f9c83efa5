"""Every savings figure on the tile opens exactly the rows it adds up; a bad period says so."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse


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
