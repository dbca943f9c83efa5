"""The token pages: a person's own under their account, an organisation's under it."""

from __future__ import annotations

from django.urls import path

from api import token_views

app_name = "tokens"

urlpatterns = [
    path("accounts/tokens/", token_views.token_list, name="list"),
    path("accounts/tokens/<int:token_id>/revoke/", token_views.token_revoke, name="revoke"),
    path(
        "organisations/<slug:slug>/tokens/",
        token_views.organisation_tokens,
        name="organisation",
    ),
    path(
        "organisations/<slug:slug>/tokens/<int:token_id>/revoke/",
        token_views.organisation_token_revoke,
        name="organisation-revoke",
    ),
]
