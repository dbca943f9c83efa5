"""axe-core finds no violation of any impact on any page of the demo place, on a 320 px phone
and on a desktop, in each language (the URL resolver is walked: tests/pages.py)."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import Client

from leanhub.models import User
from tests.browser.conftest import DESKTOP, off_the_browser_thread
from tests.pages import ROLES, add_webhooks, page_urls

NARROW_PHONE = {"width": 320, "height": 640}
# Each language LeanHub speaks; a Welsh switch adds "cy" here.
LANGUAGES = ["en-gb"]


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


def _pages_to_walk() -> list[tuple[str, str]]:
    """(who, path): each page once, for the first role that reaches it, plus the visitor's."""
    call_command("seed_demo", verbosity=0)
    add_webhooks()
    seen: set[str] = set()
    walk: list[tuple[str, str]] = []
    people: list[tuple[str, User | AnonymousUser]] = [("visitor", AnonymousUser())]
    people += [(name, User.objects.get(username=name)) for name in ROLES]
    for who, user in people:
        client = Client()
        if isinstance(user, User):
            client.force_login(user)
        for name, path in page_urls(user):
            if name in seen:
                continue
            response = client.get(path)
            if response.status_code == 200 and "text/html" in response["Content-Type"]:
                seen.add(name)
                walk.append((who, path))
    return walk


def _session_cookie(who: str) -> str:
    client = Client()
    client.force_login(User.objects.get(username=who))
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


def _signed_in(browser, live_url: str, who: str, viewport: dict, language: str):
    context = browser.new_context(viewport=viewport, locale=language)
    context.set_default_timeout(10_000)
    if who != "visitor":
        cookie = off_the_browser_thread(_session_cookie, who)
        name = django_settings.SESSION_COOKIE_NAME
        context.add_cookies([{"name": name, "value": cookie, "url": live_url}])
    return context


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("viewport", [NARROW_PHONE, DESKTOP], ids=["320px", "desktop"])
def test_no_page_has_an_accessibility_violation(live_url, browser, language, viewport):
    walk = off_the_browser_thread(_pages_to_walk)
    assert len(walk) > 40
    contexts: dict[str, object] = {}
    found: dict[str, list[str]] = {}
    try:
        for who, path in walk:
            if who not in contexts:
                contexts[who] = _signed_in(browser, live_url, who, viewport, language)
            page = contexts[who].new_page()  # type: ignore[attr-defined]
            page.goto(f"{live_url}{path}")
            page.wait_for_load_state("networkidle")
            problems = axe_violations(page)
            if problems:
                found[f"{who} {path}"] = problems
            page.close()
    finally:
        for context in contexts.values():
            context.close()  # type: ignore[attr-defined]
    if found:
        pytest.fail(
            "axe-core violations:\n"
            + "\n".join(f"{where}:\n  " + "\n  ".join(p) for where, p in found.items())
        )
