"""Core model: people, the organisations they work for, the places they serve, and roles."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# The username an erased account is left with starts with this (leanhub/erasure.py).
ERASED_USERNAME_PREFIX = "erased-"


class User(AbstractUser):
    """A person who signs in. Roles come from memberships, never from this row."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    # Blank: the browser's choice. Set by the language switch in the header (leanhub.i18n).
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        default="",
        choices=settings.LANGUAGES,
        help_text=_("The language LeanHub is shown in; blank follows the browser."),
    )
    # The person's choice, honoured on every roll of honour (recognition.rolls): what they did
    # is still listed, without their name.
    unlisted_on_rolls = models.BooleanField(
        _("Don't list me on rolls of honour"),
        default=False,
        help_text=_("What you did is still listed, without your name."),
    )
    # Not a column: set where a list of people is shown with something some of them hid their
    # name on (a board's "Viewing now", see leanhub.policy.hides_name_q).
    hides_name_here: bool = False

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "username"]

    def __str__(self) -> str:
        if self.is_erased:
            return gettext("a former member")
        return self.full_name or self.get_full_name() or self.username

    @property
    def is_erased(self) -> bool:
        """Whether the account was erased (right to erasure): its name, e-mail and username are
        gone and it can never sign in; what the person did stays, unnamed."""
        return not self.is_active and self.username.startswith(ERASED_USERNAME_PREFIX)

    @property
    def display_name(self) -> str:
        return str(self)


class Organisation(models.Model):
    """An agency: a Jobcentre Plus district, a police force, an NHS trust, a council."""

    class Kind(models.TextChoices):
        JOBCENTRE = "jobcentre", _("Jobcentre Plus district")
        POLICE = "police", _("Police force")
        NHS = "nhs", _("NHS trust")
        COUNCIL = "council", _("Council")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.OTHER)
    first_response_days = models.PositiveSmallIntegerField(
        _("first response days"),
        default=7,
        help_text=_("Days within which every new idea should get its first response."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Place(models.Model):
    """An area served by several organisations, with its population and public spend."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    population = models.PositiveIntegerField(_("population"))
    annual_public_spend = models.DecimalField(
        _("annual public spend"),
        max_digits=16,
        decimal_places=2,
        help_text=_("Total public spend in the area, £ a year."),
    )
    spend_year = models.CharField(
        _("spend year"), max_length=9, blank=True, help_text=_("e.g. 2009-10")
    )

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def spend_per_head(self) -> Decimal | None:
        if not self.population:
            return None
        return self.annual_public_spend / self.population

    @property
    def one_percent_of_spend(self) -> Decimal:
        return self.annual_public_spend / 100


class PlaceSpendLine(models.Model):
    """What one organisation spends in a place each year (the Total Place "count")."""

    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="spend_lines", verbose_name=_("place")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="spend_lines",
        verbose_name=_("organisation"),
    )
    amount = models.DecimalField(
        _("amount"), max_digits=16, decimal_places=2, help_text=_("£ a year")
    )

    class Meta:
        verbose_name = _("place spend line")
        verbose_name_plural = _("place spend lines")
        ordering = ["-amount"]
        constraints = [
            models.UniqueConstraint(
                fields=["place", "organisation"], name="one_spend_line_per_org"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="spend_not_negative"),
        ]

    def __str__(self) -> str:
        return gettext("%(organisation)s in %(place)s: %(amount)s") % {
            "organisation": self.organisation,
            "place": self.place,
            "amount": f"£{self.amount:,.0f}",
        }


class Site(models.Model):
    """An office or station of one organisation, in one place."""

    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sites", verbose_name=_("organisation")
    )
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="sites", verbose_name=_("place")
    )

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="site_name_unique_in_org")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class TeamQuerySet(models.QuerySet["Team"]):
    def visible_to(self, user: User | AnonymousUser) -> TeamQuerySet:
        from leanhub import policy

        return self.filter(policy.team_q(user, "view"))

    def led_by(self, user: User | AnonymousUser) -> TeamQuerySet:
        from leanhub import policy

        return self.filter(policy.team_q(user, "lead"))


class Team(models.Model):
    name = models.CharField(_("name"), max_length=200)
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="teams", verbose_name=_("site")
    )

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["site__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="team_name_unique_in_site")
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.site.name}"

    def get_absolute_url(self) -> str:
        return reverse("team", args=[self.pk])

    @property
    def organisation(self) -> Organisation:
        return self.site.organisation


class Role(models.TextChoices):
    STAFF = "staff", _("Frontline staff")
    LEAD = "lead", _("Team lead")
    MANAGER = "manager", _("Manager")
    PARTNERSHIP = "partnership", _("Place partnership lead")
    ADMIN = "admin", _("Administrator")


class Membership(models.Model):
    """A role held by a person over exactly one scope: a team, site, organisation or place."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role)
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("team"),
    )
    site = models.ForeignKey(
        Site,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("site"),
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    place = models.ForeignKey(
        Place,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("place"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user", "role"]
        constraints = [
            models.CheckConstraint(
                name="membership_has_exactly_one_scope",
                condition=(
                    Q(
                        team__isnull=False,
                        site__isnull=True,
                        organisation__isnull=True,
                        place__isnull=True,
                    )
                    | Q(
                        team__isnull=True,
                        site__isnull=False,
                        organisation__isnull=True,
                        place__isnull=True,
                    )
                    | Q(
                        team__isnull=True,
                        site__isnull=True,
                        organisation__isnull=False,
                        place__isnull=True,
                    )
                    | Q(
                        team__isnull=True,
                        site__isnull=True,
                        organisation__isnull=True,
                        place__isnull=False,
                    )
                ),
                violation_error_message=_(
                    "Choose exactly one scope: a team, a site, an organisation or a place."
                ),
            ),
            *[
                models.UniqueConstraint(
                    fields=["user", "role", scope],
                    condition=Q(**{f"{scope}__isnull": False}),
                    name=f"membership_unique_per_{scope}",
                )
                for scope in ("team", "site", "organisation", "place")
            ],
        ]
        indexes = [models.Index(fields=["role", "team"], name="membership_role_team_idx")]

    def __str__(self) -> str:
        return gettext("%(user)s — %(role)s of %(scope)s") % {
            "user": self.user,
            "role": self.get_role_display(),
            "scope": self.scope_object,
        }

    @property
    def scope_object(self) -> Team | Site | Organisation | Place | None:
        return self.team or self.site or self.organisation or self.place

    @property
    def scope(self) -> str:
        for name in ("team", "site", "organisation", "place"):
            if getattr(self, f"{name}_id"):
                return name
        return ""


class AuditEvent(models.Model):
    """Who did what to which object, when. Written by leanhub.audit.record, never edited."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    verb = models.CharField(_("verb"), max_length=80)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("target type")
    )
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_repr = models.CharField(_("target repr"), max_length=300, blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "-at"], name="audit_target_idx")
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.verb} {self.target_repr}"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something a person should hear about: shown in-app, counted live in the header."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    message = models.CharField(_("message"), max_length=300)
    url = models.CharField(_("url"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.message


class TeamAnnouncement(models.Model):
    """A short note from a team lead to the team (huddle moved, new standard work, thanks)."""

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="announcements", verbose_name=_("team")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    message = models.CharField(_("message"), max_length=280)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("team announcement")
        verbose_name_plural = _("team announcements")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["team", "-created_at"], name="announcement_team_idx")]

    def __str__(self) -> str:
        return self.message


class LoginFailure(models.Model):
    """One failed sign-in, kept for a day at most (see :mod:`leanhub.throttle`)."""

    username = models.CharField(_("username"), max_length=150, db_index=True)
    # For IPv6 the /64 network: one household or host gets a whole one.
    address = models.GenericIPAddressField(_("address"), null=True, blank=True, db_index=True)
    # A keyed hash of the browser's device cookie when that browser had signed in to this account
    # before; blank for any other client.
    device = models.CharField(_("device"), max_length=64, blank=True, default="")
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("login failure")
        verbose_name_plural = _("login failures")
        ordering = ["-at"]

    def __str__(self) -> str:
        return gettext("%(username)s from %(address)s at %(time)s") % {
            "username": self.username,
            "address": self.address,
            "time": f"{self.at:%H:%M}",
        }


class MailFrequency(models.TextChoices):
    """How often a person wants e-mail of one kind (see :mod:`leanhub.mail`)."""

    AT_ONCE = "now", _("At once")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    OFF = "off", _("Off")


class EmailPreference(models.Model):
    """One person's choice for one kind of e-mail; without a row the kind's default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="email_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    frequency = models.CharField(_("frequency"), max_length=10, choices=MailFrequency.choices)

    class Meta:
        verbose_name = _("e-mail preference")
        verbose_name_plural = _("e-mail preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="email_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {self.frequency}"


class OutgoingEmail(models.Model):
    """The outbox: one e-mail to one person, written in the same transaction as the change it
    tells of, and sent by the worker (``leanhub.mail.deliver_due``). A row waiting for a digest
    is ``held`` until the digest job gathers it into a digest e-mail of its own."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        HELD = "held", _("held for a digest")
        SENT = "sent", _("sent")
        DIGESTED = "digested", _("sent in a digest")
        FAILED = "failed", _("failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="outgoing_emails",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=MailFrequency.choices, default=MailFrequency.AT_ONCE
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    subject = models.CharField(_("subject"), max_length=200)
    message = models.TextField(_("message"), blank=True)
    # A path on this site ("/ideas/12/"); made absolute with SITE_URL when the e-mail is written.
    url = models.CharField(_("url"), max_length=300, blank=True)
    # Template names without the extension: <template>.txt and <template>.html are rendered.
    template = models.CharField(_("template"), max_length=100, default="email/notice")
    context = models.JSONField(_("context"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # A worker that claims the row owns it until then; a worker killed mid-send lets it lapse.
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    digest = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
        verbose_name=_("digest"),
    )

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
            models.Index(fields=["status", "frequency", "recipient"], name="outbox_held_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"
