"""Reads for value-stream maps: the list, one map (or step) if a person may see it, one map's
workspace (steps, bursts, figures, drawing), and the current-versus-future comparison. Each is a
fixed number of queries whatever the size.

Kaizen cards that improve a step are kaizen's to show: the map page loads them from kaizen as a
fragment (``kaizen:map-cards``), as ``ideas`` never reads the apps above it. Their stars on the
drawing come from the step link providers kaizen registers (:mod:`ideas.maps.links`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import BooleanField, Count, ExpressionWrapper, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext

from ideas.maps import calc, links
from ideas.maps import drawing as draw
from ideas.maps.models import KaizenBurst, ValueStreamMap, ValueStreamStep
from leanhub import policy
from leanhub.models import User


def maps_visible_to(user: User | AnonymousUser) -> QuerySet[ValueStreamMap]:
    return (
        ValueStreamMap.objects.visible_to(user)
        .select_related("team__site__organisation", "current")
        .annotate(step_count=Count("steps"))
        .order_by("team__site__name", "team__name", "current_id", "state", "name", "pk")
    )


def get_map_for_user(
    user: User | AnonymousUser, map_id: int, *, action: str = "view_vsm"
) -> ValueStreamMap:
    """The map if ``user`` may do ``action`` to it (``view_vsm`` or ``edit_vsm``): 404 when they
    cannot see it, 403 with a reason when they can see it but not change it. Its team, site,
    organisation and current state come joined, for the policy and the page."""
    return policy.get_for_user(
        user,
        ValueStreamMap.objects.select_related("team__site__organisation", "current"),
        action=action,
        pk=map_id,
    )


def get_step_for_user(
    user: User | AnonymousUser, map_id: int, step_id: int, *, action: str = "view_vsm"
) -> ValueStreamStep:
    """The step ``step_id`` of the map ``map_id``, if ``user`` may do ``action`` to the map (as
    :func:`get_map_for_user`); 404 when the step is not on that map. ``step.map`` is the map
    fetched here, so the policy's joins are not read again."""
    m = get_map_for_user(user, map_id, action=action)
    step = get_object_or_404(ValueStreamStep, pk=step_id, map=m)
    step.map = m
    return step


def may_view_map(user: User | AnonymousUser, map_id: int) -> bool:
    """Whether ``user`` may watch the map live: the same rule as viewing its page."""
    m = ValueStreamMap.objects.select_related("team__site__organisation").filter(pk=map_id).first()
    return m is not None and policy.can(user, "view_vsm", m)


def live_context(map_id: int) -> dict[str, object] | None:
    """What every viewer of the map is sent after an edit (figures, drawing, table), read from
    committed rows; None when the map is gone."""
    m = (
        ValueStreamMap.objects.select_related("team__site__organisation", "current")
        .filter(pk=map_id)
        .first()
    )
    if m is None:
        return None
    return {"map": m, "ws": workspace(m)}


def steps_of(m: ValueStreamMap) -> Sequence[ValueStreamStep]:
    """Steps in order with their kaizen bursts and ideas (two queries), each carrying its own
    URLs in ``step.urls`` — reversed once per map, not once per step, as a 60-step map has
    hundreds of links."""
    steps = list(
        m.steps.order_by("position", "pk").prefetch_related(
            # A plain list: a related manager per step costs more than the rest of the page.
            Prefetch(
                "bursts",
                queryset=KaizenBurst.objects.select_related("idea").annotate(
                    for_all=ExpressionWrapper(
                        policy.idea_seen_by_all_who_see_team_q(
                            prefix="idea__", team="step__map__team"
                        ),
                        output_field=BooleanField(),
                    )
                ),
                to_attr="burst_list",
            ),
        )
    )
    sentinel = 987654321
    edit, move, delete = (
        reverse(f"maps:step-{name}", args=[m.pk, sentinel]) for name in ("edit", "move", "delete")
    )
    idea_pattern = _idea_url_pattern(sentinel)
    unshared = gettext("an idea not shared with partners")
    for s in steps:
        # Strings, not ints: the template engine localises every number it prints, and a
        # 60-step page prints step ids hundreds of times.
        s.key = str(s.pk)
        s.urls = {
            "edit": edit.replace(str(sentinel), s.key),
            "move": move.replace(str(sentinel), s.key),
            "delete": delete.replace(str(sentinel), s.key),
            # The drawing and its table are sent to everyone who sees the map: an idea some
            # of them may not open is a star without its title or link.
            "bursts": [
                (b.idea.title, idea_pattern.replace(str(sentinel), str(b.idea_id)))
                if b.for_all
                else (unshared, "")
                for b in s.burst_list
            ],
        }
    return steps


def _idea_url_pattern(sentinel: int) -> str:
    return reverse("ideas:detail", args=[sentinel])


@dataclass(frozen=True)
class _StepWords:
    """The words of each step's data box and table row, translated once per map rather than
    once per step: a long map has hundreds of lines to write, and each lookup costs more than
    the formatting."""

    process: str
    lead: str
    pct_ca: str
    people: str
    uptime: str
    changeover: str
    batch: str
    rework: str
    days_of_demand: str
    changeover_left_out: str

    @classmethod
    def translated(cls) -> _StepWords:
        return cls(
            # Translators: P/T is process time, on a value-stream map's data box.
            process=gettext("P/T %(time)s"),
            # Translators: L/T is lead time, on a value-stream map's data box.
            lead=gettext("L/T %(time)s"),
            # Translators: %C&A is percent complete and accurate, on a value-stream map's data box.
            pct_ca=gettext("%%C&A %(number)s %%"),
            people=gettext("People %(number)s"),
            uptime=gettext("Uptime %(number)s %%"),
            # Translators: C/O is changeover time, on a value-stream map's data box.
            changeover=gettext("C/O %(time)s"),
            batch=gettext("Batch %(number)s"),
            rework=gettext("↺ Rework: %(rework)s"),
            days_of_demand=gettext("%(number)s days of demand"),
            changeover_left_out=gettext("Changeover %(time)s left out until a batch size is given"),
        )


def _data_lines(s: ValueStreamStep, r: calc.StepResult, words: _StepWords) -> tuple[str, ...]:
    """The step's figures as its data box on the drawing shows them, one line each, each time in
    the unit it was typed in."""
    lines = []
    if s.cycle_s is not None:
        lines.append(words.process % {"time": calc.fmt_typed(s.cycle_s, s.cycle_unit)})
    if s.lead_s is not None:
        typed_days = s.lead_unit == "d"
        lead = (
            f"{calc.fmt_num(s.lead_s / calc.CALENDAR_DAY_S, 2)} d"
            if typed_days
            else calc.fmt_typed(r.lead_s, s.lead_unit)
        )
        lines.append(words.lead % {"time": lead})
    if s.pct_ca is not None:
        lines.append(words.pct_ca % {"number": calc.fmt_num(s.pct_ca)})
    if s.operators is not None:
        lines.append(words.people % {"number": calc.fmt_num(s.operators)})
    if s.uptime_pct is not None:
        lines.append(words.uptime % {"number": calc.fmt_num(s.uptime_pct)})
    if s.changeover_s is not None:
        lines.append(words.changeover % {"time": calc.fmt_typed(s.changeover_s, s.changeover_unit)})
    if s.batch_size is not None:
        lines.append(words.batch % {"number": calc.fmt_num(s.batch_size)})
    if s.performed_by:
        lines.append(s.performed_by)
    if s.rework:
        lines.append(words.rework % {"rework": s.rework})
    return tuple(lines)


def demand_text(m: ValueStreamMap) -> str:
    return gettext("Demand %(demand)s %(period)s") % {
        "demand": calc.fmt_num(float(m.demand)),
        "period": m.get_demand_period_display(),
    }


@dataclass(frozen=True)
class Row:
    """One step as the table shows it: figures already formatted for people."""

    step: ValueStreamStep
    r: calc.StepResult
    number: str
    wait: str
    process: str
    lead: str
    effective: str
    capacity: str
    pct_ca: str
    # What the step's capacity leaves out (a changeover without a batch size), or "".
    note: str = ""


def _row(
    step: ValueStreamStep,
    r: calc.StepResult,
    as_lead: Callable[[float], str],
    words: _StepWords,
    day_length_s: float,
) -> Row:
    w = r.wait_before
    if w.is_empty:
        wait = "—"
    elif w.days_of_demand is not None:
        wait = words.days_of_demand % {"number": calc.fmt_num(w.days_of_demand, 2)}
    else:
        wait = as_lead(w.seconds)
    # A step's own times in the unit typed; a long lead time (or one typed in days) in the
    # map's lead-time days, as the waits are.
    lead_unit = step.lead_unit if step.lead_s is not None else r.process_unit
    if lead_unit == "d" or r.lead_s >= day_length_s / 4:
        lead = as_lead(r.lead_s)
    else:
        lead = calc.fmt_typed(r.lead_s, lead_unit)
    return Row(
        step=step,
        r=r,
        number=str(r.index + 1),
        wait=wait,
        process=calc.fmt_typed(r.process_s, r.process_unit),
        lead=lead,
        effective="—" if r.effective_ct_s is None else calc.fmt_duration(r.effective_ct_s),
        capacity="—" if r.capacity_per_day is None else calc.fmt_num(r.capacity_per_day, 1),
        pct_ca="—" if r.pct_ca is None else f"{calc.fmt_num(r.pct_ca)} %",
        note=""
        if r.changeover_left_out_s is None
        else words.changeover_left_out
        % {"time": calc.fmt_typed(r.changeover_left_out_s, step.changeover_unit)},
    )


@dataclass
class Workspace:
    map: ValueStreamMap
    steps: Sequence[ValueStreamStep]
    result: calc.Result | None
    errors: dict[str, str]
    drawing: draw.Drawing | None
    rows: list[Row]

    @property
    def fig(self) -> dict[str, calc.Figure]:
        return {f.key: f for f in self.result.figures} if self.result else {}

    @property
    def wait_after(self) -> str:
        if not self.result or self.result.wait_after.is_empty:
            return "—"
        w = self.result.wait_after
        if w.days_of_demand is not None:
            return gettext("%(number)s days of demand") % {
                "number": calc.fmt_num(w.days_of_demand, 2)
            }
        return calc.fmt_lead(
            w.seconds, self.result.day_length_s, working=self.map.day_convention == "working"
        )

    @property
    def svg(self) -> str:
        return draw.to_svg(self.drawing, id_prefix=f"vsm-{self.map.pk}") if self.drawing else ""


def workspace(m: ValueStreamMap, steps: Sequence[ValueStreamStep] | None = None) -> Workspace:
    """Everything the map page shows: figures, drawing and table rows, or what is wrong. The
    drawing's stars are each step's pinned ideas, then what the registered step link providers
    hang on it (kaizen's cards), asked once per map: one query per provider."""
    steps = steps_of(m) if steps is None else steps
    try:
        result = calc.compute(m.as_input(steps))
    except calc.InvalidInput as bad:
        return Workspace(m, steps, None, bad.errors, None, [])
    # Asked here, not in steps_of: only the drawing shows them, and exports need no drawing.
    linked = links.links_for_steps([s.pk for s in steps])
    words = _StepWords.translated()
    as_lead = calc.lead_formatter(result.day_length_s, working=m.day_convention == "working")
    draw_steps = [
        draw.DrawStep(
            name=s.name,
            data_lines=_data_lines(s, r, words),
            bursts=(*s.urls["bursts"], *linked.get(s.pk, ())),
        )
        for s, r in zip(steps, result.steps, strict=True)
    ]
    drawing = draw.build(
        name=m.name,
        customer=m.customer,
        supplier=m.supplier,
        steps=draw_steps,
        result=result,
        demand_text=demand_text(m),
        information_flows=m.information_flows,
    )
    rows = [
        _row(s, r, as_lead, words, result.day_length_s)
        for s, r in zip(steps, result.steps, strict=True)
    ]
    return Workspace(m, steps, result, {}, drawing, rows)


def family_of(m: ValueStreamMap) -> tuple[ValueStreamMap, list[ValueStreamMap]]:
    """The current state and its futures (target first), one query for the futures."""
    current = m.current if m.state == ValueStreamMap.State.FUTURE and m.current else m
    futures = list(
        ValueStreamMap.objects.filter(current=current).order_by("-is_target", "created_at", "pk")
    )
    return current, futures


@dataclass
class Comparison:
    current: Workspace
    future: Workspace
    deltas: list[calc.Delta]


def compare(current: ValueStreamMap, future: ValueStreamMap) -> Comparison:
    a, b = workspace(current), workspace(future)
    deltas = calc.compare(a.result, b.result) if a.result and b.result else []
    return Comparison(a, b, deltas)
