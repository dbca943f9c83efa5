"""Local passwords switched off per organisation: the form says to use single sign-on, the
backend refuses the password anywhere else (the admin's form), and throttling stays."""

from __future__ import annotations

import pytest
from django.urls import reverse

from signon.models import OrganisationSignOn
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.9"
    )


@pytest.fixture
def sso_only(org_a) -> OrganisationSignOn:
    return OrganisationSignOn.objects.create(organisation=org_a, local_passwords_allowed=False)


def test_people_of_an_sso_only_organisation_are_sent_to_their_provider(client, sam, sso_only):
    response = _login(client, "sam", PASSWORD)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Your organisation signs in with single sign-on" in body
    assert "_auth_user_id" not in client.session


def test_other_organisations_keep_their_passwords(client, sam, priya, sso_only):
    assert _login(client, "priya", PASSWORD).status_code == 302


def test_passwords_work_until_switched_off(client, sam, org_a):
    OrganisationSignOn.objects.create(organisation=org_a, local_passwords_allowed=True)
    assert _login(client, "sam", PASSWORD).status_code == 302


def test_a_superuser_keeps_a_password_for_when_the_provider_is_down(client, ada, sso_only, team_a):
    from leanhub.models import Membership, Role

    Membership.objects.create(user=ada, role=Role.STAFF, team=team_a)
    assert _login(client, "ada", PASSWORD).status_code == 302


def test_the_admin_sign_in_refuses_the_password_too(client, dev, sso_only):
    dev.is_staff = True
    dev.save()
    response = client.post(
        reverse("admin:login"), {"username": "dev", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_throttling_still_holds_back_password_guessing(client, priya, settings):
    for _ in range(settings.LOGIN_FAILURES_BEFORE_DELAY):
        _login(client, "priya", "wrong")
    body = _login(client, "priya", PASSWORD).content.decode()
    assert "Too many attempts from this browser" in body
