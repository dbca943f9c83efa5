"""Template context for every page: the navigation for the user's role and the unread count."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Generic, TypedDict, TypeVar, cast

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language, gettext, trans_real

from leanhub import notifications, policy
from leanhub.http import fixed_url
from leanhub.models import Role, User

T = TypeVar("T")


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
    language = get_language()
    items = _nav_items(
        scope.primary_role,
        scope.home_team_ids[0] if scope.home_team_ids else None,
        scope.is_admin or bool(scope.managed_org_ids),
        scope.is_admin,
        language,
        trans_real.translation(language) if language else None,
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
    catalogue: object,
    resolver: object,
    script_prefix: str,
) -> tuple[NavItem, ...]:
    """The navigation of :func:`nav_items`, in the language active now (``language``, whose
    words are in ``catalogue``), reversed against the URLconf and script prefix in force
    (``resolver``, ``script_prefix``): these are arguments only so that a change of any of them
    (a catalogue read again, URL caches cleared) is a new entry."""
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


class Later(Generic[T]):
    """A value of the page's context worked out when a template first reads it (a template
    calls what it is given, and this answers the same value to every later read): a fragment
    without the header asks nothing, and a view that gives its own value for the name is not
    asked twice."""

    __slots__ = ("_make", "_value")

    def __init__(self, make: Callable[[], T]) -> None:
        self._make: Callable[[], T] | None = make
        self._value: T | None = None

    def __call__(self) -> T:
        if self._make is not None:
            self._value, self._make = self._make(), None
        return cast(T, self._value)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_items": Later(functools.partial(nav_items, user)),
        "unread_count": Later(functools.partial(notifications.unread_count, user)),
        "scope": Later(functools.partial(policy.scope_of, user)),
    }
