"""Kaizen boards: columns with soft WIP limits, cards moving through them, PDCA cycles on cards."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from leanhub.models import Organisation, Team, User

# The columns a new board starts with. A column's name is stored on the board (its leads rename
# columns as they like), so the names are only marked here, with gettext_noop, and translated when
# a board is made (kaizen.actions), into the language of the person whose request makes it.
DEFAULT_COLUMNS: list[tuple[str, str]] = [
    (gettext_noop("To try"), "backlog"),
    (gettext_noop("Plan"), "active"),
    (gettext_noop("Do"), "active"),
    (gettext_noop("Check"), "active"),
    (gettext_noop("Act"), "active"),
    (gettext_noop("Done"), "done"),
]


class BoardQuerySet(models.QuerySet["Board"]):
    def visible_to(self, user: User | AnonymousUser) -> BoardQuerySet:
        from leanhub import policy

        # Joint-board memberships join through several tables; ids first keeps rows unique.
        return self.filter(pk__in=Board.objects.filter(policy.board_q(user)).values("pk"))


class Board(models.Model):
    """A team's board (one per team, made on first visit), or a joint board across teams and
    organisations — a Total Place project where several agencies work one problem."""

    name = models.CharField(_("name"), max_length=200)
    team = models.OneToOneField(
        Team,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="board",
        verbose_name=_("team"),
    )
    member_teams = models.ManyToManyField(
        Team, blank=True, related_name="joint_boards", verbose_name=_("member teams")
    )
    member_organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="joint_boards",
        verbose_name=_("member organisations"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="joint_boards",
        help_text=_(
            "People who work this joint board whatever their team (e.g. a partnership lead)."
        ),
        verbose_name=_("members"),
    )
    stale_after_days = models.PositiveSmallIntegerField(
        _("stale after days"),
        default=14,
        help_text=_("A card with no movement for this many days is flagged as stale."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = BoardQuerySet.as_manager()

    class Meta:
        verbose_name = _("board")
        verbose_name_plural = _("boards")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("kaizen:board", args=[self.pk])

    @property
    def is_joint(self) -> bool:
        return self.team_id is None

    @property
    def group_name(self) -> str:
        return f"kaizen.board.{self.pk}"


class Column(models.Model):
    class Kind(models.TextChoices):
        BACKLOG = "backlog", _("Not started")
        ACTIVE = "active", _("In progress")
        DONE = "done", _("Finished")

    board = models.ForeignKey(
        Board, on_delete=models.CASCADE, related_name="columns", verbose_name=_("board")
    )
    name = models.CharField(_("name"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ACTIVE)
    wip_limit = models.PositiveSmallIntegerField(
        _("wip limit"),
        null=True,
        blank=True,
        help_text=_("Soft limit: going over it asks for a reason."),
    )

    # Set on the columns of a board page or a live fragment (kaizen.queries), not stored.
    card_list: list[Card]
    count: int
    over_limit: bool

    class Meta:
        verbose_name = _("column")
        verbose_name_plural = _("columns")
        ordering = ["board", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["board", "name"], name="column_name_unique_on_board")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def dom_id(self) -> str:
        return f"column-{self.pk}"


# What a card tile reads of its card (CardQuerySet.for_board).
TILE_FIELDS = (
    "column",
    "title",
    "due_date",
    "blocked",
    "blocked_reason",
    "wip_reason",
    "labels",
    "version",
    "moved_at",
    "idea",
)


class CardQuerySet(models.QuerySet["Card"]):
    def visible_to(self, user: User | AnonymousUser) -> CardQuerySet:
        """Cards of the boards the user may see (the policy's rule, as a filter)."""
        from leanhub import policy

        # As for boards: ids first, so joint-board memberships cannot repeat a row.
        return self.filter(pk__in=Card.objects.filter(policy.card_q(user)).values("pk"))

    def for_board(self) -> CardQuerySet:
        """Just the columns a card tile shows (:mod:`kaizen.tiles`), and of its idea only whether
        its author hid their name. Its column (already read by the page) and its owners are
        added by :mod:`kaizen.queries` once the cards are read."""
        return self.select_related("idea").only(*TILE_FIELDS, "idea__hide_name", "idea__author")


class Card(models.Model):
    board = models.ForeignKey(
        Board, on_delete=models.CASCADE, related_name="cards", verbose_name=_("board")
    )
    # RESTRICT, not PROTECT: a column with cards cannot be deleted alone, but a board can.
    column = models.ForeignKey(
        Column, on_delete=models.RESTRICT, related_name="cards", verbose_name=_("column")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=140)
    description = models.TextField(_("description"), blank=True)
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="cards", verbose_name=_("owners")
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    blocked = models.BooleanField(_("blocked"), default=False)
    blocked_reason = models.CharField(_("blocked reason"), max_length=280, blank=True)
    labels = models.CharField(
        _("labels"), max_length=200, blank=True, help_text=_("Comma-separated.")
    )
    idea = models.ForeignKey(
        "ideas.Idea",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cards",
        verbose_name=_("idea"),
    )
    # The value-stream map step the card improves, where there is one.
    vsm_step = models.ForeignKey(
        "ideas.ValueStreamStep",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cards",
        verbose_name=_("value-stream map step"),
    )
    # Why the card went over its column's WIP limit, shown on the card until it moves on.
    wip_reason = models.CharField(_("wip reason"), max_length=280, blank=True)
    # Bumped on every change: a move or edit made against an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    moved_at = models.DateTimeField(_("moved at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = CardQuerySet.as_manager()

    # Set on the cards of a board page or a live fragment (kaizen.queries), not stored.
    is_stale: bool
    days_in_column: int
    owner_list: list[User]
    url: str
    move_url: str

    class Meta:
        verbose_name = _("card")
        verbose_name_plural = _("cards")
        ordering = ["column__position", "position", "pk"]
        indexes = [
            models.Index(fields=["column", "position"], name="card_column_position_idx"),
            models.Index(fields=["board", "moved_at"], name="card_board_moved_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("kaizen:card", args=[self.pk])

    @property
    def dom_id(self) -> str:
        return f"card-{self.pk}"

    @property
    def label_list(self) -> list[str]:
        return [label.strip() for label in self.labels.split(",") if label.strip()]


class CardMove(models.Model):
    """One column transition: where from, where to, who, when — the raw material of flow data."""

    card = models.ForeignKey(
        Card, on_delete=models.CASCADE, related_name="moves", verbose_name=_("card")
    )
    from_column = models.ForeignKey(
        Column,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("from column"),
    )
    to_column = models.ForeignKey(
        Column, on_delete=models.CASCADE, related_name="+", verbose_name=_("to column")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    wip_reason = models.CharField(_("wip reason"), max_length=280, blank=True)

    class Meta:
        verbose_name = _("card move")
        verbose_name_plural = _("card moves")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["card", "at"], name="cardmove_card_at_idx")]

    def __str__(self) -> str:
        return f"{self.card} → {self.to_column} at {self.at:%Y-%m-%d %H:%M}"


# How often an open board's socket says its person is still there (static/kaizen/board.js sends
# at this pace), and how long a viewer counts after it was last heard from. Twice the pace, so
# one late heartbeat (a busy network, a browser slowing a background tab's timers to one a
# minute) does not make a person blink out of "Viewing now".
VIEWER_HEARTBEAT = timedelta(seconds=40)
VIEWER_WINDOW = 2 * VIEWER_HEARTBEAT


class BoardViewerQuerySet(models.QuerySet["BoardViewer"]):
    def present(self, now: datetime | None = None) -> BoardViewerQuerySet:
        """Viewers whose socket was heard from within ``VIEWER_WINDOW``."""
        return self.filter(last_seen__gte=(now or timezone.now()) - VIEWER_WINDOW)

    def gone(self, now: datetime | None = None) -> BoardViewerQuerySet:
        """Viewers whose socket fell silent without closing: they left, and are not counted."""
        return self.filter(last_seen__lt=(now or timezone.now()) - VIEWER_WINDOW)


class BoardViewer(models.Model):
    """One open socket on a board. Rows, not process memory, so presence is right across
    several server processes. A socket can die without a word (its server process killed, the
    channel layer gone, a laptop shut), so a row counts only while its socket keeps sending a
    heartbeat: ``last_seen`` is when it last did (``present()``)."""

    board = models.ForeignKey(
        Board, on_delete=models.CASCADE, related_name="viewers", verbose_name=_("board")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    channel_name = models.CharField(_("channel name"), max_length=200, unique=True)
    connected_at = models.DateTimeField(_("connected at"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now)

    objects = BoardViewerQuerySet.as_manager()

    class Meta:
        verbose_name = _("board viewer")
        verbose_name_plural = _("board viewers")
        ordering = ["connected_at"]
        indexes = [models.Index(fields=["board", "user"], name="viewer_board_user_idx")]


class CycleQuerySet(models.QuerySet["Cycle"]):
    def visible_to(self, user: User | AnonymousUser) -> CycleQuerySet:
        """PDCA cycles on the cards the user may see (the policy's rule, as a filter)."""
        from leanhub import policy

        return self.filter(pk__in=Cycle.objects.filter(policy.cycle_q(user)).values("pk"))


class Cycle(models.Model):
    """One turn of Plan–Do–Check–Act on a card. A card may run several."""

    class Decision(models.TextChoices):
        ADOPT = "adopt", _("Adopt as standard work")
        ADAPT = "adapt", _("Adapt and run another cycle")
        ABANDON = "abandon", _("Abandon, with the learning")

    card = models.ForeignKey(
        Card, on_delete=models.CASCADE, related_name="cycles", verbose_name=_("card")
    )
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    # Plan
    problem = models.TextField(_("Problem statement"), blank=True)
    whys = models.JSONField(_("5 whys"), default=list, blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    hypothesis = models.TextField(_("hypothesis"), blank=True, help_text=_("If we … then …"))
    baseline = models.CharField(_("baseline"), max_length=120, blank=True)
    target = models.CharField(_("target"), max_length=120, blank=True)
    planned_actions = models.TextField(_("planned actions"), blank=True)
    # Check
    result = models.TextField(_("Result against the target"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    # Act
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    standard = models.TextField(_("The new standard work"), blank=True)
    learning = models.TextField(_("learning"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = CycleQuerySet.as_manager()

    class Meta:
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        ordering = ["card", "number"]
        constraints = [
            models.UniqueConstraint(fields=["card", "number"], name="cycle_number_unique")
        ]

    def __str__(self) -> str:
        return gettext("Cycle %(number)s of %(card)s") % {"number": self.number, "card": self.card}


class CycleAction(models.Model):
    """Do: one action with an owner, a due date and whether it is done."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="actions", verbose_name=_("cycle")
    )
    description = models.CharField(_("description"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        verbose_name = _("cycle action")
        verbose_name_plural = _("cycle actions")
        ordering = ["cycle", "pk"]

    def __str__(self) -> str:
        return self.description


class CyclePhoto(models.Model):
    """Check evidence: a verified image, re-encoded without metadata, served behind the policy."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="photos", verbose_name=_("cycle")
    )
    file = models.CharField(_("file"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=40)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("cycle photo")
        verbose_name_plural = _("cycle photos")
        ordering = ["cycle", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(file=""), name="cycle_photo_has_file")]
