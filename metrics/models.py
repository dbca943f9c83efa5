"""Knowing: measures and their observations, before/after outcomes, the savings ledger, and
satisfaction surveys that feed measures."""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from leanhub import policy
from leanhub.models import Organisation, Place, Site, Team, User

if TYPE_CHECKING:
    from ideas.models import Idea
    from kaizen.models import Card
    from metrics import spc
    from metrics.spc import SPCResult

SCOPES = ("team", "site", "organisation", "place")


def _one_scope_constraint(name: str) -> models.CheckConstraint:
    options = [
        Q(**{f"{s}__isnull": s != chosen for s in SCOPES}) for chosen in SCOPES
    ]  # exactly one of the four set
    condition = options[0]
    for option in options[1:]:
        condition |= option
    return models.CheckConstraint(condition=condition, name=name)


class MeasureQuerySet(models.QuerySet["Measure"]):
    def visible_to(self, user: User | AnonymousUser) -> MeasureQuerySet:
        """Measures whose page the user may open (the policy's ``view_measure`` rule)."""
        return self.filter(policy.measure_q(user))

    def relevant_to(self, *teams: Team) -> MeasureQuerySet:
        """Measures a team's work can be judged on: its own, and those of its site,
        organisation and place (a team's change often shows on a site-wide figure)."""
        condition = Q(pk__in=[])
        for team in teams:
            condition |= (
                Q(team=team)
                | Q(site=team.site_id)
                | Q(organisation=team.site.organisation_id)
                | Q(place=team.site.place_id)
            )
        return self.filter(condition)


class Measure(models.Model):
    """Something a team counts over time: minutes per new claim, satisfaction, backlog."""

    class Improvement(models.TextChoices):
        INCREASE = "increase", _("Higher is better")
        DECREASE = "decrease", _("Lower is better")
        NEUTRAL = "neutral", _("Neither (just watch it)")

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")

    name = models.CharField(_("name"), max_length=140)
    unit = models.CharField(
        _("unit"), max_length=40, help_text=_("e.g. minutes, %, claims, score (1–5)")
    )
    improvement = models.CharField(
        _("Which way is better?"),
        max_length=10,
        choices=Improvement.choices,
        default=Improvement.NEUTRAL,
    )
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )

    class Rules(models.TextChoices):
        NHSE = "nhse", _("NHS England Making Data Count (SQL v2.6)")
        # Translators: the name and version of an R package; usually kept as it is.
        PLOTTHEDOTS = "plotthedots", _("NHSRplotthedots 0.2")

    class ChartType(models.TextChoices):
        XMR = "xmr", _("XmR: the values themselves")
        T = "t", _("T: days between rare events")
        G = "g", _("G: cases between rare events")

    class Conflict(models.TextChoices):
        IMPROVEMENT = "improvement", _("Show it as an improvement")
        CONCERN = "concern", _("Show it as a concern")

    rules = models.CharField(
        _("SPC rules"), max_length=20, choices=Rules.choices, default=Rules.NHSE
    )
    # When the rules were last switched, and from which: the chart says so.
    rules_changed_at = models.DateTimeField(_("rules changed at"), null=True, blank=True)
    previous_rules = models.CharField(
        _("previous SPC rules"), max_length=20, choices=Rules.choices, blank=True
    )
    chart_type = models.CharField(
        _("chart type"), max_length=3, choices=ChartType.choices, default=ChartType.XMR
    )
    # The SQL's baseline (limits of the first N counted points, carried into the next section);
    # under NHSRplotthedots, limits fixed on the first N points of each segment.
    fix_after_n_points = models.PositiveSmallIntegerField(
        _("fix after n points"), null=True, blank=True
    )
    # Each of these left empty takes the rules' own default.
    screen_moving_ranges = models.BooleanField(
        _("Screen out unusually large moving ranges"),
        null=True,
        blank=True,
        help_text=_(
            "A one-off jump does not widen the limits. Leave unknown to use the rules' default "
            "(on for NHSRplotthedots, off for NHS England's SQL)."
        ),
    )
    shift_points = models.PositiveSmallIntegerField(_("points in a shift"), null=True, blank=True)
    trend_points = models.PositiveSmallIntegerField(_("points in a trend"), null=True, blank=True)
    minimum_points = models.PositiveSmallIntegerField(
        _("points before limits are drawn"), null=True, blank=True
    )
    # The kinds of warning (metrics.spc.WARNING_LABELS) its chart gave when last worked out,
    # for the measure list: kept, not recomputed for every row.
    spc_warnings = models.JSONField(_("SPC warnings"), default=list, blank=True)
    conflict_rule = models.CharField(
        _("when a point is both improvement and concern"),
        max_length=12,
        choices=Conflict.choices,
        blank=True,
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="measures",
        verbose_name=_("team"),
    )
    site = models.ForeignKey(
        Site,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="measures",
        verbose_name=_("site"),
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="measures",
        verbose_name=_("organisation"),
    )
    place = models.ForeignKey(
        Place,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="measures",
        verbose_name=_("place"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    # Public reporting: shown, with its SPC chart, on the public page of its site or place.
    public = models.BooleanField(
        _("Show on the public page"),
        default=False,
        help_text=_(
            "Anyone may see this measure's chart, without signing in, on the public page of its "
            "site or place (team measures on their site's). Notes on points are never shown."
        ),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["name", "pk"]
        constraints = [_one_scope_constraint("measure_has_exactly_one_scope")]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    def get_absolute_url(self) -> str:
        return reverse("metrics:measure", args=[self.pk])

    @property
    def scope_object(self) -> Team | Site | Organisation | Place | None:
        """The team, site, organisation or place the measure is of (exactly one is set)."""
        return self.team or self.site or self.organisation or self.place

    def spc_rules(self) -> spc.Rules:
        """The rules this measure is drawn by: its preset with its own settings on top."""
        from metrics import spc

        rules = spc.preset(self.rules)
        changes: dict[str, Any] = {}
        if self.screen_moving_ranges is not None:
            changes["screen"] = self.screen_moving_ranges
        if self.shift_points is not None:
            changes["shift"] = self.shift_points
        if self.trend_points is not None:
            changes["trend"] = self.trend_points
        if self.minimum_points is not None:
            changes["minimum_points"] = self.minimum_points
        if self.conflict_rule:
            changes["conflict"] = self.conflict_rule
        return replace(rules, **changes) if changes else rules

    def rules_snapshot(self) -> dict[str, Any]:
        """The rules this measure is drawn by, as stored with a record of a change of rules."""
        from metrics import spc

        rules = self.spc_rules()
        return {
            "rules": self.rules,
            "shift": rules.shift,
            "trend": rules.trend,
            "screen": rules.screen,
            "minimum_points": rules.minimum_points,
            "conflict": rules.conflict or "",
            "engine": f"leanhub-spc {spc.ENGINE_VERSION} / {rules.reference}",
        }

    def keep_warnings(self, result: SPCResult) -> None:
        """Store the kinds of warning ``result`` gives, if they changed (one query then)."""
        codes = list(result.codes)
        if codes != self.spc_warnings:
            self.spc_warnings = codes
            Measure.objects.filter(pk=self.pk).update(spc_warnings=codes)

    @property
    def warning_labels(self) -> list[str]:
        from metrics import spc

        return [str(spc.WARNING_LABELS[c]) for c in self.spc_warnings if c in spc.WARNING_LABELS]

    def analyse(
        self,
        points: Sequence[tuple[date, Decimal | float] | tuple[date, Decimal | float, bool]],
        *,
        rebase_at: Sequence[int | date] = (),
        targets: Sequence[MeasureTarget] | None = None,
        baseline: bool = True,
    ) -> SPCResult:
        """The SPC reading (metrics.spc.analyse) of ``points`` — (date, value) pairs of this
        measure, or (date, value, ghosted) — by this measure's rules, with its direction, chart
        type, baseline and targets. ``targets``: its targets over time, when the caller has
        them (else read: one query, none if prefetched). ``baseline``: False draws it without its
        baseline (metrics.readings does, while the data is shorter than the baseline).

        Pages do not call this: they read a measure's chart through metrics.readings, which
        gathers its figures, marks and targets the same way for every page."""
        from metrics import spc

        if targets is None:
            targets = list(self.targets.all())
        spans = [
            spc.TargetSpan(float(t.value), t.start, t.end)
            for t in sorted(targets, key=lambda t: (t.start or date.min, t.pk or 0))
        ]
        return spc.analyse(
            [p[1] for p in points],
            [p[0] for p in points],
            # The field's choices are exactly spc's directions and chart types.
            improvement=cast("spc.Improvement", self.improvement),
            target=float(self.target) if self.target is not None else None,
            targets=spans,
            baseline_points=self.fix_after_n_points if baseline else None,
            rebase_at=rebase_at,
            rules=self.spc_rules(),
            chart_type=cast("spc.ChartType", self.chart_type),
            ghosts=[bool(p[2]) if len(p) > 2 else False for p in points],
        )

    def covers(self, team: Team) -> bool:
        """Whether this is one of the measures ``relevant_to(team)``."""
        site = team.site
        return (
            self.team_id == team.pk
            or self.site_id == site.pk
            or self.organisation_id == site.organisation_id
            or self.place_id == site.place_id
        )


class Observation(models.Model):
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="observations", verbose_name=_("measure")
    )
    date = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    note = models.CharField(_("note"), max_length=200, blank=True)
    ghost = models.BooleanField(
        _("ghosted"),
        default=False,
        help_text=_("Shown on the chart but left out of its mean, limits and rules."),
    )

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "date"], name="one_observation_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.measure.name} {self.date}: {self.value}"


class SpecialCauseSignal(models.Model):
    """A special-cause signal a measure's newest figures raised, kept so that its owners hear of
    each signal once: a later point that carries the same run on only moves ``last_date``."""

    measure = models.ForeignKey(
        Measure,
        on_delete=models.CASCADE,
        related_name="special_cause_signals",
        verbose_name=_("measure"),
    )
    # +1 high, -1 low.
    direction = models.SmallIntegerField(_("direction"))
    variation = models.CharField(_("variation"), max_length=20)
    rule = models.CharField(_("rule"), max_length=20, blank=True)
    first_date = models.DateField(_("first point"))
    last_date = models.DateField(_("latest point"))
    created_at = models.DateTimeField(_("noticed at"), default=timezone.now)

    class Meta:
        verbose_name = _("special-cause signal")
        verbose_name_plural = _("special-cause signals")
        ordering = ["-last_date", "-pk"]
        indexes = [models.Index(fields=["measure", "-last_date"], name="signal_measure_latest")]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.variation} {self.first_date}–{self.last_date}"


class MeasureTarget(models.Model):
    """A target in force over a stretch of time (either end open); the first that covers a
    point's date is its target."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="targets", verbose_name=_("measure")
    )
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=4)
    start = models.DateField(_("from"), null=True, blank=True)
    end = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("target over time")
        verbose_name_plural = _("targets over time")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(start__lte=F("end")),
                name="target_starts_before_it_ends",
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure.name}: {self.value} ({self.start or '…'}–{self.end or '…'})"


class RulesChange(models.Model):
    """A change of the rules a measure's chart is drawn by (its preset or a setting of it): the
    data stays, and the chart lists each change with its date, so an old figure can be
    explained."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="rule_changes", verbose_name=_("measure")
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("changed by"),
    )
    # Measure.rules_snapshot() before and after.
    before = models.JSONField(_("before"))
    after = models.JSONField(_("after"))

    class Meta:
        verbose_name = _("change of SPC rules")
        verbose_name_plural = _("changes of SPC rules")
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.changed_at:%Y-%m-%d}: {self.before} → {self.after}"

    @staticmethod
    def _described(snapshot: dict[str, Any]) -> str:
        from metrics import spc

        key = snapshot.get("rules")
        if key not in spc.PRESETS:
            return str(key)
        rules = replace(
            spc.preset(key),
            shift=snapshot.get("shift", spc.PRESETS[key].shift),
            trend=snapshot.get("trend", spc.PRESETS[key].trend),
            screen=snapshot.get("screen", spc.PRESETS[key].screen),
            minimum_points=snapshot.get("minimum_points", spc.PRESETS[key].minimum_points),
            conflict=snapshot.get("conflict") or spc.PRESETS[key].conflict,
        )
        return rules.described.rstrip(".")

    @property
    def described_before(self) -> str:
        return self._described(self.before)

    @property
    def described_after(self) -> str:
        return self._described(self.after)


class OrganisationSPC(models.Model):
    """An organisation's default SPC rules for the measures its people add."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="spc_settings",
        verbose_name=_("organisation"),
    )
    rules = models.CharField(
        _("default SPC rules"),
        max_length=20,
        choices=Measure.Rules.choices,
        default=Measure.Rules.NHSE,
    )

    class Meta:
        verbose_name = _("organisation SPC settings")
        verbose_name_plural = _("organisation SPC settings")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_rules_display()}"

    @staticmethod
    def default_for(organisation_id: int | None) -> str:
        """The rules new measures of this organisation start with (NHS England's if unset)."""
        if organisation_id is None:
            return Measure.Rules.NHSE
        found = (
            OrganisationSPC.objects.filter(organisation_id=organisation_id)
            .values_list("rules", flat=True)
            .first()
        )
        return found or Measure.Rules.NHSE


class Annotation(models.Model):
    """A change marked on a chart (e.g. a PDCA cycle went live); optionally a rebase."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="annotations", verbose_name=_("measure")
    )
    date = models.DateField(_("date"))
    label = models.CharField(_("label"), max_length=120)
    rebase = models.BooleanField(
        _("Start new limits here"),
        default=True,
        help_text=_(
            "Recalculate the mean and limits from this date, e.g. when a change went live."
        ),
    )
    idea = models.ForeignKey(
        "ideas.Idea",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("idea"),
    )
    # Set when a PDCA cycle marked its change on the chart (kept in step with the cycle's plan).
    cycle = models.OneToOneField(
        "kaizen.Cycle",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="annotation",
        verbose_name=_("cycle"),
    )

    class Meta:
        verbose_name = _("annotation")
        verbose_name_plural = _("annotations")
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.date}: {self.label}"


class Outcome(models.Model):
    """What an improvement — an idea, a kaizen card, or both when the card works on the idea —
    did to a measure: a baseline period and an after period."""

    idea = models.ForeignKey(
        "ideas.Idea",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outcomes",
        verbose_name=_("idea"),
    )
    card = models.ForeignKey(
        "kaizen.Card",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outcomes",
        verbose_name=_("card"),
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("measure")
    )
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("team")
    )
    baseline_start = models.DateField(_("baseline start"))
    baseline_end = models.DateField(_("baseline end"))
    after_start = models.DateField(_("after start"))
    after_end = models.DateField(_("after end"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Kept up to date by the actions that record figures (metrics.actions.refresh_outcomes), so
    # dashboards aggregate gains in SQL instead of re-reading every observation behind them.
    before_mean = models.DecimalField(
        _("before mean"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    after_mean = models.DecimalField(
        _("after mean"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    gain_percent = models.DecimalField(
        _("gain percent"), max_digits=8, decimal_places=1, null=True, blank=True
    )

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["team", "after_end"], name="outcome_team_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(baseline_start__lte=models.F("baseline_end"))
                & Q(after_start__lte=models.F("after_end"))
                & Q(baseline_end__lt=models.F("after_start")),
                name="outcome_periods_in_order",
            ),
            models.CheckConstraint(
                condition=Q(idea__isnull=False) | Q(card__isnull=False),
                name="outcome_has_an_improvement",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(improvement)s on %(measure)s") % {
            "improvement": self.improvement,
            "measure": self.measure.name,
        }

    @property
    def improvement(self) -> Card | Idea | None:
        """The card when there is one (it is the work that was done), else the idea."""
        return self.card if self.card_id else self.idea


class SavingQuerySet(models.QuerySet["Saving"]):
    def visible_to(self, user: User | AnonymousUser) -> SavingQuerySet:
        """Savings of teams the user may see, and savings their organisations invested in or
        benefit from; partnership leads see every saving touching their place (the policy's
        ``view_saving`` rule)."""
        return self.filter(policy.saving_q(user))

    def realised(self) -> SavingQuerySet:
        return self.filter(stage=Saving.Stage.REALISED)


class Saving(models.Model):
    """One line of the savings ledger. Verified savings are locked: any change reopens them."""

    class Kind(models.TextChoices):
        CASHABLE = "cashable", _("Cashable (£)")
        NON_CASHABLE = "non_cashable", _("Non-cashable (£)")
        TIME = "time", _("Time released (hours)")
        COST_AVOIDANCE = "cost_avoidance", _("Cost avoidance (£)")

    class Recurrence(models.TextChoices):
        ONE_OFF = "one_off", _("One-off")
        RECURRING = "recurring", _("Recurring, per year")

    class Stage(models.TextChoices):
        PROJECTED = "projected", _("Projected")
        REALISED = "realised", _("Realised")

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Claimed — awaiting verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="savings", verbose_name=_("team")
    )
    idea = models.ForeignKey(
        "ideas.Idea",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="savings",
        verbose_name=_("idea"),
    )
    card = models.ForeignKey(
        "kaizen.Card",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="savings",
        verbose_name=_("card"),
    )
    title = models.CharField(_("title"), max_length=140)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, help_text=_("£, or hours for time released")
    )
    recurrence = models.CharField(
        _("recurrence"), max_length=10, choices=Recurrence.choices, default=Recurrence.RECURRING
    )
    start_date = models.DateField(_("start date"))
    stage = models.CharField(
        _("stage"), max_length=10, choices=Stage.choices, default=Stage.PROJECTED
    )
    invested_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="savings_invested",
        verbose_name=_("invested by"),
    )
    benefits = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="savings_benefiting",
        verbose_name=_("Organisation that benefits"),
    )
    evidence = models.TextField(
        _("evidence"), help_text=_("How the figure was worked out, and where it is seen.")
    )
    evidence_file = models.FileField(
        _("evidence file"), upload_to="metrics/evidence/%Y/%m/", blank=True
    )
    evidence_content_type = models.CharField(_("evidence content type"), max_length=80, blank=True)
    measure = models.ForeignKey(
        Measure,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="savings",
        verbose_name=_("measure"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CLAIMED
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="savings_claimed",
        verbose_name=_("claimed by"),
    )
    claimed_at = models.DateTimeField(_("claimed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="savings_decided",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    # Bumped by every change, so a stale form or a second click cannot overwrite a decision.
    version = models.PositiveIntegerField(_("version"), default=1)
    # The claim form's one-time key: a double submit finds the claim it already made.
    submission = models.CharField(_("submission"), max_length=36, blank=True, editable=False)

    objects = SavingQuerySet.as_manager()

    class Meta:
        verbose_name = _("saving")
        verbose_name_plural = _("savings")
        ordering = ["-claimed_at", "-pk"]
        indexes = [
            models.Index(fields=["team", "status", "start_date"], name="saving_team_idx"),
            models.Index(fields=["status", "start_date"], name="saving_status_idx"),
            models.Index(fields=["benefits", "status"], name="saving_benefits_idx"),
            models.Index(fields=["invested_by", "status"], name="saving_invested_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="saving_amount_positive"),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="rejected_saving_has_reason",
            ),
            models.UniqueConstraint(
                fields=["submission"], condition=~Q(submission=""), name="one_claim_per_submission"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("metrics:saving", args=[self.pk])

    @property
    def improvement(self) -> Card | Idea | None:
        """The card when there is one (it is the work that was done), else the idea, or None."""
        return self.card if self.card_id else self.idea

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.VERIFIED

    @property
    def is_money(self) -> bool:
        return self.kind != self.Kind.TIME

    @property
    def display_amount(self) -> str:
        amount = f"{self.amount:,.0f}"
        a_year = self.recurrence == self.Recurrence.RECURRING
        if self.kind == self.Kind.TIME:
            hours = round(self.amount)  # as shown: rounded like the format above
            if a_year:
                text = ngettext("%(amount)s hour a year", "%(amount)s hours a year", hours)
            else:
                text = ngettext("%(amount)s hour", "%(amount)s hours", hours)
            return text % {"amount": amount}
        if a_year:
            return gettext("£%(amount)s a year") % {"amount": amount}
        return f"£{amount}"


class SurveyQuerySet(models.QuerySet["Survey"]):
    def visible_to(self, user: User | AnonymousUser) -> SurveyQuerySet:
        """Surveys whose page the user may open (the policy's ``view_survey`` rule)."""
        return self.filter(policy.survey_q(user))


class Survey(models.Model):
    """A customer survey for a site or service (public link, no login), or a staff pulse."""

    class Kind(models.TextChoices):
        CUSTOMER = "customer", _("Customer satisfaction")
        STAFF = "staff", _("Staff pulse")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=140)
    # Stored with the survey: the new-survey form offers it in its maker's language.
    question = models.CharField(
        _("question"), max_length=200, default=_("How satisfied were you today?")
    )
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="surveys", verbose_name=_("site")
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="surveys",
        verbose_name=_("team"),
    )
    token = models.CharField(_("token"), max_length=32, unique=True, editable=False)
    measure = models.OneToOneField(
        Measure,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey",
        verbose_name=_("measure"),
    )
    is_open = models.BooleanField(_("is open"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.token:
            self.token = secrets.token_urlsafe(16)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("metrics:survey", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("metrics:respond", args=[self.token])


# An answer of 4 or 5 counts as satisfied (the public pages show the share of them).
SATISFIED_SCORE = 4
# Changing any of these moves an answer to another survey, day or score: the days are recounted.
COUNTED_FIELDS = frozenset({"survey", "survey_id", "score", "created_at"})
# Rows per statement when days are counted (five parameters each: well inside SQLite's limit).
DAYS_PER_STATEMENT = 500

# (survey id, when, score) of one answer.
Answer = tuple[int, datetime, int]


class SurveyResponseQuerySet(models.QuerySet["SurveyResponse"]):
    """Every answer the ORM adds, moves or removes in bulk is counted in its day
    (:class:`SurveyDay`), in the same transaction; one by one, the model does it."""

    def bulk_create(
        self,
        objs: Iterable[SurveyResponse],
        batch_size: int | None = None,
        ignore_conflicts: bool = False,
        update_conflicts: bool = False,
        update_fields: Collection[str] | None = None,
        unique_fields: Collection[str] | None = None,
    ) -> list[SurveyResponse]:
        if ignore_conflicts or update_conflicts:
            # Which rows were kept is not known afterwards, so their days could not be counted.
            raise ValueError("Survey answers are added without ignoring or updating conflicts.")
        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, batch_size=batch_size)
            count_days(((r.survey_id, r.created_at, r.score) for r in created), using=self.db)
        return created

    def update(self, **kwargs: Any) -> int:
        if COUNTED_FIELDS.isdisjoint(kwargs):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db, savepoint=False):
            # Locked, so no one else moves or removes them before they are counted again.
            before = list(
                self.select_for_update(of=("self",)).values_list(
                    "pk", "survey_id", "created_at", "score"
                )
            )
            rows = self.model._base_manager.using(self.db).filter(pk__in=[r[0] for r in before])
            updated = rows.update(**kwargs)
            count_days((r[1:] for r in before), sign=-1, using=self.db)
            count_days(rows.values_list("survey_id", "created_at", "score"), using=self.db)
        return updated

    def delete(self) -> tuple[int, dict[str, int]]:
        with transaction.atomic(using=self.db, savepoint=False):
            before = list(
                self.select_for_update(of=("self",)).values_list(
                    "pk", "survey_id", "created_at", "score"
                )
            )
            rows = self.model._base_manager.using(self.db).filter(pk__in=[r[0] for r in before])
            deleted = rows.delete()
            count_days((r[1:] for r in before), sign=-1, using=self.db)
        return deleted


class SurveyResponse(models.Model):
    """One answer to a survey. Its day's counts (:class:`SurveyDay`) follow it through every
    save and delete made with the ORM (here and in :class:`SurveyResponseQuerySet`)."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="responses", verbose_name=_("survey")
    )
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # A keyed hash of the client address: enough to throttle a flood, not to identify anyone.
    client = models.CharField(_("client"), max_length=64, blank=True)
    # Staff pulses: the respondent's user id is never stored; a hash stops double voting per week.
    voter = models.CharField(_("voter"), max_length=64, blank=True)

    objects = SurveyResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["survey", "created_at"], name="response_survey_idx"),
            models.Index(fields=["client", "created_at"], name="response_client_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="response_score_1_to_5"
            ),
            models.UniqueConstraint(
                fields=["survey", "voter"],
                condition=~Q(voter=""),
                name="one_pulse_vote_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey}: {self.score}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if fields is not None and COUNTED_FIELDS.isdisjoint(fields):
            super().save(*args, **kwargs)
            return
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using, savepoint=False):
            before = self._counted(using)
            super().save(*args, **kwargs)
            # A changed answer is read back: only ``update_fields`` of it may have been written.
            after = (
                self._counted(using) if before else [(self.survey_id, self.created_at, self.score)]
            )
            count_days(before, sign=-1, using=using)
            count_days(after, using=using)

    def delete(
        self, using: Any | None = None, keep_parents: bool = False
    ) -> tuple[int, dict[str, int]]:
        using = using or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using, savepoint=False):
            before = self._counted(using)
            deleted = super().delete(using=using, keep_parents=keep_parents)
            count_days(before, sign=-1, using=using)
        return deleted

    def _counted(self, using: str) -> list[Answer]:
        """This answer as its day counts it now (locked), or nothing if it is not kept yet."""
        if self.pk is None:
            return []
        rows = type(self)._base_manager.using(using).select_for_update().filter(pk=self.pk)
        return list(rows.values_list("survey_id", "created_at", "score"))


class SurveyDayQuerySet(models.QuerySet["SurveyDay"]):
    def rebuild(self) -> int:
        """Count every answer again, every survey's days from scratch: for answers written
        without the ORM (the benchmark's COPY), or once ``TIME_ZONE`` has changed. Answers wait
        meanwhile (PostgreSQL: the days are locked). Returns the number of days."""
        connection = connections[self.db]
        table = connection.ops.quote_name(SurveyDay._meta.db_table)
        with transaction.atomic(using=self.db), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
            self.model._base_manager.using(self.db).all().delete()
            grouped = days_of(SurveyResponse._base_manager.using(self.db).all())
            sql, params = grouped.query.get_compiler(using=self.db).as_sql()
            cursor.execute(f"INSERT INTO {table} ({_day_columns(connection)}) {sql}", params)
        return self.model._base_manager.using(self.db).count()


class SurveyDay(models.Model):
    """One survey's answers of one day (in the site's time zone, ``TIME_ZONE``): how many, their
    scores added up and how many were satisfied (``SATISFIED_SCORE`` or more). The dashboards
    and public pages add up a period's days instead of reading its every answer; a period runs
    from a local midnight to another (``metrics.queries.Period``), so its days hold exactly its
    answers. Answers saved, moved or deleted through the ORM keep them exact
    (:func:`count_days`); ``SurveyDay.objects.rebuild()`` recounts them all."""

    # Not indexed alone: the unique constraint's index leads with it.
    survey = models.ForeignKey(
        Survey,
        on_delete=models.CASCADE,
        related_name="days",
        db_index=False,
        verbose_name=_("survey"),
    )
    date = models.DateField(_("date"))
    responses = models.PositiveIntegerField(_("responses"))
    score_total = models.PositiveIntegerField(_("scores added up"))
    satisfied = models.PositiveIntegerField(_("satisfied"))

    objects = SurveyDayQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey day")
        verbose_name_plural = _("survey days")
        constraints = [
            models.UniqueConstraint(fields=["survey", "date"], name="one_day_per_survey"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.date}: {self.responses}"


def days_of(responses: QuerySet[SurveyResponse]) -> QuerySet[SurveyResponse, dict[str, Any]]:
    """``responses`` grouped as :class:`SurveyDay` counts them, with its columns in its order:
    survey, local date, answers, scores added up, satisfied answers."""
    return (
        responses.order_by()
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_default_timezone()))
        .values("survey_id", "day")
        .annotate(
            n=Count("pk"),
            total=Sum("score"),
            happy=Count("pk", filter=Q(score__gte=SATISFIED_SCORE)),
        )
    )


# SurveyDay's columns, in the order days_of() selects them.
DAY_COLUMNS = ("survey_id", "date", "responses", "score_total", "satisfied")


def _day_columns(connection: BaseDatabaseWrapper) -> str:
    return ", ".join(connection.ops.quote_name(name) for name in DAY_COLUMNS)


def count_days(answers: Iterable[Answer], *, sign: int = 1, using: str = DEFAULT_DB_ALIAS) -> None:
    """Add ``answers`` to their days' counts (``sign=-1``: take them away; a day left with no
    answers goes). Call it in the transaction that writes the answers.

    Every day is added to in one statement that inserts it or adds to it (``ON CONFLICT ... DO
    UPDATE``, on PostgreSQL and SQLite alike): answers kept at the same moment by other
    transactions are all counted, none lost to a read-then-write. Days are written in one order
    (survey, date), so two writers of the same days never wait on each other in a circle."""
    tz = timezone.get_default_timezone()
    days: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0, 0])
    for survey_id, at, score in answers:
        if timezone.is_naive(at):  # stored as Django stores a naive time: in TIME_ZONE
            at = timezone.make_aware(at, tz)
        counts = days[(survey_id, timezone.localdate(at, tz))]
        counts[0] += 1
        counts[1] += score
        counts[2] += score >= SATISFIED_SCORE
    keys = sorted(days)
    if sign < 0:
        for survey_id, day in keys:
            n, total, happy = days[(survey_id, day)]
            SurveyDay.objects.using(using).filter(survey_id=survey_id, date=day).update(
                responses=F("responses") - n,
                score_total=F("score_total") - total,
                satisfied=F("satisfied") - happy,
            )
        emptied = SurveyDay.objects.using(using).filter(responses=0)
        emptied.filter(survey_id__in={survey_id for survey_id, _day in keys}).delete()
        return
    connection = connections[using]
    ops = connection.ops
    table = ops.quote_name(SurveyDay._meta.db_table)
    added = ", ".join(
        f"{c} = {table}.{c} + EXCLUDED.{c}"
        for c in map(ops.quote_name, ("responses", "score_total", "satisfied"))
    )
    unique = ", ".join(map(ops.quote_name, ("survey_id", "date")))
    rows = [[pk, ops.adapt_datefield_value(day), *days[(pk, day)]] for pk, day in keys]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), DAYS_PER_STATEMENT):
            chunk = rows[start : start + DAYS_PER_STATEMENT]
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                # Only quoted names and placeholders are put into the text; values are bound.
                f"INSERT INTO {table} ({_day_columns(connection)}) VALUES {values} "  # noqa: S608
                f"ON CONFLICT ({unique}) DO UPDATE SET {added}",
                [value for row in chunk for value in row],
            )


MINIMUM_PULSE_GROUP = 5
ZERO = Decimal("0")


class CycleMeasure(models.Model):
    """The measure a PDCA cycle should move and the day its change went live.

    It lives here, not on the cycle, so that kaizen knows nothing of measures. The day is marked on
    the measure's SPC chart (an ``Annotation`` with this cycle), so before and after can be told
    apart; ``metrics.actions.link_cycle_to_measure`` keeps the two in step. A deleted measure
    leaves the day behind, as the cycle's own field did before this model held it.
    """

    cycle = models.OneToOneField(
        "kaizen.Cycle",
        on_delete=models.CASCADE,
        related_name="measure_link",
        verbose_name=_("cycle"),
    )
    measure = models.ForeignKey(
        Measure,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cycle_links",
        verbose_name=_("Measure it should move"),
    )
    change_date = models.DateField(
        _("The change went live on"),
        null=True,
        blank=True,
        help_text=_("Marked on the measure's chart, so before and after can be told apart."),
    )

    class Meta:
        verbose_name = _("measure of a PDCA cycle")
        verbose_name_plural = _("measures of PDCA cycles")

    def __str__(self) -> str:
        return f"{self.cycle_id} → {self.measure_id} ({self.change_date})"
