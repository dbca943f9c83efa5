from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db.models import F
from django.urls import reverse

from leanhub.models import LoginFailure
from tests.conftest import PASSWORD


def _login(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_a_person_signs_in_and_lands_home(client, sam):
    response = _login(client, "sam", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_wrong_credentials_get_a_clear_message_and_keep_the_username(client, sam):
    response = _login(client, "sam", "wrong")
    assert response.status_code == 200
    assert "do not match" in response.content.decode()
    assert 'value="sam"' in response.content.decode()


def _later(**delta):
    """As if ``delta`` had passed since every failure so far."""
    LoginFailure.objects.update(at=F("at") - timedelta(**delta))


def test_repeated_failures_hold_the_browser_back_with_a_neutral_message(client, sam, settings):
    for _ in range(settings.LOGIN_FAILURES_BEFORE_DELAY):
        _login(client, "sam", "wrong")
    response = _login(client, "sam", PASSWORD)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Too many attempts from this browser; try again in 1 minute." in body
    assert "_auth_user_id" not in client.session


def test_the_wait_is_said_in_minutes_singular_or_plural(client, sam, settings):
    for _ in range(settings.LOGIN_FAILURES_BEFORE_DELAY):
        _login(client, "sam", "wrong")
    _later(seconds=61)
    _login(client, "sam", "wrong")  # one more failure: the next wait is 2 minutes
    assert "try again in 2 minutes." in _login(client, "sam", PASSWORD).content.decode()
    _later(seconds=90)
    assert "try again in 1 minute." in _login(client, "sam", PASSWORD).content.decode()


def test_the_wait_ends_by_itself(client, sam, settings):
    for _ in range(settings.LOGIN_FAILURES_BEFORE_DELAY):
        _login(client, "sam", "wrong")
    _later(seconds=61)
    assert _login(client, "sam", PASSWORD).status_code == 302


def test_usernames_are_throttled_case_insensitively(client, sam, settings):
    for i in range(settings.LOGIN_FAILURES_BEFORE_DELAY):
        _login(client, "SAM" if i % 2 else "sam", "wrong")
    assert "Too many attempts" in _login(client, "Sam", PASSWORD).content.decode()


def test_one_address_guessing_many_accounts_is_throttled(client, sam, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    for name in ("alice", "bob", "carol"):
        _login(client, name, "wrong", address="203.0.113.9")
    body = _login(client, "sam", PASSWORD, address="203.0.113.9").content.decode()
    assert "Too many attempts from this browser" in body
    # The real person on another network is not held back.
    assert _login(client, "sam", PASSWORD, address="198.51.100.7").status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(client, sam, settings):
    for _ in range(settings.LOGIN_FAILURES_BEFORE_DELAY - 1):
        _login(client, "sam", "wrong")
    assert _login(client, "sam", PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(username="sam").exists()


def test_password_reset_by_email_sets_a_new_password_and_lifts_the_wait(client, sam, settings):
    for _ in range(settings.LOGIN_FAILURES_BEFORE_DELAY):
        _login(client, "sam", "wrong")
    response = client.post(reverse("password_reset"), {"email": "sam@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(
        r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body
    ).group(1)
    form_url = client.get(link).url  # Django swaps the token for a session-held one
    response = client.post(
        form_url, {"new_password1": "a brand new pass 42", "new_password2": "a brand new pass 42"}
    )
    assert response.status_code == 302
    assert _login(client, "sam", "a brand new pass 42").status_code == 302


def test_password_change_requires_the_old_password(client, sam):
    client.force_login(sam)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "nope",
            "new_password1": "another pass 77",
            "new_password2": "another pass 77",
        },
    )
    assert response.status_code == 200
    assert "old password was entered incorrectly" in response.content.decode()


def test_logout_is_a_post(client, sam):
    client.force_login(sam)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("url_name", ["home", "notifications"])
def test_pages_need_a_sign_in(client, db, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
