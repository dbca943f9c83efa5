"""Sign-in throttling slows whoever guesses, and nobody else (leanhub/throttle.py); the client's
address is believed from X-Forwarded-For only through trusted proxies (leanhub/http.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import F
from django.test import Client, RequestFactory
from django.urls import reverse

from leanhub import http, throttle
from leanhub.forms import ThrottleClearingSetPasswordForm
from leanhub.models import LoginFailure
from tests.conftest import PASSWORD

HOME = "198.51.100.7"  # where the real person works
ELSEWHERE = "203.0.113.9"  # where the stranger guesses from
HELD_BACK = "Too many attempts from this browser"


@pytest.fixture(autouse=True)
def fast_hashing(settings, sam):
    """Fifty real guesses in a test: check them with a quick hash (only the test's own)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    sam.set_password(PASSWORD)
    sam.save(update_fields=["password"])


def _sign_in(browser: Client, password: str, address: str = HOME, username: str = "sam", **meta):
    return browser.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **meta,
    )


def _signed_in(response) -> bool:
    return response.status_code == 302 and response.url == reverse("home")


def _later(**delta) -> None:
    """As if ``delta`` had passed since every failure so far."""
    LoginFailure.objects.update(at=F("at") - timedelta(**delta))


def _own_browser() -> Client:
    """The real person's browser: they signed in on it before, then signed out."""
    browser = Client()
    assert _signed_in(_sign_in(browser, PASSWORD))
    browser.post(reverse("logout"))
    return browser


def _fifty_wrong_guesses(address: str = ELSEWHERE, **meta) -> None:
    """A stranger's 50 wrong passwords for sam, each one judged: waiting out every hold."""
    stranger = Client()
    judged = 0
    while judged < 50:
        response = _sign_in(stranger, f"guess {judged}", address, **meta)
        if HELD_BACK in response.content.decode() or "Too many" in response.content.decode():
            _later(minutes=16)
            continue
        assert "do not match" in response.content.decode()
        judged += 1


def test_a_strangers_fifty_guesses_never_stop_the_person_in_their_own_browser(db):
    own = _own_browser()
    _fifty_wrong_guesses()
    assert _signed_in(_sign_in(own, PASSWORD))
    own.post(reverse("logout"))
    # Not even when they sign in from the very address the stranger guessed from.
    assert _signed_in(_sign_in(own, PASSWORD, ELSEWHERE))


def test_a_strangers_fifty_guesses_never_stop_a_fresh_browser_at_the_persons_address(db):
    _fifty_wrong_guesses()
    assert _signed_in(_sign_in(Client(), PASSWORD, HOME))


def test_the_stranger_is_slowed_by_growing_delays_and_never_told_a_right_guess(settings):
    settings.LOGIN_FAILURES_BEFORE_DELAY = 5
    settings.LOGIN_DELAY_MAX_MINUTES = 15
    stranger = Client()
    for _ in range(5):
        assert "do not match" in _sign_in(stranger, "wrong", ELSEWHERE).content.decode()
    for wait in (1, 2, 4, 8, 15, 15):
        counted = LoginFailure.objects.count()
        # Held back, the right password gets the same answer as a wrong one, and is not counted.
        for password in ("wrong", PASSWORD):
            body = _sign_in(stranger, password, ELSEWHERE).content.decode()
            assert f"{HELD_BACK}; try again in {wait} minute" in body
            assert "_auth_user_id" not in stranger.session
        assert LoginFailure.objects.count() == counted
        _later(minutes=wait - 1)
        assert HELD_BACK in _sign_in(stranger, "wrong", ELSEWHERE).content.decode()
        _later(minutes=1, seconds=1)
        assert "do not match" in _sign_in(stranger, "wrong", ELSEWHERE).content.decode()


def test_a_sign_in_with_no_password_neither_counts_nor_clears_failures(db):
    stranger = Client()
    for _ in range(4):
        _sign_in(stranger, "wrong", ELSEWHERE)
    # An empty password is refused before any check, so it cannot wipe the slate clean.
    assert "This field is required" in _sign_in(stranger, "", ELSEWHERE).content.decode()
    _sign_in(stranger, "wrong", ELSEWHERE)
    assert HELD_BACK in _sign_in(stranger, PASSWORD, ELSEWHERE).content.decode()


def test_an_unknown_account_is_held_back_the_same_way(db):
    stranger = Client()
    for _ in range(5):
        _sign_in(stranger, "wrong", ELSEWHERE, username="nobody")
    body = _sign_in(stranger, "wrong", ELSEWHERE, username="nobody").content.decode()
    assert f"{HELD_BACK}; try again in 1 minute." in body


def test_guesses_sent_at_once_are_held_back_like_guesses_sent_in_turn(settings):
    """Each attempt is written down before its password is checked: a burst gets no more tries
    than patience would."""
    client = throttle.client_for(RequestFactory().post("/", REMOTE_ADDR=ELSEWHERE), "sam")
    # Twenty attempts have started and none has finished checking its password yet.
    attempts = [throttle.begin(client) for _ in range(20)]
    assert [attempt.lock is None for attempt in attempts] == [True] * 5 + [False] * 15
    assert LoginFailure.objects.count() == 5


def test_a_stranger_hopping_across_their_ipv6_network_is_one_client(db):
    stranger = Client()
    for n in range(5):
        _sign_in(stranger, "wrong", f"2001:db8:1:2::{n + 1}")
    body = _sign_in(stranger, "wrong", "2001:db8:1:2:ffff::9").content.decode()
    assert f"{HELD_BACK}; try again in 1 minute." in body
    # A neighbour on another network is not held back.
    assert _signed_in(_sign_in(Client(), PASSWORD, "2001:db8:1:3::1"))


def test_many_people_behind_one_trusted_proxy_are_told_apart(settings, client):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxy = "10.1.2.3"
    # A stranger sprays wrong passwords across many accounts, and at sam, through the proxy.
    stranger = Client()
    for name in [f"person{n}" for n in range(40)] + ["sam"] * 10:
        _sign_in(stranger, "wrong", proxy, username=name, HTTP_X_FORWARDED_FOR=ELSEWHERE)
    assert set(LoginFailure.objects.values_list("address", flat=True)) == {ELSEWHERE}
    # Everyone else behind the same proxy signs in as usual, even in a browser new to them.
    response = _sign_in(Client(), PASSWORD, proxy, HTTP_X_FORWARDED_FOR=HOME)
    assert _signed_in(response)
    assert (
        HELD_BACK
        in _sign_in(stranger, PASSWORD, proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE).content.decode()
    )


def test_an_untrusted_peer_cannot_pass_its_guesses_off_as_someone_elses(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    # The stranger claims to be at sam's address; it is not one of our proxies, so no one
    # believes it and its guesses count against its own address.
    _fifty_wrong_guesses(ELSEWHERE, HTTP_X_FORWARDED_FOR=HOME)
    assert set(LoginFailure.objects.values_list("address", flat=True)) == {ELSEWHERE}
    assert _signed_in(_sign_in(Client(), PASSWORD, HOME))


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        # No trusted proxy in between: the peer, whatever the header says.
        ("203.0.113.9", "198.51.100.7", "203.0.113.9"),
        # Our proxy appended the address it saw; what the client wrote before it is ignored.
        ("10.0.0.2", "1.2.3.4, 203.0.113.9", "203.0.113.9"),
        # Two of our proxies in a row are skipped, from the right.
        ("10.0.0.2", "1.2.3.4, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        # Some proxies write the port too.
        ("10.0.0.2", "203.0.113.9:51234", "203.0.113.9"),
        ("10.0.0.2", "[2001:db8::1]:443", "2001:db8::1"),
        # A trusted proxy that sent no header: the proxy is all we know.
        ("10.0.0.2", "", "10.0.0.2"),
        # Rubbish where our proxy's entry should be: stop at what we can vouch for.
        ("10.0.0.2", "203.0.113.9, not-an-address", "10.0.0.2"),
    ],
)
def test_the_client_address_believes_only_trusted_proxies(settings, peer, forwarded, expected):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    assert http.client_address(request) == expected


def test_without_trusted_proxies_the_header_is_never_read(settings):
    settings.TRUSTED_PROXIES = []
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=ELSEWHERE)
    assert http.client_address(request) == "10.0.0.2"


def test_a_spoofed_device_cookie_is_ignored(db):
    own = _own_browser()
    _fifty_wrong_guesses()
    stranger = Client()
    genuine = own.cookies["leanhub_device"].value
    # Someone else's cookie, with its signature changed, or one made up entirely.
    for forged in (genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB"), "made-up"):
        stranger.cookies["leanhub_device"] = forged
        assert HELD_BACK in _sign_in(stranger, PASSWORD, ELSEWHERE).content.decode()


def test_a_device_cookie_for_another_account_does_not_help_with_this_one(lee):
    lee.set_password(PASSWORD)
    lee.save(update_fields=["password"])
    _fifty_wrong_guesses()
    # The stranger signs in to an account of their own at the same address: a genuine cookie,
    # but not one that ever signed in as sam.
    stranger = Client()
    assert _signed_in(_sign_in(stranger, PASSWORD, ELSEWHERE, username="lee"))
    stranger.post(reverse("logout"))
    assert HELD_BACK in _sign_in(stranger, PASSWORD, ELSEWHERE).content.decode()


def test_the_address_ceiling_never_stops_a_browser_known_to_the_account(settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 30
    own = _own_browser()
    # Someone at the same office address sprays a password across many accounts.
    sprayer = Client()
    for n in range(40):
        _sign_in(sprayer, "Summer2026!", HOME, username=f"person{n}")
    assert HELD_BACK in _sign_in(Client(), PASSWORD, HOME).content.decode()
    assert _signed_in(_sign_in(own, PASSWORD, HOME))


def test_a_successful_sign_in_clears_its_own_pair_only(db):
    _fifty_wrong_guesses()
    browser = Client()
    for _ in range(3):
        _sign_in(browser, "typo", HOME)
    assert _signed_in(_sign_in(browser, PASSWORD, HOME))
    assert set(LoginFailure.objects.values_list("address", flat=True)) == {ELSEWHERE}


def test_a_password_reset_clears_every_pair_of_the_account(sam):
    own = _own_browser()
    for _ in range(5):
        _sign_in(own, "typo")
    assert HELD_BACK in _sign_in(own, PASSWORD).content.decode()
    _fifty_wrong_guesses()
    form = ThrottleClearingSetPasswordForm(
        sam, {"new_password1": "a brand new pass 42", "new_password2": "a brand new pass 42"}
    )
    assert form.is_valid()
    form.save()
    assert not LoginFailure.objects.filter(username="sam").exists()
    assert _signed_in(_sign_in(own, "a brand new pass 42"))
    assert _signed_in(_sign_in(Client(), "a brand new pass 42", ELSEWHERE))


def test_the_device_cookie_names_no_one_and_goes_only_to_the_sign_in_page(db):
    own = _own_browser()
    cookie = own.cookies["leanhub_device"]
    assert cookie["path"] == reverse("login")
    assert cookie["httponly"]
    assert int(cookie["max-age"]) >= 300 * 24 * 3600
    request = RequestFactory().get("/", HTTP_COOKIE=f"leanhub_device={cookie.value}")
    device = throttle.read_device(request)
    assert device is not None and "sam" not in repr(device).lower()


def test_a_mistyped_trusted_proxy_is_named_not_guessed_at(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "10.0.0.300"]
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        http.client_address(request)
