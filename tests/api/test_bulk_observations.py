"""The bulk feed of observations: all or nothing with per-row errors, once per key."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from api.models import ObservationBatch
from metrics.models import Measure, Observation

pytestmark = pytest.mark.django_db

URL = "/api/v1/observations/bulk/"


@pytest.fixture
def measures(team_a, team_b, lee) -> tuple[Measure, Measure, Measure]:
    fields = {"unit": "calls", "improvement": Measure.Improvement.INCREASE, "created_by": lee}
    return (
        Measure.objects.create(name="Calls answered", team=team_a, **fields),
        Measure.objects.create(name="Calls dropped", team=team_a, **fields),
        Measure.objects.create(name="Police calls", team=team_b, **fields),
    )


def _rows(measure: Measure, n: int, start: date = date(2026, 1, 1)) -> list[dict]:
    return [
        {"measure": measure.pk, "date": (start + timedelta(days=i)).isoformat(), "value": str(i)}
        for i in range(n)
    ]


def test_the_url_is_named():
    assert reverse("api:observations-bulk") == URL


def test_a_batch_is_appended_once_and_a_resend_changes_nothing(api_as, lee, measures):
    answered, dropped, _ = measures
    batch = {"key": "feed-2026-01", "observations": _rows(answered, 30) + _rows(dropped, 5)}
    client = api_as(lee)
    first = client.post(URL, batch)
    assert first.status_code == 201, first.content
    assert first.json() == {"key": "feed-2026-01", "created": 35, "replayed": False}
    assert answered.observations.count() == 30 and dropped.observations.count() == 5
    again = client.post(URL, batch)
    assert again.status_code == 200
    assert again.json() == {"key": "feed-2026-01", "created": 35, "replayed": True}
    assert Observation.objects.count() == 35 and ObservationBatch.objects.count() == 1


def test_another_batch_under_a_used_key_is_409(api_as, lee, measures):
    answered = measures[0]
    client = api_as(lee)
    assert client.post(URL, {"key": "k", "observations": _rows(answered, 2)}).status_code == 201
    other = client.post(
        URL, {"key": "k", "observations": _rows(answered, 2, start=date(2026, 3, 1))}
    )
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "key_reused"
    assert answered.observations.count() == 2


def test_one_bad_row_refuses_the_batch_naming_every_bad_row(api_as, lee, measures):
    answered, _, police = measures
    Observation.objects.create(measure=answered, date=date(2026, 1, 3), value=Decimal(1))
    rows = _rows(answered, 4)
    rows[1]["value"] = "lots"
    rows.append({"measure": police.pk, "date": "2026-01-01", "value": "1"})
    rows.append({"measure": answered.pk, "date": "2026-01-01", "value": "9"})
    rows.append({"measure": answered.pk, "date": "2026-01-09", "value": "9", "colour": "red"})
    response = api_as(lee).post(URL, {"key": "bad", "observations": rows})
    assert response.status_code == 400
    errors = response.json()["error"]["fields"]["observations"]
    assert set(errors) == {"1", "6"}  # types are checked first, row by row
    assert "value" in errors["1"] and "colour" in errors["6"]
    del rows[6]
    rows[1]["value"] = "2"
    response = api_as(lee).post(URL, {"key": "bad", "observations": rows})
    errors = response.json()["error"]["fields"]["observations"]
    assert errors == {
        "2": {"date": ["The measure already has a figure for this date."]},
        "4": {"measure": ["No such measure."]},
        "5": {"date": ["The batch has this measure and date twice."]},
    }
    assert answered.observations.count() == 1
    assert not ObservationBatch.objects.exists()


def test_staff_may_not_feed_a_measure(api_as, sam, measures):
    response = api_as(sam).post(URL, {"key": "k", "observations": _rows(measures[0], 1)})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["observations"] == {
        "0": {"measure": ["You may not record figures for this measure."]}
    }
    assert not Observation.objects.exists()


def test_a_read_token_may_not_feed(api_as, lee, measures):
    response = api_as(lee, scope="read").post(
        URL, {"key": "k", "observations": _rows(measures[0], 1)}
    )
    assert response.status_code == 403
    assert not Observation.objects.exists()


def test_an_empty_or_keyless_batch_is_refused(api_as, lee):
    response = api_as(lee).post(URL, {"observations": []})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"key", "observations"}
