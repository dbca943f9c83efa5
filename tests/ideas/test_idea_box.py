"""The idea box: a team's link for people without an account, held submissions, the leads'
decisions, floods refused, and nobody but the team's leads seeing what is held."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from ideas import box
from ideas.models import BoxSubmission, Idea, IdeaBox, IdeaPhoto
from leanhub import storage
from leanhub.models import Notification, OutgoingEmail


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (80, 40), (10, 120, 10))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {2: (51.0, 30.0, 0.0), 1: "N"}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _open(client, lee, team, kind="staff") -> IdeaBox:
    client.force_login(lee)
    response = client.post(reverse("ideas:box-link", args=[team.pk]), {"kind": kind, "do": "open"})
    assert response.status_code == 302
    client.logout()
    return IdeaBox.objects.get(team=team, kind=kind)


def _send(client, idea_box, remote_addr="192.0.2.10", **extra):
    data = {"title": "Kettle in the staff room", "problem": "It takes ten minutes", **extra}
    return client.post(idea_box.get_public_url(), data, REMOTE_ADDR=remote_addr)


def test_a_lead_opens_prints_renews_and_shuts_the_box(client, cast, team_a):
    lee = cast["lee"]
    idea_box = _open(client, lee, team_a)
    assert idea_box.active and len(idea_box.token) >= 20
    client.force_login(lee)
    page = client.get(reverse("ideas:box-print", args=[team_a.pk]) + "?kind=staff")
    assert page.status_code == 200
    assert b"<svg" in page.content and idea_box.get_public_url().encode() in page.content
    old = idea_box.get_public_url()
    client.post(reverse("ideas:box-link", args=[team_a.pk]), {"kind": "staff", "do": "new-link"})
    idea_box.refresh_from_db()
    assert idea_box.get_public_url() != old
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(idea_box.get_public_url()).status_code == 200
    client.force_login(lee)
    client.post(reverse("ideas:box-link", args=[team_a.pk]), {"kind": "staff", "do": "close"})
    client.logout()
    assert client.get(idea_box.get_public_url()).status_code == 404
    assert _send(client, idea_box).status_code == 404
    assert not BoxSubmission.objects.exists()


def test_anyone_with_the_link_sends_an_idea_with_a_photo_stripped_of_metadata(client, cast, team_a):
    idea_box = _open(client, cast["lee"], team_a)
    form = client.get(idea_box.get_public_url())
    assert form.status_code == 200 and b"csrfmiddlewaretoken" in form.content
    photo = SimpleUploadedFile("kettle.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    response = _send(client, idea_box, proposal="A hot tap", photo=photo)
    assert response.status_code == 200 and b"Thank you" in response.content
    held = BoxSubmission.objects.get()
    assert (held.team, held.kind, held.status) == (team_a, "staff", "held")
    assert held.proposal == "A hot tap" and held.photo_type == "image/jpeg"
    assert "192.0.2" not in held.client and len(held.client) == 64
    stored = Image.open(io.BytesIO(storage.read(held.photo_file("display"))))
    assert not stored.getexif() and "exif" not in stored.info
    # The lead hears of it, in the app and by e-mail.
    assert Notification.objects.filter(recipient=cast["lee"], message__contains="Kettle").exists()
    assert OutgoingEmail.objects.filter(recipient=cast["lee"], subject__contains="Kettle").exists()
    assert not Idea.objects.exists()


def test_a_bad_photo_is_refused_with_a_reason_and_the_words_are_kept(client, cast, team_a):
    idea_box = _open(client, cast["lee"], team_a)
    bad = SimpleUploadedFile("kettle.jpg", b"not a picture at all", content_type="image/jpeg")
    response = _send(client, idea_box, photo=bad)
    assert response.status_code == 400
    assert b"Your words are kept" in response.content
    assert b"Kettle in the staff room" in response.content
    assert not BoxSubmission.objects.exists()


def test_a_flood_from_one_device_is_refused_with_429(client, cast, team_a):
    idea_box = _open(client, cast["lee"], team_a)
    for _ in range(IdeaBox.PER_CLIENT):
        assert _send(client, idea_box).status_code == 200
    refused = _send(client, idea_box)
    assert refused.status_code == 429
    assert b"Try again in an hour" in refused.content
    assert BoxSubmission.objects.count() == IdeaBox.PER_CLIENT
    # Another device still gets through.
    other = _send(client, idea_box, remote_addr="198.51.100.7")
    assert other.status_code == 200


def test_a_box_takes_at_most_its_hourly_share(cast, team_a, monkeypatch):
    monkeypatch.setattr(IdeaBox, "PER_BOX", 3)
    idea_box = box.open_box(team_a, kind="staff", by=cast["lee"])
    for i in range(3):
        box.submit(idea_box, title="t", problem="p", client_address=f"198.51.100.{i}")
    with pytest.raises(box.TooManySubmissions):
        box.submit(idea_box, title="t", problem="p", client_address="198.51.100.200")


def test_a_lead_accepts_a_submission_into_the_teams_ideas(client, cast, team_a):
    idea_box = _open(client, cast["lee"], team_a)
    photo = SimpleUploadedFile("kettle.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    _send(client, idea_box, photo=photo)
    held = BoxSubmission.objects.get()
    client.force_login(cast["lee"])
    page = client.get(reverse("ideas:box", args=[team_a.pk]))
    assert b"Kettle in the staff room" in page.content
    assert client.get(reverse("ideas:box-photo", args=[held.pk, "thumb"])).status_code == 200
    response = client.post(reverse("ideas:box-decide", args=[held.pk]), {"decision": "accept"})
    idea = Idea.objects.get()
    assert response.status_code == 302 and response["Location"] == idea.get_absolute_url()
    assert (idea.team, idea.kind, idea.title) == (team_a, Idea.Kind.IMPROVEMENT, held.title)
    assert IdeaPhoto.objects.filter(idea=idea).count() == 1
    held.refresh_from_db()
    assert (held.status, held.idea, held.decided_by) == ("accepted", idea, cast["lee"])
    assert "idea box" in idea.events.get().note
    # Deciding twice does nothing more.
    again = client.post(reverse("ideas:box-decide", args=[held.pk]), {"decision": "accept"})
    assert again.status_code == 302 and Idea.objects.count() == 1


def test_a_lead_declines_with_a_reason_kept_for_the_record(client, cast, team_a):
    idea_box = _open(client, cast["lee"], team_a)
    _send(client, idea_box)
    held = BoxSubmission.objects.get()
    client.force_login(cast["lee"])
    client.post(
        reverse("ideas:box-decide", args=[held.pk]),
        {"decision": "decline", "reason": "We have a new kettle coming"},
    )
    held.refresh_from_db()
    assert (held.status, held.reason) == ("declined", "We have a new kettle coming")
    assert not Idea.objects.exists()
    page = client.get(reverse("ideas:box", args=[team_a.pk]))
    assert b"We have a new kettle coming" in page.content


def test_the_service_users_box_is_shut_until_opened_and_kept_apart(client, cast, team_a):
    lee = cast["lee"]
    _open(client, lee, team_a, "staff")
    assert not IdeaBox.objects.filter(kind="service").exists()
    service = _open(client, lee, team_a, "service")
    _send(client, service, title="Chairs in the waiting room")
    held = BoxSubmission.objects.get()
    assert held.kind == "service"
    client.force_login(lee)
    staff_tab = client.get(reverse("ideas:box", args=[team_a.pk]) + "?kind=staff")
    assert b"Chairs in the waiting room" not in staff_tab.content
    service_tab = client.get(reverse("ideas:box", args=[team_a.pk]) + "?kind=service")
    assert b"Chairs in the waiting room" in service_tab.content
    client.post(reverse("ideas:box-decide", args=[held.pk]), {"decision": "accept"})
    assert Idea.objects.get().kind == Idea.Kind.CUSTOMER


@pytest.mark.parametrize("who", ["sam", "priya", "pat", "nobody"])
def test_only_the_teams_leads_see_the_box(client, cast, team_a, who):
    idea_box = _open(client, cast["lee"], team_a)
    _send(client, idea_box)
    held = BoxSubmission.objects.get()
    client.force_login(cast[who])
    assert client.get(reverse("ideas:box", args=[team_a.pk])).status_code == 404
    assert client.get(reverse("ideas:box-print", args=[team_a.pk])).status_code == 404
    assert client.get(reverse("ideas:box-photo", args=[held.pk, "thumb"])).status_code == 404
    decide = client.post(reverse("ideas:box-decide", args=[held.pk]), {"decision": "accept"})
    assert decide.status_code == 404
    link = client.post(reverse("ideas:box-link", args=[team_a.pk]), {"do": "close"})
    assert link.status_code == 404
    held.refresh_from_db()
    assert held.status == "held" and IdeaBox.objects.get().active


def test_a_manager_and_an_administrator_may_manage_it(client, cast, team_a):
    idea_box = _open(client, cast["lee"], team_a)
    for who in ("maya", "ada"):
        client.force_login(cast[who])
        assert client.get(reverse("ideas:box", args=[team_a.pk])).status_code == 200
    assert idea_box.active
