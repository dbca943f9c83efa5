"""axe-core finds no violation of any impact on any page of the demo place, on a 320 px phone
and on a desktop, in each language (the URL resolver is walked: tests/pages.py).

Each page is loaded once per language, at 320 px: axe runs there, then again after the window
is widened to a desktop's, as a person turning a tablet or widening a window would. The page is
read once its own requests are done and htmx has swapped in what the page loads after it
opens (a fragment, a chart), not after a fixed wait."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import Client

from leanhub.models import User
from tests.browser.conftest import DESKTOP, off_the_browser_thread
from tests.pages import ROLES, add_webhooks, page_urls

# The walk reads the pages' HTML, which no database changes: it runs once, on SQLite (its
# ~4 minutes were half of the PostgreSQL pass of the browser tests).
pytestmark = pytest.mark.markup_only

NARROW_PHONE = {"width": 320, "height": 640}
# Each language LeanHub speaks.
LANGUAGES = ["en-gb", "cy"]
WIDTHS = {"320px": NARROW_PHONE, "desktop": DESKTOP}

# Resolves once htmx has had no request in flight and nothing swapping or settling for 150 ms
# (three looks 50 ms apart): what a page loads after it opens is then on the page.
HTMX_AT_REST = """() => new Promise((resolve) => {
  const busy = ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added";
  let quiet = 0;
  const look = () => {
    quiet = document.querySelector(busy) ? 0 : quiet + 1;
    if (quiet >= 3) { resolve(true); } else { setTimeout(look, 50); }
  };
  look();
})"""


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
def test_no_page_has_an_accessibility_violation(live_url, browser, language):
    walk = off_the_browser_thread(_pages_to_walk)
    assert len(walk) > 40
    contexts: dict[str, object] = {}
    found: dict[str, list[str]] = {}
    try:
        for who, path in walk:
            if who not in contexts:
                contexts[who] = _signed_in(browser, live_url, who, NARROW_PHONE, language)
            page = contexts[who].new_page()  # type: ignore[attr-defined]
            page.goto(f"{live_url}{path}", wait_until="load")
            if language != "en-gb":
                assert page.locator("html").get_attribute("lang") == language, path
            for width, viewport in WIDTHS.items():
                page.set_viewport_size(viewport)
                page.wait_for_function(HTMX_AT_REST)
                problems = axe_violations(page)
                if problems:
                    found[f"{who} {path} at {width}"] = problems
            page.close()
    finally:
        for context in contexts.values():
            context.close()  # type: ignore[attr-defined]
    if found:
        pytest.fail(
            "axe-core violations:\n"
            + "\n".join(f"{where}:\n  " + "\n  ".join(p) for where, p in found.items())
        )
