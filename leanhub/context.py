"""Template context for every page: the navigation for the user's role and the unread count."""

from __future__ import annotations

import functools
from typing import Any, TypedDict

from django.contrib.auth.models import AnonymousUser
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language, gettext

from leanhub import policy
from leanhub.http import fixed_url
from leanhub.models import Notification, Role, User


class NavItem(TypedDict):
    label: str
    url: str


def _link(label: str, name: str, *args: object) -> NavItem | None:
    """A navigation link to the URL named ``name``, or None when no URL has that name."""
    try:
        return {"label": label, "url": reverse(name, args=args) if args else fixed_url(name)}
    except NoReverseMatch:
        return None


def nav_items(user: User | AnonymousUser) -> list[NavItem]:
    """Navigation ordered by what the role does first: staff raise ideas, leads run their board,
    managers read their dashboard and verify savings, partnership leads watch their place.
    The LeanHub name at the top leads home.

    The user's scope is worked out afresh for each request; the links that follow from what
    shapes them (the primary role, the first home team, whether they manage an organisation or
    administer LeanHub) are written once per language, URLconf and script prefix."""
    scope = policy.scope_of(user)
    items = _nav_items(
        scope.primary_role,
        scope.home_team_ids[0] if scope.home_team_ids else None,
        scope.is_admin or bool(scope.managed_org_ids),
        scope.is_admin,
        get_language(),
        get_resolver(get_urlconf()),
        get_script_prefix(),
    )
    return [{"label": item["label"], "url": item["url"]} for item in items]


@functools.lru_cache(maxsize=1024)
def _nav_items(
    role: str | None,
    home_team_id: int | None,
    signs_on: bool,
    is_admin: bool,
    language: str | None,
    resolver: object,
    script_prefix: str,
) -> tuple[NavItem, ...]:
    """The navigation of :func:`nav_items`, in the language active now (``language``), reversed
    against the URLconf and script prefix in force (``resolver``, ``script_prefix``): these
    three are part of the arguments only so that a change of any of them is a new entry."""
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
    if home_team_id is not None:
        items.append(_link(gettext("My team"), "team", home_team_id))
    if signs_on:
        items.append(_link(gettext("Single sign-on"), "signon:organisations"))
    if is_admin:
        items.append(_link(gettext("Organisation data"), "organisations"))
        items.append(_link(gettext("Administration"), "admin:index"))
    seen: set[str] = set()
    unique: list[NavItem] = []
    for item in items:
        if item and item["url"] not in seen:
            seen.add(item["url"])
            unique.append(item)
    return tuple(unique)


@receiver(setting_changed)
def _forget_navigation(*, setting: str, **kwargs: Any) -> None:
    """A test that changes the languages or where their words are found gets them anew."""
    if setting in ("LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "ROOT_URLCONF"):
        _nav_items.cache_clear()


class UnreadCount:
    """The number of the user's unread notifications, counted when a template first shows it
    (a template calls what it is given): a fragment without the header asks nothing, and a
    view that gives its own ``unread_count`` is not counted twice."""

    __slots__ = ("count", "user")

    def __init__(self, user: User) -> None:
        self.user = user
        self.count: int | None = None

    def __call__(self) -> int:
        if self.count is None:
            self.count = Notification.objects.filter(recipient=self.user).unread().count()
        return self.count


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_items": nav_items(user),
        "unread_count": UnreadCount(user),
        "scope": policy.scope_of(user),
    }
