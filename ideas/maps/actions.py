"""State changes of value-stream maps. Object first, the rest keyword-only, the acting user as
``by``. Each is atomic and asks the policy first. An edit that changes what a map's page shows
tells everyone viewing the map after commit: one broadcast of the map's figures, drawing and
table, rendered once from committed rows (see ``_announce``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from ideas.maps import queries
from ideas.maps.models import KaizenBurst, ValueStreamMap, ValueStreamStep
from ideas.models import Idea
from leanhub import audit, policy, realtime
from leanhub.models import Team, User

# Shown to the person refused, in their language: pass it through gettext where it is used.
EDIT_REASON = gettext_noop(
    "Only people who work in this team, its leads and managers can change its maps."
)

STEP_COPY_FIELDS = [
    f.name for f in ValueStreamStep._meta.concrete_fields if f.name not in ("id", "map")
]
MAP_COPY_FIELDS = [
    f.name
    for f in ValueStreamMap._meta.concrete_fields
    if f.name
    not in (
        "id",
        "team",
        "name",
        "state",
        "current",
        "is_target",
        "created_by",
        "created_at",
        "updated_at",
        "submission_token",
    )
]


LIVE_TEMPLATE = "ideas/maps/_live_oob.html"


def map_group(map_id: int) -> str:
    return f"ideas.map.{map_id}"


def _announce(map_id: int) -> None:
    """After commit, send the map's figures, drawing and table to everyone viewing it. Rendered
    then, from committed rows, so a viewer never sees a change that was rolled back."""

    def send() -> None:
        context = queries.live_context(map_id)
        if context is not None:
            realtime.broadcast(map_group(map_id), LIVE_TEMPLATE, context)

    transaction.on_commit(send)


def _lock(m: ValueStreamMap) -> ValueStreamMap:
    # Serialise edits of one map so positions stay a clean 0..n-1 sequence.
    return ValueStreamMap.objects.select_for_update().select_related("team__site").get(pk=m.pk)


@transaction.atomic
def create_map(
    team: Team, *, values: dict[str, Any], by: User, submission_token: str = ""
) -> ValueStreamMap:
    """Create a current-state map for ``team``. A repeated submission token returns the map the
    first submission made, so a double click does not make two maps."""
    policy.require(by, "work_in_team", team, reason=gettext(EDIT_REASON))
    if submission_token:
        existing = ValueStreamMap.objects.filter(
            created_by=by, submission_token=submission_token
        ).first()
        if existing:
            return existing
    m = ValueStreamMap.objects.create(
        team=team, created_by=by, submission_token=submission_token, **values
    )
    audit.record(by, "vsm.created", m, {"team": team.pk})
    return m


@transaction.atomic
def update_map(m: ValueStreamMap, *, values: dict[str, Any], by: User) -> ValueStreamMap:
    policy.require(by, "edit_vsm", m, reason=gettext(EDIT_REASON))
    m = _lock(m)
    for name, value in values.items():
        setattr(m, name, value)
    m.save()
    _announce(m.pk)
    return m


@transaction.atomic
def add_step(
    m: ValueStreamMap, *, values: dict[str, Any], by: User, expected_steps: int | None = None
) -> ValueStreamStep | None:
    """Append a step. ``expected_steps`` is how many steps the form saw: when the map has grown
    since and its last step has the same name, this is a repeated submission (a double click, a
    resend) and nothing is added (returns None). A step a colleague added or removed meanwhile
    does not stop this one: several people may edit a map at once."""
    policy.require(by, "edit_vsm", m, reason=gettext(EDIT_REASON))
    m = _lock(m)
    last = m.steps.order_by("-position", "-pk").only("name", "position").first()
    if (
        expected_steps is not None
        and last is not None
        and last.name == values.get("name")
        and m.steps.count() > expected_steps
    ):
        return None
    step = ValueStreamStep.objects.create(
        map=m, position=0 if last is None else last.position + 1, **values
    )
    m.save(update_fields=["updated_at"])
    _announce(m.pk)
    return step


@transaction.atomic
def update_step(step: ValueStreamStep, *, values: dict[str, Any], by: User) -> ValueStreamStep:
    policy.require(by, "edit_vsm", step.map, reason=gettext(EDIT_REASON))
    m = _lock(step.map)
    for name, value in values.items():
        setattr(step, name, value)
    step.save()
    m.save(update_fields=["updated_at"])
    _announce(m.pk)
    return step


def _renumber(steps: list[ValueStreamStep]) -> None:
    for i, s in enumerate(steps):
        s.position = i
    ValueStreamStep.objects.bulk_update(steps, ["position"])


@transaction.atomic
def move_step(step: ValueStreamStep, *, offset: int, by: User) -> None:
    """Move a step up (−1) or down (+1) one place, in one bulk update. Moving past either end
    leaves the order as it is. The wait in front of the step travels with it."""
    policy.require(by, "edit_vsm", step.map, reason=gettext(EDIT_REASON))
    if offset not in (-1, 1):
        raise ValidationError(gettext("A step moves one place up or down at a time."))
    m = _lock(step.map)
    steps = list(m.steps.order_by("position", "pk"))
    index = next(i for i, s in enumerate(steps) if s.pk == step.pk)
    target = index + offset
    moved = 0 <= target < len(steps)
    if moved:
        steps[index], steps[target] = steps[target], steps[index]
    _renumber(steps)
    m.save(update_fields=["updated_at"])
    if moved:
        _announce(m.pk)


@transaction.atomic
def delete_step(step: ValueStreamStep, *, by: User) -> None:
    policy.require(by, "edit_vsm", step.map, reason=gettext(EDIT_REASON))
    m = _lock(step.map)
    audit.record(by, "vsm.step_deleted", m, {"step": step.name})
    step.delete()
    _renumber(list(m.steps.order_by("position", "pk")))
    m.save(update_fields=["updated_at"])
    _announce(m.pk)


@transaction.atomic
def clone_to_future(
    m: ValueStreamMap, *, name: str, by: User, submission_token: str = ""
) -> ValueStreamMap:
    """Copy a map (its working time, demand and every step) into a future-state draft of the
    same current state. Kaizen bursts stay with the current state they were raised against."""
    policy.require(by, "edit_vsm", m, reason=gettext(EDIT_REASON))
    if submission_token:
        existing = ValueStreamMap.objects.filter(
            created_by=by, submission_token=submission_token
        ).first()
        if existing:
            return existing
    current = m.current if m.state == ValueStreamMap.State.FUTURE and m.current else m
    future = ValueStreamMap.objects.create(
        team=m.team,
        name=name,
        state=ValueStreamMap.State.FUTURE,
        current=current,
        created_by=by,
        submission_token=submission_token,
        **{f: getattr(m, f) for f in MAP_COPY_FIELDS},
    )
    ValueStreamStep.objects.bulk_create(
        [
            ValueStreamStep(map=future, **{f: getattr(s, f) for f in STEP_COPY_FIELDS})
            for s in m.steps.order_by("position", "pk")
        ]
    )
    audit.record(by, "vsm.cloned", future, {"from": m.pk})
    return future


@transaction.atomic
def mark_target(future: ValueStreamMap, *, by: User) -> ValueStreamMap:
    """Make this future state the one the team is aiming for; any other target stops being one."""
    policy.require(by, "edit_vsm", future, reason=gettext(EDIT_REASON))
    if future.state != ValueStreamMap.State.FUTURE or not future.current_id:
        raise ValidationError(gettext("Only a future state can be the target."))
    ValueStreamMap.objects.filter(current_id=future.current_id, is_target=True).exclude(
        pk=future.pk
    ).update(is_target=False)
    future.is_target = True
    future.save(update_fields=["is_target", "updated_at"])
    audit.record(by, "vsm.target_set", future, {"current": future.current_id})
    return future


@transaction.atomic
def link_idea_to_step(step: ValueStreamStep, *, idea: Idea, by: User) -> KaizenBurst:
    """Pin an idea to a step as a kaizen burst. Any idea the person can see may be pinned (good
    ideas often come from another team); others answer 404. Linking twice returns the first."""
    policy.require(by, "edit_vsm", step.map, reason=gettext(EDIT_REASON))
    policy.require(by, "view_idea", idea)
    burst, created = KaizenBurst.objects.get_or_create(
        step=step, idea=idea, defaults={"created_by": by}
    )
    if created:
        audit.record(by, "vsm.idea_linked", step.map, {"step": step.pk, "idea": idea.pk})
        _announce(step.map_id)
    return burst


@transaction.atomic
def delete_map(m: ValueStreamMap, *, by: User) -> None:
    policy.require(by, "edit_vsm", m, reason=gettext(EDIT_REASON))
    if m.futures.exists():
        raise ValidationError(
            gettext("This map has future states drawn from it: delete those first.")
        )
    audit.record(by, "vsm.deleted", m, {"team": m.team_id})
    m.delete()
