"""The demo place comes alive with measures, savings in each state and surveys — idempotently."""

from __future__ import annotations

from django.urls import reverse

from leanhub import demo as core_demo
from metrics import demo
from metrics.models import Measure, Saving, Survey


def test_the_demo_seed_is_complete_and_idempotent(db, client):
    core_demo.seed()
    first = demo.seed()
    assert first == demo.seed()
    assert first["observations"] > 150
    assert set(Saving.objects.values_list("status", flat=True)) == {
        "claimed",
        "verified",
        "rejected",
    }
    assert Survey.objects.filter(kind="customer").get().responses.count() == 240
    minutes = Measure.objects.get(name="Minutes per new claim")
    client.force_login(minutes.team.memberships.get(user__username="lee").user)
    body = client.get(minutes.get_absolute_url()).content.decode()
    assert body.count('class="spc-mean"') == 2  # rebased when the PDCA change went live
    assert "Pre-filled claim form (PDCA cycle 1)" in body
    assert client.get(reverse("metrics:dashboard"), follow=True).status_code == 200
