"""Forms for value-stream maps: validate and normalise (times to seconds), nothing else."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import Model, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ideas.maps import calc
from ideas.maps.models import UNIT_CHOICES, ValueStreamMap, ValueStreamStep
from leanhub.models import Team

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PCT_ERRORS: dict[str, StrOrPromise] = {
    "min_value": _("Enter a percentage between 0 and 100."),
    "max_value": _("Enter a percentage between 0 and 100."),
    "invalid": _("Enter a number, for example 85."),
}
TIME_ERRORS: dict[str, StrOrPromise] = {
    "min_value": _("A time cannot be negative."),
    "invalid": _("Enter a number, for example 12.5."),
}
COUNT_ERRORS: dict[str, StrOrPromise] = {
    "min_value": _("Enter a number more than zero."),
    "invalid": _("Enter a number."),
}


def _time_field(
    label: StrOrPromise, *, required: bool = False, help_text: StrOrPromise = ""
) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=0,
        max_digits=12,
        decimal_places=4,
        error_messages=TIME_ERRORS,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


def _unit_field(label: StrOrPromise, initial: str = "min") -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=UNIT_CHOICES, initial=initial)


def _optional_number(label: StrOrPromise, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=12,
        decimal_places=4,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        **kwargs,
    )


def parse_variants(text: str) -> dict[str, float]:
    """``Left: 600, Right: 640`` (commas or new lines) → {"Left": 600.0, "Right": 640.0}."""
    result: dict[str, float] = {}
    for chunk in re.split(r"[,\n]", text or ""):
        if not chunk.strip():
            continue
        name, sep, qty = chunk.rpartition(":")
        if not sep or not name.strip():
            raise forms.ValidationError(
                gettext("Write each variant as name: quantity — “%(chunk)s” has no quantity.")
                % {"chunk": chunk.strip()}
            )
        try:
            number = float(Decimal(qty.strip()))
        except Exception:
            raise forms.ValidationError(
                gettext("“%(quantity)s” for %(variant)s is not a number.")
                % {"quantity": qty.strip(), "variant": name.strip()}
            ) from None
        if number < 0:
            raise forms.ValidationError(
                gettext("The quantity for %(variant)s cannot be negative.")
                % {"variant": name.strip()}
            )
        result[name.strip()] = number
    return result


def format_variants(values: dict[str, float]) -> str:
    return ", ".join(f"{k}: {calc.fmt_num(v, 4)}" for k, v in values.items())


class _DurationsMixin:
    """Pairs of ``<name>`` + ``<name>_unit`` fields become ``<model field>_s`` in seconds."""

    durations: dict[str, str] = {}  # form field -> model field (seconds)

    def durations_to_seconds(self, cleaned: dict[str, Any]) -> None:
        for name, model_field in self.durations.items():
            value = cleaned.get(name)
            unit = cleaned.get(f"{name}_unit") or "min"
            cleaned[model_field] = None if value is None else float(value) * calc.UNIT_SECONDS[unit]

    @classmethod
    def initial_from(cls, obj: Model, pairs: dict[str, tuple[str, str]]) -> dict[str, object]:
        initial: dict[str, object] = {}
        for name, (seconds_field, unit_field) in pairs.items():
            seconds = getattr(obj, seconds_field)
            unit = getattr(obj, unit_field)
            initial[f"{name}_unit"] = unit
            initial[name] = None if seconds is None else _trim(calc.from_seconds(seconds, unit))
        return initial


def _trim(value: float) -> int | float:
    """Show 30.0 as 30 and 1.23456 as 1.2346 in the form."""
    value = round(value, 4)
    return int(value) if value == int(value) else value


class MapForm(_DurationsMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=140,
        help_text=_("For example: New benefit claim, current state."),
    )
    process = forms.CharField(
        label=_("Process"), max_length=200, help_text=_("From what trigger to what outcome.")
    )
    customer = forms.CharField(
        label=_("Customer"), max_length=140, help_text=_("Who receives what the process makes.")
    )
    supplier = forms.CharField(
        label=_("Supplier"),
        max_length=140,
        required=False,
        help_text=_("Who or what starts it."),
    )
    demand = forms.DecimalField(
        label=_("Customer demand"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages={**COUNT_ERRORS, "min_value": _("Customer demand must be more than zero.")},
        help_text=_("How many the customer needs in the period below."),
    )
    demand_period = forms.ChoiceField(
        label=_("Demand period"), choices=ValueStreamMap.Period.choices, initial="week"
    )
    days_per_period = forms.DecimalField(
        label=_("Working days in that period"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        initial=5,
        error_messages={**COUNT_ERRORS, "min_value": _("Working days must be more than zero.")},
        help_text=_("1 for a day, usually 5 for a week, about 21 for a month."),
    )
    shifts_per_day = forms.DecimalField(
        label=_("Shifts per day"),
        max_digits=4,
        decimal_places=2,
        min_value=Decimal("0.01"),
        initial=1,
        error_messages={**COUNT_ERRORS, "min_value": _("Shifts per day must be more than zero.")},
    )
    shift = _time_field(_("Shift length"), required=True)
    shift_unit = _unit_field(_("Shift length unit"), "h")
    breaks = _time_field(_("Breaks per shift"), required=True)
    breaks_unit = _unit_field(_("Breaks unit"), "min")
    day_convention = forms.ChoiceField(
        label=_("Count lead-time days as"),
        choices=ValueStreamMap.DayConvention.choices,
        initial="working",
    )
    variants = forms.CharField(
        label=_("Variants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Optional split of demand, e.g. “Single: 300, Couple: 160”. Must add up to demand."
        ),
    )
    information_flows = forms.CharField(
        label=_("Information flows"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("How work is told what to do next: schedules, systems, phone calls."),
    )
    end_wait = _time_field(
        _("Wait after the last step"), help_text=_("Time, or give a quantity below.")
    )
    end_wait_unit = _unit_field(_("Wait after the last step unit"), "h")
    end_wait_quantity = _optional_number(
        _("Or items waiting after the last step"), min_value=0, error_messages=TIME_ERRORS
    )
    end_wait_variants = forms.CharField(
        label=_("Items waiting after the last step, by variant"),
        required=False,
        help_text=_("Optional, e.g. “Single: 20, Couple: 8”."),
    )
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)

    durations = {"shift": "shift_s", "breaks": "breaks_s", "end_wait": "end_wait_s"}

    def __init__(self, *args: Any, teams: QuerySet[Team] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if teams is not None:
            # Only when creating: the teams the person may draw maps for.
            self.fields = {
                "team": forms.ModelChoiceField(
                    queryset=teams,
                    label=_("Team"),
                    empty_label=None if len(teams) == 1 else _("Choose a team"),
                ),
                **self.fields,
            }
        if not self.is_bound and not self.initial.get("submission_token"):
            self.initial["submission_token"] = uuid.uuid4().hex

    @classmethod
    def for_map(cls, m: ValueStreamMap, *args: Any, **kwargs: Any) -> MapForm:
        initial: dict[str, object] = {
            f: getattr(m, f)
            for f in (
                "name",
                "process",
                "customer",
                "supplier",
                "demand",
                "demand_period",
                "days_per_period",
                "shifts_per_day",
                "day_convention",
                "information_flows",
                "end_wait_quantity",
            )
        }
        initial |= cls.initial_from(
            m,
            {
                "shift": ("shift_s", "shift_unit"),
                "breaks": ("breaks_s", "breaks_unit"),
                "end_wait": ("end_wait_s", "end_wait_unit"),
            },
        )
        initial["variants"] = format_variants(m.variant_dict)
        initial["end_wait_variants"] = format_variants(m.end_wait_variants)
        return cls(*args, initial=initial, **kwargs)

    def clean_variants(self) -> list[dict[str, str | float]]:
        parsed = parse_variants(self.cleaned_data.get("variants", ""))
        return [{"name": k, "demand": v} for k, v in parsed.items()]

    def clean_end_wait_variants(self) -> dict[str, float]:
        return parse_variants(self.cleaned_data.get("end_wait_variants", ""))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        self.durations_to_seconds(cleaned)
        if self.errors:
            return cleaned
        if cleaned["breaks_s"] >= cleaned["shift_s"]:
            self.add_error(
                "breaks",
                gettext("Breaks must be shorter than the shift: no time would be left to work."),
            )
        variants = cleaned.get("variants") or []
        total = sum(v["demand"] for v in variants)
        if variants and abs(total - float(cleaned["demand"])) > 1e-6:
            self.add_error(
                "variants",
                gettext(
                    "The variants add up to %(total)s, but customer demand is %(demand)s: "
                    "make them match."
                )
                % {"total": calc.fmt_num(total), "demand": calc.fmt_num(float(cleaned["demand"]))},
            )
        names = {v["name"] for v in variants}
        unknown = [k for k in cleaned.get("end_wait_variants") or {} if k not in names]
        if unknown:
            self.add_error(
                "end_wait_variants",
                gettext("%(variants)s is not one of the variants above.")
                % {"variants": ", ".join(unknown)},
            )
        if cleaned.get("end_wait_s") is not None and (
            cleaned.get("end_wait_quantity") is not None or cleaned.get("end_wait_variants")
        ):
            self.add_error(
                "end_wait", gettext("Give the wait either as a time or as a quantity, not both.")
            )
        return cleaned

    def model_values(self) -> dict[str, Any]:
        c = self.cleaned_data
        return {
            "name": c["name"],
            "process": c["process"],
            "customer": c["customer"],
            "supplier": c["supplier"],
            "demand": c["demand"],
            "demand_period": c["demand_period"],
            "days_per_period": c["days_per_period"],
            "shifts_per_day": c["shifts_per_day"],
            "shift_s": c["shift_s"],
            "shift_unit": c["shift_unit"],
            "breaks_s": c["breaks_s"],
            "breaks_unit": c["breaks_unit"],
            "day_convention": c["day_convention"],
            "variants": c["variants"],
            "information_flows": c["information_flows"],
            "end_wait_s": c["end_wait_s"],
            "end_wait_unit": c["end_wait_unit"],
            "end_wait_quantity": None
            if c["end_wait_quantity"] is None
            else float(c["end_wait_quantity"]),
            "end_wait_variants": c["end_wait_variants"],
        }


class StepForm(_DurationsMixin, forms.Form):
    name = forms.CharField(label=_("Step name"), max_length=120)
    performed_by = forms.CharField(
        max_length=120,
        required=False,
        label=_("Done by"),
        help_text=_("Role or team; a change between steps counts as a hand-off."),
    )
    cycle = _time_field(_("Process time"), help_text=_("Hands-on time for one item."))
    cycle_unit = _unit_field(_("Process time unit"))
    lead = _time_field(
        _("Lead time of the step"), help_text=_("Elapsed time; process time if blank.")
    )
    lead_unit = _unit_field(_("Lead time unit"))
    wait = _time_field(_("Wait before this step"), help_text=_("Time, or give a queue below."))
    wait_unit = _unit_field(_("Wait unit"), "h")
    wait_quantity = _optional_number(
        _("Or items queuing before this step"), min_value=0, error_messages=TIME_ERRORS
    )
    wait_variants = forms.CharField(
        label=_("Queue by variant"),
        required=False,
        help_text=_("Optional, e.g. “Single: 20, Couple: 8”."),
    )
    pct_ca = _optional_number(
        # A percent sign, not a placeholder:
        # xgettext:no-python-format
        _("% complete and accurate"),
        min_value=0,
        max_value=100,
        error_messages=PCT_ERRORS,
    )
    operators = _optional_number(
        _("People"), min_value=Decimal("0.01"), error_messages=COUNT_ERRORS
    )
    uptime_pct = _optional_number(
        _("Uptime %"), min_value=0, max_value=100, error_messages=PCT_ERRORS
    )
    changeover = _time_field(_("Changeover time"))
    changeover_unit = _unit_field(_("Changeover unit"))
    batch_size = _optional_number(
        _("Batch size"), min_value=Decimal("0.01"), error_messages=COUNT_ERRORS
    )
    system_used = forms.CharField(label=_("System or form used"), max_length=140, required=False)
    rework = forms.CharField(
        label=_("Rework loop"),
        max_length=200,
        required=False,
        help_text=_("What gets sent back, and to where."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    expected_steps = forms.IntegerField(widget=forms.HiddenInput, required=False)

    durations = {
        "cycle": "cycle_s",
        "lead": "lead_s",
        "wait": "wait_s",
        "changeover": "changeover_s",
    }
    PRIMARY = (
        "name",
        "performed_by",
        "cycle",
        "cycle_unit",
        "lead",
        "lead_unit",
        "wait",
        "wait_unit",
    )

    def __init__(self, *args: Any, vsm_map: ValueStreamMap, **kwargs: Any) -> None:
        self.vsm_map = vsm_map
        super().__init__(*args, **kwargs)

    @classmethod
    def for_step(cls, step: ValueStreamStep, *args: Any, **kwargs: Any) -> StepForm:
        initial: dict[str, object] = {
            f: getattr(step, f) for f in ("name", "performed_by", "system_used", "rework", "notes")
        }
        for f in ("pct_ca", "operators", "uptime_pct", "batch_size", "wait_quantity"):
            value = getattr(step, f)
            initial[f] = None if value is None else _trim(value)
        initial |= cls.initial_from(
            step,
            {
                "cycle": ("cycle_s", "cycle_unit"),
                "lead": ("lead_s", "lead_unit"),
                "wait": ("wait_s", "wait_unit"),
                "changeover": ("changeover_s", "changeover_unit"),
            },
        )
        initial["wait_variants"] = format_variants(step.wait_variants)
        return cls(*args, initial=initial, vsm_map=step.map, **kwargs)

    def clean_wait_variants(self) -> dict[str, float]:
        parsed = parse_variants(self.cleaned_data.get("wait_variants", ""))
        known = self.vsm_map.variant_dict
        unknown = [k for k in parsed if k not in known]
        if unknown:
            if known:
                message = gettext("%(variants)s is not one of this map's variants (%(known)s).")
            else:
                message = gettext(
                    "%(variants)s is not one of this map's variants: the map has none."
                )
            raise forms.ValidationError(
                message % {"variants": ", ".join(unknown), "known": ", ".join(known)}
            )
        return parsed

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        self.durations_to_seconds(cleaned)
        if cleaned.get("wait_s") is not None and (
            cleaned.get("wait_quantity") is not None or cleaned.get("wait_variants")
        ):
            self.add_error(
                "wait", gettext("Give the wait either as a time or as a queue, not both.")
            )
        return cleaned

    def model_values(self) -> dict[str, Any]:
        c = self.cleaned_data

        def f(name: str) -> float | None:
            return None if c.get(name) is None else float(c[name])

        return {
            "name": c["name"],
            "performed_by": c["performed_by"],
            "cycle_s": c["cycle_s"],
            "cycle_unit": c["cycle_unit"],
            "lead_s": c["lead_s"],
            "lead_unit": c["lead_unit"],
            "changeover_s": c["changeover_s"],
            "changeover_unit": c["changeover_unit"],
            "uptime_pct": f("uptime_pct"),
            "operators": f("operators"),
            "pct_ca": f("pct_ca"),
            "batch_size": f("batch_size"),
            "system_used": c["system_used"],
            "notes": c["notes"],
            "rework": c["rework"],
            "wait_s": c["wait_s"],
            "wait_unit": c["wait_unit"],
            "wait_quantity": f("wait_quantity"),
            "wait_variants": c["wait_variants"],
        }


class CloneForm(forms.Form):
    name = forms.CharField(label=_("Name of the future state"), max_length=140)
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)


class ImportForm(forms.Form):
    # The teams come with each form: see __init__.
    team: forms.ModelChoiceField[Team] = forms.ModelChoiceField(
        queryset=None, label=_("Team the map belongs to")
    )
    file = forms.FileField(label=_("Map file (JSON)"), help_text=_("A file exported from LeanHub."))
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, teams: QuerySet[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Team]", self.fields["team"]).queryset = teams
        if not self.is_bound:
            self.initial["submission_token"] = uuid.uuid4().hex
