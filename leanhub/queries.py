"""Reads of the core app for other modules: the people, teams and places a person may reach.

Every ``get_<thing>_for_user`` in LeanHub has this shape: the object if ``user`` may do
``action`` to it (404 when they cannot even see it, 403 with a reason when they can see it but may
not act), with what its pages need already joined.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from leanhub import policy
from leanhub.models import Place, Team, User


def get_team_for_user(
    user: User | AnonymousUser, team_id: int, *, action: str = "view_team"
) -> Team:
    """The team, with its site, organisation and place joined for the policy and the page."""
    return policy.get_for_user(
        user,
        Team.objects.select_related("site__organisation", "site__place"),
        action=action,
        pk=team_id,
    )


def get_place_for_user(
    user: User | AnonymousUser, slug: str, *, action: str = "view_place"
) -> Place:
    """The place its address names (places are addressed by slug, not number)."""
    return policy.get_for_user(user, Place.objects.all(), action=action, slug=slug)
