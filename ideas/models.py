"""Ideas: improvements, "stop doing" burdens and customer suggestions raised by frontline staff."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from leanhub.models import Team


class IdeaQuerySet(models.QuerySet):
    def visible_to(self, user) -> IdeaQuerySet:
        """Ideas of the user's organisations, and partner-shared ideas in the user's places."""
        from leanhub import policy

        return self.filter(policy.idea_q(user))

    def open(self) -> IdeaQuerySet:
        return self.exclude(status__in=Idea.CLOSED_STATUSES)


class Idea(models.Model):
    class Kind(models.TextChoices):
        IMPROVEMENT = "improvement", "Improvement"
        STOP_DOING = "stop_doing", "Stop doing (red tape)"
        CUSTOMER = "customer", "Customer suggestion"

    class Status(models.TextChoices):
        NEW = "new", "New"
        UNDER_REVIEW = "under_review", "Under review"
        ACCEPTED = "accepted", "Accepted"
        IN_PROGRESS = "in_progress", "In progress"
        IMPLEMENTED = "implemented", "Implemented"
        DECLINED = "declined", "Declined"
        PARKED = "parked", "Parked"
        DUPLICATE = "duplicate", "Duplicate"

    CLOSED_STATUSES = (Status.IMPLEMENTED, Status.DECLINED, Status.DUPLICATE)

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="ideas")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ideas"
    )
    title = models.CharField(max_length=140)
    problem = models.TextField("What is the problem now?")
    proposal = models.TextField("What could we do?", blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.IMPROVEMENT)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    hide_name = models.BooleanField(
        "Hide my name",
        default=False,
        help_text="Your name is hidden from everyone except LeanHub administrators.",
    )
    shared_with_partners = models.BooleanField(
        "Share with partner organisations in our place",
        default=False,
        help_text="Partner agencies in the same place can see and adopt it.",
    )
    # Expected benefit in time: minutes saved each time × times a year. For "stop doing" ideas,
    # the minutes each completion of the form/report/rule takes and how often it is done.
    minutes_per_occurrence = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True
    )
    occurrences_per_year = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    implemented_at = models.DateTimeField(null=True, blank=True)

    objects = IdeaQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["team", "status", "-created_at"], name="idea_team_status_idx"),
            models.Index(fields=["status", "-created_at"], name="idea_status_idx"),
            models.Index(fields=["author", "-created_at"], name="idea_author_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("ideas:detail", args=[self.pk])

    @property
    def hours_per_year(self) -> Decimal | None:
        """Expected hours a year: minutes per occurrence × occurrences a year ÷ 60."""
        if self.minutes_per_occurrence is None or self.occurrences_per_year is None:
            return None
        return (self.minutes_per_occurrence * self.occurrences_per_year / 60).quantize(
            Decimal("0.1")
        )


class IdeaEvent(models.Model):
    """One step on an idea's timeline: a status change (who, when, note)."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=Idea.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Idea.Status.choices)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["idea", "at"], name="idea_event_idx")]

    def __str__(self) -> str:
        return f"{self.idea}: {self.from_status or '—'} → {self.to_status}"


# Value-stream maps live in their own module of this app.
from ideas.vsm_models import *  # noqa: E402, F403
