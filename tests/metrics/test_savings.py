"""The savings ledger: claimed → verified or rejected, by a manager in scope who is not the
claimant; verified savings locked; every change audited and announced."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse
from pypdf import PdfReader

from leanhub import storage
from leanhub.models import AuditEvent
from metrics import actions
from metrics.models import Saving
from tests.channels_helpers import GroupListener
from tests.pdf_helpers import encrypted_pdf, pdf_with_everything


def test_a_lead_claims_a_saving_for_their_team(
    team_a, lee, saving_fields, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        saving = actions.claim_saving(team_a, fields=saving_fields, by=lee)
    assert saving.status == Saving.Status.CLAIMED
    assert saving.claimed_by == lee
    assert AuditEvent.objects.filter(verb="saving.claimed", target_id=str(saving.pk)).exists()
    assert len(callbacks) == 1


def test_it_refuses_a_claim_from_staff_with_a_reason(team_a, sam, saving_fields):
    with pytest.raises(PermissionDenied, match="leads"):
        actions.claim_saving(team_a, fields=saving_fields, by=sam)
    assert not Saving.objects.exists()


def test_it_refuses_a_claim_for_a_team_outside_scope_as_not_found(team_b, lee, saving_fields):
    with pytest.raises(Http404):
        actions.claim_saving(team_b, fields=saving_fields, by=lee)


def test_a_manager_in_scope_verifies_and_locks_a_saving(claimed, maya):
    saving = actions.verify_saving(claimed, expected_version=claimed.version, by=maya)
    saving.refresh_from_db()
    assert saving.status == Saving.Status.VERIFIED and saving.is_locked
    assert saving.decided_by == maya and saving.decided_at is not None
    event = AuditEvent.objects.get(verb="saving.verified")
    assert event.actor == maya and event.payload["amount"] == "12000.00"


def test_an_organisation_manager_may_verify_too(claimed, dev):
    actions.verify_saving(claimed, expected_version=claimed.version, by=dev)
    claimed.refresh_from_db()
    assert claimed.status == Saving.Status.VERIFIED


def test_it_refuses_to_verify_own_saving(team_a, maya, saving_fields):
    own = actions.claim_saving(team_a, fields=saving_fields, by=maya)
    with pytest.raises(PermissionDenied):
        actions.verify_saving(own, expected_version=own.version, by=maya)
    own.refresh_from_db()
    assert own.status == Saving.Status.CLAIMED


def test_it_refuses_an_administrator_verifying_their_own_claim(team_a, ada, saving_fields):
    own = actions.claim_saving(team_a, fields=saving_fields, by=ada)
    with pytest.raises(PermissionDenied, match="someone else"):
        actions.verify_saving(own, expected_version=own.version, by=ada)


@pytest.mark.parametrize("who", ["lee", "sam", "wendy"])
def test_it_refuses_verification_by_people_who_do_not_manage_the_team(claimed, cast, who):
    with pytest.raises(PermissionDenied):
        actions.verify_saving(claimed, expected_version=claimed.version, by=cast[who])


@pytest.mark.parametrize("who", ["grace", "olu", "nobody"])
def test_it_hides_the_saving_from_people_outside_scope(claimed, cast, who):
    with pytest.raises(Http404):
        actions.verify_saving(claimed, expected_version=claimed.version, by=cast[who])


def test_a_partnership_lead_can_see_but_not_verify(claimed, pat):
    with pytest.raises(PermissionDenied):
        actions.verify_saving(claimed, expected_version=claimed.version, by=pat)


def test_it_refuses_a_rejection_without_a_reason(claimed, maya):
    with pytest.raises(ValueError, match="why"):
        actions.reject_saving(claimed, reason="  ", expected_version=claimed.version, by=maya)
    claimed.refresh_from_db()
    assert claimed.status == Saving.Status.CLAIMED


def test_a_manager_rejects_with_a_reason(claimed, maya):
    actions.reject_saving(
        claimed, reason="No baseline shown", expected_version=claimed.version, by=maya
    )
    claimed.refresh_from_db()
    assert claimed.status == Saving.Status.REJECTED
    assert claimed.rejection_reason == "No baseline shown"
    assert AuditEvent.objects.get(verb="saving.rejected").payload["reason"] == "No baseline shown"


def test_a_second_click_on_verify_does_not_decide_twice(claimed, maya):
    actions.verify_saving(claimed, expected_version=1, by=maya)
    with pytest.raises(actions.StaleChange):
        actions.verify_saving(claimed, expected_version=1, by=maya)
    assert AuditEvent.objects.filter(verb="saving.verified").count() == 1


def test_it_refuses_to_decide_a_saving_that_is_not_waiting(claimed, maya, dev):
    actions.reject_saving(claimed, reason="No", expected_version=1, by=maya)
    with pytest.raises(PermissionDenied, match="already rejected"):
        actions.verify_saving(claimed, expected_version=2, by=dev)


def test_changing_a_verified_saving_sends_it_back_for_verification(claimed, maya, lee):
    actions.verify_saving(claimed, expected_version=1, by=maya)
    actions.update_saving(claimed, fields={"amount": Decimal("15000")}, expected_version=2, by=lee)
    claimed.refresh_from_db()
    assert claimed.status == Saving.Status.CLAIMED
    assert claimed.amount == Decimal("15000") and claimed.decided_by is None
    event = AuditEvent.objects.get(verb="saving.changed")
    assert event.payload["reopened_from"] == "verified"
    assert event.payload["before"]["amount"] == "12000.00"


def test_it_refuses_a_change_from_a_stale_form(claimed, lee):
    with pytest.raises(actions.StaleChange):
        actions.update_saving(claimed, fields={"amount": Decimal("1")}, expected_version=9, by=lee)


def test_it_refuses_a_change_by_staff(claimed, sam):
    with pytest.raises(PermissionDenied):
        actions.update_saving(claimed, fields={"amount": Decimal("1")}, expected_version=1, by=sam)


def test_verifying_tells_every_dashboard_of_the_team_to_refetch_its_savings_tile(
    claimed, maya, team_a, django_capture_on_commit_callbacks
):
    site = team_a.site
    dashboards = [
        ("team", team_a.pk),
        ("site", site.pk),
        ("organisation", site.organisation_id),
        ("place", site.place_id),
        ("all", 0),
    ]
    groups = [f"metrics.dashboard.{kind}.{pk}" for kind, pk in dashboards]
    listener = GroupListener(*groups)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            actions.verify_saving(claimed, expected_version=1, by=maya)
        messages = {group: listener.receive(group) for group in groups}
    finally:
        listener.close()
    for (kind, pk), group in zip(dashboards, groups, strict=True):
        html = messages[group]["html"]
        assert 'id="savings-changed"' in html and 'data-hx-swap-oob="true"' in html
        # Each page refetches its own tile, for the period the tile carries.
        tile_url = reverse("metrics:savings-tile", args=[kind, pk])
        assert f'data-hx-get="{tile_url}"' in html
        assert 'data-hx-include="#savings-tile"' in html and 'data-hx-trigger="load"' in html


def test_nothing_is_announced_when_the_decision_is_refused(
    claimed, lee, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        pytest.raises(PermissionDenied),
    ):
        actions.verify_saving(claimed, expected_version=1, by=lee)
    assert callbacks == []


# --- Through the web ---------------------------------------------------------------------------


def test_the_verify_button_verifies(client, claimed, maya):
    client.force_login(maya)
    response = client.post(
        reverse("metrics:saving-decide", args=[claimed.pk]), {"decision": "verify", "version": 1}
    )
    assert response.status_code == 302
    claimed.refresh_from_db()
    assert claimed.status == Saving.Status.VERIFIED


def test_rejecting_without_a_reason_rerenders_with_a_field_error(client, claimed, maya):
    client.force_login(maya)
    response = client.post(
        reverse("metrics:saving-decide", args=[claimed.pk]), {"decision": "reject", "version": 1}
    )
    assert response.status_code == 400
    assert "Say why" in response.content.decode()
    claimed.refresh_from_db()
    assert claimed.status == Saving.Status.CLAIMED


def test_the_claimant_is_refused_verification_through_the_web_with_403(client, claimed, lee):
    client.force_login(lee)
    response = client.post(
        reverse("metrics:saving-decide", args=[claimed.pk]), {"decision": "verify", "version": 1}
    )
    assert response.status_code == 403


def test_an_outsider_gets_404_for_a_saving(client, claimed, olu):
    client.force_login(olu)
    assert client.get(reverse("metrics:saving", args=[claimed.pk])).status_code == 404


def test_decide_refuses_get_with_405(client, claimed, maya):
    client.force_login(maya)
    assert client.get(reverse("metrics:saving-decide", args=[claimed.pk])).status_code == 405


def test_claim_form_rerenders_what_was_typed_with_errors(client, team_a, lee, org_a):
    client.force_login(lee)
    response = client.post(
        reverse("metrics:saving-new", args=[team_a.pk]),
        {"title": "Typed title", "kind": "cashable", "amount": "-5", "recurrence": "one_off"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Typed title" in body and "Enter an amount above zero" in body
    assert not Saving.objects.exists()


def test_claim_form_creates_a_claim(client, team_a, lee, org_a):
    client.force_login(lee)
    response = client.post(
        reverse("metrics:saving-new", args=[team_a.pk]),
        {
            "title": "Less rework",
            "kind": "time",
            "amount": "400",
            "recurrence": "recurring",
            "start_date": "2026-02-01",
            "stage": "projected",
            "invested_by": org_a.pk,
            "benefits": org_a.pk,
            "evidence": "Rework log",
        },
    )
    saving = Saving.objects.get()
    assert response.status_code == 302 and response.url == saving.get_absolute_url()
    assert saving.display_amount == "400 hours a year"


def _edit_data(saving: Saving, **changes) -> dict:
    data = {
        "title": saving.title,
        "kind": saving.kind,
        "amount": str(saving.amount),
        "recurrence": saving.recurrence,
        "start_date": saving.start_date.isoformat(),
        "stage": saving.stage,
        "invested_by": saving.invested_by_id,
        "benefits": saving.benefits_id,
        "evidence": saving.evidence,
        "version": saving.version,
    }
    return {**data, **changes}


def test_editing_a_verified_saving_through_the_web_reopens_it(client, claimed, maya, lee):
    actions.verify_saving(claimed, expected_version=1, by=maya)
    claimed.refresh_from_db()
    client.force_login(lee)
    response = client.post(
        reverse("metrics:saving-edit", args=[claimed.pk]), _edit_data(claimed, amount="9000")
    )
    assert response.status_code == 302
    claimed.refresh_from_db()
    assert claimed.status == Saving.Status.CLAIMED and claimed.amount == Decimal("9000")


def test_a_stale_edit_form_changes_nothing(client, claimed, lee):
    client.force_login(lee)
    client.post(
        reverse("metrics:saving-edit", args=[claimed.pk]),
        _edit_data(claimed, amount="9000", version=7),
    )
    claimed.refresh_from_db()
    assert claimed.amount == Decimal("12000")


def test_staff_may_not_edit_a_saving(client, claimed, sam):
    client.force_login(sam)
    assert client.get(reverse("metrics:saving-edit", args=[claimed.pk])).status_code == 403


def test_evidence_must_be_a_pdf_or_image(client, team_a, lee, org_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(lee)
    response = client.post(
        reverse("metrics:saving-new", args=[team_a.pk]),
        {"title": "x", "kind": "cashable", "amount": "10", "recurrence": "one_off",
         "start_date": "2026-02-01", "stage": "projected", "invested_by": org_a.pk,
         "benefits": org_a.pk, "evidence": "e",
         "evidence_file": SimpleUploadedFile("e.pdf", b"MZ\x90\x00 not a pdf")},
    )  # fmt: skip
    assert "Upload a PDF, PNG or JPEG file" in response.content.decode()
    assert not Saving.objects.exists()


@pytest.mark.parametrize("n", [1, 30])
def test_savings_list_query_count_is_flat(
    client, maya, team_a, lee, make_savings, n, django_assert_max_num_queries
):
    make_savings(n, team=team_a, claimed_by=lee)
    client.force_login(maya)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("metrics:savings")).status_code == 200


def test_evidence_photos_are_stored_without_their_metadata(
    client, team_a, lee, org_a, settings, tmp_path
):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    photo = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(photo, format="JPEG", exif=exif)
    assert Image.open(io.BytesIO(photo.getvalue())).getexif()  # the upload carries metadata
    client.force_login(lee)
    client.post(
        reverse("metrics:saving-new", args=[team_a.pk]),
        {"title": "x", "kind": "cashable", "amount": "10", "recurrence": "one_off",
         "start_date": "2026-02-01", "stage": "projected", "invested_by": org_a.pk,
         "benefits": org_a.pk, "evidence": "e",
         "evidence_file": SimpleUploadedFile("board.jpg", photo.getvalue(), "image/jpeg")},
    )  # fmt: skip
    saving = Saving.objects.get()
    assert saving.evidence_content_type == "image/jpeg"
    with Image.open(saving.evidence_file.open("rb")) as stored:
        assert not stored.getexif()
    response = client.get(reverse("metrics:saving-evidence", args=[saving.pk]))
    assert response["Content-Type"] == "image/jpeg"


def test_a_double_submitted_claim_is_made_once(client, team_a, lee, org_a):
    client.force_login(lee)
    form = client.get(reverse("metrics:saving-new", args=[team_a.pk])).content.decode()
    key = form.split('name="submission" value="')[1].split('"')[0]
    data = {
        "title": "Less rework", "kind": "time", "amount": "400", "recurrence": "recurring",
        "start_date": "2026-02-01", "stage": "projected", "invested_by": org_a.pk,
        "benefits": org_a.pk, "evidence": "Rework log", "submission": key,
    }  # fmt: skip
    first = client.post(reverse("metrics:saving-new", args=[team_a.pk]), data)
    second = client.post(reverse("metrics:saving-new", args=[team_a.pk]), data)
    assert Saving.objects.count() == 1
    assert first.url == second.url == Saving.objects.get().get_absolute_url()


def test_the_claim_form_offers_the_measures_of_the_team_and_everything_above_it(
    team_a, lee, site_a1, site_a2, org_a, place
):
    from metrics.forms import SavingForm
    from metrics.models import Measure

    for name, scope in [("Team", {"team": team_a}), ("Site", {"site": site_a1}),
                        ("Org", {"organisation": org_a}), ("Place", {"place": place}),
                        ("Sibling site", {"site": site_a2})]:  # fmt: skip
        Measure.objects.create(name=name, unit="u", **scope)
    offered = SavingForm(team=team_a, user=lee).fields["measure"].queryset
    assert sorted(m.name for m in offered) == ["Org", "Place", "Site", "Team"]


def _claim_with_evidence(client, team, org, upload):
    return client.post(
        reverse("metrics:saving-new", args=[team.pk]),
        {"title": "x", "kind": "cashable", "amount": "10", "recurrence": "one_off",
         "start_date": "2026-02-01", "stage": "projected", "invested_by": org.pk,
         "benefits": org.pk, "evidence": "e", "evidence_file": upload},
    )  # fmt: skip


def test_evidence_pdfs_are_stored_without_their_metadata(
    client, team_a, lee, org_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    upload = pdf_with_everything(pages=2)
    assert PdfReader(io.BytesIO(upload)).metadata["/Author"] == "Alice Private"
    client.force_login(lee)
    response = _claim_with_evidence(
        client, team_a, org_a, SimpleUploadedFile("rework log.pdf", upload, "application/pdf")
    )
    saving = Saving.objects.get()
    assert response.status_code == 302
    assert saving.evidence_content_type == "application/pdf"
    assert saving.evidence_file.name.endswith(".pdf")
    stored = storage.read(saving.evidence_file.name)
    assert b"Alice Private" not in stored and b"/JavaScript" not in stored
    reader = PdfReader(io.BytesIO(stored))
    assert reader.metadata is None and "/Metadata" not in reader.trailer["/Root"]
    assert [page.extract_text() for page in reader.pages] == [
        "Rework fell on page 1",
        "Rework fell on page 2",
    ]
    response = client.get(reverse("metrics:saving-evidence", args=[saving.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == stored


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (b"%PDF-1.7\nnot really a pdf", "That PDF could not be read"),
        (
            encrypted_pdf(user_password="pw"),
            "Remove the password from the PDF and upload it again.",
        ),
    ],
)
def test_a_pdf_that_cannot_be_read_is_refused_with_a_field_error(
    client, team_a, lee, org_a, upload, message
):
    client.force_login(lee)
    response = _claim_with_evidence(
        client, team_a, org_a, SimpleUploadedFile("e.pdf", upload, "application/pdf")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert 'value="x"' in body  # what was typed is kept
    assert not Saving.objects.exists()
