"""Making and revoking API tokens. Each returns what it wrote and records an audit event; the
token's text is returned once, by the action that makes it, and never kept."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from api.models import ApiToken, expiry_after, new_token_text
from leanhub import audit, policy
from leanhub.models import Membership, Organisation, Role, User


@dataclass(frozen=True)
class MadeToken:
    token: ApiToken
    text: str  # the whole token: shown to its maker once, then gone


@transaction.atomic
def create_personal_token(*, name: str, scope: str, days: int, by: User) -> MadeToken:
    """A token that acts as ``by``, with ``scope`` (read, or read and write), for ``days``."""
    text, prefix, secret_digest = new_token_text()
    token = ApiToken.objects.create(
        kind=ApiToken.Kind.PERSONAL,
        name=name.strip(),
        user=by,
        created_by=by,
        scope=scope,
        prefix=prefix,
        secret_digest=secret_digest,
        expires_at=expiry_after(days),
    )
    audit.record(by, "api_token.created", token, {"kind": token.kind, "scope": scope})
    return MadeToken(token, text)


@transaction.atomic
def create_service_token(
    organisation: Organisation, *, name: str, scope: str, days: int, by: User
) -> MadeToken:
    """A token of ``organisation`` that acts as a service account of its own: a manager of that
    organisation and of nothing else, with no password (it can never sign in to the pages).
    Refused (404/403) unless ``by`` manages the organisation's tokens."""
    policy.require(
        by,
        "manage_api_tokens",
        organisation,
        reason=gettext("Only the organisation's managers make its service tokens."),
    )
    text, prefix, secret_digest = new_token_text()
    account = User.objects.create(
        username=f"service-{prefix}",
        full_name=gettext("%(name)s (service token of %(organisation)s)")
        % {"name": name.strip(), "organisation": organisation.name},
        password=make_password(None),
    )
    Membership.objects.create(user=account, role=Role.MANAGER, organisation=organisation)
    token = ApiToken.objects.create(
        kind=ApiToken.Kind.SERVICE,
        name=name.strip(),
        user=account,
        organisation=organisation,
        created_by=by,
        scope=scope,
        prefix=prefix,
        secret_digest=secret_digest,
        expires_at=expiry_after(days),
    )
    audit.record(by, "api_token.created", token, {"kind": token.kind, "scope": scope})
    return MadeToken(token, text)


@transaction.atomic
def revoke_token(token: ApiToken, *, by: User) -> ApiToken:
    """Stop ``token`` working at once. A service token's account is switched off with it, so
    nothing it was allowed lingers. Revoking twice changes nothing. A personal token is revoked
    by its owner only (404 to anyone else); a service token by its organisation's managers."""
    if token.kind == ApiToken.Kind.SERVICE and token.organisation is not None:
        policy.require(by, "manage_api_tokens", token.organisation)
    elif token.user_id != by.pk:
        raise Http404("Not found")
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    if token.kind == ApiToken.Kind.SERVICE:
        User.objects.filter(pk=token.user_id).update(is_active=False)
    audit.record(by, "api_token.revoked", token, {"kind": token.kind})
    return token
