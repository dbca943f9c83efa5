from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import get_object_or_404

from leanhub import policy
from leanhub.models import Organisation, User
from signon.models import SignOnRule


def organisations_for_sign_on(user: User | AnonymousUser) -> list[Organisation]:
    """The organisations whose sign-on this person may set up."""
    scope = policy.scope_of(user)
    rows = Organisation.objects.all()
    if not scope.is_admin:
        rows = rows.filter(pk__in=scope.managed_org_ids)
    return list(rows)


def get_organisation_for_user(
    user: User | AnonymousUser, slug: str, *, action: str = "manage_sign_on"
) -> Organisation:
    return policy.get_for_user(user, Organisation, action=action, slug=slug)


def get_rule_for_user(
    user: User | AnonymousUser, organisation: Organisation, rule_id: int
) -> SignOnRule:
    """A rule of ``organisation``, which the caller has already fetched for this person."""
    organisation = get_organisation_for_user(user, organisation.slug)
    return get_object_or_404(
        SignOnRule.objects.filter(organisation=organisation).select_related("site", "team"),
        pk=rule_id,
    )
