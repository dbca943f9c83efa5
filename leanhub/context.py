"""Template context for every page: the navigation for the user's role and the unread count."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from leanhub import policy
from leanhub.models import Notification, Role


def _link(label: str, name: str, *args) -> dict | None:
    try:
        return {"label": label, "url": reverse(name, args=args)}
    except NoReverseMatch:
        return None


def nav_items(user) -> list[dict]:
    """Navigation ordered by what the role does first: staff raise ideas, leads run their board,
    managers read their dashboard, partnership leads their place."""
    scope = policy.scope_of(user)
    role = scope.primary_role
    items: list[dict | None] = [_link("Home", "home")]
    if role in (Role.STAFF, Role.LEAD):
        items.insert(0, _link("Raise an idea", "ideas:new"))
    if role == Role.LEAD:
        items.insert(0, _link("Team board", "kaizen:my-board"))
    items.append(_link("Ideas", "ideas:list"))
    items.append(_link("Value-stream maps", "ideas:vsm-list"))
    if role in (Role.MANAGER, Role.ADMIN):
        items.insert(0, _link("Dashboard", "metrics:dashboard"))
    if role == Role.PARTNERSHIP:
        items.insert(0, _link("Place dashboard", "metrics:dashboard"))
    if scope.home_team_ids:
        items.append(_link("My team", "team", scope.home_team_ids[0]))
    if scope.is_admin:
        items.append(_link("Administration", "admin:index"))
    seen: set[str] = set()
    unique = []
    for item in items:
        if item and item["url"] not in seen:
            seen.add(item["url"])
            unique.append(item)
    return unique


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_items": nav_items(user),
        "unread_count": Notification.objects.filter(recipient=user).unread().count(),
        "scope": policy.scope_of(user),
    }
