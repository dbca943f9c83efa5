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
        return {line.split(",")[0] for line in response.content.decode().splitlines()[1:]}

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
