from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from ideas.models import Idea, IdeaFollow
from leanhub import storage
from leanhub.models import AuditEvent, Notification


def _post(client, **overrides):
    data = {
        "title": "Pre-fill the address on the claim form",
        "problem": "Customers give their address three times.",
        "proposal": "Copy it from the first screen.",
        "team": overrides.pop("team_id"),
        "kind": "improvement",
        "wastes": ["processing", "waiting"],
        "minutes_per_occurrence": "3",
        "occurrences_per_year": "4000",
        "money_per_year": "",
        "token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return client.post(reverse("ideas:new"), data)


def test_anonymous_people_are_sent_to_sign_in(client, db):
    response = client.get(reverse("ideas:new"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_form_defaults_to_my_team_and_says_hidden_names_are_hidden(client, cast, team_a):
    client.force_login(cast["sam"])
    body = client.get(reverse("ideas:new")).content.decode()
    assert f'<option value="{team_a.pk}" selected>' in body
    assert "hidden from everyone except LeanHub administrators" in body
    assert 'data-hx-trigger="keyup changed delay:400ms"' in body


def test_the_form_carries_a_value_stream_step_through(client, cast):
    client.force_login(cast["sam"])
    body = client.get(reverse("ideas:new") + "?step=42").content.decode()
    assert 'name="step" value="42"' in body


def test_staff_raise_an_idea_and_their_lead_hears_about_it(client, cast, team_a):
    client.force_login(cast["sam"])
    response = _post(client, team_id=team_a.pk)
    idea = Idea.objects.get()
    assert response.status_code == 302 and response["Location"] == idea.get_absolute_url()
    assert (idea.author, idea.team, idea.status) == (cast["sam"], team_a, Idea.Status.NEW)
    assert idea.waste_list == ["waiting", "processing"]
    assert str(idea.hours_per_year) == "200.0"
    assert IdeaFollow.objects.filter(idea=idea, user=cast["sam"]).exists()
    assert Notification.objects.filter(recipient=cast["lee"], message__contains="New idea").exists()
    assert AuditEvent.objects.filter(verb="idea.submitted", target_id=str(idea.pk)).exists()


def test_the_lead_is_told_by_email_with_a_link_that_works_from_a_mail_client(
    client, cast, team_a, settings, django_capture_on_commit_callbacks, mailoutbox
):
    from leanhub import mail as outbox

    settings.SITE_URL = "https://leanhub.example.gov.uk"
    client.force_login(cast["sam"])
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, team_id=team_a.pk, hide_name="on")
    idea = Idea.objects.get()
    assert outbox.deliver_due() == 1
    [sent] = mailoutbox
    assert sent.to == ["lee@example.org"]
    assert sent.subject == f"LeanHub: New idea for New Claims: “{idea.title}”"
    link = f"https://leanhub.example.gov.uk{idea.get_absolute_url()}"
    assert link in sent.body and link in str(sent.alternatives[0][0])
    # The submitter asked for their name to be hidden: the e-mail does not give it away.
    assert "Sam" not in sent.body and "Sam" not in str(sent.alternatives[0][0])


def test_a_lead_raising_an_idea_for_their_own_team_is_not_emailed_about_it(
    client, cast, team_a, django_capture_on_commit_callbacks, mailoutbox
):
    from leanhub.models import OutgoingEmail

    client.force_login(cast["lee"])
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, team_id=team_a.pk)
    assert Idea.objects.get().author == cast["lee"]
    assert not OutgoingEmail.objects.exists()


def test_a_double_click_creates_one_idea(client, cast, team_a):
    client.force_login(cast["sam"])
    token = str(uuid.uuid4())
    first = _post(client, team_id=team_a.pk, token=token)
    second = _post(client, team_id=team_a.pk, token=token)
    assert Idea.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_failed_submission_keeps_everything_typed(client, cast, team_a):
    client.force_login(cast["sam"])
    response = _post(client, team_id=team_a.pk, title="", occurrences_per_year="")
    body = response.content.decode()
    assert response.status_code == 200 and not Idea.objects.exists()
    assert "Customers give their address three times." in body
    assert 'value="3"' in body and 'value="processing" id="id_wastes_7" checked' in body
    assert "This field is required." in body
    assert "Give both the minutes each time and the times a year" in body


def test_stop_doing_ideas_must_name_the_burden_and_its_owner(client, cast, team_a):
    client.force_login(cast["sam"])
    body = _post(client, team_id=team_a.pk, kind="stop_doing").content.decode()
    assert "Name the form, report or rule to stop." in body
    assert "Say who owns it" in body
    _post(
        client,
        team_id=team_a.pk,
        kind="stop_doing",
        burden_name="Weekly paper tally",
        burden_owner="organisation",
    )
    assert Idea.objects.get().burden_name == "Weekly paper tally"


def test_nobody_can_raise_an_idea_for_another_organisations_team(client, cast, team_b):
    client.force_login(cast["sam"])
    body = _post(client, team_id=team_b.pk).content.decode()
    assert "Select a valid choice" in body and not Idea.objects.exists()


def test_people_without_a_team_are_told_why_they_cannot_raise_ideas(client, cast):
    client.force_login(cast["nobody"])
    assert client.get(reverse("ideas:new")).status_code == 403


def test_the_form_answers_only_get_and_post(client, cast):
    client.force_login(cast["sam"])
    assert client.put(reverse("ideas:new")).status_code == 405


@pytest.mark.parametrize("who", ["sam", "lee", "maya", "ada"])
def test_hidden_names_are_shown_only_to_administrators_and_the_author(client, cast, team_a, who):
    idea = Idea.objects.create(
        team=team_a, author=cast["sam"], title="Quiet one", problem="p", hide_name=True
    )
    client.force_login(cast[who])
    raised_by = client.get(idea.get_absolute_url()).content.decode().split("Raised by")[1][:60]
    if who == "ada":
        assert "Sam" in raised_by
    elif who == "sam":
        # The author knows who they are; the page says others do not.
        assert "You (hidden from others)" in raised_by and "Sam" not in raised_by
    else:
        assert "Name hidden" in raised_by and "Sam" not in raised_by


def test_a_hidden_submitter_commenting_on_their_idea_stays_hidden(client, cast, team_a):
    from ideas import actions

    idea = Idea.objects.create(
        team=team_a, author=cast["sam"], title="Quiet one", problem="p", hide_name=True
    )
    IdeaFollow.objects.create(idea=idea, user=cast["wendy"])
    actions.add_comment(idea, body="More detail from me", by=cast["sam"])
    told = Notification.objects.get(recipient=cast["wendy"])
    assert told.message.startswith("The person who raised it") and told.actor is None
    assert not Notification.objects.filter(recipient=cast["sam"]).exists()
    client.force_login(cast["lee"])
    comments = client.get(idea.get_absolute_url()).content.decode().split('id="h-comments"')[1]
    assert "The person who raised it" in comments and "Sam" not in comments


# --- "Stop doing": what the form says is required, and photos a refusal keeps -------------------


def _red_tape_label(body: str, field: str) -> str:
    return body.split(f'<label for="id_{field}">')[1].split("</label>")[0]


def test_the_red_tape_fields_say_optional_until_stop_doing_is_chosen(client, cast, team_a):
    client.force_login(cast["sam"])
    body = client.get(reverse("ideas:new")).content.decode()
    owner = _red_tape_label(body, "burden_owner")
    assert '<span class="optional" data-when-stop-doing="optional">(optional)</span>' in owner
    assert (
        '<span class="required" data-when-stop-doing="required" hidden>(required)</span>' in owner
    )
    assert 'aria-required="true"' not in body.split('id="red-tape"')[1].split("</fieldset>")[0]


def test_stop_doing_without_an_owner_is_refused_at_the_owner_field_marked_required(
    client, cast, team_a
):
    client.force_login(cast["sam"])
    body = _post(
        client, team_id=team_a.pk, kind="stop_doing", burden_name="Weekly paper tally"
    ).content.decode()
    assert not Idea.objects.exists()
    owner_field = body.split('id="field-burden_owner"')[1].split("</select>")[0]
    assert "Say who owns it, so it can reach them." in owner_field
    assert '<span class="required" data-when-stop-doing="required">(required)</span>' in owner_field
    assert 'data-when-stop-doing="optional" hidden>' in owner_field
    assert 'aria-required="true"' in owner_field
    name_field = body.split('id="field-burden_name"')[1].split("</div>")[0]
    assert "field-error" not in name_field and "(required)</span>" in name_field


def _photo(name: str = "counter.png", colour: tuple[int, int] = (64, 48)):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.ideas.pictures import image_bytes

    return SimpleUploadedFile(name, image_bytes("PNG", colour), content_type="image/png")


def _stop_doing(client, team, **overrides):
    data = {
        "title": "Stop the weekly paper tally",
        "problem": "We count by hand what the system already counts.",
        "team": team.pk,
        "kind": "stop_doing",
        "burden_name": "Weekly paper tally",
        "burden_owner": "",
        "token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return client.post(reverse("ideas:new"), data)


def test_a_refused_form_keeps_its_photos_and_the_idea_gets_them_when_sent_again(
    client, cast, team_a, django_capture_on_commit_callbacks
):
    from ideas.models import IdeaPhoto, PendingPhoto

    client.force_login(cast["sam"])
    token = str(uuid.uuid4())
    response = _stop_doing(
        client, team_a, token=token, photos=[_photo("a.png"), _photo("b.png", (48, 64))]
    )
    body = response.content.decode()
    assert response.status_code == 200 and not Idea.objects.exists()
    kept = list(PendingPhoto.objects.order_by("slot"))
    assert [(p.owner, str(p.token), p.slot) for p in kept] == [
        (cast["sam"], token, 0),
        (cast["sam"], token, 1),
    ]
    assert "please choose them again" not in body
    for photo in kept:
        assert reverse("ideas:pending-photo", args=[photo.pk, "thumb"]) in body
        assert f'name="shown_photos" value="{photo.pk}"' in body
        assert storage.exists(photo.file_name("display")) and storage.exists(
            photo.file_name("thumb")
        )
    assert f'name="token" value="{token}"' in body

    with django_capture_on_commit_callbacks(execute=True):
        response = _stop_doing(
            client,
            team_a,
            token=token,
            burden_owner="organisation",
            shown_photos=[str(p.pk) for p in kept],
        )
    idea = Idea.objects.get()
    assert response.status_code == 302 and response["Location"] == idea.get_absolute_url()
    photos = list(IdeaPhoto.objects.filter(idea=idea))
    assert [(p.width, p.height, p.position) for p in photos] == [(64, 48, 0), (48, 64, 1)]
    assert all(
        storage.exists(p.file_name("display")) and storage.exists(p.file_name("thumb"))
        for p in photos
    )
    assert not PendingPhoto.objects.exists()
    assert not any(storage.exists(p.file_name(size)) for p in kept for size in ("display", "thumb"))


def test_photos_added_on_the_second_try_join_the_kept_ones(client, cast, team_a):
    from ideas.models import IdeaPhoto, PendingPhoto

    client.force_login(cast["sam"])
    token = str(uuid.uuid4())
    _stop_doing(client, team_a, token=token, photos=[_photo("a.png")])
    first = PendingPhoto.objects.get()
    _stop_doing(
        client,
        team_a,
        token=token,
        burden_owner="government",
        shown_photos=[str(first.pk)],
        photos=[_photo("b.png", (48, 64))],
    )
    assert [(p.width, p.position) for p in IdeaPhoto.objects.all()] == [(64, 0), (48, 1)]


def test_a_ticked_kept_photo_is_removed_and_not_attached(
    client, cast, team_a, django_capture_on_commit_callbacks
):
    from ideas.models import IdeaPhoto, PendingPhoto

    client.force_login(cast["sam"])
    token = str(uuid.uuid4())
    _stop_doing(client, team_a, token=token, photos=[_photo("a.png"), _photo("b.png", (48, 64))])
    a, b = PendingPhoto.objects.order_by("slot")
    with django_capture_on_commit_callbacks(execute=True):
        body = _stop_doing(
            client, team_a, token=token, shown_photos=[a.pk, b.pk], remove_photos=[a.pk]
        ).content.decode()
    assert list(PendingPhoto.objects.all()) == [b] and not storage.exists(a.file_name("display"))
    assert reverse("ideas:pending-photo", args=[a.pk, "thumb"]) not in body
    _stop_doing(client, team_a, token=token, burden_owner="organisation", shown_photos=[b.pk])
    assert [p.width for p in IdeaPhoto.objects.all()] == [48]


def test_a_refused_form_sent_twice_keeps_each_photo_once(client, cast, team_a):
    from ideas.models import PendingPhoto

    client.force_login(cast["sam"])
    token = str(uuid.uuid4())
    for _ in range(2):
        _stop_doing(client, team_a, token=token, photos=[_photo("a.png"), _photo("a.png")])
    # The same photo chosen twice on purpose is two photos; the resent request adds none.
    assert PendingPhoto.objects.count() == 2


def test_the_accepted_form_sent_twice_makes_one_idea_with_its_photos_once(client, cast, team_a):
    from ideas.models import IdeaPhoto, PendingPhoto

    client.force_login(cast["sam"])
    token = str(uuid.uuid4())
    _stop_doing(client, team_a, token=token, photos=[_photo()])
    kept = [str(PendingPhoto.objects.get().pk)]
    first = _stop_doing(client, team_a, token=token, burden_owner="organisation", shown_photos=kept)
    second = _stop_doing(
        client, team_a, token=token, burden_owner="organisation", shown_photos=kept
    )
    assert first["Location"] == second["Location"]
    assert Idea.objects.count() == 1 and IdeaPhoto.objects.count() == 1


def test_a_bad_photo_is_refused_and_the_good_one_beside_it_kept(client, cast, team_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ideas.models import PendingPhoto

    client.force_login(cast["sam"])
    bad = SimpleUploadedFile("notes.png", b"not an image", content_type="image/png")
    body = _post(client, team_id=team_a.pk, photos=[bad, _photo("good.png")]).content.decode()
    assert not Idea.objects.exists()
    assert "notes.png could not be read as a photo" in body
    assert "please choose them again" not in body
    assert PendingPhoto.objects.count() == 1


def test_kept_photos_count_towards_the_limit_of_five(client, cast, team_a):
    from ideas.models import PendingPhoto

    client.force_login(cast["sam"])
    token = str(uuid.uuid4())
    _stop_doing(client, team_a, token=token, photos=[_photo(f"{i}.png") for i in range(3)])
    kept = [str(p.pk) for p in PendingPhoto.objects.all()]
    body = _stop_doing(
        client,
        team_a,
        token=token,
        burden_owner="organisation",
        shown_photos=kept,
        photos=[_photo(f"new-{i}.png", (48, 64)) for i in range(3)],
    ).content.decode()
    assert not Idea.objects.exists()
    assert "3 photos are already added here, so choose at most 2 more (3 chosen)" in body
    assert "Your photos were not kept: please choose them again." in body
    assert PendingPhoto.objects.count() == 3


def test_a_kept_photo_that_expired_is_reported_not_silently_dropped(client, cast, team_a):
    from ideas.models import PendingPhoto

    client.force_login(cast["sam"])
    token = str(uuid.uuid4())
    _stop_doing(client, team_a, token=token, photos=[_photo()])
    gone = PendingPhoto.objects.get().pk
    PendingPhoto.objects.filter(pk=gone).delete()
    body = _stop_doing(
        client, team_a, token=token, burden_owner="organisation", shown_photos=[gone]
    ).content.decode()
    assert "A photo you added earlier is no longer kept" in body and not Idea.objects.exists()


def test_abandoned_pending_photos_are_swept_at_the_next_upload(
    client, cast, team_a, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    from ideas.models import PendingPhoto

    client.force_login(cast["sam"])
    _stop_doing(client, team_a, photos=[_photo()])
    old = PendingPhoto.objects.get()
    PendingPhoto.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - PendingPhoto.MAX_AGE - datetime.timedelta(minutes=1)
    )
    client.force_login(cast["wendy"])
    with django_capture_on_commit_callbacks(execute=True):
        _stop_doing(client, team_a, photos=[_photo()])
    assert list(PendingPhoto.objects.values_list("owner__username", flat=True)) == ["wendy"]
    assert not storage.exists(old.file_name("display"))
    assert not storage.exists(old.file_name("thumb"))


def test_only_the_sender_can_see_a_pending_photo(client, cast, team_a):
    from ideas.models import PendingPhoto

    client.force_login(cast["sam"])
    _stop_doing(client, team_a, photos=[_photo()])
    photo = PendingPhoto.objects.get()
    url = reverse("ideas:pending-photo", args=[photo.pk, "thumb"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client.get(reverse("ideas:pending-photo", args=[photo.pk, "raw"])).status_code == 404
    assert client.post(url).status_code == 405
    for who in ("lee", "ada", "priya"):
        client.force_login(cast[who])
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_nobody_can_attach_someone_elses_pending_photo(client, cast, team_a):
    from ideas import actions
    from ideas.models import IdeaPhoto, PendingPhoto

    client.force_login(cast["sam"])
    token = str(uuid.uuid4())
    _stop_doing(client, team_a, token=token, photos=[_photo()])
    photo = PendingPhoto.objects.get()
    client.force_login(cast["lee"])
    body = _stop_doing(
        client,
        team_a,
        token=token,
        burden_owner="organisation",
        shown_photos=[photo.pk],
        remove_photos=[photo.pk],
    ).content.decode()
    assert "A photo you added earlier is no longer kept" in body
    assert PendingPhoto.objects.get() == photo and not IdeaPhoto.objects.exists()
    with pytest.raises(PermissionDenied):
        actions.submit_idea(
            actions.NewIdea(team=team_a, title="t", problem="p"),
            token=uuid.UUID(token),
            kept_photos=[photo],
            by=cast["lee"],
        )
