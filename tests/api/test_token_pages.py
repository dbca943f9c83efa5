"""The token pages: made on a page, shown once, listed by prefix only, revoked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from api.models import ApiToken
from tests.api.conftest import TokenClient

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_sign_in(client, org_a):
    for url in (reverse("tokens:list"), reverse("tokens:organisation", args=[org_a.slug])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_person_makes_a_token_that_is_shown_once(client, sam):
    client.force_login(sam)
    page = client.get(reverse("tokens:list"))
    assert page.status_code == 200 and "No tokens yet." in page.content.decode()
    response = client.post(
        reverse("tokens:list"), {"name": "Spreadsheet", "scope": "read", "days": "30"}
    )
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    text = response.context["made"].text
    assert text in response.content.decode()
    assert (token.name, token.scope, token.user) == ("Spreadsheet", "read", sam)
    again = client.get(reverse("tokens:list")).content.decode()
    assert text not in again and token.shown_prefix in again and "Spreadsheet" in again
    assert TokenClient(text).get(reverse("api:ideas")).status_code == 200


def test_a_bad_form_makes_nothing(client, sam):
    client.force_login(sam)
    response = client.post(reverse("tokens:list"), {"name": "", "scope": "admin", "days": "9999"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "scope", "days"}
    assert not ApiToken.objects.exists()


def test_a_person_revokes_their_token_and_no_one_elses(client, sam, lee, token_for):
    text = token_for(sam)
    token = ApiToken.objects.get()
    client.force_login(lee)
    assert client.post(reverse("tokens:revoke", args=[token.pk])).status_code == 404
    client.force_login(sam)
    assert client.get(reverse("tokens:revoke", args=[token.pk])).status_code == 405
    response = client.post(reverse("tokens:revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert TokenClient(text).get(reverse("api:ideas")).status_code == 401
    assert "Revoked" in client.get(reverse("tokens:list")).content.decode()


def test_an_organisation_manager_makes_and_revokes_service_tokens(client, dev, org_a):
    client.force_login(dev)
    assert org_a.name in client.get(reverse("tokens:list")).content.decode()
    url = reverse("tokens:organisation", args=[org_a.slug])
    response = client.post(url, {"name": "Telephony", "scope": "write", "days": "365"})
    assert response.status_code == 201
    token = ApiToken.objects.get()
    assert (token.kind, token.organisation, token.created_by) == ("service", org_a, dev)
    text = response.context["made"].text
    listed = client.get(url).content.decode()
    assert "Telephony" in listed and token.shown_prefix in listed and text not in listed
    assert TokenClient(text).get(reverse("api:measures")).status_code == 200
    revoke = reverse("tokens:organisation-revoke", args=[org_a.slug, token.pk])
    assert client.post(revoke).status_code == 302
    assert TokenClient(text).get(reverse("api:measures")).status_code == 401


@pytest.mark.parametrize(("who", "status"), [("lee", 403), ("grace", 404), ("sam", 403)])
def test_others_cannot_open_an_organisations_token_page(client, cast, org_a, who, status):
    client.force_login(cast[who])
    assert client.get(reverse("tokens:organisation", args=[org_a.slug])).status_code == status
