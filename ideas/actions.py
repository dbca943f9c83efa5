"""State changes of ideas. Object first, the rest keyword-only, the acting user as ``by``."""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop, ngettext, override

from ideas import mail as idea_mail
from ideas.models import (
    Idea,
    IdeaComment,
    IdeaEvent,
    IdeaFollow,
    IdeaPhoto,
    IdeaSupport,
    PendingPhoto,
)
from leanhub import audit, events, mail, policy, storage
from leanhub.i18n import Wording
from leanhub.images import ProcessedImage
from leanhub.models import Membership, Organisation, Role, Site, Team, User
from leanhub.notifications import notify
from leanhub.spreadsheets import AlreadyImported

S = Idea.Status

# Where an idea may go from each status. Declined, parked and duplicate can be reopened for review.
TRANSITIONS: dict[str, set[str]] = {
    S.NEW: {S.UNDER_REVIEW, S.ACCEPTED, S.DECLINED, S.PARKED, S.DUPLICATE},
    S.UNDER_REVIEW: {S.ACCEPTED, S.DECLINED, S.PARKED, S.DUPLICATE},
    S.ACCEPTED: {S.IN_PROGRESS, S.IMPLEMENTED, S.PARKED, S.DECLINED},
    S.IN_PROGRESS: {S.IMPLEMENTED, S.PARKED, S.ACCEPTED},
    S.IMPLEMENTED: set(),
    S.DECLINED: {S.UNDER_REVIEW},
    S.PARKED: {S.UNDER_REVIEW, S.ACCEPTED},
    S.DUPLICATE: {S.UNDER_REVIEW},
}


class TransitionRefused(ValidationError):
    """An idea cannot move that way; the message says why, for the person who tried."""


def _tell(
    idea: Idea,
    *,
    to_author: Wording,
    to_followers: Wording,
    by: User,
    anonymous: bool = False,
) -> None:
    """Notify the submitter and followers (never ``by`` themselves) in-app, with the live
    count, and by e-mail through the outbox (written in this same transaction, so it is never
    lost), each in their own language. ``anonymous`` leaves ``by`` off the notification."""
    by_pk = getattr(by, "pk", None)
    author = [idea.author] if idea.author_id != by_pk else []
    followers = [
        f.user
        for f in IdeaFollow.objects.filter(idea=idea)
        .exclude(user_id__in=[idea.author_id, by_pk])
        .select_related("user")
    ]
    url = idea.get_absolute_url()
    actor = None if anonymous else by
    notify(author, message=to_author, url=url, actor=actor)
    notify(followers, message=to_followers, url=url, actor=actor)
    for message, people in ((to_author, author), (to_followers, followers)):
        mail.queue(
            people, kind=idea_mail.UPDATES, subject=_subject(message), message=message, url=url
        )


_subject = mail.subject_for


@dataclass
class NewIdea:
    """What the form collected, already validated."""

    team: Team
    title: str
    problem: str
    proposal: str = ""
    kind: str = Idea.Kind.IMPROVEMENT
    wastes: Sequence[str] = ()
    minutes_per_occurrence: Decimal | None = None
    occurrences_per_year: int | None = None
    money_per_year: Decimal | None = None
    quality_benefit: str = ""
    customer_benefit: str = ""
    burden_name: str = ""
    burden_owner: str = ""
    hide_name: bool = False
    shared_with_partners: bool = False


def _store_photo(idea: Idea, image: ProcessedImage, position: int, written: list[str]) -> IdeaPhoto:
    photo = IdeaPhoto(
        idea=idea,
        content_type=image.content_type,
        width=image.width,
        height=image.height,
        position=position,
    )
    for size, data in (("display", image.display), ("thumb", image.thumbnail)):
        written.append(photo.file_name(size))
        storage.save(photo.file_name(size), data)
    photo.save()
    return photo


def _adopt_pending_photo(
    idea: Idea, pending: PendingPhoto, position: int, written: list[str]
) -> IdeaPhoto | None:
    """Copy a kept photo to the idea (its files are removed once the idea is committed)."""
    photo = IdeaPhoto(
        idea=idea,
        content_type=pending.content_type,
        width=pending.width,
        height=pending.height,
        position=position,
    )
    for size in ("display", "thumb"):
        try:
            data = storage.read(pending.file_name(size))
        except FileNotFoundError:
            # Swept as abandoned between the form's check and now: there is nothing to copy.
            return None
        written.append(photo.file_name(size))
        storage.save(photo.file_name(size), data)
    photo.save()
    return photo


def _remove_pending_photos(photos: Iterable[PendingPhoto]) -> int:
    """Delete pending photos, and their files once the deletion is committed."""
    photos = list(photos)
    if not photos:
        return 0
    names = [p.file_name(size) for p in photos for size in ("display", "thumb")]
    PendingPhoto.objects.filter(pk__in=[p.pk for p in photos]).delete()

    def unlink() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(unlink)
    return len(photos)


def remove_pending_photos_of(photos: Iterable[PendingPhoto]) -> int:
    """Delete these pending photos, and their files once the deletion is committed."""
    return _remove_pending_photos(photos)


# How many abandoned pending photos one upload sweeps away: enough to keep up with any
# real rate of abandoned forms, few enough that the sweep stays cheap.
_SWEEP_BATCH = 50


def remove_abandoned_pending_photos(*, now: datetime.datetime | None = None) -> int:
    """Delete up to a batch of pending photos older than ``PendingPhoto.MAX_AGE`` (their form
    was abandoned), with their files after commit; returns how many went."""
    with transaction.atomic():
        return _remove_pending_photos(
            PendingPhoto.objects.stale(now).order_by("created_at")[:_SWEEP_BATCH]
        )


@transaction.atomic
def keep_pending_photos(
    token: uuid.UUID,
    *,
    photos: Sequence[ProcessedImage],
    remove: Iterable[PendingPhoto] = (),
    by: User,
) -> list[PendingPhoto]:
    """Keep the photos of a raise-an-idea form that was refused for another reason, so that
    ``by`` need not take them again: store ``photos`` as pending photos of the form ``token``,
    private to ``by``; delete the ``remove``d ones (only ``by``'s own); and sweep away a batch
    of photos of forms abandoned a day ago. The same request sent twice keeps its photos once.
    Returns the form's pending photos, in the order they were added."""
    remove_abandoned_pending_photos()
    _remove_pending_photos(p for p in remove if p.owner_id == by.pk and p.token == token)
    now = timezone.now()
    for slot, image in enumerate(photos):
        pending = PendingPhoto(
            owner=by,
            token=token,
            digest=hashlib.sha256(image.display).hexdigest(),
            slot=slot,
            content_type=image.content_type,
            width=image.width,
            height=image.height,
            created_at=now,
        )
        if PendingPhoto.objects.filter(
            owner=by, token=token, slot=slot, digest=pending.digest
        ).exists():
            continue
        try:
            with storage.removed_on_failure() as written, transaction.atomic():
                for size, data in (("display", image.display), ("thumb", image.thumbnail)):
                    written.append(pending.file_name(size))
                    storage.save(pending.file_name(size), data)
                pending.save()
        except IntegrityError:
            # The same request, sent twice, stored it a moment ago.
            continue
    return list(PendingPhoto.objects.uploaded_by(by).for_form(token))


def _pin_to_step(idea: Idea, *, step_id: int, by: User) -> None:
    from ideas.maps import actions as map_actions
    from ideas.maps.models import ValueStreamStep

    step = ValueStreamStep.objects.select_related("map__team__site").filter(pk=step_id).first()
    if step is not None and policy.can(by, "edit_vsm", step.map):
        map_actions.link_idea_to_step(step, idea=idea, by=by)


def submit_idea(
    data: NewIdea,
    *,
    token: uuid.UUID | None,
    photos: Sequence[ProcessedImage] = (),
    kept_photos: Sequence[PendingPhoto] = (),
    step_id: int | None = None,
    by: User,
) -> tuple[Idea, bool]:
    """Raise an idea for ``data.team``; returns (idea, created).

    A repeated submission of the same form (same ``token``: a double click, a resend after a
    timeout) returns the idea the first one made instead of creating a second. The idea's
    photos are ``kept_photos`` (pending photos ``by`` sent with an earlier, refused try of this
    form; refused if any is someone else's or another form's) then ``photos``; every pending
    photo of the form is removed once the idea is made. The submitter follows their own idea.
    With ``step_id``, the idea is pinned to that value-stream map step as a kaizen burst when
    the submitter may edit the map (otherwise it is raised unpinned).
    """
    policy.require(
        by,
        "raise_idea_for_team",
        data.team,
        reason=gettext("You can raise ideas only for your own teams."),
    )
    if token is not None:
        existing = Idea.objects.filter(submission_token=token).first()
        if existing is not None:
            return existing, False
    if any(p.owner_id != by.pk or p.token != token for p in kept_photos):
        raise PermissionDenied(gettext("Only photos you added to this form can be attached."))
    if len(photos) + len(kept_photos) > IdeaPhoto.MAX_PER_IDEA:
        raise ValidationError(
            gettext("Attach at most %(limit)s photos.") % {"limit": IdeaPhoto.MAX_PER_IDEA}
        )
    try:
        with storage.removed_on_failure() as written, transaction.atomic():
            idea = Idea.objects.create(
                team=data.team,
                author=by,
                title=data.title.strip(),
                problem=data.problem.strip(),
                proposal=data.proposal.strip(),
                kind=data.kind,
                wastes=",".join(w for w in Idea.Waste.values if w in set(data.wastes)),
                minutes_per_occurrence=data.minutes_per_occurrence,
                occurrences_per_year=data.occurrences_per_year,
                money_per_year=data.money_per_year,
                quality_benefit=data.quality_benefit.strip(),
                customer_benefit=data.customer_benefit.strip(),
                burden_name=data.burden_name.strip() if data.kind == Idea.Kind.STOP_DOING else "",
                burden_owner=data.burden_owner if data.kind == Idea.Kind.STOP_DOING else "",
                hide_name=data.hide_name,
                shared_with_partners=data.shared_with_partners,
                submission_token=token,
            )
            position = 0
            for pending in kept_photos:
                if _adopt_pending_photo(idea, pending, position, written) is not None:
                    position += 1
            for image in photos:
                _store_photo(idea, image, position, written)
                position += 1
            _remove_pending_photos(PendingPhoto.objects.uploaded_by(by).for_form(token))
            IdeaFollow.objects.create(idea=idea, user=by)
            audit.record(by, "idea.submitted", idea, {"team": data.team.pk, "kind": data.kind})
            if step_id is not None:
                _pin_to_step(idea, step_id=step_id, by=by)
            leads = list(
                User.objects.filter(
                    memberships__team=data.team, memberships__role=Role.LEAD
                ).distinct()
            )
            if leads:
                team_name, title = data.team.name, idea.title

                def message() -> str:
                    return gettext("New idea for %(team)s: “%(title)s”") % {
                        "team": team_name,
                        "title": title,
                    }

                notify(
                    leads,
                    message=message,
                    url=idea.get_absolute_url(),
                    actor=None if data.hide_name else by,
                )
                # Leads respond to every idea quickly: they hear of it by e-mail too (at once
                # unless they chose a digest), never with the submitter's name.
                mail.queue(
                    [lead for lead in leads if lead.pk != by.pk],
                    kind=idea_mail.NEW_IDEAS,
                    subject=_subject(message),
                    message=message,
                    url=idea.get_absolute_url(),
                )
    except IntegrityError:
        # Two identical submissions raced; the other one won and holds the token.
        return Idea.objects.get(submission_token=token), False
    return idea, True


@transaction.atomic
def import_ideas(
    team: Team, *, ideas: Sequence[NewIdea], filename: str, by: User, key: str = ""
) -> list[Idea]:
    """Raise every idea of a lead's backlog file for ``team``, all or none: each is raised as
    :func:`submit_idea` raises one (audited, followed by ``by``, its leads told), by ``by``.
    Refuses anyone who does not lead the team, and an idea for another team. The import itself
    is audited once with the file's name, how many ideas it raised and ``key``; a second import
    under the same ``key`` by ``by`` (the same previewed file confirmed twice, a double click)
    raises :class:`~leanhub.spreadsheets.AlreadyImported` and nothing more."""
    policy.require(
        by, "lead_team", team, reason=gettext("Only the team's leads can import its ideas.")
    )
    if any(data.team.pk != team.pk for data in ideas):
        raise ValidationError(gettext("Every imported idea must be for the team importing it."))
    if key:
        # The team's row queues two confirmations of one preview, so the second sees the first.
        Team.objects.select_for_update(no_key=True).filter(pk=team.pk).values_list("pk").get()
        earlier = imported_count(team, key=key, by=by)
        if earlier is not None:
            raise AlreadyImported(earlier)
    raised = [submit_idea(data, token=None, by=by)[0] for data in ideas]
    audit.record(
        by,
        "ideas.imported",
        team,
        {"filename": filename[:200], "count": len(raised), "key": key},
    )
    return raised


def imported_count(team: Team, *, key: str, by: User) -> int | None:
    """How many ideas ``by`` imported for ``team`` under ``key``, or None (:mod:`leanhub.audit`)."""
    return audit.imported_count(team, verb="ideas.imported", key=key, by=by)


@transaction.atomic
def change_status(
    idea: Idea,
    *,
    to: str,
    note: str = "",
    by: User,
    revisit_on: datetime.date | None = None,
    duplicate_of: Idea | None = None,
) -> IdeaEvent:
    """Move ``idea`` to status ``to``: refuses moves outside TRANSITIONS, a decline without a
    reason, parking without a revisit date, a duplicate without the idea it duplicates, and
    anyone who may not respond to the idea. Records the event on the idea's timeline and in
    the audit trail, stamps the first response, and notifies the submitter and followers (in
    the app, live, and by e-mail). Merging a duplicate moves its supporters and followers."""
    policy.require(
        by,
        "respond_to_idea",
        idea,
        reason=gettext("Only the team's leads and managers can respond to this idea."),
    )
    idea = Idea.objects.select_for_update().select_related("team__site", "author").get(pk=idea.pk)
    if to not in TRANSITIONS[idea.status]:
        raise TransitionRefused(
            gettext("An idea that is %(current)s cannot be marked %(to)s.")
            % {"current": idea.get_status_display().lower(), "to": S(to).label.lower()}
        )
    if to == S.DECLINED and not note.strip():
        raise TransitionRefused(
            gettext("Say why the idea is declined: the person who raised it will read it.")
        )
    if to == S.PARKED and (revisit_on is None or revisit_on <= timezone.localdate()):
        raise TransitionRefused(
            gettext("Give a date in the future when the idea will be looked at again.")
        )
    if to == S.DUPLICATE:
        if duplicate_of is None or duplicate_of.pk == idea.pk:
            raise TransitionRefused(gettext("Choose the other idea this one duplicates."))
        policy.require(by, "view_idea", duplicate_of)
        if duplicate_of.merged_into_id == idea.pk:
            raise TransitionRefused(gettext("That idea is already merged into this one."))
    from_status = idea.status
    idea.status = to
    if idea.first_response_at is None:
        idea.first_response_at = timezone.now()
    if to == S.IMPLEMENTED:
        idea.implemented_at = timezone.now()
    idea.parked_until = revisit_on if to == S.PARKED else None
    idea.merged_into = duplicate_of if to == S.DUPLICATE else None
    idea.save(
        update_fields=[
            "status",
            "first_response_at",
            "implemented_at",
            "parked_until",
            "merged_into",
            "updated_at",
        ]
    )
    payload: dict[str, object] = {"from": from_status, "to": to, "note": note.strip()}
    if to == S.PARKED and revisit_on is not None:
        payload["revisit_on"] = revisit_on.isoformat()
    if to == S.DUPLICATE and duplicate_of is not None:
        payload["merged_into"] = duplicate_of.pk
        _move_backers(idea, to_idea=duplicate_of)
    event = IdeaEvent.objects.create(
        idea=idea, actor=by, from_status=from_status, to_status=to, note=note.strip()
    )
    audit.record(by, "idea.status_changed", idea, payload)
    _emit_status_changed(idea, from_status=from_status, note=note.strip())

    def status() -> str:
        """The new status as the sentence puts it, in the language being written."""
        words = str(S(to).label).lower()
        if to == S.PARKED and revisit_on is not None:
            return gettext("%(status)s until %(date)s") % {
                "status": words,
                "date": date_format(revisit_on, "DATE_FORMAT"),
            }
        if to == S.DUPLICATE and duplicate_of is not None:
            return gettext("%(status)s of “%(title)s”") % {
                "status": words,
                "title": duplicate_of.title,
            }
        return words

    _tell(
        idea,
        to_author=lambda: (
            gettext("Your idea “%(title)s” is now %(status)s.")
            % {"title": idea.title, "status": status()}
        ),
        to_followers=lambda: (
            gettext("An idea you follow, “%(title)s”, is now %(status)s.")
            % {"title": idea.title, "status": status()}
        ),
        by=by,
    )
    return event


def _emit_status_changed(idea: Idea, *, from_status: str, note: str) -> None:
    """Tell other systems (webhooks) after commit. Only the idea's organisation hears of it,
    and the other organisations of its place when it is shared with partner agencies; an
    author who hid their name is not named."""
    if not events.listened_to(events.IDEA_STATUS_CHANGED):
        return
    site = idea.team.site
    organisations = {site.organisation_id}
    if idea.shared_with_partners:
        organisations |= set(
            Site.objects.filter(place_id=site.place_id).values_list("organisation_id", flat=True)
        )
    with override(settings.LANGUAGE_CODE):
        name = policy.shown_name(None, idea.author, hidden=idea.hide_name)
    events.emit(
        events.IDEA_STATUS_CHANGED,
        organisations=organisations,
        data={
            "idea": {
                "id": idea.pk,
                "title": idea.title,
                "status": idea.status,
                "team": {"id": idea.team_id, "name": idea.team.name},
                "shared_with_partners": idea.shared_with_partners,
                "author": name,
                "author_hidden": bool(idea.hide_name),
                "url": mail.absolute(idea.get_absolute_url()),
            },
            "from": from_status,
            "to": idea.status,
            "note": note,
        },
    )


def recount_supports(*ideas: Idea) -> None:
    """Bring the stored support count of ``ideas`` in line with their supports. Safe when many
    people support one idea at once: each idea is locked before it is counted."""
    with transaction.atomic():
        for idea in ideas:
            # Lock, then count: unlocked, supporters arriving together each count before the
            # others commit, and the last to write leaves a count short of the supports. NO KEY:
            # a support being added holds a key-share lock on its idea, which must not block this.
            Idea.objects.select_for_update(no_key=True).filter(pk=idea.pk).values_list("pk").get()
            Idea.objects.filter(pk=idea.pk).update(
                support_count=IdeaSupport.objects.filter(idea_id=idea.pk).count()
            )


def _move_backers(idea: Idea, *, to_idea: Idea) -> None:
    """Supporters and followers of a duplicate back the idea it was merged into instead."""
    for model in (IdeaSupport, IdeaFollow):
        already = model.objects.filter(idea=to_idea).values_list("user_id", flat=True)
        rows = model.objects.filter(idea=idea)
        rows.exclude(user_id__in=already).update(idea=to_idea)
        rows.delete()
    recount_supports(idea, to_idea)
    # The duplicate's author hears about the other idea from now on.
    IdeaFollow.objects.get_or_create(idea=to_idea, user_id=idea.author_id)


@transaction.atomic
def set_support(idea: Idea, *, on: bool, by: User) -> int:
    """Back (or stop backing) an idea; one support per person. Returns the support count.
    Tells the submitter when someone new backs it."""
    policy.require(by, "engage_with_idea", idea)
    if on:
        _, created = IdeaSupport.objects.get_or_create(idea=idea, user=by)
        if created and idea.author_id != by.pk:
            notify(
                [idea.author],
                message=lambda: (
                    gettext("%(name)s supports your idea “%(title)s”.")
                    % {
                        "name": policy.shown_name(
                            idea.author, by, hidden=policy.hides_name(idea, by)
                        ),
                        "title": idea.title,
                    }
                ),
                url=idea.get_absolute_url(),
                actor=by,
            )
    else:
        IdeaSupport.objects.filter(idea=idea, user=by).delete()
    recount_supports(idea)
    return IdeaSupport.objects.filter(idea=idea).count()


@transaction.atomic
def set_follow(idea: Idea, *, on: bool, by: User) -> bool:
    """Follow (or stop following) an idea: followers hear about every response and comment."""
    policy.require(by, "engage_with_idea", idea)
    if on:
        IdeaFollow.objects.get_or_create(idea=idea, user=by)
    else:
        IdeaFollow.objects.filter(idea=idea, user=by).delete()
    return on


@transaction.atomic
def add_comment(idea: Idea, *, body: str, by: User) -> IdeaComment:
    """Comment on an idea; the commenter starts following it; submitter and followers hear."""
    policy.require(by, "engage_with_idea", idea)
    if not body.strip():
        raise ValidationError(gettext("Write a comment first."))
    comment = IdeaComment.objects.create(idea=idea, author=by, body=body.strip())
    IdeaFollow.objects.get_or_create(idea=idea, user=by)
    # A submitter who hid their name stays hidden when they comment on their own idea: the
    # message goes to several people at once, so it is worded for no one in particular.
    hidden = policy.hides_name(idea, by)

    def who() -> str:
        return capfirst(policy.shown_name(None, by, hidden=hidden))

    _tell(
        idea,
        to_author=lambda: (
            gettext("%(name)s commented on your idea “%(title)s”.")
            % {"name": who(), "title": idea.title}
        ),
        to_followers=lambda: (
            gettext("%(name)s commented on “%(title)s”.") % {"name": who(), "title": idea.title}
        ),
        by=by,
        anonymous=hidden,
    )
    return comment


@transaction.atomic
def edit_comment(comment: IdeaComment, *, body: str, by: User) -> IdeaComment:
    """Change one's own comment within the edit window; refused afterwards or for others."""
    policy.require(by, "engage_with_idea", comment.idea)
    if comment.author_id != by.pk:
        raise PermissionDenied(gettext("You can edit only your own comments."))
    if not comment.can_be_edited_by(by):
        minutes = int(IdeaComment.EDIT_WINDOW.total_seconds() // 60)
        raise PermissionDenied(
            ngettext(
                "Comments can be edited for %(minutes)s minute after posting.",
                "Comments can be edited for %(minutes)s minutes after posting.",
                minutes,
            )
            % {"minutes": minutes}
        )
    if not body.strip():
        raise ValidationError(gettext("A comment cannot be empty."))
    comment.body = body.strip()
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    return comment


@transaction.atomic
def adopt_idea(idea: Idea, *, team: Team, by: User) -> Idea:
    """ "We'll do this too": a linked copy of an implemented idea for ``team``. Refuses ideas
    not yet implemented, the idea's own team, and a team that already adopted it."""
    policy.require(by, "view_idea", idea)
    idea = Idea.objects.select_for_update().select_related("team__site", "author").get(pk=idea.pk)
    policy.require(
        by,
        "raise_idea_for_team",
        team,
        reason=gettext("You can adopt ideas only for your own teams."),
    )
    if idea.status != S.IMPLEMENTED:
        raise TransitionRefused(gettext("Only an idea that has been implemented can be adopted."))
    if team.pk == idea.team_id:
        raise TransitionRefused(gettext("This idea came from that team already."))
    if Idea.objects.filter(adopted_from=idea, team=team).exists():
        raise TransitionRefused(
            gettext("%(team)s has already adopted this idea.") % {"team": team.name}
        )
    copy = Idea.objects.create(
        team=team,
        author=by,
        title=idea.title,
        problem=idea.problem,
        proposal=idea.proposal,
        kind=idea.kind,
        wastes=idea.wastes,
        minutes_per_occurrence=idea.minutes_per_occurrence,
        occurrences_per_year=idea.occurrences_per_year,
        money_per_year=idea.money_per_year,
        quality_benefit=idea.quality_benefit,
        customer_benefit=idea.customer_benefit,
        burden_name=idea.burden_name,
        burden_owner=idea.burden_owner,
        shared_with_partners=idea.shared_with_partners,
        adopted_from=idea,
        status=S.ACCEPTED,
        first_response_at=timezone.now(),
    )
    IdeaEvent.objects.create(
        idea=copy,
        actor=by,
        from_status=S.NEW,
        to_status=S.ACCEPTED,
        note=gettext("Adopted from %(team)s") % {"team": idea.team},
    )
    IdeaFollow.objects.create(idea=copy, user=by)
    audit.record(by, "idea.adopted", copy, {"from_idea": idea.pk, "team": team.pk})
    _tell(
        idea,
        to_author=lambda: (
            gettext("%(team)s is adopting your idea “%(title)s”.")
            % {"team": team.name, "title": idea.title}
        ),
        to_followers=lambda: (
            gettext("%(team)s is adopting “%(title)s”.") % {"team": team.name, "title": idea.title}
        ),
        by=by,
    )
    return copy


@transaction.atomic
def set_publication(idea: Idea, *, public: bool, title: str, summary: str, by: User) -> Idea:
    """Show an implemented idea on the public pages of its site and place, under a public title
    (and summary) its lead or manager writes, or take it off them. Only its title and summary
    and the day it was implemented are ever shown there. Refuses an idea not implemented."""
    policy.require(
        by,
        "respond_to_idea",
        idea,
        reason=gettext("Only the team's leads and managers can publish what changed."),
    )
    title, summary = " ".join(title.split()), " ".join(summary.split())
    if public and idea.status != Idea.Status.IMPLEMENTED:
        raise TransitionRefused(gettext("Only an implemented idea can be shown to the public."))
    if public and not title:
        raise TransitionRefused(gettext("Give it a title for the public."))
    idea.public = public
    idea.public_title = title[:140]
    idea.public_summary = summary[:300]
    idea.save(update_fields=["public", "public_title", "public_summary", "updated_at"])
    audit.record(by, "idea.publication", idea, {"public": public, "title": idea.public_title})
    return idea


@transaction.atomic
def route_burden(idea: Idea, *, reply_due_on: datetime.date, by: User) -> Idea:
    """Send a "stop doing" burden owned outside the team to its owner's queue, with the date a
    reply is due. Leads and managers of the idea's team only."""
    policy.require(
        by,
        "respond_to_idea",
        idea,
        reason=gettext("Only the team's leads and managers can route burdens."),
    )
    if idea.kind != Idea.Kind.STOP_DOING or idea.burden_owner in ("", Idea.BurdenOwner.TEAM):
        raise TransitionRefused(
            gettext("Only red tape owned outside the team can be routed to its owner.")
        )
    if reply_due_on <= timezone.localdate():
        raise TransitionRefused(gettext("The reply date must be in the future."))
    idea.routed_at = timezone.now()
    idea.reply_due_on = reply_due_on
    idea.save(update_fields=["routed_at", "reply_due_on", "updated_at"])
    audit.record(
        by,
        "idea.routed",
        idea,
        {"owner": idea.burden_owner, "reply_due_on": reply_due_on.isoformat()},
    )

    def sent() -> dict[str, str]:
        return {
            "title": idea.title,
            "owner": str(idea.get_burden_owner_display()).lower(),
            "date": date_format(reply_due_on, "DATE_FORMAT"),
        }

    _tell(
        idea,
        to_author=lambda: (
            gettext("Your idea “%(title)s” was sent to %(owner)s for a reply by %(date)s.") % sent()
        ),
        to_followers=lambda: (
            gettext("“%(title)s” was sent to %(owner)s for a reply by %(date)s.") % sent()
        ),
        by=by,
    )
    return idea


# Written on the timeline in the language LeanHub runs its daily jobs in.
REVISIT_NOTE = gettext_noop("Back for review: the revisit date came")


def return_parked_ideas(*, today: datetime.date | None = None) -> int:
    """Send every parked idea whose revisit date has come back to review (parked → under
    review): an event with no actor on its timeline, an audit event, and a notification to the
    team's leads and the idea's followers. Meant to run once a day (the ``remind_idea_leads``
    command runs it); a second run the same day finds nothing parked and changes nothing.
    Returns how many ideas came back."""
    today = today or timezone.localdate()
    due = list(
        Idea.objects.filter(status=S.PARKED, parked_until__lte=today)
        .order_by("parked_until", "pk")
        .values_list("pk", flat=True)
    )
    return sum(_return_parked_idea(pk, today=today) for pk in due)


@transaction.atomic
def _return_parked_idea(idea_id: int, *, today: datetime.date) -> bool:
    # Locked and checked again: a lead may have responded since the list was read.
    idea = (
        Idea.objects.select_for_update()
        .filter(pk=idea_id, status=S.PARKED, parked_until__lte=today)
        .first()
    )
    if idea is None:
        return False
    to = S.UNDER_REVIEW
    if to not in TRANSITIONS[S.PARKED]:
        raise TransitionRefused(gettext("A parked idea cannot go back for review."))
    revisit_on = idea.parked_until
    assert revisit_on is not None  # the idea was selected by that date
    idea.status = to
    idea.parked_until = None
    idea.save(update_fields=["status", "parked_until", "updated_at"])
    note = gettext(REVISIT_NOTE)
    IdeaEvent.objects.create(idea=idea, actor=None, from_status=S.PARKED, to_status=to, note=note)
    audit.record(
        None,
        "idea.status_changed",
        idea,
        {"from": S.PARKED, "to": to, "note": note, "revisit_on": revisit_on.isoformat()},
    )
    _emit_status_changed(idea, from_status=S.PARKED, note=note)
    leads = User.objects.filter(memberships__team_id=idea.team_id, memberships__role=Role.LEAD)
    followers = User.objects.filter(idea_follows__idea=idea)
    people = list({u.pk: u for u in [*leads, *followers]}.values())

    def message() -> str:
        return gettext("“%(title)s” is back for review: its revisit date came.") % {
            "title": idea.title
        }

    url = idea.get_absolute_url()
    notify(people, message=message, url=url)
    # By e-mail too, as for any other change of status.
    mail.queue(people, kind=idea_mail.UPDATES, subject=_subject(message), message=message, url=url)
    return True


def _overdue_message(team_name: str, n: int) -> str:
    return ngettext(
        "%(team)s: %(count)s idea waiting past the response target.",
        "%(team)s: %(count)s ideas waiting past the response target.",
        n,
    ) % {"team": team_name, "count": n}


def remind_leads() -> int:
    """Tell each team lead how many of their team's ideas are past the first-response target.
    Meant to run once a day (see the ``remind_idea_leads`` command); returns how many leads
    were told. Nothing is changed on the ideas themselves. (Parked ideas are not counted here:
    the same job sends them back for review when their date comes, and tells the leads then.)"""
    overdue = dict(
        Idea.objects.overdue(Organisation.objects.only("pk", "first_response_days"))
        .order_by()
        .values_list("team_id")
        .annotate(n=Count("pk"))
    )
    if not overdue:
        return 0
    told = 0
    url = reverse("ideas:list")
    for membership in Membership.objects.filter(role=Role.LEAD, team_id__in=overdue).select_related(
        "user", "team"
    ):
        team = membership.team
        assert team is not None  # selected by team above
        n = overdue[team.pk]

        message = partial(_overdue_message, team.name, n)
        link = f"{url}?team={team.pk}&overdue=on"
        notify([membership.user], message=message, url=link)
        mail.queue(
            [membership.user],
            kind=idea_mail.REMINDERS,
            subject=_subject(message),
            message=message,
            url=link,
        )
        told += 1
    return told
