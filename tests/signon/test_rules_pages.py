"""The product pages where organisation managers and administrators edit sign-on rules."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site as admin_site
from django.urls import reverse

from leanhub.models import AuditEvent, Role
from signon.models import OrganisationSignOn, SignOnRule
from signon.providers import forget_discovery

pytestmark = pytest.mark.django_db


@pytest.fixture
def configured(settings):
    settings.SIGNON_PROVIDERS = [
        {
            "key": "entra",
            "name": "Microsoft",
            "issuer": "https://login.example/tenant/v2.0",
            "client_id": "x",
            "client_secret": "y",
        }
    ]
    forget_discovery()


def test_an_organisation_manager_sees_their_organisation_with_its_rule(
    client, dev, org_a, org_b, team_a
):
    SignOnRule.objects.create(organisation=org_a, value="jcp-leads", role=Role.LEAD, team=team_a)
    client.force_login(dev)
    body = client.get(reverse("signon:organisations")).content.decode()
    assert org_a.name in body
    assert org_b.name not in body
    page = client.get(reverse("signon:organisation", args=[org_a.slug])).content.decode()
    assert "claim “groups” contains “jcp-leads”" in page
    assert "Team lead" in page


def test_the_navigation_offers_the_page_to_managers_of_an_organisation(client, dev):
    client.force_login(dev)
    assert reverse("signon:organisations") in client.get(reverse("home")).content.decode()


def test_a_manager_adds_a_rule(client, dev, org_a, team_a):
    client.force_login(dev)
    response = client.post(
        reverse("signon:organisation", args=[org_a.slug]),
        {
            "rule-match": "claim",
            "rule-claim": "groups",
            "rule-value": "jcp-staff",
            "rule-provider": "",
            "rule-role": Role.STAFF,
            "rule-team": team_a.pk,
        },
    )
    assert response.status_code == 302
    rule = SignOnRule.objects.get(value="jcp-staff")
    assert (rule.organisation, rule.team, rule.role) == (org_a, team_a, Role.STAFF)
    assert AuditEvent.objects.filter(verb="signon.rule_added").exists()


def test_a_rule_with_another_organisations_team_is_refused_clearly(client, dev, org_a, team_b):
    client.force_login(dev)
    response = client.post(
        reverse("signon:organisation", args=[org_a.slug]),
        {
            "rule-match": "claim",
            "rule-claim": "groups",
            "rule-value": "x",
            "rule-role": "lead",
            "rule-team": team_b.pk,
        },
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not SignOnRule.objects.exists()


def test_staff_rules_need_a_team_and_domains_must_be_domains(client, dev, org_a):
    client.force_login(dev)
    response = client.post(
        reverse("signon:organisation", args=[org_a.slug]),
        {
            "rule-match": "email_domain",
            "rule-claim": "",
            "rule-value": "not a domain",
            "rule-role": "staff",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Frontline staff and team leads belong to a team" in body
    assert "Give a domain such as" in body


def test_an_unknown_provider_key_is_refused(client, dev, org_a, configured):
    client.force_login(dev)
    response = client.post(
        reverse("signon:organisation", args=[org_a.slug]),
        {
            "rule-match": "email_domain",
            "rule-value": "jcp.example.gov.uk",
            "rule-provider": "okta",
            "rule-role": "manager",
        },
    )
    assert response.status_code == 400
    assert "No provider has this key" in response.content.decode()


def test_a_manager_edits_and_deletes_a_rule(client, dev, org_a, team_a, site_a1):
    rule = SignOnRule.objects.create(organisation=org_a, value="a", role=Role.LEAD, team=team_a)
    client.force_login(dev)
    url = reverse("signon:rule", args=[org_a.slug, rule.pk])
    assert "Edit a sign-on rule" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "rule-match": "claim",
            "rule-claim": "roles",
            "rule-value": "managers",
            "rule-role": "manager",
            "rule-site": site_a1.pk,
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.claim, rule.value, rule.site, rule.team) == ("roles", "managers", site_a1, None)
    client.post(reverse("signon:rule-delete", args=[org_a.slug, rule.pk]))
    assert not SignOnRule.objects.exists()


def test_switching_passwords_off_needs_a_provider(client, dev, org_a):
    client.force_login(dev)
    response = client.post(
        reverse("signon:organisation", args=[org_a.slug]), {"settings-submit": "1"}
    )
    assert response.status_code == 400
    assert "No single sign-on provider is set up" in response.content.decode()
    assert OrganisationSignOn.objects.get(organisation=org_a).local_passwords_allowed


def test_a_manager_switches_passwords_off(client, dev, org_a, configured):
    client.force_login(dev)
    response = client.post(
        reverse("signon:organisation", args=[org_a.slug]), {"settings-submit": "1"}
    )
    assert response.status_code == 302
    assert not OrganisationSignOn.objects.get(organisation=org_a).local_passwords_allowed


def test_a_manager_cannot_reach_another_organisation(client, dev, org_b, maya, org_a):
    client.force_login(dev)
    assert client.get(reverse("signon:organisation", args=[org_b.slug])).status_code == 404
    # A site manager sees the organisation but may not set up its sign-on.
    client.force_login(maya)
    assert client.get(reverse("signon:organisation", args=[org_a.slug])).status_code == 403
    assert client.get(reverse("signon:organisations")).status_code == 404


def test_a_rule_of_another_organisation_is_not_found(client, dev, org_a, org_b, team_b):
    rule = SignOnRule.objects.create(organisation=org_b, value="x", role=Role.LEAD, team=team_b)
    client.force_login(dev)
    assert client.get(reverse("signon:rule", args=[org_a.slug, rule.pk])).status_code == 404


def test_an_administrator_sees_every_organisation(client, ada, org_a, org_b):
    client.force_login(ada)
    body = client.get(reverse("signon:organisations")).content.decode()
    assert org_a.name in body and org_b.name in body


def test_the_rules_are_in_django_admin_too(client, ada, org_a, team_a):
    assert SignOnRule in admin_site._registry and OrganisationSignOn in admin_site._registry
    SignOnRule.objects.create(organisation=org_a, value="jcp-leads", role=Role.LEAD, team=team_a)
    client.force_login(ada)
    body = client.get(reverse("admin:signon_signonrule_changelist")).content.decode()
    assert "jcp-leads" in body
