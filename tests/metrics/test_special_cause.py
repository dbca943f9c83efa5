"""A special-cause signal raised by new figures tells the measure's owners once (in LeanHub,
by e-mail, and to webhooks), whichever way the figures came: the form, a CSV import, the API."""

from __future__ import annotations

import datetime
from decimal import Decimal

from leanhub import events
from leanhub.models import Notification, OutgoingEmail
from metrics import actions, csvimport
from metrics.models import SpecialCauseSignal
from metrics.special_cause import MAIL_KIND, owners

START = datetime.date(2025, 1, 1)
STEADY = [50, 52, 49, 51, 50, 48, 52, 51, 49, 50, 51, 50, 49, 52, 50, 51, 48, 50, 51, 49]


def day(n: int) -> datetime.date:
    return START + datetime.timedelta(days=n)


def history(measure, values) -> None:
    actions.import_observations(
        [
            csvimport.Row(line=n, measure_id=measure.pk, date=day(n), value=Decimal(v), note="")
            for n, v in enumerate(values)
        ],
        measures=[measure],
        by=measure.created_by,
    )


def told(user) -> int:
    return Notification.objects.filter(recipient=user, message__contains="special-cause").count()


def test_an_outlier_tells_the_owners_once_and_a_point_carrying_it_on_does_not(
    measure, lee, sam, django_capture_on_commit_callbacks
):
    history(measure, STEADY)
    assert told(lee) == 0 and not SpecialCauseSignal.objects.exists()
    assert owners(measure) == [lee]

    heard = []
    events.subscribe(events.MEASURE_SPECIAL_CAUSE, heard.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            actions.record_observation(measure, on=day(20), value=Decimal(90), by=lee)
        assert told(lee) == 1 and told(sam) == 0
        assert OutgoingEmail.objects.filter(recipient=lee, kind=MAIL_KIND).count() == 1
        [signal] = SpecialCauseSignal.objects.all()
        assert (signal.direction, signal.variation, signal.last_date) == (1, "concern", day(20))
        [event] = heard
        assert event.data["measure"]["id"] == measure.pk
        assert event.data["signal"]["direction"] == "high"
        assert event.organisation_ids == {measure.team.site.organisation_id}

        # The next point is high too: the same signal, carried on.
        with django_capture_on_commit_callbacks(execute=True):
            actions.record_observation(measure, on=day(21), value=Decimal(92), by=lee)
        assert told(lee) == 1 and len(heard) == 1
        signal.refresh_from_db()
        assert signal.last_date == day(21)

        # Back to normal, then a new outlier: a new signal.
        actions.record_observation(measure, on=day(22), value=Decimal(50), by=lee)
        with django_capture_on_commit_callbacks(execute=True):
            actions.record_observation(measure, on=day(23), value=Decimal(95), by=lee)
        assert told(lee) == 2 and len(heard) == 2
    finally:
        events.HANDLERS[events.MEASURE_SPECIAL_CAUSE].remove(heard.append)


def test_an_import_tells_once_per_measure_and_only_for_its_newest_points(measure, lee):
    # A history with an old outlier in it, ending in common cause: nobody is told.
    history(measure, [*STEADY[:10], 95, 5, *STEADY[10:]])
    assert told(lee) == 0
    # A batch whose newest points are a run of high ones: one notification, however many rows.
    actions.import_observations(
        [
            csvimport.Row(
                line=n, measure_id=measure.pk, date=day(30 + n), value=Decimal(v), note=""
            )
            for n, v in enumerate([88, 91, 90])
        ],
        measures=[measure],
        by=lee,
    )
    assert told(lee) == 1 and SpecialCauseSignal.objects.count() == 1
