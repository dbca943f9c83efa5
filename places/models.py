"""Total Place: a place's public spend mapped by agency, service theme and financial year."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from leanhub.models import Organisation, Place


def financial_year_label(year: int) -> str:
    """The UK public-sector financial year that starts in April of ``year``: 2024 -> "2024-25"."""
    return f"{year}-{(year + 1) % 100:02d}"


def financial_year_of(day: date) -> int:
    """The financial year (April to March) a date falls in, by the year it starts in."""
    return day.year if day.month >= 4 else day.year - 1


class ServiceTheme(models.Model):
    """A theme a place maps its spend onto: children and families, older people, housing..."""

    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="themes", verbose_name=_("place")
    )
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("service theme")
        verbose_name_plural = _("service themes")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["place", "name"], name="one_theme_name_per_place")
        ]

    def __str__(self) -> str:
        return self.name


class SpendLine(models.Model):
    """What one organisation spends on one theme in a place in one financial year."""

    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="theme_spend", verbose_name=_("place")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="theme_spend",
        verbose_name=_("organisation"),
    )
    theme = models.ForeignKey(
        ServiceTheme, on_delete=models.PROTECT, related_name="lines", verbose_name=_("theme")
    )
    year = models.PositiveSmallIntegerField(
        _("financial year"), help_text=_("The year the financial year starts in: 2024 for 2024-25.")
    )
    outcome = models.CharField(
        _("outcome"),
        max_length=200,
        blank=True,
        help_text=_("Optional: the outcome this spend serves."),
    )
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("spend line")
        verbose_name_plural = _("spend lines")
        ordering = ["-year", "theme__position", "theme__name", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["place", "organisation", "theme", "year", "outcome"],
                name="one_spend_line_per_org_theme_year_outcome",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="theme_spend_not_negative"),
        ]
        indexes = [models.Index(fields=["place", "year"], name="places_spend_place_year")]

    def __str__(self) -> str:
        return gettext("%(organisation)s, %(theme)s, %(year)s: £%(amount)s") % {
            "organisation": self.organisation,
            "theme": self.theme,
            "year": financial_year_label(self.year),
            "amount": f"{self.amount:,.2f}",
        }

    @property
    def year_label(self) -> str:
        return financial_year_label(self.year)


class PendingSpendImport(models.Model):
    """A checked file of spend lines, held between its preview and the lead's confirmation."""

    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="+", verbose_name=_("place")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("imported by"),
    )
    filename = models.CharField(_("file name"), max_length=200)
    rows = models.JSONField(_("rows"))
    new_themes = models.JSONField(_("new themes"), default=list)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("pending spend import")
        verbose_name_plural = _("pending spend imports")

    def __str__(self) -> str:
        return self.filename


class SavingsTarget(models.Model):
    """What a place aims to save in a financial year, as a share of its mapped spend."""

    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="savings_targets", verbose_name=_("place")
    )
    year = models.PositiveSmallIntegerField(
        _("financial year"), help_text=_("The year the financial year starts in: 2024 for 2024-25.")
    )
    percent_of_spend = models.DecimalField(
        _("percent of spend"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.00"),
        help_text=_("The target as a percentage of the year's total mapped spend."),
    )

    class Meta:
        verbose_name = _("savings target")
        verbose_name_plural = _("savings targets")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["place", "year"], name="one_target_per_place_year"),
            models.CheckConstraint(
                condition=Q(percent_of_spend__gt=0) & Q(percent_of_spend__lte=100),
                name="target_percent_in_range",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(percent)s %% of spend in %(year)s") % {
            "percent": self.percent_of_spend,
            "year": financial_year_label(self.year),
        }


class SavingTheme(models.Model):
    """The service theme a verified saving counts towards on the place's target."""

    saving = models.OneToOneField(
        "metrics.Saving",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("saving"),
    )
    theme = models.ForeignKey(
        ServiceTheme, on_delete=models.CASCADE, related_name="+", verbose_name=_("theme")
    )

    class Meta:
        verbose_name = _("saving theme")
        verbose_name_plural = _("saving themes")

    def __str__(self) -> str:
        return str(self.theme)


class InvestCase(models.Model):
    """An invest-to-save case: some agencies invest, others (or the same) benefit, and a
    gain-share agreement says how benefits flow back. Every party's manager signs it off; any
    change afterwards goes back for sign-off."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AWAITING = "awaiting", _("Awaiting sign-off")
        SIGNED_OFF = "signed_off", _("Signed off by every party")

    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="invest_cases", verbose_name=_("place")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    first_year = models.PositiveSmallIntegerField(
        _("first financial year"),
        help_text=_("Year 0 of the case: the year the financial year starts in."),
    )
    discount_rate = models.DecimalField(
        _("discount rate"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("3.50"),
        help_text=_("% a year; HM Treasury's Green Book uses 3.5 %."),
    )
    benefits_may_precede_investment = models.BooleanField(
        _("benefits may come before the investment"),
        default=False,
        help_text=_("Leave unticked to refuse a benefit dated before the first investment."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("invest-to-save case")
        verbose_name_plural = _("invest-to-save cases")
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=Q(discount_rate__gte=0) & Q(discount_rate__lt=100),
                name="case_discount_rate_in_range",
            )
        ]

    def __str__(self) -> str:
        return self.title


class CaseFlow(models.Model):
    """Money into a case (an investment) or out of it (a projected benefit), for one
    organisation in one financial year."""

    class Kind(models.TextChoices):
        INVESTMENT = "investment", _("Investment")
        BENEFIT = "benefit", _("Projected benefit")

    case = models.ForeignKey(
        InvestCase, on_delete=models.CASCADE, related_name="flows", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    year = models.PositiveSmallIntegerField(_("financial year"))
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("case flow")
        verbose_name_plural = _("case flows")
        ordering = ["kind", "year", "organisation__name"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="case_flow_positive"),
            models.UniqueConstraint(
                fields=["case", "kind", "organisation", "year"], name="one_flow_per_org_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.organisation} {financial_year_label(self.year)}"


class CaseShare(models.Model):
    """One organisation's share of the benefit left once investors are repaid."""

    case = models.ForeignKey(
        InvestCase, on_delete=models.CASCADE, related_name="shares", verbose_name=_("case")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    percent = models.DecimalField(_("percent"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("gain share")
        verbose_name_plural = _("gain shares")
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["case", "organisation"], name="one_share_per_org"),
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100), name="share_percent_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.percent} %"


class CaseSignOff(models.Model):
    """A party's manager agreeing to one version of a case."""

    case = models.ForeignKey(
        InvestCase, on_delete=models.CASCADE, related_name="sign_offs", verbose_name=_("case")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    version = models.PositiveIntegerField(_("version"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed off by"),
    )
    at = models.DateTimeField(_("signed off at"), auto_now_add=True)

    class Meta:
        verbose_name = _("case sign-off")
        verbose_name_plural = _("case sign-offs")
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "organisation", "version"], name="one_sign_off_per_party_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} v{self.version}"


class CaseSaving(models.Model):
    """A verified saving that realises part of a case's benefit."""

    case = models.ForeignKey(
        InvestCase, on_delete=models.CASCADE, related_name="savings", verbose_name=_("case")
    )
    saving = models.ForeignKey(
        "metrics.Saving", on_delete=models.CASCADE, related_name="+", verbose_name=_("saving")
    )

    class Meta:
        verbose_name = _("case saving")
        verbose_name_plural = _("case savings")
        constraints = [
            models.UniqueConstraint(fields=["case", "saving"], name="one_link_per_case_saving")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.saving_id}"


class ReferenceGroup(models.Model):
    """People who learn across several places (the Total Place reference group): they see the
    places side by side, in figures only."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    places = models.ManyToManyField(Place, related_name="+", verbose_name=_("places"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("members")
    )

    class Meta:
        verbose_name = _("reference group")
        verbose_name_plural = _("reference groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BurdenOwner(models.Model):
    """Whoever can remove a piece of red tape a team cannot: another agency, a government
    department, a regulator, a national police body. Its members answer for it; people who are
    members of an owner and nothing else are guests who see only what is routed to them."""

    class Kind(models.TextChoices):
        PARTNER = "partner", _("A partner agency")
        GOVERNMENT = "government", _("A government department")
        REGULATOR = "regulator", _("A regulator or inspectorate")
        NATIONAL_POLICE = "national_police", _("A national police body")
        OTHER = "other", _("Another outside body")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("organisation in LeanHub"),
        help_text=_("For a partner agency: its managers answer too."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("members")
    )
    reply_days = models.PositiveSmallIntegerField(
        _("days to reply"),
        default=28,
        help_text=_("The reply is due this many days after routing."),
    )

    class Meta:
        verbose_name = _("red tape owner")
        verbose_name_plural = _("red tape owners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BurdenRouting(models.Model):
    """A "stop doing" idea sent to the body that owns the burden, and its reply."""

    class Reply(models.TextChoices):
        REMOVE = "remove", _("Agreed: it will be removed")
        CHANGE = "change", _("Agreed: it will be changed")
        KEEP = "keep", _("It stays, for a stated reason")

    idea = models.OneToOneField(
        "ideas.Idea", on_delete=models.CASCADE, related_name="+", verbose_name=_("idea")
    )
    owner = models.ForeignKey(
        BurdenOwner, on_delete=models.PROTECT, related_name="routings", verbose_name=_("owner")
    )
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("routed by"),
    )
    routed_at = models.DateTimeField(_("routed at"), auto_now_add=True)
    due_on = models.DateField(_("reply due on"))
    reminded_on = models.DateField(_("last reminded on"), null=True, blank=True)
    reply = models.CharField(_("reply"), max_length=10, choices=Reply.choices, blank=True)
    reply_text = models.TextField(_("reply text"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("replied by"),
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("red tape routing")
        verbose_name_plural = _("red tape routings")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reply="keep") | ~Q(reply_text=""), name="keeping_red_tape_says_why"
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner}: {self.idea_id}"
