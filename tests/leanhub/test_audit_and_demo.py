from __future__ import annotations

from django.core.management import call_command

from leanhub import audit
from leanhub.models import AuditEvent, Membership, Organisation, Place, Role, Team, User


def test_record_writes_who_what_which_and_payload(cast, team_a):
    event = audit.record(cast["lee"], "team.renamed", team_a, {"from": "Old", "to": "New Claims"})
    assert event.actor == cast["lee"]
    assert event.target_type.model == "team" and event.target_id == str(team_a.pk)
    assert event.payload == {"from": "Old", "to": "New Claims"}
    assert list(audit.events_for(team_a)) == [event]


def test_audit_events_cannot_be_edited_in_the_admin(admin_client):
    from django.contrib import admin

    model_admin = admin.site._registry[AuditEvent]
    assert not model_admin.has_change_permission(None)
    assert not model_admin.has_delete_permission(None)


def test_seed_demo_builds_a_believable_place_and_is_idempotent(db, capsys):
    call_command("seed_demo")
    first = (
        Organisation.objects.count(),
        Team.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )
    call_command("seed_demo")
    second = (
        Organisation.objects.count(),
        Team.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )
    assert first == second
    assert set(Organisation.objects.values_list("kind", flat=True)) >= {
        "jobcentre",
        "police",
        "nhs",
        "council",
    }
    place = Place.objects.get()
    assert place.population > 400_000 and place.spend_lines.count() == 4
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {Role.STAFF, Role.LEAD, Role.MANAGER, Role.PARTNERSHIP, Role.ADMIN}
    out = capsys.readouterr().out
    assert "leanhub-demo" in out and "sam" in out and "ada" in out


def test_seed_demo_if_empty_leaves_existing_data_alone(db, org_a):
    call_command("seed_demo", "--if-empty", "--quiet-logins")
    assert list(Organisation.objects.values_list("name", flat=True)) == ["Testshire Jobcentre"]


def test_demo_people_can_sign_in_with_the_documented_password(client, db):
    call_command("seed_demo", "--quiet-logins")
    assert client.login(username="sam", password="leanhub-demo")
