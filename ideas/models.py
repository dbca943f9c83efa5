"""Ideas: improvements, "stop doing" burdens and customer suggestions raised by frontline staff."""

from __future__ import annotations

import datetime
import functools
import secrets
import uuid
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from leanhub.models import Organisation, Team, User


def hours_a_year(minutes: Decimal | None, occurrences: int | None) -> Decimal | None:
    """Hours a year a task takes (or frees): minutes per occurrence × occurrences a year ÷ 60,
    to a tenth of an hour; None without both."""
    if minutes is None or occurrences is None:
        return None
    return (minutes * occurrences / 60).quantize(Decimal("0.1"))


class IdeaQuerySet(models.QuerySet["Idea"]):
    def visible_to(self, user: User | AnonymousUser) -> IdeaQuerySet:
        """Ideas of the user's organisations, and partner-shared ideas in the user's places."""
        from leanhub import policy

        return self.filter(policy.idea_q(user))

    def open(self) -> IdeaQuerySet:
        return self.exclude(status__in=Idea.CLOSED_STATUSES)

    def awaiting_response(self) -> IdeaQuerySet:
        return self.filter(first_response_at__isnull=True, status=Idea.Status.NEW)

    def overdue(self, organisations: Iterable[Organisation]) -> IdeaQuerySet:
        """Ideas still waiting for a first response beyond their organisation's target.

        The target differs per organisation, so the cut-off is worked out per organisation
        (a handful) rather than per row, which keeps it portable and index-friendly."""
        now = timezone.now()
        # Organisations with the same target share one cut-off (most keep the default).
        by_days: dict[int, list[int]] = {}
        for org in organisations:
            by_days.setdefault(org.first_response_days, []).append(org.pk)
        cut_offs = [
            Q(
                team__site__organisation_id__in=org_ids,
                created_at__lt=now - datetime.timedelta(days=days),
            )
            for days, org_ids in by_days.items()
        ]
        if not cut_offs:
            return self.none()
        q = cut_offs[0]
        for cut_off in cut_offs[1:]:
            q |= cut_off
        return self.awaiting_response().filter(q)

    def with_counts(self) -> IdeaQuerySet:
        """The comment count as a correlated subquery: computed only for the rows a page
        returns, with no GROUP BY over the whole list. (Supports are counted on the row,
        ``support_count``, so "most supported first" can use an index.)"""
        return self.annotate(comment_count=_comment_count())


@functools.cache
def _comment_count() -> Coalesce:
    """The expression :meth:`IdeaQuerySet.with_counts` annotates, built once: each query that
    uses it resolves its own copy, so one expression serves them all."""
    return Coalesce(
        models.Subquery(
            IdeaComment.objects.filter(idea=models.OuterRef("pk"))
            .order_by()
            .values("idea")
            .annotate(n=models.Count("pk"))
            .values("n"),
            output_field=models.IntegerField(),
        ),
        0,
    )


class Idea(models.Model):
    class Kind(models.TextChoices):
        IMPROVEMENT = "improvement", _("Improvement")
        STOP_DOING = "stop_doing", _("Stop doing (red tape)")
        CUSTOMER = "customer", _("Customer suggestion")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        UNDER_REVIEW = "under_review", _("Under review")
        ACCEPTED = "accepted", _("Accepted")
        IN_PROGRESS = "in_progress", _("In progress")
        IMPLEMENTED = "implemented", _("Implemented")
        DECLINED = "declined", _("Declined")
        PARKED = "parked", _("Parked")
        DUPLICATE = "duplicate", _("Duplicate")

    class Waste(models.TextChoices):
        DEFECTS = "defects", _("Defects (errors, rework)")
        OVERPRODUCTION = "overproduction", _("Overproduction (more than needed)")
        WAITING = "waiting", _("Waiting")
        TALENT = "talent", _("Unused talent")
        TRANSPORT = "transport", _("Transport (moving things or people)")
        INVENTORY = "inventory", _("Inventory (backlogs, piles)")
        MOTION = "motion", _("Motion (searching, walking)")
        PROCESSING = "processing", _("Extra processing (duplicate checks, forms)")

    class BurdenOwner(models.TextChoices):
        TEAM = "team", _("My team")
        ORGANISATION = "organisation", _("My organisation")
        PARTNER = "partner", _("A partner agency")
        GOVERNMENT = "government", _("Central government")
        REGULATOR = "regulator", _("A regulator")

    CLOSED_STATUSES = (Status.IMPLEMENTED, Status.DECLINED, Status.DUPLICATE)

    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="ideas", verbose_name=_("team")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ideas",
        verbose_name=_("author"),
    )
    title = models.CharField(_("title"), max_length=140)
    problem = models.TextField(_("What is the problem now?"))
    proposal = models.TextField(_("What could we do?"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.IMPROVEMENT
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    hide_name = models.BooleanField(
        _("Hide my name"),
        default=False,
        help_text=_("Your name is hidden from everyone except LeanHub administrators."),
    )
    shared_with_partners = models.BooleanField(
        _("Share with partner organisations in our place"),
        default=False,
        help_text=_("Partner agencies in the same place can see and adopt it."),
    )
    # Expected benefit in time: minutes saved each time × times a year. For "stop doing" ideas,
    # the minutes each completion of the form/report/rule takes and how often it is done.
    minutes_per_occurrence = models.DecimalField(
        _("minutes per occurrence"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    occurrences_per_year = models.PositiveIntegerField(
        _("occurrences per year"), null=True, blank=True
    )
    # Wastes as comma-separated codes from Waste: a handful per idea, filtered with a
    # containment lookup that works the same on SQLite and PostgreSQL (no code contains another).
    wastes = models.CharField(_("wastes"), max_length=200, blank=True)
    money_per_year = models.DecimalField(
        _("Money saved a year (£)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    quality_benefit = models.TextField(_("Better quality: how?"), blank=True)
    customer_benefit = models.TextField(_("Better for customers: how?"), blank=True)
    # "Stop doing" (red tape): what the burden is and who could remove it.
    burden_name = models.CharField(
        _("Name of the form, report or rule"), max_length=200, blank=True
    )
    burden_owner = models.CharField(
        _("Who owns it?"), max_length=20, choices=BurdenOwner.choices, blank=True
    )
    routed_at = models.DateTimeField(_("routed at"), null=True, blank=True)
    reply_due_on = models.DateField(_("reply due on"), null=True, blank=True)
    # Response workflow.
    parked_until = models.DateField(_("parked until"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        verbose_name=_("merged into"),
    )
    # Spread: an adopted copy points at the idea it came from.
    adopted_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adoptions",
        verbose_name=_("adopted from"),
    )
    # Kept by ideas.actions whenever supports change: sorting by support reads an index
    # instead of counting every idea's supporters.
    support_count = models.PositiveIntegerField(_("support count"), default=0, editable=False)
    # One token per form shown: a second POST of the same form finds the first idea.
    submission_token = models.UUIDField(
        _("submission token"), null=True, blank=True, unique=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    implemented_at = models.DateTimeField(_("implemented at"), null=True, blank=True)
    # Public reporting: an implemented idea its lead or manager chose to show on the public
    # pages of its site and place, under words they wrote for the public (never its author,
    # photos or comments).
    public = models.BooleanField(_("Show on the public pages"), default=False)
    public_title = models.CharField(
        _("Public title"),
        max_length=140,
        blank=True,
        help_text=_("What changed, in words for the public. Name nobody."),
    )
    public_summary = models.CharField(
        _("Public summary"),
        max_length=300,
        blank=True,
        help_text=_("Optional: a sentence on what is better now. Name nobody."),
    )

    objects = IdeaQuerySet.as_manager()

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["team", "status", "-created_at"], name="idea_team_status_idx"),
            models.Index(fields=["status", "-created_at"], name="idea_status_idx"),
            models.Index(fields=["author", "-created_at"], name="idea_author_idx"),
            models.Index(fields=["-created_at", "-id"], name="idea_created_idx"),
            models.Index(fields=["kind", "-created_at"], name="idea_kind_idx"),
            models.Index(fields=["-support_count", "-created_at"], name="idea_support_idx"),
            models.Index(fields=["burden_owner", "reply_due_on"], name="idea_burden_owner_idx"),
            models.Index(fields=["public", "-implemented_at"], name="idea_public_idx"),
            # The ideas a partner agency may see: few of all, and the place's drill-downs start
            # from them (without it PostgreSQL read every team's ideas once per site, ~1 s).
            models.Index(
                fields=["team", "-created_at"],
                condition=models.Q(shared_with_partners=True),
                name="idea_shared_team_idx",
            ),
            # Ideas still waiting for a first response (the dashboards' "overdue" figure and
            # its drill-down): a small share of the table once a team answers its ideas, so
            # counting them should not read the rest.
            models.Index(
                fields=["team", "created_at"],
                condition=models.Q(first_response_at__isnull=True)
                & ~models.Q(status__in=("implemented", "declined", "duplicate")),
                name="idea_unanswered_team_idx",
            ),
            # New ideas still waiting for a first response (``awaiting_response``): the ideas
            # list's "overdue for a first response" count for the teams a person leads or
            # manages, up to every team for an administrator. A fifth of the unanswered ideas
            # above, so neither their rows nor the other statuses' are read to count them.
            models.Index(
                fields=["team", "created_at"],
                condition=models.Q(first_response_at__isnull=True, status="new"),
                name="idea_awaiting_team_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("ideas:detail", args=[self.pk])

    @property
    def hours_per_year(self) -> Decimal | None:
        """Expected hours a year: minutes per occurrence × occurrences a year ÷ 60."""
        return hours_a_year(self.minutes_per_occurrence, self.occurrences_per_year)

    @property
    def waste_list(self) -> list[str]:
        return [w for w in self.wastes.split(",") if w]

    @property
    def waste_labels(self) -> list[str]:
        labels = dict(Idea.Waste.choices)
        return [str(labels.get(w, w)) for w in self.waste_list]

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED_STATUSES

    def author_shown_to(self, user: User | AnonymousUser) -> str:
        """The author's name as ``user`` may read it where the idea says who raised it: a hidden
        name only to administrators and the author (see :func:`leanhub.policy.shown_name`)."""
        from leanhub import policy

        return policy.shown_name(
            user, self.author, hidden=self.hide_name, hidden_as=gettext("Name hidden")
        )

    def is_overdue(self, now: datetime.datetime | None = None) -> bool:
        if self.first_response_at is not None or self.status != Idea.Status.NEW:
            return False
        days = self.team.site.organisation.first_response_days
        return (now or timezone.now()) - self.created_at > datetime.timedelta(days=days)

    @property
    def age(self) -> datetime.timedelta:
        return timezone.now() - self.created_at

    @property
    def time_to_first_response(self) -> datetime.timedelta | None:
        if self.first_response_at is None:
            return None
        return self.first_response_at - self.created_at


class IdeaSupport(models.Model):
    """One person backing an idea ("me too"). At most one per person per idea.
    Create and delete through ideas.actions, which keeps Idea.support_count."""

    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, related_name="supports", verbose_name=_("idea")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("idea support")
        verbose_name_plural = _("idea supports")
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="one_support_per_person")
        ]


class IdeaFollow(models.Model):
    """Someone who wants to hear about every step of an idea."""

    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, related_name="follows", verbose_name=_("idea")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="idea_follows",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("idea follow")
        verbose_name_plural = _("idea follows")
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="one_follow_per_person")
        ]
        indexes = [models.Index(fields=["user", "idea"], name="idea_follow_user_idx")]


class IdeaComment(models.Model):
    EDIT_WINDOW = datetime.timedelta(minutes=15)

    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, related_name="comments", verbose_name=_("idea")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("Comment"), max_length=2000)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)

    # Not a column: set on the comments of a thread by ideas.queries.thread_for.
    author_label: str

    class Meta:
        verbose_name = _("idea comment")
        verbose_name_plural = _("idea comments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["idea", "created_at"], name="idea_comment_idx")]

    def editable_until(self) -> datetime.datetime:
        return self.created_at + self.EDIT_WINDOW

    def can_be_edited_by(
        self, user: User | AnonymousUser, now: datetime.datetime | None = None
    ) -> bool:
        return user.pk == self.author_id and (now or timezone.now()) < self.editable_until()


def _photo_name() -> str:
    return uuid.uuid4().hex


class IdeaPhoto(models.Model):
    """A photo re-encoded on upload (metadata gone, orientation applied) in two sizes."""

    MAX_PER_IDEA = 5

    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, related_name="photos", verbose_name=_("idea")
    )
    name = models.CharField(
        _("name"), max_length=40, default=_photo_name, unique=True, editable=False
    )
    content_type = models.CharField(_("content type"), max_length=40)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("idea photo")
        verbose_name_plural = _("idea photos")
        ordering = ["position", "pk"]

    @property
    def extension(self) -> str:
        return "png" if self.content_type == "image/png" else "jpg"

    def file_name(self, size: str) -> str:
        """Where the ``size`` ("display" or "thumb") copy is kept in the upload storage."""
        return f"ideas/{self.name}-{size}.{self.extension}"


class IdeaEvent(models.Model):
    """One step on an idea's timeline: a status change (who, when, note)."""

    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, related_name="events", verbose_name=_("idea")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    from_status = models.CharField(
        _("from status"), max_length=20, choices=Idea.Status.choices, blank=True
    )
    to_status = models.CharField(_("to status"), max_length=20, choices=Idea.Status.choices)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("idea event")
        verbose_name_plural = _("idea events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["idea", "at"], name="idea_event_idx")]

    def __str__(self) -> str:
        return f"{self.idea}: {self.from_status or '—'} → {self.to_status}"


# Value-stream maps live in their own package, ideas/maps/, but their models are this app's
# (tables ideas_valuestreammap and so on). Importing them here registers them while the app's
# models load; nothing else imports them through this module: use ideas.maps.models.
from ideas.maps.models import KaizenBurst, ValueStreamMap, ValueStreamStep  # noqa: E402, F401


class PendingPhotoQuerySet(models.QuerySet["PendingPhoto"]):
    def uploaded_by(self, user: User | AnonymousUser) -> PendingPhotoQuerySet:
        """Only the photos ``user`` sent: nobody else ever sees a pending photo."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    def for_form(self, token: uuid.UUID | None) -> PendingPhotoQuerySet:
        """The photos kept for the raise-an-idea form with this one-time ``token``."""
        return self.none() if token is None else self.filter(token=token)

    def stale(self, now: datetime.datetime | None = None) -> PendingPhotoQuerySet:
        """Photos of forms abandoned for longer than ``PendingPhoto.MAX_AGE``."""
        return self.filter(created_at__lt=(now or timezone.now()) - PendingPhoto.MAX_AGE)


class PendingPhoto(models.Model):
    """A photo sent with a raise-an-idea form that was refused for another reason (a missing
    title, an owner not chosen), kept so nobody has to take it again. Verified and re-encoded
    like an IdeaPhoto; private to the person who sent it and tied to that form's one-time token.
    It becomes the idea's photo when the form is accepted, and is removed when the person removes
    it, or once it is ``MAX_AGE`` old (the form was abandoned)."""

    MAX_AGE = datetime.timedelta(days=1)

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("sent by"),
    )
    token = models.UUIDField(_("form token"))
    name = models.CharField(
        _("name"), max_length=40, default=_photo_name, unique=True, editable=False
    )
    # A request sent twice (a double click, a resend) brings the same files in the same order:
    # the digest of the photo and its place among the files sent keep it once. The same photo
    # chosen twice on purpose sits in two places, so both are kept.
    digest = models.CharField(_("digest"), max_length=64)
    slot = models.PositiveSmallIntegerField(_("place among the files sent"))
    content_type = models.CharField(_("content type"), max_length=40)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    objects = PendingPhotoQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "slot", "pk"]
        verbose_name = _("pending photo")
        verbose_name_plural = _("pending photos")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "token", "slot", "digest"], name="pending_photo_kept_once"
            )
        ]
        indexes = [models.Index(fields=["created_at"], name="pending_photo_age_idx")]

    @property
    def extension(self) -> str:
        return "png" if self.content_type == "image/png" else "jpg"

    def file_name(self, size: str) -> str:
        """Where the ``size`` ("display" or "thumb") copy is kept in the upload storage."""
        return f"ideas/pending/{self.name}-{size}.{self.extension}"


# --- The idea box: ideas from people without an account --------------------------------------


def _box_token() -> str:
    return secrets.token_urlsafe(16)


class IdeaBox(models.Model):
    """A team's idea box: a link (and its QR code) that lets anyone holding it raise an idea
    without signing in. What comes through is held as a :class:`BoxSubmission` for the team's
    leads to accept or decline. The staff box is for the team's own people who have no account;
    the service users' box, switched on only where a lead chooses, for the people the team
    serves, and its suggestions are kept apart from staff ideas."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("Staff idea box")
        SERVICE = "service", _("Service users' suggestion box")

    # Floods: at most this many submissions from one client address, and through one box,
    # in ``WINDOW``.
    PER_CLIENT = 5
    PER_BOX = 30
    WINDOW = datetime.timedelta(hours=1)

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="idea_boxes", verbose_name=_("team")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    token = models.CharField(_("link key"), max_length=40, unique=True, default=_box_token)
    active = models.BooleanField(_("open"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("made by"),
    )
    created_at = models.DateTimeField(_("made at"), default=timezone.now)

    class Meta:
        verbose_name = _("idea box")
        verbose_name_plural = _("idea boxes")
        constraints = [
            models.UniqueConstraint(fields=["team", "kind"], name="one_idea_box_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.get_kind_display()}"

    def get_public_url(self) -> str:
        return reverse("box:submit", args=[self.token])


class BoxSubmission(models.Model):
    """An idea (or a service user's suggestion) raised through an idea box, held for the team's
    leads. Nothing about the person is asked or kept: the client's address only as a keyed hash,
    to refuse floods. Accepted, it becomes an Idea of the team; declined, it is kept with the
    reason, for the record."""

    class Status(models.TextChoices):
        HELD = "held", _("Waiting")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    box = models.ForeignKey(
        IdeaBox, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("idea box")
    )
    # The box's team and kind when it came in, read by every list without a join.
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="+", verbose_name=_("team")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=IdeaBox.Kind.choices)
    title = models.CharField(_("In a few words, what is your idea?"), max_length=140)
    problem = models.TextField(_("What is the problem now?"), max_length=4000)
    proposal = models.TextField(_("What could we do?"), max_length=4000, blank=True)
    photo_name = models.CharField(_("photo"), max_length=40, blank=True)
    photo_type = models.CharField(_("photo type"), max_length=40, blank=True)
    photo_width = models.PositiveIntegerField(_("photo width"), null=True, blank=True)
    photo_height = models.PositiveIntegerField(_("photo height"), null=True, blank=True)
    client = models.CharField(_("client key"), max_length=64, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.HELD
    )
    reason = models.TextField(_("Reason (optional)"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    idea = models.OneToOneField(
        Idea,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="box_submission",
        verbose_name=_("idea"),
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("idea box submission")
        verbose_name_plural = _("idea box submissions")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["team", "kind", "status", "-created_at"], name="box_sub_list_idx"),
            models.Index(fields=["box", "created_at"], name="box_sub_box_idx"),
            models.Index(fields=["client", "created_at"], name="box_sub_client_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def photo_extension(self) -> str:
        return "png" if self.photo_type == "image/png" else "jpg"

    def photo_file(self, size: str) -> str:
        """Where the ``size`` ("display" or "thumb") copy of its photo is kept."""
        return f"ideas/box/{self.photo_name}-{size}.{self.photo_extension}"
