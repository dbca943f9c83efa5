"""Red tape reaching whoever owns it: routing a "stop doing" idea to its owner, the owner's reply,
reminders as the reply date nears, and hours freed by owner across a place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea
from leanhub import audit, jobs, mail, notifications, policy
from leanhub.i18n import Wording
from leanhub.models import Place, User
from places.models import BurdenOwner, BurdenRouting

REMIND_DAYS_BEFORE = 3
# The kind of e-mail an owner's people get: items sent to them, and reminders of replies due.
MAIL_KIND = "red_tape"


def register() -> None:
    """This app's e-mail kind and its daily job (from ``PlacesConfig.ready``)."""
    mail.register_kind(MAIL_KIND, _("Red tape sent to you to answer, and reminders"))
    jobs.daily("red tape reminders", "places.redtape.send_reminders", hour=6)


def _tell_owner(routing: BurdenRouting, message: Wording, *, actor: User | None = None) -> None:
    """In the owner's people's LeanHub notifications and by e-mail (through the outbox, in
    the caller's transaction)."""
    people = members_of(routing.owner)
    url = inbox_url(routing)
    notifications.notify(people, message=message, url=url, actor=actor)
    mail.queue(
        [p for p in people if actor is None or p.pk != actor.pk],
        kind=MAIL_KIND,
        subject=mail.subject_for(message),
        message=message,
        url=url,
    )


SELF_IMPOSED = (Idea.BurdenOwner.TEAM, Idea.BurdenOwner.ORGANISATION)
# The owners outside a team and its organisation, whose red tape is routed to them: every choice
# but those (listed rather than excluded, so the few such ideas are found by their index).
OUTSIDE = tuple(owner for owner in Idea.BurdenOwner if owner not in SELF_IMPOSED)


def owners_answered_by(user: User) -> QuerySet[BurdenOwner]:
    """The owners a person answers for: as a member, or as a manager of its organisation."""
    scope = policy.scope_of(user)
    return BurdenOwner.objects.filter(
        Q(members=user.pk) | Q(organisation__in=scope.managed_org_ids)
    ).distinct()


def may_route(user: User, idea: Idea, place: Place) -> bool:
    return policy.can(user, "respond_to_idea", idea) or policy.can(
        user, "manage_place_spend", place
    )


def members_of(owner: BurdenOwner) -> list[User]:
    people = list(owner.members.all())
    if owner.organisation_id is not None:
        people += list(
            User.objects.filter(
                memberships__organisation_id=owner.organisation_id,
                memberships__role="manager",
            )
        )
    return list({person.pk: person for person in people}.values())


def inbox_url(routing: BurdenRouting) -> str:
    return reverse("places:red-tape-item", kwargs={"pk": routing.pk})


@transaction.atomic
def route(idea: Idea, owner: BurdenOwner, *, place: Place, by: User) -> BurdenRouting:
    """Send a stop-doing idea owned outside the team to ``owner``'s inbox."""
    if not may_route(by, idea, place):
        raise PermissionDenied(
            gettext(
                "Only the team's leads and managers, or the place's "
                "partnership leads, can send red tape to its owner."
            )
        )
    if idea.kind != Idea.Kind.STOP_DOING or idea.burden_owner in (*SELF_IMPOSED, ""):
        raise ValidationError(
            gettext("Only red tape owned outside the team and its organisation goes to an owner.")
        )
    if BurdenRouting.objects.filter(idea=idea).exists():
        raise ValidationError(gettext("This item has already been sent to its owner."))
    due = idea.reply_due_on or timezone.localdate() + timedelta(days=owner.reply_days)
    routing = BurdenRouting.objects.create(idea=idea, owner=owner, routed_by=by, due_on=due)
    audit.record(by, "place.red_tape_routed", idea, {"owner": owner.name, "due_on": str(due)})
    _tell_owner(
        routing,
        lambda: (
            gettext("Red tape for %(owner)s to answer by %(date)s: %(burden)s")
            % {
                "owner": owner.name,
                "date": date_format(due, "DATE_FORMAT"),
                "burden": idea.burden_name or idea.title,
            }
        ),
        actor=by,
    )
    return routing


@transaction.atomic
def reply(routing: BurdenRouting, *, kind: str, text: str, by: User) -> BurdenRouting:
    routing = (
        BurdenRouting.objects.select_for_update().select_related("idea", "owner").get(pk=routing.pk)
    )
    if not owners_answered_by(by).filter(pk=routing.owner_id).exists():
        raise PermissionDenied(gettext("Only the owner's people can reply."))
    if routing.reply:
        raise ValidationError(gettext("This item has already been answered."))
    if kind not in BurdenRouting.Reply.values:
        raise ValidationError(gettext("Choose a reply."))
    text = text.strip()
    if kind == BurdenRouting.Reply.KEEP and not text:
        raise ValidationError(gettext("Say why it stays: the people who raised it will read it."))
    routing.reply = kind
    routing.reply_text = text[:4000]
    routing.replied_by = by
    routing.replied_at = timezone.now()
    routing.save(update_fields=["reply", "reply_text", "replied_by", "replied_at"])
    idea = routing.idea
    audit.record(by, "place.red_tape_answered", idea, {"owner": routing.owner.name, "reply": kind})
    notifications.notify(
        [idea.author, routing.routed_by],
        message=lambda: (
            gettext("%(owner)s replied about “%(title)s”: %(reply)s")
            % {
                "owner": routing.owner.name,
                "title": idea.title,
                "reply": routing.get_reply_display(),
            }
        ),
        url=reverse("ideas:detail", kwargs={"idea_id": idea.pk}),
        actor=by,
    )
    return routing


def send_reminders(*, today: date | None = None) -> int:
    """Remind owners of replies due within a few days or overdue, once a day, in LeanHub and
    by e-mail. The worker runs it every morning (``register``); safe to run twice. Returns how
    many items were reminded about."""
    today = today or timezone.localdate()
    due = (
        BurdenRouting.objects.filter(
            reply="", due_on__lte=today + timedelta(days=REMIND_DAYS_BEFORE)
        )
        .exclude(reminded_on=today)
        .select_related("owner", "idea")
    )
    count = 0
    for routing in due:
        with transaction.atomic():
            claimed = (
                BurdenRouting.objects.filter(pk=routing.pk)
                .exclude(reminded_on=today)
                .update(reminded_on=today)
            )
            if not claimed:
                continue
            _tell_owner(routing, partial(_reminder, routing, overdue=routing.due_on < today))
            count += 1
    return count


def _reminder(routing: BurdenRouting, *, overdue: bool) -> str:
    """A reminder that a reply is due (or overdue), in the language being written."""
    words = {
        "date": date_format(routing.due_on, "DATE_FORMAT"),
        "burden": routing.idea.burden_name or routing.idea.title,
    }
    if overdue:
        return gettext("Overdue since %(date)s: a reply about %(burden)s") % words
    return gettext("Due by %(date)s: a reply about %(burden)s") % words


@dataclass(frozen=True)
class OwnerHours:
    owner_name: str
    items: int
    answered: int
    removed: int  # agreed to remove or change
    hours_a_year: Decimal  # of the items agreed to remove or change


@dataclass(frozen=True)
class PlaceRedTape:
    self_imposed_hours: Decimal
    outside_hours: Decimal
    self_imposed_removed: Decimal
    outside_removed: Decimal
    by_owner: list[OwnerHours]


def place_red_tape(place: Place) -> PlaceRedTape:
    """Hours a year of red tape in the place, imposed by teams and organisations on themselves or
    from outside, and what owners agreed to remove, by owner.

    Summed by the database (a place has tens of thousands of stop-doing ideas): minutes ×
    occurrences by whether the burden is self-imposed and whether it was removed, and by owner
    over the items routed; each sum is turned into hours once, to a tenth."""
    ideas = Idea.objects.filter(team__site__place=place, kind=Idea.Kind.STOP_DOING).exclude(
        status__in=[Idea.Status.DECLINED, Idea.Status.DUPLICATE]
    )
    agreed = [BurdenRouting.Reply.REMOVE, BurdenRouting.Reply.CHANGE]
    totals = {True: [Decimal(0), Decimal(0)], False: [Decimal(0), Decimal(0)]}
    groups = (
        ideas.annotate(
            own=Case(When(burden_owner__in=SELF_IMPOSED, then=True), default=False),
            removed=Case(
                When(
                    Q(status=Idea.Status.IMPLEMENTED)
                    | Q(
                        Exists(BurdenRouting.objects.filter(idea=OuterRef("pk"), reply__in=agreed))
                    ),
                    then=True,
                ),
                default=False,
            ),
        )
        .values_list("own", "removed")
        .annotate(minutes=Sum(_minutes_a_year("")))
        .order_by()
    )
    for own, removed, minutes in groups:
        totals[bool(own)][0] += minutes or 0
        if removed:
            totals[bool(own)][1] += minutes or 0
    by_owner = (
        BurdenRouting.objects.filter(idea__in=ideas.values("pk"))
        .values_list("owner__name")
        .annotate(
            items=Count("pk"),
            answered=Count("pk", filter=~Q(reply="")),
            removed=Count("pk", filter=Q(reply__in=agreed)),
            minutes=Sum(_minutes_a_year("idea__"), filter=Q(reply__in=agreed)),
        )
        .order_by()
    )
    return PlaceRedTape(
        self_imposed_hours=_hours(totals[True][0]),
        outside_hours=_hours(totals[False][0]),
        self_imposed_removed=_hours(totals[True][1]),
        outside_removed=_hours(totals[False][1]),
        by_owner=sorted(
            (
                OwnerHours(name, items, answered, removed, _hours(minutes or Decimal(0)))
                for name, items, answered, removed, minutes in by_owner
            ),
            key=lambda row: (-row.hours_a_year, row.owner_name),
        ),
    )


def _minutes_a_year(prefix: str) -> ExpressionWrapper:
    """Minutes a year of an idea's burden (null without both figures), through ``prefix``."""
    return ExpressionWrapper(
        F(f"{prefix}minutes_per_occurrence") * F(f"{prefix}occurrences_per_year"),
        output_field=DecimalField(max_digits=20, decimal_places=2),
    )


def _hours(minutes: Decimal) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"))
