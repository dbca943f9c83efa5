from __future__ import annotations

import datetime
import zoneinfo

from django.utils import timezone

from leanhub.templatetags.leanhub import machine_datetime


def test_a_time_element_value_has_seconds_and_the_local_offset_but_no_microseconds(settings):
    settings.TIME_ZONE = "Europe/London"
    moment = datetime.datetime(2026, 10, 22, 18, 22, 6, 699436, tzinfo=datetime.UTC)
    with timezone.override(zoneinfo.ZoneInfo("Europe/London")):
        assert machine_datetime(moment) == "2026-10-22T19:22:06+01:00"


def test_a_date_stays_a_date_and_anything_else_is_empty():
    assert machine_datetime(datetime.date(2026, 1, 2)) == "2026-01-02"
    assert machine_datetime(None) == ""
