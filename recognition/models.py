"""Thank-yous: one person's thanks for one thing (an idea, a kaizen card, a library entry: each
its own foreign key, exactly one set). Never points: only a count is shown."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MESSAGE_MAX = 280


class Thanks(models.Model):
    # One foreign key per kind of thing that can be thanked; exactly one is set (see Meta).
    KINDS = ("idea", "card", "entry")

    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="thanks_given",
        verbose_name=_("thanked by"),
    )
    idea = models.ForeignKey(
        "ideas.Idea",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="thanks",
        verbose_name=_("idea"),
    )
    card = models.ForeignKey(
        "kaizen.Card",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="thanks",
        verbose_name=_("card"),
    )
    entry = models.ForeignKey(
        "library.Entry",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="thanks",
        verbose_name=_("library entry"),
    )
    message = models.CharField(_("message"), max_length=MESSAGE_MAX, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("thank-you")
        verbose_name_plural = _("thank-yous")
        constraints = [
            models.UniqueConstraint(fields=["by", "idea"], name="thanks_once_per_idea"),
            models.UniqueConstraint(fields=["by", "card"], name="thanks_once_per_card"),
            models.UniqueConstraint(fields=["by", "entry"], name="thanks_once_per_entry"),
            models.CheckConstraint(
                condition=Q(idea__isnull=False, card__isnull=True, entry__isnull=True)
                | Q(idea__isnull=True, card__isnull=False, entry__isnull=True)
                | Q(idea__isnull=True, card__isnull=True, entry__isnull=False),
                name="thanks_one_thing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.by_id} → {self.idea_id or self.card_id or self.entry_id}"
