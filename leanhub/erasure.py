"""Erasing a person's account (UK GDPR right to erasure), by an administrator: the name, e-mail
address and username are removed and the account can never sign in again, while what the person
did for the organisation (ideas, comments, cards, figures, savings) stays, attributed to "a former
member". Their private things go: memberships, notifications, a refused form's pending photos
(the apps that keep such things listen to :data:`person_erased`).

Text other people wrote about the person (a comment naming them) is theirs, not the person's
record, and is left as it was written; the administrator can edit it where the law asks."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils.translation import gettext

from leanhub import audit, policy
from leanhub.models import (
    ERASED_USERNAME_PREFIX,
    AuditEvent,
    LoginFailure,
    Membership,
    Notification,
    User,
)

# Sent (sender=User) inside the erasure's transaction with ``person`` (already erased) and
# ``former`` (the names it had, to scrub from the app's own text), so higher apps delete what was
# private to the person.
person_erased = Signal()

ERASED = "[erased]"


def former_names(person: User) -> list[str]:
    """What identified the person: full name, first and last name, username, e-mail address."""
    names = {
        person.full_name,
        person.get_full_name(),
        person.first_name,
        person.last_name,
        person.username,
        person.email,
    }
    # Longest first, so "Sam Okafor" is replaced before "Sam" would split it.
    return sorted((n.strip() for n in names if n and len(n.strip()) >= 3), key=len, reverse=True)


def scrub(text: str, names: list[str]) -> str:
    """``text`` with each of ``names`` (as a whole word) replaced by "[erased]"."""
    for name in names:
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", ERASED, text, flags=re.IGNORECASE)
    return text


def _scrub_json(value: Any, names: list[str]) -> Any:
    if isinstance(value, str):
        return scrub(value, names)
    if isinstance(value, list):
        return [_scrub_json(item, names) for item in value]
    if isinstance(value, dict):
        return {key: _scrub_json(item, names) for key, item in value.items()}
    return value


def _mentions(field: str, names: list[str]) -> Q:
    q = Q(pk__in=[])
    for name in names:
        q |= Q(**{f"{field}__icontains": name})
    return q


@transaction.atomic
def erase_person(person: User, *, by: User) -> User:
    """Erase ``person``'s account, as ``by`` (an administrator). Erasing an erased account
    again changes nothing. Audited as ``person.erased`` (without the erased name)."""
    policy.require(
        by, "erase_person", person, reason=gettext("Only administrators can erase an account.")
    )
    if person.pk == by.pk:
        raise ValidationError(gettext("You cannot erase your own account."))
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.is_erased:
        return person
    names = former_names(person)
    former_username = person.username

    person.username = f"{ERASED_USERNAME_PREFIX}{uuid.uuid4().hex[:12]}"
    person.full_name = person.first_name = person.last_name = person.email = ""
    person.set_unusable_password()
    person.is_active = person.is_staff = person.is_superuser = False
    person.last_login = None
    person.save()
    person.groups.clear()
    person.user_permissions.clear()

    Membership.objects.filter(user=person).delete()
    Notification.objects.filter(recipient=person).delete()
    LoginFailure.objects.filter(username__iexact=former_username).delete()
    _end_sessions(person)
    for notification in Notification.objects.filter(_mentions("message", names)):
        notification.message = scrub(notification.message, names)[:300]
        notification.save(update_fields=["message"])
    user_type = ContentType.objects.get_for_model(User)
    events = AuditEvent.objects.filter(
        Q(target_type=user_type, target_id=str(person.pk))
        | _mentions("target_repr", names)
        | _mentions("payload", names)
    )
    for event in events:
        if event.target_type_id == user_type.pk and event.target_id == str(person.pk):
            event.target_repr = str(person)
        else:
            event.target_repr = scrub(event.target_repr, names)
        event.payload = _scrub_json(event.payload, names)
        event.save(update_fields=["target_repr", "payload"])

    person_erased.send(sender=User, person=person, former=names)
    policy.forget(person)
    audit.record(by, "person.erased", person, {})
    return person


def _end_sessions(person: User) -> None:
    """Sign the person out everywhere (their sessions would be refused anyway: the account is
    inactive and its password gone)."""
    for session in Session.objects.iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(person.pk):
            session.delete()
