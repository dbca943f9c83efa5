"""The idea box: a team's link for people without an account, what comes through it, and the
leads' decisions on it. Object first, the rest keyword-only, the acting user as ``by``."""

from __future__ import annotations

import hashlib
import hmac
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from ideas import mail as idea_mail
from ideas.models import BoxSubmission, Idea, IdeaBox, IdeaEvent, IdeaPhoto, _box_token
from leanhub import audit, mail, policy, storage
from leanhub.images import ProcessedImage
from leanhub.models import Role, Team, User
from leanhub.notifications import notify


class TooManySubmissions(ValidationError):
    """A flood: the message says when to try again, for the person sending."""


class BoxClosed(ValidationError):
    pass


def _keyed(value: str) -> str:
    """A keyed hash of a client's address: enough to count its tries, nothing without the
    server's secret."""
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def _require_lead(team: Team, by: User) -> None:
    policy.require(by, "manage_idea_box", team)


# --- The links --------------------------------------------------------------------------------


@transaction.atomic
def open_box(team: Team, *, kind: str, by: User) -> IdeaBox:
    """Make the team's box of ``kind`` (or open it again, with a new link if it was shut)."""
    _require_lead(team, by)
    box = IdeaBox.objects.select_for_update().filter(team=team, kind=kind).first()
    if box is None:
        box = IdeaBox.objects.create(team=team, kind=kind, created_by=by)
    elif not box.active:
        box.token = _box_token()
        box.active = True
        box.created_by = by
        box.created_at = timezone.now()
        box.save()
    audit.record(by, "idea_box.opened", box, {"team": team.pk, "kind": kind})
    return box


@transaction.atomic
def new_link(box: IdeaBox, *, by: User) -> IdeaBox:
    """A fresh link for the box: the old one (and its printed QR code) stops working."""
    _require_lead(box.team, by)
    box.token = _box_token()
    box.active = True
    box.created_by = by
    box.created_at = timezone.now()
    box.save()
    audit.record(by, "idea_box.new_link", box, {"team": box.team_id, "kind": box.kind})
    return box


@transaction.atomic
def close_box(box: IdeaBox, *, by: User) -> IdeaBox:
    """Shut the box: its link answers 'not found'; what came through stays for the leads."""
    _require_lead(box.team, by)
    box.active = False
    box.save(update_fields=["active"])
    audit.record(by, "idea_box.closed", box, {"team": box.team_id, "kind": box.kind})
    return box


# --- Raising through the box ------------------------------------------------------------------


def submit(
    box: IdeaBox,
    *,
    title: str,
    problem: str,
    proposal: str = "",
    photo: ProcessedImage | None = None,
    client_address: str,
) -> BoxSubmission:
    """Hold one idea sent through ``box`` for the team's leads, and tell them.

    Refused (:class:`TooManySubmissions`) after ``IdeaBox.PER_CLIENT`` submissions from one
    client address, or ``IdeaBox.PER_BOX`` through the box, within ``IdeaBox.WINDOW``. Sends
    through one box take their turn on the box's row, so a burst sent at once cannot each count
    the others before any is kept and all pass the limit."""
    client = _keyed(f"box-client:{client_address}")
    with storage.removed_on_failure() as written, transaction.atomic():
        locked = IdeaBox.objects.select_for_update().filter(pk=box.pk, active=True).first()
        if locked is None:
            raise BoxClosed(gettext("This idea box is closed."))
        since = timezone.now() - IdeaBox.WINDOW
        recent = BoxSubmission.objects.filter(created_at__gte=since)
        if recent.filter(client=client).count() >= IdeaBox.PER_CLIENT:
            raise TooManySubmissions(
                gettext("Too many ideas have come from this device just now. Try again in an hour.")
            )
        if recent.filter(box=locked).count() >= IdeaBox.PER_BOX:
            raise TooManySubmissions(
                gettext("This idea box has had a lot of ideas just now. Try again in an hour.")
            )
        submission = BoxSubmission(
            box=locked,
            team_id=locked.team_id,
            kind=locked.kind,
            title=title.strip(),
            problem=problem.strip(),
            proposal=proposal.strip(),
            client=client,
        )
        if photo is not None:
            submission.photo_name = uuid.uuid4().hex
            submission.photo_type = photo.content_type
            submission.photo_width = photo.width
            submission.photo_height = photo.height
            for size, data in (("display", photo.display), ("thumb", photo.thumbnail)):
                written.append(submission.photo_file(size))
                storage.save(submission.photo_file(size), data)
        submission.save()
        audit.record(None, "idea_box.submitted", submission, {"box": locked.pk})
        team = Team.objects.get(pk=locked.team_id)
        leads = list(
            User.objects.filter(memberships__team=team, memberships__role=Role.LEAD).distinct()
        )
        if leads:
            from django.urls import reverse

            url = reverse("ideas:box", args=[team.pk])
            service = locked.kind == IdeaBox.Kind.SERVICE
            if service:
                url += "?kind=service"
            words = {"team": team.name, "title": submission.title}

            def message() -> str:
                if service:
                    return gettext("A service user's suggestion for %(team)s: “%(title)s”") % words
                return gettext("An idea through the idea box for %(team)s: “%(title)s”") % words

            notify(leads, message=message, url=url)
            mail.queue(
                leads,
                kind=idea_mail.UPDATES,
                subject=mail.subject_for(message),
                message=message,
                url=url,
            )
    return submission


# --- The leads' decisions ---------------------------------------------------------------------


def _held(submission: BoxSubmission) -> BoxSubmission:
    locked = BoxSubmission.objects.select_for_update().get(pk=submission.pk)
    if locked.status != BoxSubmission.Status.HELD:
        raise ValidationError(gettext("Someone has already decided on this one."))
    return locked


def accept(submission: BoxSubmission, *, by: User) -> Idea:
    """Make the held submission an idea of its team, with its photo. The idea is raised by the
    lead who accepted it (an idea always has someone answerable for it) and says it came through
    the idea box; a service user's suggestion becomes a customer suggestion."""
    _require_lead(submission.team, by)
    try:
        with storage.removed_on_failure() as written, transaction.atomic():
            held = _held(submission)
            service = held.kind == IdeaBox.Kind.SERVICE
            idea = Idea.objects.create(
                team_id=held.team_id,
                author=by,
                title=held.title,
                problem=held.problem,
                proposal=held.proposal,
                kind=Idea.Kind.CUSTOMER if service else Idea.Kind.IMPROVEMENT,
            )
            if held.photo_name:
                photo = IdeaPhoto(
                    idea=idea,
                    content_type=held.photo_type,
                    width=held.photo_width or 0,
                    height=held.photo_height or 0,
                )
                try:
                    copies = [(s, storage.read(held.photo_file(s))) for s in ("display", "thumb")]
                except FileNotFoundError:
                    copies = []  # its file is gone from the store: the words still count
                for size, data in copies:
                    written.append(photo.file_name(size))
                    storage.save(photo.file_name(size), data)
                if copies:
                    photo.save()
            IdeaEvent.objects.create(
                idea=idea,
                actor=by,
                to_status=Idea.Status.NEW,
                note=gettext("Raised through the service users' suggestion box.")
                if service
                else gettext("Raised through the idea box."),
            )
            held.status = BoxSubmission.Status.ACCEPTED
            held.idea = idea
            held.decided_by = by
            held.decided_at = timezone.now()
            held.save()
            audit.record(by, "idea_box.accepted", held, {"idea": idea.pk})
    except IntegrityError:  # pragma: no cover - the row lock makes this unreachable
        raise ValidationError(gettext("Someone has already decided on this one.")) from None
    submission.refresh_from_db()
    return idea


@transaction.atomic
def decline(submission: BoxSubmission, *, reason: str = "", by: User) -> BoxSubmission:
    """Decline the held submission, with an optional reason; it is kept for the record."""
    _require_lead(submission.team, by)
    held = _held(submission)
    held.status = BoxSubmission.Status.DECLINED
    held.reason = reason.strip()
    held.decided_by = by
    held.decided_at = timezone.now()
    held.save()
    audit.record(by, "idea_box.declined", held, {})
    submission.refresh_from_db()
    return held
