"""What the ideas app deletes when a person's account is erased (leanhub/erasure.py): the photos
they left on refused forms (private to them) and the ideas they followed (a preference, not a
record). Their ideas, comments and support stay, unnamed."""

from __future__ import annotations

from typing import Any

from ideas.actions import remove_pending_photos_of
from ideas.models import IdeaFollow, PendingPhoto
from leanhub.erasure import person_erased
from leanhub.models import User


def _on_erased(sender: type[User], *, person: User, **kwargs: Any) -> None:
    remove_pending_photos_of(PendingPhoto.objects.filter(owner=person))
    IdeaFollow.objects.filter(user=person).delete()


def connect() -> None:
    person_erased.connect(_on_erased, sender=User, dispatch_uid="ideas.erasure")
