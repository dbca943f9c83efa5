"""Placing a person by the sign-on rules: which rules match, and the memberships they give."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Q

from leanhub import audit, policy
from leanhub.models import Membership, User
from signon.models import OrganisationSignOn, SignOnRule


def matching_rules(provider_key: str, claims: Mapping[str, object], email: str) -> list[SignOnRule]:
    rules = SignOnRule.objects.filter(Q(provider="") | Q(provider=provider_key)).select_related(
        "organisation", "site", "team"
    )
    return [rule for rule in rules if rule.matches(provider_key, claims, email)]


def place(user: User, rules: Iterable[SignOnRule]) -> list[Membership]:
    """Give ``user`` the membership each rule names, unless they hold it already. Rules add,
    they never take away: a membership someone was given by hand stays."""
    added: list[Membership] = []
    for rule in rules:
        scope: dict[str, Any] = (
            {"team": rule.team}
            if rule.team_id
            else {"site": rule.site}
            if rule.site_id
            else {"organisation": rule.organisation}
        )
        membership, created = Membership.objects.get_or_create(user=user, role=rule.role, **scope)
        if created:
            added.append(membership)
            audit.record(
                None,
                "signon.placed",
                membership,
                {"user": user.pk, "rule": rule.pk, "role": rule.role},
            )
    if added:
        policy.forget(user)
    return added


def local_password_refused(user: User) -> bool:
    """True when one of the person's organisations has switched local passwords off.
    Superusers keep their password, so LeanHub stays reachable when a provider is down."""
    if user.is_superuser:
        return False
    org_ids = policy.scope_of(user).org_ids
    if not org_ids:
        return False
    return OrganisationSignOn.objects.filter(
        organisation_id__in=org_ids, local_passwords_allowed=False
    ).exists()
