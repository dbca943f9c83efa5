"""Total Place: a place's public spend mapped by agency, service theme and financial year."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from leanhub.models import Organisation, Place


def financial_year_label(year: int) -> str:
    """The UK public-sector financial year that starts in April of ``year``: 2024 -> "2024-25"."""
    return f"{year}-{(year + 1) % 100:02d}"


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
