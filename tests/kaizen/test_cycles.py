from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from kaizen import actions
from kaizen.models import CycleAction, CyclePhoto


@pytest.fixture
def cycle(make_cards, col, lee):
    (card,) = make_cards(1, col("Plan"))
    return actions.start_cycle(card, by=lee)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # camera make
    exif[0x8825] = {1: "N", 2: (52.0, 37.0, 0.0)}  # GPS
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_the_plan_keeps_the_five_whys_in_order(client, lee, cycle):
    client.force_login(lee)
    response = client.post(
        reverse("kaizen:cycle-plan", args=[cycle.pk]),
        {
            "problem": "Claims wait 9 days",
            "whys_text": "Forms come back\nFields unclear\n\nNo examples",
            "target": "5 days",
        },
    )
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.whys == ["Forms come back", "Fields unclear", "No examples"]
    assert cycle.target == "5 days"


def test_an_action_without_an_owner_gets_a_field_error(client, lee, cycle):
    client.force_login(lee)
    response = client.post(
        reverse("kaizen:cycle-action", args=[cycle.pk]), {"description": "Ring the print room"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Every action needs an owner." in body and "Ring the print room" in body
    assert not CycleAction.objects.exists()


def test_an_action_with_an_owner_is_added(client, lee, sam, cycle):
    client.force_login(lee)
    client.post(
        reverse("kaizen:cycle-action", args=[cycle.pk]),
        {"description": "Draft the example", "owner": sam.pk},
    )
    action = CycleAction.objects.get()
    assert action.owner == sam and not action.done


def test_a_photo_is_stripped_of_metadata_and_served_only_to_those_who_may_see_it(
    client, lee, priya, cycle
):
    client.force_login(lee)
    upload = SimpleUploadedFile("evidence.jpg", _jpeg_with_exif(), content_type="image/jpeg")
    response = client.post(
        reverse("kaizen:cycle-photo", args=[cycle.pk]), {"photo": upload, "caption": "The queue"}
    )
    assert response.status_code == 302
    photo = CyclePhoto.objects.get()
    served = client.get(reverse("kaizen:photo", args=[photo.pk]))
    data = b"".join(served.streaming_content)
    assert served["Content-Type"] == "image/jpeg"
    assert b"SecretCam" not in data
    assert not Image.open(io.BytesIO(data)).getexif()
    client.force_login(priya)
    assert client.get(reverse("kaizen:photo", args=[photo.pk])).status_code == 404


def test_a_file_that_is_not_a_photo_is_refused(client, lee, cycle):
    client.force_login(lee)
    upload = SimpleUploadedFile("evidence.jpg", b"not an image at all", content_type="image/jpeg")
    response = client.post(reverse("kaizen:cycle-photo", args=[cycle.pk]), {"photo": upload})
    assert response.status_code == 400 and 'class="field-error"' in response.content.decode()
    assert not CyclePhoto.objects.exists()


def test_abandoning_asks_for_the_learning(client, lee, cycle):
    client.force_login(lee)
    response = client.post(reverse("kaizen:cycle-decide", args=[cycle.pk]), {"decision": "abandon"})
    assert response.status_code == 400 and "Say what was learned" in response.content.decode()
    response = client.post(
        reverse("kaizen:cycle-decide", args=[cycle.pk]),
        {"decision": "abandon", "learning": "Customers prefer the phone"},
    )
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.decision == "abandon" and cycle.learning == "Customers prefer the phone"


def test_the_cycle_page_is_not_found_outside_the_organisation(client, priya, cycle):
    client.force_login(priya)
    assert client.get(reverse("kaizen:cycle", args=[cycle.pk])).status_code == 404
