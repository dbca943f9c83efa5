"""The library of proven changes: a PDCA cycle adopted as standard work, published by its team's
lead for other teams to find and try, and the starting templates every team may begin from.

An entry keeps a snapshot of what was said when it was published (what changed, why, the
standard work) and links live to its cycle, through which its page reads the measure, the
verified savings, the value-stream map and the photos, each shown only to whoever may open it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea
from leanhub.models import Team, User


class EntryQuerySet(models.QuerySet["Entry"]):
    def visible_to(self, user: User | AnonymousUser) -> EntryQuerySet:
        """Entries the user may open (the policy's rule, as a filter)."""
        from leanhub import policy

        return self.filter(policy.library_entry_q(user))

    def changes(self) -> EntryQuerySet:
        return self.filter(kind=Entry.Kind.CHANGE)


class Entry(models.Model):
    class Kind(models.TextChoices):
        CHANGE = "change", _("Proven change")
        TEMPLATE = "template", _("Starting template")

    class Theme(models.TextChoices):
        WAITING = "waiting", _("Waiting times and queues")
        PAPERWORK = "paperwork", _("Forms, paperwork and red tape")
        HANDOFFS = "handoffs", _("Handoffs between teams and agencies")
        CONTACT = "contact", _("Customer contact and appointments")
        QUALITY = "quality", _("Getting it right first time")
        WORKPLACE = "workplace", _("Workplace organisation (5S)")
        DIGITAL = "digital", _("Digital and IT")
        METHOD = "method", _("Improvement method")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CHANGE)
    title = models.CharField(_("title"), max_length=140)
    summary = models.TextField(_("What changed"))
    why = models.TextField(_("Why it was changed"), blank=True)
    standard = models.TextField(_("The standard work"), blank=True)
    checklist = models.TextField(
        _("checklist"),
        blank=True,
        help_text=_("One step a line: put on the card when a team tries it."),
    )
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    # The eight wastes, as an idea keeps them: comma-separated keys of Idea.Waste.
    wastes = models.CharField(_("wastes"), max_length=200, blank=True)
    # The team whose change it is; none for a starting template, which everyone may see.
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="library_entries",
        verbose_name=_("team"),
    )
    cycle = models.OneToOneField(
        "kaizen.Cycle",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="library_entry",
        verbose_name=_("PDCA cycle"),
    )
    shared_with_partners = models.BooleanField(
        _("Share with partner agencies"),
        default=False,
        help_text=_("Partner agencies in the same place can find it and try it."),
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="library_entries_to_ask",
        verbose_name=_("Who to ask"),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="library_entries_published",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("library entry")
        verbose_name_plural = _("library entries")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["kind", "theme", "published_at"], name="entry_kind_theme_idx"),
            models.Index(fields=["team", "published_at"], name="entry_team_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="template") | Q(team__isnull=False),
                name="entry_change_has_team",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("library:entry", args=[self.pk])

    @property
    def waste_list(self) -> list[str]:
        return [w for w in self.wastes.split(",") if w]

    @property
    def waste_labels(self) -> list[str]:
        labels = dict(Idea.Waste.choices)
        return [str(labels[w]) for w in self.waste_list if w in labels]

    @property
    def checklist_lines(self) -> list[str]:
        return [line.strip() for line in self.checklist.splitlines() if line.strip()]

    @property
    def is_template(self) -> bool:
        return self.kind == self.Kind.TEMPLATE


class Adoption(models.Model):
    """ "Try this here": an entry put on another team's board as a card. For a proven change it
    is spread, credited to both teams; a template's use is kept the same way, never as spread."""

    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="adoptions", verbose_name=_("entry")
    )
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="library_adoptions", verbose_name=_("team")
    )
    card = models.OneToOneField(
        "kaizen.Card",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="library_adoption",
        verbose_name=_("card"),
    )
    # The linked copy of the entry's idea, where it had an implemented one (ideas' own spread).
    idea = models.ForeignKey(
        "ideas.Idea",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="library_adoptions",
        verbose_name=_("idea"),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="library_adoptions",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["team", "at"], name="adoption_team_idx")]

    def __str__(self) -> str:
        return f"{self.entry_id} → {self.team_id}"

    @property
    def is_spread(self) -> bool:
        return self.entry.kind == Entry.Kind.CHANGE
