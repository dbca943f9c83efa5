"""Template context for every page: the navigation for the user's role and the unread count."""

from __future__ import annotations

from typing import Any, TypedDict

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from leanhub import policy
from leanhub.models import Notification, Role, User


class NavItem(TypedDict):
    label: str
    url: str


def _link(label: str, name: str, *args: object) -> NavItem | None:
    try:
        return {"label": label, "url": reverse(name, args=args)}
    except NoReverseMatch:
        return None


def nav_items(user: User | AnonymousUser) -> list[NavItem]:
    """Navigation ordered by what the role does first: staff raise ideas, leads run their board,
    managers read their dashboard and verify savings, partnership leads watch their place.
    The LeanHub name at the top leads home."""
    scope = policy.scope_of(user)
    role = scope.primary_role
    items: list[NavItem | None]
    if role == Role.STAFF:
        items = [
            _link("Raise an idea", "ideas:new"),
            _link("Ideas", "ideas:list"),
            _link("Team board", "kaizen:my-board"),
            _link("Value-stream maps", "maps:list"),
        ]
    elif role == Role.LEAD:
        items = [
            _link("Team board", "kaizen:my-board"),
            _link("Raise an idea", "ideas:new"),
            _link("Ideas", "ideas:list"),
            _link("Value-stream maps", "maps:list"),
            _link("Team dashboard", "metrics:dashboard"),
            _link("Savings", "metrics:savings"),
        ]
    elif role == Role.PARTNERSHIP:
        items = [
            _link("Place dashboard", "metrics:dashboard"),
            _link("Savings", "metrics:savings"),
            _link("Boards", "kaizen:boards"),
            _link("Ideas", "ideas:list"),
        ]
    elif role in (Role.MANAGER, Role.ADMIN):
        items = [
            _link("Dashboard", "metrics:dashboard"),
            _link("Savings", "metrics:savings"),
            _link("Boards", "kaizen:boards"),
            _link("Ideas", "ideas:list"),
            _link("Value-stream maps", "maps:list"),
            _link("Measures", "metrics:measures"),
            _link("Surveys", "metrics:surveys"),
        ]
    else:
        items = [_link("Home", "home"), _link("Ideas", "ideas:list")]
    if scope.home_team_ids:
        items.append(_link("My team", "team", scope.home_team_ids[0]))
    if scope.is_admin:
        items.append(_link("Administration", "admin:index"))
    seen: set[str] = set()
    unique: list[NavItem] = []
    for item in items:
        if item and item["url"] not in seen:
            seen.add(item["url"])
            unique.append(item)
    return unique


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_items": nav_items(user),
        "unread_count": Notification.objects.filter(recipient=user).unread().count(),
        "scope": policy.scope_of(user),
    }
