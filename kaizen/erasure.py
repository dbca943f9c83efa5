"""What the kaizen app deletes when a person's account is erased (leanhub/erasure.py): where
they were last seen viewing a board. Their cards, moves and cycles stay, unnamed."""

from __future__ import annotations

from typing import Any

from kaizen.models import BoardViewer
from leanhub.erasure import person_erased
from leanhub.models import User


def _on_erased(sender: type[User], *, person: User, **kwargs: Any) -> None:
    BoardViewer.objects.filter(user=person).delete()


def connect() -> None:
    person_erased.connect(_on_erased, sender=User, dispatch_uid="kaizen.erasure")
