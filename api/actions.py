"""What the API changes of its own: tokens (made, revoked; a token's text is returned once, by
the action that makes it, and never kept) and batches of observations appended by key."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from api.models import ApiToken, ObservationBatch, expiry_after, new_token_text
from leanhub import audit, policy
from leanhub.models import Membership, Organisation, Role, User
from metrics import actions as metrics_actions
from metrics import csvimport
from metrics.models import Measure


@dataclass(frozen=True)
class MadeToken:
    token: ApiToken
    text: str  # the whole token: shown to its maker once, then gone

    @property
    def header(self) -> str:
        """The header a program sends it in."""
        return f"Authorization: Bearer {self.text}"


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


def batch_digest(rows: list[dict[str, Any]]) -> str:
    """A fingerprint of a batch's rows, to tell the same batch sent again from another one."""
    canonical = [
        [row["measure"], row["date"].isoformat(), str(row["value"].normalize()), row["note"]]
        for row in rows
    ]
    return hashlib.sha256(json.dumps(canonical).encode()).hexdigest()


class KeyReused(Exception):
    """The caller used this key for a different batch."""


@transaction.atomic
def append_observations(
    rows: list[dict[str, Any]], *, key: str, measures: list[Measure], by: User
) -> tuple[ObservationBatch, bool]:
    """Append checked ``rows`` (each names a measure of ``measures``, which ``by`` may edit),
    all or nothing, once per ``key``: (the batch, whether it was appended now). The same rows
    under a key ``by`` already used change nothing; other rows under it raise ``KeyReused``."""
    digest = batch_digest(rows)
    existing = ObservationBatch.objects.filter(user=by, key=key).first()
    if existing is not None:
        if existing.digest != digest:
            raise KeyReused(key)
        return existing, False
    # The key is claimed first: a second copy of the batch sent at the same moment waits here,
    # then fails on the key's uniqueness, and is answered as a resend.
    batch = ObservationBatch.objects.create(user=by, key=key, digest=digest, rows=len(rows))
    metrics_actions.import_observations(
        [
            csvimport.Row(
                line=n, measure_id=r["measure"], date=r["date"], value=r["value"], note=r["note"]
            )
            for n, r in enumerate(rows)
        ],
        measures=measures,
        by=by,
    )
    return batch, True
