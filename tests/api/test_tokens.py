"""Token lifecycle: made, shown once, kept hashed, expiring, revoked, scoped."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from api import actions
from api.models import ApiToken
from tests.api.conftest import TokenClient

pytestmark = pytest.mark.django_db


def test_a_token_is_kept_only_as_a_digest_of_its_secret(sam):
    made = actions.create_personal_token(name="Sync", scope="read", days=30, by=sam)
    token = ApiToken.objects.get()
    prefix, secret = made.text.removeprefix("lh_").split("_", 1)
    assert token.prefix == prefix
    assert token.secret_digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(list(ApiToken.objects.values()))
    assert token.user == sam and token.kind == ApiToken.Kind.PERSONAL
    assert token.expires_at > timezone.now() + datetime.timedelta(days=29)


def test_a_token_calls_the_api_as_its_person_and_records_its_last_use(sam):
    made = actions.create_personal_token(name="Sync", scope="read", days=30, by=sam)
    response = TokenClient(made.text).get(reverse("api:ideas"))
    assert response.status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("Bearer lh_nothere_x", "invalid_token"),
        ("Bearer nonsense", "invalid_token"),
        ("Bearer two words", "malformed_token"),
    ],
)
def test_a_bad_token_is_refused_with_a_clear_401(sam, header, code):
    response = TokenClient().get(reverse("api:ideas"), HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == code
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_secret_with_a_real_prefix_is_refused(sam):
    made = actions.create_personal_token(name="Sync", scope="read", days=30, by=sam)
    forged = made.text[:-4] + ("AAAA" if not made.text.endswith("AAAA") else "BBBB")
    response = TokenClient(forged).get(reverse("api:ideas"))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


def test_an_expired_token_is_refused(sam):
    made = actions.create_personal_token(name="Sync", scope="read", days=7, by=sam)
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = TokenClient(made.text).get(reverse("api:ideas"))
    assert response.status_code == 401
    assert response.json()["error"] == {
        "status": 401,
        "code": "token_expired",
        "message": "This token has expired.",
    }


def test_a_revoked_token_stops_working_at_once(sam):
    made = actions.create_personal_token(name="Sync", scope="read", days=7, by=sam)
    client = TokenClient(made.text)
    assert client.get(reverse("api:ideas")).status_code == 200
    actions.revoke_token(made.token, by=sam)
    response = client.get(reverse("api:ideas"))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_revoked"


def test_only_its_owner_revokes_a_personal_token(sam, lee):
    made = actions.create_personal_token(name="Sync", scope="read", days=7, by=sam)
    from django.http import Http404

    with pytest.raises(Http404):
        actions.revoke_token(made.token, by=lee)
    assert ApiToken.objects.get().revoked_at is None


def test_a_read_token_may_not_change_anything(sam, team_a, api_as):
    client = api_as(sam, scope="read")
    response = client.post(reverse("api:ideas"), {"team": team_a.pk, "title": "T", "problem": "P"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "read_only_token"
    assert not team_a.ideas.exists()


def test_a_switched_off_account_cannot_use_its_token(sam, token_for):
    text = token_for(sam)
    sam.is_active = False
    sam.save()
    response = TokenClient(text).get(reverse("api:ideas"))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "account_inactive"


def test_a_service_token_acts_within_its_organisation_only(dev, org_a, team_a, team_b, sam, priya):
    from ideas.models import Idea

    mine = Idea.objects.create(team=team_a, author=sam, title="Ours", problem="p")
    theirs = Idea.objects.create(team=team_b, author=priya, title="Theirs", problem="p")
    made = actions.create_service_token(org_a, name="Telephony", scope="read", days=90, by=dev)
    client = TokenClient(made.text)
    titles = [i["title"] for i in client.get(reverse("api:ideas")).json()["results"]]
    assert titles == ["Ours"]
    assert client.get(reverse("api:idea", args=[mine.pk])).status_code == 200
    assert client.get(reverse("api:idea", args=[theirs.pk])).status_code == 404
    account = made.token.user
    assert not account.has_usable_password()
    actions.revoke_token(made.token, by=dev)
    account.refresh_from_db()
    assert not account.is_active
    assert client.get(reverse("api:ideas")).status_code == 401


def test_only_the_organisations_managers_make_its_service_tokens(lee, grace, org_a):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    with pytest.raises(PermissionDenied):
        actions.create_service_token(org_a, name="X", scope="read", days=7, by=lee)
    with pytest.raises(Http404):
        actions.create_service_token(org_a, name="X", scope="read", days=7, by=grace)
    assert not ApiToken.objects.exists()


def test_the_session_works_for_a_signed_in_browser_with_csrf_on_changes(client, sam, team_a):
    from django.test import Client

    client.force_login(sam)
    assert client.get(reverse("api:ideas")).status_code == 200
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(sam)
    response = strict.post(
        reverse("api:ideas"),
        {"team": team_a.pk, "title": "T", "problem": "P"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]
    assert not team_a.ideas.exists()


def test_without_credentials_the_api_answers_401(db):
    response = TokenClient().get(reverse("api:ideas"))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
