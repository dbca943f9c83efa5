"""Special-cause variation raised by a measure's newest figures: its owners hear of it once.

After figures are added to a measure (the web form, a CSV import, the API's feed), the action
that added them reads the chart once (``metrics.readings``, as every page does) and calls
:func:`notice`. A *signal* is the run of special-cause points of one direction that ends at the
chart's newest point, when that point is among the figures just added (an import of old
history that ends in common cause tells nobody). Each signal is kept
(:class:`~metrics.models.SpecialCauseSignal`); a later point that carries the same run on only
moves its end, so owners are told once per signal, not on every point. Telling them is a
notification in LeanHub, an e-mail as each chose (``measure_signals``), and the
``measure.special_cause`` event for webhooks (``leanhub/events.py``), all after commit.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

from leanhub import events, mail, policy
from leanhub.models import Membership, Role, Site, User
from leanhub.notifications import notify
from metrics.models import Measure, SpecialCauseSignal
from metrics.readings import Reading
from metrics.spc import Point

MAIL_KIND = "measure_signals"


def register() -> None:
    mail.register_kind(MAIL_KIND, _("Special-cause variation on measures you run"))


@dataclass(frozen=True)
class Run:
    direction: int
    variation: str
    rule: str
    first_date: date
    last_date: date
    last_pk: int
    value: float
    point: Point  # the newest point: it describes itself in the language active when asked

    @property
    def description(self) -> str:
        return self.point.description


def newest_run(reading: Reading) -> Run | None:
    """The run of special-cause points of one direction ending at the chart's newest point, or
    None when that point is common cause (or there is no chart to judge)."""
    points = reading.result.points
    if not points:
        return None
    figures = reading.figures
    offset = len(figures) - len(points)  # a T chart's first event has no point
    last = points[-1]
    if last.ghost or not last.special_cause:
        return None
    first = len(points) - 1
    for position in range(len(points) - 2, -1, -1):
        point = points[position]
        if point.ghost:
            continue  # drawn, not counted: it neither carries nor breaks the run
        if point.direction != last.direction or point.point_type != last.point_type:
            break
        first = position
    return Run(
        direction=last.direction,
        variation=last.point_type,
        rule=last.rule,
        first_date=figures[first + offset].date,
        last_date=figures[len(points) - 1 + offset].date,
        last_pk=figures[-1].pk,
        value=float(last.value),
        point=last,
    )


def owners(measure: Measure) -> list[User]:
    """Who runs ``measure``: a team's leads, a site's or organisation's managers, a place's
    partnership leads (the roles held on its own scope), and whoever made it while they still
    may edit it."""
    if measure.team_id:
        found = Membership.objects.filter(role=Role.LEAD, team_id=measure.team_id)
    elif measure.site_id:
        found = Membership.objects.filter(role=Role.MANAGER, site_id=measure.site_id)
    elif measure.organisation_id:
        found = Membership.objects.filter(
            role=Role.MANAGER, organisation_id=measure.organisation_id
        )
    else:
        found = Membership.objects.filter(role=Role.PARTNERSHIP, place=measure.place)
    people = {m.user.pk: m.user for m in found.select_related("user").filter(user__is_active=True)}
    maker = measure.created_by
    if maker is not None and maker.pk not in people and policy.can(maker, "edit_measure", measure):
        people[maker.pk] = maker
    return list(people.values())


def organisations_of(measure: Measure) -> set[int]:
    """Organisations whose people may see ``measure``: whose webhooks may hear of it."""
    if measure.team is not None:
        return {measure.team.site.organisation_id}
    if measure.site is not None:
        return {measure.site.organisation_id}
    if measure.organisation_id:
        return {measure.organisation_id}
    return set(Site.objects.filter(place=measure.place).values_list("organisation_id", flat=True))


def notice(
    measure: Measure, reading: Reading, *, new_ids: Collection[int], since: date | None = None
) -> SpecialCauseSignal | None:
    """Keep and announce the signal the newest figures raised, once. ``new_ids`` are the
    observations just added (or, where their ids are not known, ``since`` their first date).
    Returns the new signal, or None (no signal, an old one carried on, or not from new points)."""
    run = newest_run(reading)
    if run is None:
        return None
    if run.last_pk not in new_ids and (since is None or run.last_date < since):
        return None
    latest = (
        SpecialCauseSignal.objects.filter(measure=measure, direction=run.direction)
        .order_by("-last_date", "-pk")
        .first()
    )
    if latest is not None and run.first_date <= latest.last_date:
        # The same run, carried on (or its start moved as the limits were worked out again).
        if run.last_date > latest.last_date:
            SpecialCauseSignal.objects.filter(pk=latest.pk).update(last_date=run.last_date)
        return None
    signal = SpecialCauseSignal.objects.create(
        measure=measure,
        direction=run.direction,
        variation=run.variation,
        rule=run.rule,
        first_date=run.first_date,
        last_date=run.last_date,
    )
    _tell(measure, run)
    return signal


def _tell(measure: Measure, run: Run) -> None:
    def message() -> str:
        return gettext(
            "“%(measure)s” shows special-cause variation: %(description)s, since %(date)s."
        ) % {
            "measure": measure.name,
            "description": run.description,
            "date": date_format(run.first_date, "DATE_FORMAT"),
        }

    url = measure.get_absolute_url()
    people = owners(measure)
    notify(people, message=message, url=url)
    mail.queue(
        people,
        kind=MAIL_KIND,
        subject=lambda: (
            gettext("LeanHub: special-cause variation on “%(measure)s”") % {"measure": measure.name}
        ),
        message=message,
        url=url,
    )
    if not events.listened_to(events.MEASURE_SPECIAL_CAUSE):
        return
    scope = measure.scope_object
    with override(settings.LANGUAGE_CODE):
        description = run.description
    events.emit(
        events.MEASURE_SPECIAL_CAUSE,
        organisations=organisations_of(measure),
        data={
            "measure": {
                "id": measure.pk,
                "name": measure.name,
                "unit": measure.unit,
                "improvement": measure.improvement,
                "scope": {
                    "kind": type(scope).__name__.lower(),
                    "id": getattr(scope, "pk", None),
                    "name": getattr(scope, "name", ""),
                },
                "url": mail.absolute(url),
            },
            "signal": {
                "direction": "high" if run.direction > 0 else "low",
                "variation": run.variation,
                "rule": run.rule,
                "description": description,
                "first_date": run.first_date.isoformat(),
                "last_date": run.last_date.isoformat(),
                "latest_value": run.value,
            },
        },
    )
