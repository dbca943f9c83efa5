"""Value-stream maps: the processes staff work in, current and future state.

Times are stored in seconds; the unit a person typed is kept beside each so the form shows it
back the way it was entered. The arithmetic lives in :mod:`ideas.maps.calc` (no ORM there).

These models belong to the ``ideas`` app (tables ``ideas_valuestreammap`` and so on): Django
gives a model the app whose package contains its module, and ``ideas/models.py`` imports this
module so they are registered while that app's models load.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ideas.maps import calc
from leanhub.models import Team, User

UNIT_CHOICES = [(k, v) for k, v in calc.UNIT_LABELS.items()]


class StepUrls(TypedDict):
    """A step's links on its map's page, and the ideas pinned to it as (title, link) pairs."""

    edit: str
    move: str
    delete: str
    bursts: list[tuple[str, str]]


class ValueStreamMapQuerySet(models.QuerySet["ValueStreamMap"]):
    def visible_to(self, user: User | AnonymousUser) -> ValueStreamMapQuerySet:
        from leanhub import policy

        return self.filter(policy.team_q(user, "view", prefix="team__"))


class ValueStreamMap(models.Model):
    class Period(models.TextChoices):
        DAY = "day", _("a day")
        WEEK = "week", _("a week")
        MONTH = "month", _("a month")

    class State(models.TextChoices):
        CURRENT = "current", _("Current state")
        FUTURE = "future", _("Future state")

    class DayConvention(models.TextChoices):
        WORKING = "working", _("Working days (a day is the available working time)")
        CALENDAR = "calendar", _("Calendar days (a day is 24 hours)")

    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="value_stream_maps", verbose_name=_("team")
    )
    name = models.CharField(_("name"), max_length=140)
    process = models.CharField(
        _("Process"), max_length=200, help_text=_("From what trigger to what outcome.")
    )
    customer = models.CharField(
        _("customer"), max_length=140, help_text=_("Who receives what the process makes.")
    )
    supplier = models.CharField(
        _("supplier"), max_length=140, blank=True, help_text=_("Who or what starts it.")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.CURRENT
    )
    # A future state remembers the current state it was drawn from.
    current = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="futures",
        verbose_name=_("current"),
    )
    is_target = models.BooleanField(_("is target"), default=False)
    demand = models.DecimalField(_("Customer demand"), max_digits=12, decimal_places=2)
    demand_period = models.CharField(
        _("demand period"), max_length=5, choices=Period.choices, default=Period.WEEK
    )
    days_per_period = models.DecimalField(
        _("Working days in that period"), max_digits=5, decimal_places=2, default=5
    )
    shifts_per_day = models.DecimalField(
        _("shifts per day"), max_digits=4, decimal_places=2, default=1
    )
    shift_s = models.FloatField(_("Shift length"), default=7.5 * 3600)
    shift_unit = models.CharField(_("shift unit"), max_length=3, choices=UNIT_CHOICES, default="h")
    breaks_s = models.FloatField(_("Breaks per shift"), default=30 * 60)
    breaks_unit = models.CharField(
        _("breaks unit"), max_length=3, choices=UNIT_CHOICES, default="min"
    )
    day_convention = models.CharField(
        _("day convention"),
        max_length=10,
        choices=DayConvention.choices,
        default=DayConvention.WORKING,
    )
    # [{"name": "Left", "demand": 12000}, ...] in the same period as ``demand``.
    variants = models.JSONField(_("variants"), default=list, blank=True)
    information_flows = models.TextField(
        _("information flows"),
        blank=True,
        help_text=_("How work is told what to do next: schedules, systems, phone calls."),
    )
    end_wait_s = models.FloatField(_("Wait after the last step"), null=True, blank=True)
    end_wait_unit = models.CharField(
        _("end wait unit"), max_length=3, choices=UNIT_CHOICES, default="h"
    )
    end_wait_quantity = models.FloatField(_("end wait quantity"), null=True, blank=True)
    end_wait_variants = models.JSONField(_("end wait variants"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    # The form's one-time token: a double-submitted "create" or "clone" returns the first map.
    submission_token = models.CharField(
        _("submission token"), max_length=40, blank=True, db_index=True
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ValueStreamMapQuerySet.as_manager()

    class Meta:
        verbose_name = _("value stream map")
        verbose_name_plural = _("value stream maps")
        ordering = ["team", "name", "pk"]
        indexes = [
            models.Index(fields=["team", "state", "name"], name="vsm_team_state_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(demand__gt=0), name="vsm_demand_positive"),
            models.UniqueConstraint(
                fields=["current"], condition=Q(is_target=True), name="vsm_one_target_per_map"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("maps:detail", args=[self.pk])

    @property
    def variant_dict(self) -> dict[str, float]:
        return {v["name"]: float(v["demand"]) for v in self.variants}

    def as_input(self, steps: Sequence[ValueStreamStep]) -> calc.MapInput:
        return calc.MapInput(
            demand=float(self.demand),
            demand_period=self.demand_period,
            days_per_period=float(self.days_per_period),
            shifts_per_day=float(self.shifts_per_day),
            shift_s=self.shift_s,
            breaks_s=self.breaks_s,
            day_convention=self.day_convention,
            variants=self.variant_dict,
            steps=tuple(s.as_input() for s in steps),
            wait_after=calc.Wait(
                time_s=self.end_wait_s,
                time_unit=self.end_wait_unit,
                quantity=self.end_wait_quantity,
                variant_quantities={k: float(v) for k, v in self.end_wait_variants.items()},
            ),
        )


class ValueStreamStep(models.Model):
    """One process box, with the wait in front of it. Office and manufacturing fields alike."""

    map = models.ForeignKey(
        ValueStreamMap, on_delete=models.CASCADE, related_name="steps", verbose_name=_("map")
    )
    position = models.PositiveIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=120)
    performed_by = models.CharField(
        _("performed by"),
        max_length=120,
        blank=True,
        help_text=_("Role or team; a change between steps is a hand-off."),
    )
    cycle_s = models.FloatField(_("Process time"), null=True, blank=True)
    cycle_unit = models.CharField(
        _("cycle unit"), max_length=3, choices=UNIT_CHOICES, default="min"
    )
    lead_s = models.FloatField(_("Lead time of the step"), null=True, blank=True)
    lead_unit = models.CharField(_("lead unit"), max_length=3, choices=UNIT_CHOICES, default="min")
    changeover_s = models.FloatField(_("Changeover time"), null=True, blank=True)
    changeover_unit = models.CharField(
        _("changeover unit"), max_length=3, choices=UNIT_CHOICES, default="min"
    )
    uptime_pct = models.FloatField(_("Uptime %"), null=True, blank=True)
    operators = models.FloatField(_("People"), null=True, blank=True)
    # A percent sign, not a placeholder:
    # xgettext:no-python-format
    pct_ca = models.FloatField(_("% complete and accurate"), null=True, blank=True)
    batch_size = models.FloatField(_("batch size"), null=True, blank=True)
    system_used = models.CharField(_("System or form used"), max_length=140, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    rework = models.CharField(
        _("Rework loop"),
        max_length=200,
        blank=True,
        help_text=_("What gets sent back, and to where."),
    )
    wait_s = models.FloatField(_("Wait before this step"), null=True, blank=True)
    wait_unit = models.CharField(_("wait unit"), max_length=3, choices=UNIT_CHOICES, default="h")
    wait_quantity = models.FloatField(_("Queue before this step"), null=True, blank=True)
    wait_variants = models.JSONField(_("wait variants"), default=dict, blank=True)

    # Not columns: set on the steps of a map's page by ideas.maps.queries.steps_of (with
    # ``burst_list``, the step's kaizen bursts).
    key: str
    urls: StepUrls

    class Meta:
        verbose_name = _("value stream step")
        verbose_name_plural = _("value stream steps")
        ordering = ["map", "position", "pk"]
        indexes = [models.Index(fields=["map", "position"], name="vsm_step_order_idx")]

    def __str__(self) -> str:
        return self.name

    def as_input(self) -> calc.Step:
        return calc.Step(
            name=self.name,
            cycle_s=self.cycle_s,
            cycle_unit=self.cycle_unit,
            lead_s=self.lead_s,
            lead_unit=self.lead_unit,
            changeover_s=self.changeover_s,
            changeover_unit=self.changeover_unit,
            uptime_pct=self.uptime_pct,
            operators=self.operators,
            pct_ca=self.pct_ca,
            batch_size=self.batch_size,
            performed_by=self.performed_by,
            wait_before=calc.Wait(
                time_s=self.wait_s,
                time_unit=self.wait_unit,
                quantity=self.wait_quantity,
                variant_quantities={k: float(v) for k, v in self.wait_variants.items()},
            ),
        )


class KaizenBurst(models.Model):
    """An improvement idea pinned to a step: drawn as a burst on the map, linked to the idea."""

    step = models.ForeignKey(
        ValueStreamStep, on_delete=models.CASCADE, related_name="bursts", verbose_name=_("step")
    )
    idea = models.ForeignKey(
        "ideas.Idea", on_delete=models.CASCADE, related_name="vsm_bursts", verbose_name=_("idea")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("kaizen burst")
        verbose_name_plural = _("kaizen bursts")
        ordering = ["step", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["step", "idea"], name="vsm_burst_once_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.idea} on {self.step}"
