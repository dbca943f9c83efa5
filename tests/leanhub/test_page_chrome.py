"""What every signed-in page carries whatever its content: the navigation, the unread count, the
header's and footer's links. They are built with as little work as a request allows; these
tests hold that the shortcuts never show anything stale."""

from __future__ import annotations

from django.test import override_settings
from django.urls import clear_url_caches, reverse, set_script_prefix
from django.utils import timezone, translation

from leanhub import notifications
from leanhub.http import fixed_url
from leanhub.models import Membership, Notification
from tests.welsh_helpers import ensure_welsh_compiled


def test_the_unread_count_counts_what_unread_selects(cast):
    sam, lee = cast["sam"], cast["lee"]
    for n in range(5):
        Notification.objects.create(
            recipient=sam, message=f"n{n}", read_at=timezone.now() if n % 2 else None
        )
    Notification.objects.create(recipient=lee, message="someone else's")
    for who in (sam, lee, cast["ada"]):
        expected = Notification.objects.filter(recipient=who).unread().count()
        assert notifications.unread_count(who) == expected
    assert notifications.unread_count(sam) == 3


def test_the_header_says_how_many_are_unread(client, cast):
    sam = cast["sam"]
    for n in range(3):
        Notification.objects.create(recipient=sam, message=f"n{n}")
    client.force_login(sam)
    body = client.get(reverse("accessibility")).content.decode()
    assert 'aria-label="Notifications: 3 unread"' in body
    assert 'data-count="3"' in body and "has-unread" in body


def test_a_fragment_without_the_header_does_not_count(client, cast, django_assert_num_queries):
    client.force_login(cast["sam"])
    client.get(reverse("notification-count"))
    # Session, user, and the view's own count: the page's header count is never asked for.
    with django_assert_num_queries(3):
        body = client.get(reverse("notification-count")).content.decode()
    assert 'data-count="0"' in body


def test_a_removed_membership_leaves_the_navigation_on_the_next_request(client, cast):
    sam = cast["sam"]
    client.force_login(sam)
    team_link = reverse("team", args=[Membership.objects.get(user=sam).team_id])
    assert f'href="{team_link}"' in client.get(reverse("accessibility")).content.decode()
    Membership.objects.filter(user=sam).delete()
    body = client.get(reverse("accessibility")).content.decode()
    assert f'href="{team_link}"' not in body
    assert f'href="{reverse("kaizen:my-board")}"' not in body


def test_the_navigation_follows_the_language(client, cast):
    ensure_welsh_compiled()
    client.force_login(cast["sam"])
    english = client.get(reverse("accessibility")).content.decode()
    welsh = client.get(reverse("accessibility"), HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    with translation.override("cy"):
        ideas = translation.gettext("Ideas")
    assert ideas != "Ideas"
    assert f">{ideas}</a></li>" in welsh and f">{ideas}</a></li>" not in english


def test_fixed_urls_follow_the_script_prefix():
    try:
        set_script_prefix("/leanhub/")
        assert fixed_url("accessibility") == "/leanhub/accessibility/"
        assert fixed_url("tokens:list") == reverse("tokens:list")
    finally:
        set_script_prefix("/")
    assert fixed_url("accessibility") == "/accessibility/"


def test_a_page_under_a_script_prefix_links_under_it(client, cast):
    client.force_login(cast["sam"])
    client.get(reverse("accessibility"))  # the links at the root, first
    try:
        set_script_prefix("/leanhub/")  # as the server does for a request under /leanhub
        body = client.get("/accessibility/").content.decode()
    finally:
        set_script_prefix("/")
    assert 'href="/leanhub/accessibility/"' in body
    assert 'action="/leanhub/language/"' in body
    assert 'class="brand" href="/leanhub/"' in body
    assert 'href="/leanhub/ideas/"' in body  # the navigation too


def test_fixed_urls_follow_a_changed_urlconf():
    before = fixed_url("accessibility")
    with override_settings(ROOT_URLCONF="tests.leanhub.urls_moved"):
        assert fixed_url("accessibility") == "/moved/accessibility/"
    clear_url_caches()
    assert fixed_url("accessibility") == before
