"""A fixed cast across two organisations in one place, so permission tests read naturally.

Testshire (place)
├── Testshire Jobcentre (org A)
│   ├── Carrow Jobcentre (site A1): New Claims (sam staff, lee lead), Work Coaches (wendy staff)
│   └── Penmoor Jobcentre (site A2): Penmoor Claims (no one)
└── Testshire Police (org B)
    └── Carrow Station (site B1): Crime Recording (priya staff, olu lead)
Managers: maya (site A1), dev (org A), grace (org B). pat leads the place partnership.
ada administers. nobody has no membership at all. ivy was on New Claims; her account is switched
off (inactive), so she reaches nothing.
"""

from __future__ import annotations

import functools
import os
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import make_password

from leanhub.models import Membership, Organisation, Place, PlaceSpendLine, Role, Site, Team, User

# The local S3-compatible server (moto) and buckets of each test's own.
pytest_plugins = ["tests.s3_helpers"]

# The server entry points (leanhub.wsgi, leanhub.asgi) tune the garbage collector for serving
# (leanhub.runtime); the websocket tests import leanhub.asgi, and the test run keeps CPython's own
# collector. tests/leanhub/test_settings.py checks the tuning in a fresh interpreter.
os.environ.setdefault("GC_THRESHOLD", "0")


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session) -> None:
    """Pages link to the hashed static files that `collectstatic` writes (the manifest storage),
    so collect them when they are missing or older than a source file. Once, in the main process,
    before any xdist worker starts."""
    import os

    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    from tests.static_helpers import collect_static_if_stale

    collect_static_if_stale()


def pytest_collection_modifyitems(items) -> None:
    """Browser tests last: Playwright keeps an event loop in the main thread while its browser
    is open, and the websocket tests need that thread free for their own loop."""
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: "tests/browser/" in str(item.fspath))


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    """Each test gets a channel layer object of its own. channels-redis binds the locks it keeps
    per channel to the event loop that first took them, and every async test runs on a loop of
    its own: a layer shared across tests fails with "bound to a different event loop" as soon as
    one test leaves a lock behind."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts and ends in the default language: a request in Welsh leaves Welsh active
    in its thread (LocaleMiddleware activates it and nothing switches it back), and the tests
    after it would read Welsh where they expect English."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def place(db) -> Place:
    return Place.objects.create(
        name="Testshire",
        slug="testshire",
        population=500_000,
        annual_public_spend=Decimal("7100000000"),
    )


@pytest.fixture
def other_place(db) -> Place:
    return Place.objects.create(
        name="Elsewhere",
        slug="elsewhere",
        population=100_000,
        annual_public_spend=Decimal("1000000000"),
    )


@pytest.fixture
def org_a(place) -> Organisation:
    org = Organisation.objects.create(
        name="Testshire Jobcentre", slug="tjc", kind=Organisation.Kind.JOBCENTRE
    )
    PlaceSpendLine.objects.create(place=place, organisation=org, amount=Decimal("1450000000"))
    return org


@pytest.fixture
def org_b(place) -> Organisation:
    org = Organisation.objects.create(
        name="Testshire Police", slug="tp", kind=Organisation.Kind.POLICE
    )
    PlaceSpendLine.objects.create(place=place, organisation=org, amount=Decimal("310000000"))
    return org


@pytest.fixture
def site_a1(org_a, place) -> Site:
    return Site.objects.create(name="Carrow Jobcentre", organisation=org_a, place=place)


@pytest.fixture
def site_a2(org_a, place) -> Site:
    return Site.objects.create(name="Penmoor Jobcentre", organisation=org_a, place=place)


@pytest.fixture
def site_b1(org_b, place) -> Site:
    return Site.objects.create(name="Carrow Station", organisation=org_b, place=place)


@pytest.fixture
def team_a(site_a1) -> Team:
    return Team.objects.create(name="New Claims", site=site_a1)


@pytest.fixture
def team_a_coaches(site_a1) -> Team:
    return Team.objects.create(name="Work Coaches", site=site_a1)


@pytest.fixture
def team_a2(site_a2) -> Team:
    return Team.objects.create(name="Penmoor Claims", site=site_a2)


@pytest.fixture
def team_b(site_b1) -> Team:
    return Team.objects.create(name="Crime Recording", site=site_b1)


PASSWORD = "correct-horse-battery"


@functools.cache
def _password_hash() -> str:
    # Hashing is deliberately slow; hash the cast's shared password once per run, not per person.
    return make_password(PASSWORD)


def _person(username: str, role: str | None = None, **scope) -> User:
    user = User.objects.create(
        username=username,
        password=_password_hash(),
        full_name=username.title(),
        email=f"{username}@example.org",
    )
    if role:
        Membership.objects.create(user=user, role=role, **scope)
    return user


@pytest.fixture
def sam(team_a) -> User:
    return _person("sam", Role.STAFF, team=team_a)


@pytest.fixture
def lee(team_a) -> User:
    return _person("lee", Role.LEAD, team=team_a)


@pytest.fixture
def wendy(team_a_coaches) -> User:
    return _person("wendy", Role.STAFF, team=team_a_coaches)


@pytest.fixture
def maya(site_a1) -> User:
    return _person("maya", Role.MANAGER, site=site_a1)


@pytest.fixture
def dev(org_a, site_a1, site_a2) -> User:
    return _person("dev", Role.MANAGER, organisation=org_a)


@pytest.fixture
def priya(team_b) -> User:
    return _person("priya", Role.STAFF, team=team_b)


@pytest.fixture
def olu(team_b) -> User:
    return _person("olu", Role.LEAD, team=team_b)


@pytest.fixture
def grace(org_b, site_b1) -> User:
    return _person("grace", Role.MANAGER, organisation=org_b)


@pytest.fixture
def pat(place, org_a, org_b) -> User:
    return _person("pat", Role.PARTNERSHIP, place=place)


@pytest.fixture
def ada(place) -> User:
    user = _person("ada", Role.ADMIN, place=place)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def nobody(db) -> User:
    return _person("nobody")


@pytest.fixture
def ivy(team_a) -> User:
    user = _person("ivy", Role.STAFF, team=team_a)
    user.is_active = False
    user.save()
    return user


@pytest.fixture
def cast(
    sam, lee, wendy, maya, dev, priya, olu, grace, pat, ada, nobody, ivy, team_a2
) -> dict[str, User]:
    return {
        u.username: u
        for u in (sam, lee, wendy, maya, dev, priya, olu, grace, pat, ada, nobody, ivy)
    }
