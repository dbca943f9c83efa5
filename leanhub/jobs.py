"""Background work: the kept task queue (django-q2 on the database) and the periodic jobs.

Each app registers its periodic jobs in its ``AppConfig.ready`` with :func:`every_minute`,
:func:`daily` or :func:`weekly`; the worker (``manage.py worker``) writes them as django-q2
schedules when it starts (:func:`ensure_schedules`, idempotent), so no cron is needed. Work
that a request wants done soon goes through :func:`enqueue`.

A job must be safe to run twice: a worker killed in the middle of one runs it again when it
comes back (the queue hands an unacknowledged task out again after ``Q_CLUSTER["retry"]``).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# Every schedule LeanHub owns is named with this prefix; others (made by hand in the admin)
# are left alone.
PREFIX = "leanhub:"


@dataclass(frozen=True)
class Periodic:
    name: str
    func: str
    # django-q2's schedule types: "I" every `minutes`, "D" daily, "W" weekly.
    schedule_type: str
    minutes: int | None = None
    hour: int = 0
    weekday: int = 0  # Monday is 0


PERIODIC: dict[str, Periodic] = {}


def _register(job: Periodic) -> None:
    PERIODIC[job.name] = job


def every_minute(name: str, func: str) -> None:
    _register(Periodic(PREFIX + name, func, "I", minutes=1))


def daily(name: str, func: str, *, hour: int) -> None:
    _register(Periodic(PREFIX + name, func, "D", hour=hour))


def weekly(name: str, func: str, *, weekday: int, hour: int) -> None:
    _register(Periodic(PREFIX + name, func, "W", hour=hour, weekday=weekday))


def first_run(job: Periodic, now: datetime.datetime | None = None) -> datetime.datetime:
    """When a new schedule first runs: at once for a frequent job, else the next time the
    local clock shows the job's hour (on its weekday, for a weekly one)."""
    now = timezone.localtime(now)
    if job.schedule_type == "I":
        return now
    at = now.replace(hour=job.hour, minute=0, second=0, microsecond=0)
    if job.schedule_type == "W":
        at += datetime.timedelta(days=(job.weekday - at.weekday()) % 7)
    while at <= now:
        at += datetime.timedelta(days=7 if job.schedule_type == "W" else 1)
    return at


@transaction.atomic
def ensure_schedules(now: datetime.datetime | None = None) -> list[str]:
    """Write every registered periodic job as a schedule, once: an existing one keeps its next
    run and is only corrected; schedules of jobs no longer registered are removed. Returns the
    names of the schedules created."""
    from django_q.models import Schedule

    created: list[str] = []
    for job in PERIODIC.values():
        wanted = {
            "func": job.func,
            "schedule_type": job.schedule_type,
            "minutes": job.minutes,
            "repeats": -1,
        }
        schedule = Schedule.objects.filter(name=job.name).order_by("pk").first()
        if schedule is None:
            Schedule.objects.create(name=job.name, next_run=first_run(job, now), **wanted)
            created.append(job.name)
            continue
        Schedule.objects.filter(name=job.name).exclude(pk=schedule.pk).delete()
        if any(getattr(schedule, field) != value for field, value in wanted.items()):
            Schedule.objects.filter(pk=schedule.pk).update(**wanted)
    Schedule.objects.filter(name__startswith=PREFIX).exclude(name__in=list(PERIODIC)).delete()
    return created


def enqueue(func: str) -> None:
    """Ask the worker to run ``func`` (a dotted path) soon. Call it after commit: the work it
    does must already be kept in the database (an outbox row, say), so that a lost request is
    only a delay: the periodic job of the same kind picks the work up anyway."""
    from django_q.tasks import async_task

    try:
        async_task(func, group=func)
    except Exception:
        logger.exception("Could not queue %s; its periodic schedule will run it", func)
