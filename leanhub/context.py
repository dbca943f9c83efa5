"""Template context for every page: the navigation for the user's role and the unread count."""

from __future__ import annotations

from typing import Any, TypedDict

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext

from leanhub import policy
from leanhub.models import Notification, Role, User


class NavItem(TypedDict):
    label: str
    url: str


def _link(label: str, name: str, *args: object) -> NavItem | None:
    """A navigation link to the URL named ``name``, or None when no URL has that name."""
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
            _link(gettext("Raise an idea"), "ideas:new"),
            _link(gettext("Ideas"), "ideas:list"),
            _link(gettext("Team board"), "kaizen:my-board"),
            _link(gettext("Value-stream maps"), "maps:list"),
        ]
    elif role == Role.LEAD:
        items = [
            _link(gettext("Team board"), "kaizen:my-board"),
            _link(gettext("Raise an idea"), "ideas:new"),
            _link(gettext("Ideas"), "ideas:list"),
            _link(gettext("Value-stream maps"), "maps:list"),
            _link(gettext("Team dashboard"), "metrics:dashboard"),
            _link(gettext("Savings"), "metrics:savings"),
        ]
    elif role == Role.PARTNERSHIP:
        items = [
            _link(gettext("Place dashboard"), "metrics:dashboard"),
            _link(gettext("Savings"), "metrics:savings"),
            _link(gettext("Boards"), "kaizen:boards"),
            _link(gettext("Ideas"), "ideas:list"),
        ]
    elif role in (Role.MANAGER, Role.ADMIN):
        items = [
            _link(gettext("Dashboard"), "metrics:dashboard"),
            _link(gettext("Savings"), "metrics:savings"),
            _link(gettext("Boards"), "kaizen:boards"),
            _link(gettext("Ideas"), "ideas:list"),
            _link(gettext("Value-stream maps"), "maps:list"),
            _link(gettext("Measures"), "metrics:measures"),
            _link(gettext("Surveys"), "metrics:surveys"),
        ]
    else:
        items = [_link(gettext("Home"), "home"), _link(gettext("Ideas"), "ideas:list")]
    # Every role finds what other teams made work, and the starting templates.
    items.append(_link(gettext("Library"), "library:list"))
    if scope.home_team_ids:
        items.append(_link(gettext("My team"), "team", scope.home_team_ids[0]))
    if scope.is_admin or scope.managed_org_ids:
        items.append(_link(gettext("Single sign-on"), "signon:organisations"))
    if scope.is_admin:
        items.append(_link(gettext("Organisation data"), "organisations"))
        items.append(_link(gettext("Administration"), "admin:index"))
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
