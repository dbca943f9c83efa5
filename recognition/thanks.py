"""Thanking the people behind an idea, a card or a library entry: one thank-you per person per thing, a second
click withdraws it. The thanked hear of it in-app and by e-mail (their choice of frequency); a
hidden author is reached like anyone else, but nobody else is ever told who they are."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea
from kaizen.models import Card
from leanhub import mail, policy
from leanhub.models import User
from leanhub.notifications import notify
from library.models import Entry
from recognition.models import MESSAGE_MAX, Thanks

KIND = "thanks"


def register() -> None:
    mail.register_kind(KIND, _("Thank-yous for your ideas, cards and library entries"))


@dataclass(frozen=True)
class Thing:
    """Something that can be thanked, named the same way whatever its kind."""

    kind: str
    obj: Model
    title: str
    url: str

    @property
    def lookup(self) -> dict[str, Model]:
        return {self.kind: self.obj}

    def thanked_people(self) -> list[User]:
        """Who the thanks reach: an idea's author (hidden name or not), a card's owners."""
        if isinstance(self.obj, Idea):
            return [self.obj.author]
        if isinstance(self.obj, Card):
            return list(self.obj.owners.all())
        if isinstance(self.obj, Entry):
            return _behind_entry(self.obj)
        raise TypeError(self.kind)


def _behind_entry(entry: Entry) -> list[User]:
    """A library entry's people: whoever is named to ask, and the owners of the card whose
    cycle it came from (a hidden author among them is reached, never named)."""
    people = {p.pk: p for p in ([entry.contact] if entry.contact else [])}
    if entry.cycle is not None:
        people.update((p.pk, p) for p in entry.cycle.card.owners.all())
    return list(people.values())


def of_idea(idea: Idea) -> Thing:
    return Thing("idea", idea, idea.title, idea.get_absolute_url())


def of_card(card: Card) -> Thing:
    return Thing("card", card, card.title, card.get_absolute_url())


def of_entry(entry: Entry) -> Thing:
    return Thing("entry", entry, entry.title, entry.get_absolute_url())


def count(thing: Thing) -> int:
    return Thanks.objects.filter(**thing.lookup).count()


def has_thanked(thing: Thing, user: User) -> bool:
    return Thanks.objects.filter(by=user, **thing.lookup).exists()


class ThanksError(ValueError):
    pass


@transaction.atomic
def toggle(thing: Thing, *, by: User, message: str = "") -> bool:
    """Thank the people behind ``thing``, or withdraw ``by``'s thanks if given already. True
    when thanked. Only the thanks itself is told to the thanked, never a withdrawal."""
    message = message.strip()
    if len(message) > MESSAGE_MAX:
        raise ThanksError(
            gettext("Keep the message to %(max)s characters or fewer.") % {"max": MESSAGE_MAX}
        )
    deleted, _rows = Thanks.objects.filter(by=by, **thing.lookup).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            Thanks.objects.create(by=by, message=message, **thing.lookup)
    except IntegrityError:
        # A double click raced the first: the thanks is there once, as meant.
        return True
    people = [p for p in thing.thanked_people() if p.pk != by.pk]

    def text() -> str:
        if thing.kind == "idea":
            words = gettext("%(name)s thanked you for your idea “%(title)s”.")
        elif thing.kind == "entry":
            words = gettext("%(name)s thanked you for the library entry “%(title)s”.")
        else:
            words = gettext("%(name)s thanked you for the card “%(title)s”.")
        # The thanker is named: a thank-you is never anonymous (the thanked are never named).
        return words % {"name": policy.shown_name(None, by, hidden=False), "title": thing.title}

    def full() -> str:
        return f"{text()} “{message}”" if message else text()

    notify(people, message=full, url=thing.url, actor=by)
    mail.queue(people, kind=KIND, subject=mail.subject_for(text), message=full, url=thing.url)
    return True
