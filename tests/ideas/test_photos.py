from __future__ import annotations

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from ideas.models import Idea, IdeaPhoto
from leanhub import images, storage
from tests.ideas.pictures import bomb_png, image_bytes


def _upload(name: str, data: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _post(client, team, photos):
    return client.post(
        reverse("ideas:new"),
        {
            "title": "Broken queue ticket machine",
            "problem": "It jams every morning",
            "team": team.pk,
            "kind": "improvement",
            "token": str(uuid.uuid4()),
            "photos": photos,
        },
    )


def _jpeg_with_gps_facing_sideways() -> bytes:
    image = Image.new("RGB", (80, 40), (10, 120, 10))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {2: (51.0, 30.0, 0.0), 1: "N"}  # GPS latitude
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_a_photo_is_stored_upright_without_metadata_in_two_sizes(client, cast, team_a):
    client.force_login(cast["sam"])
    response = _post(
        client, team_a, [_upload("door.jpg", _jpeg_with_gps_facing_sideways(), "image/jpeg")]
    )
    assert response.status_code == 302
    photo = IdeaPhoto.objects.get()
    assert (photo.width, photo.height, photo.content_type) == (40, 80, "image/jpeg")
    stored = Image.open(io.BytesIO(storage.read(photo.file_name("display"))))
    assert stored.size == (40, 80)
    assert not stored.getexif() and "exif" not in stored.info
    assert (
        Image.open(io.BytesIO(storage.read(photo.file_name("thumb")))).size[1]
        <= images.THUMB_SIZE[1]
    )


def test_photos_are_served_only_to_people_who_can_see_the_idea(client, cast, team_a):
    client.force_login(cast["sam"])
    _post(client, team_a, [_upload("a.png", image_bytes("PNG"))])
    photo = IdeaPhoto.objects.get()
    url = reverse("ideas:photo", args=[photo.idea_id, photo.pk, "thumb"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    client.force_login(cast["priya"])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_webp_is_accepted(client, cast, team_a):
    client.force_login(cast["sam"])
    assert (
        _post(client, team_a, [_upload("a.webp", image_bytes("WEBP"), "image/webp")]).status_code
        == 302
    )
    assert IdeaPhoto.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("anim.gif", image_bytes("GIF"), "is not a JPEG, PNG or WebP photo"),
        ("broken.png", image_bytes("PNG")[:60], "could not be read as a photo"),
        ("notes.png", b"just some text, not an image", "could not be read as a photo"),
        ("bomb.png", bomb_png(), "is too large to process safely"),
    ],
)
def test_bad_uploads_are_refused_with_the_reason_and_the_rest_kept(
    client, cast, team_a, name, data, reason
):
    client.force_login(cast["sam"])
    response = _post(client, team_a, [_upload(name, data)])
    body = response.content.decode()
    assert response.status_code == 200 and not Idea.objects.exists()
    assert f"{name} {reason}" in body
    assert "Broken queue ticket machine" in body and "It jams every morning" in body
    assert "please choose them again" in body


def test_a_photo_over_the_size_cap_is_refused(client, cast, team_a, monkeypatch):
    monkeypatch.setattr(images, "MAX_BYTES", 1024)
    client.force_login(cast["sam"])
    big = image_bytes("PNG", size=(400, 400), compress_level=0)
    body = _post(client, team_a, [_upload("big.png", big)]).content.decode()
    assert "photos can be at most" in body and not Idea.objects.exists()


def test_at_most_five_photos(client, cast, team_a):
    client.force_login(cast["sam"])
    body = _post(
        client, team_a, [_upload(f"{i}.png", image_bytes("PNG")) for i in range(6)]
    ).content.decode()
    assert "Choose at most 5 photos (6 chosen)." in body and not Idea.objects.exists()
    assert (
        _post(
            client, team_a, [_upload(f"{i}.png", image_bytes("PNG")) for i in range(5)]
        ).status_code
        == 302
    )
    assert IdeaPhoto.objects.count() == 5


def test_files_written_in_a_transaction_that_fails_are_removed(tmp_path, place):
    from django.db import IntegrityError, transaction

    from leanhub import storage
    from leanhub.models import Place

    with storage.removed_on_failure() as written, transaction.atomic():
        written.append(storage.save("ideas/kept.jpg", b"photo"))
    with (
        pytest.raises(IntegrityError),
        storage.removed_on_failure() as written,
        transaction.atomic(),
    ):
        written.append(storage.save("ideas/lost.jpg", b"photo"))
        Place.objects.create(name="Again", slug=place.slug, population=1, annual_public_spend=1)
    assert storage.exists("ideas/kept.jpg")
    assert not storage.exists("ideas/lost.jpg")
