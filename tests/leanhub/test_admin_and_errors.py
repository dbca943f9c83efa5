from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from leanhub import views
from leanhub.models import Membership, Organisation, Place, PlaceSpendLine, Site, Team, User

MANAGED = [User, Organisation, Place, PlaceSpendLine, Site, Team, Membership]


@pytest.mark.parametrize("model", [m for m in MANAGED if m is not PlaceSpendLine])
def test_the_admin_lists_and_opens_core_objects(client, cast, model):
    client.force_login(cast["ada"])
    opts = model._meta
    assert (
        client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code
        == 200
    )
    first = model.objects.first()
    assert (
        client.get(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
        ).status_code
        == 200
    )


def test_every_core_model_is_registered_in_the_admin():
    for model in MANAGED:
        assert (
            model in admin.site._registry or model is PlaceSpendLine
        )  # spend lines are inline on places


def test_the_admin_refuses_a_membership_without_exactly_one_scope(client, cast, team_a, site_a1):
    client.force_login(cast["ada"])
    response = client.post(
        reverse("admin:leanhub_membership_add"),
        {"user": cast["nobody"].pk, "role": "staff", "team": team_a.pk, "site": site_a1.pk},
    )
    assert response.status_code == 200
    assert "exactly one scope" in response.content.decode()
    assert not Membership.objects.filter(user=cast["nobody"]).exists()


def test_non_admins_cannot_open_the_admin(client, cast):
    client.force_login(cast["dev"])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "login" in response.url


def test_the_500_page_is_styled_and_shows_no_details(db):
    response = views.error_500(RequestFactory().get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body and "Traceback" not in body
