"""The organisation's data stays theirs: an administrator downloads everything of one
organisation as a zip of CSV and JSON (and nothing of another), and erases a person's account
keeping what they did, unnamed."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ideas.models import Idea, IdeaComment, IdeaPhoto
from kaizen import actions as kaizen_actions
from leanhub import storage
from leanhub.models import AuditEvent, Membership, Notification, User
from metrics.models import Measure, Observation, Saving
from tests.conftest import PASSWORD
from tests.ideas.pictures import image_bytes


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def data(cast, team_a, team_b, org_a, org_b):
    sam, lee, priya, olu = cast["sam"], cast["lee"], cast["priya"], cast["olu"]
    ours = Idea.objects.create(
        team=team_a, author=sam, title="Pre-fill the claimant's address", problem="Typed twice"
    )
    IdeaComment.objects.create(idea=ours, author=lee, body="Good idea")
    photo = IdeaPhoto.objects.create(idea=ours, content_type="image/png", width=64, height=48)
    storage.save(photo.file_name("display"), image_bytes("PNG"))
    storage.save(photo.file_name("thumb"), image_bytes("PNG"))
    theirs = Idea.objects.create(
        team=team_b, author=priya, title="Police-only crime form shortcut", problem="Slow"
    )
    board_a = kaizen_actions.ensure_team_board(team_a)
    kaizen_actions.create_card(
        board_a,
        title="Address card",
        column=board_a.columns.first(),
        owners=[lee],
        by=lee,
        wip_reason="test",
    )
    board_b = kaizen_actions.ensure_team_board(team_b)
    kaizen_actions.create_card(
        board_b,
        title="Police board card",
        column=board_b.columns.first(),
        owners=[olu],
        by=olu,
        wip_reason="test",
    )
    measure = Measure.objects.create(
        name="Minutes per new claim",
        unit="minutes",
        improvement=Measure.Improvement.DECREASE,
        team=team_a,
        created_by=lee,
    )
    Observation.objects.create(measure=measure, date=timezone.localdate(), value=Decimal("42"))
    Measure.objects.create(
        name="Police response minutes",
        unit="minutes",
        improvement=Measure.Improvement.DECREASE,
        team=team_b,
        created_by=olu,
    )
    fields = {
        "kind": Saving.Kind.CASHABLE,
        "amount": Decimal("12000"),
        "recurrence": Saving.Recurrence.RECURRING,
        "start_date": timezone.localdate() - timedelta(days=10),
        "stage": Saving.Stage.REALISED,
        "evidence": "Call-backs fell.",
    }
    Saving.objects.create(
        team=team_a,
        claimed_by=lee,
        title="Fewer call-backs",
        invested_by=org_a,
        benefits=org_a,
        **fields,
    )
    Saving.objects.create(
        team=team_b,
        claimed_by=olu,
        title="Police overtime cut",
        invested_by=org_b,
        benefits=org_b,
        **fields,
    )
    return {"ours": ours, "theirs": theirs, "photo": photo}


def _export(user: User, organisation) -> zipfile.ZipFile:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("organisation-export", args=[organisation.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.getvalue()))


def _rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode())))


def test_an_administrator_downloads_everything_of_one_organisation(data, cast, org_a, org_b):
    archive = _export(cast["ada"], org_a)
    names = set(archive.namelist())
    for stem in (
        "leanhub/organisation",
        "leanhub/team",
        "leanhub/user",
        "leanhub/membership",
        "ideas/idea",
        "ideas/ideacomment",
        "ideas/ideaphoto",
        "kaizen/board",
        "kaizen/card",
        "metrics/measure",
        "metrics/observation",
        "metrics/saving",
    ):
        assert {f"{stem}.csv", f"{stem}.json"} <= names, stem

    assert [r["title"] for r in _rows(archive, "ideas/idea.csv")] == [data["ours"].title]
    assert [r["title"] for r in _rows(archive, "kaizen/card.csv")] == ["Address card"]
    assert [r["title"] for r in _rows(archive, "metrics/saving.csv")] == ["Fewer call-backs"]
    assert [Decimal(r["value"]) for r in _rows(archive, "metrics/observation.csv")] == [42]
    people = _rows(archive, "leanhub/user.csv")
    assert "sam" in {p["username"] for p in people}
    assert "password" not in people[0]
    assert "pbkdf2" not in archive.read("leanhub/user.json").decode()
    ideas_json = json.loads(archive.read("ideas/idea.json"))
    assert ideas_json[0]["model"] == "ideas.idea" and ideas_json[0]["pk"] == data["ours"].pk
    assert ideas_json[0]["fields"]["title"] == data["ours"].title
    photo = data["photo"]
    assert archive.read(f"files/{photo.file_name('display')}") == storage.read(
        photo.file_name("display")
    )
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["organisation"]["name"] == org_a.name
    assert manifest["rows"]["ideas.Idea"] == 1

    # Nothing of the other organisation, in any file.
    everything = b"\n".join(
        archive.read(n) for n in archive.namelist() if not n.startswith("files/")
    )
    for theirs in (
        data["theirs"].title,
        "Police board card",
        "Police response minutes",
        "Police overtime cut",
        org_b.name,
        cast["priya"].email,
        cast["olu"].full_name,
    ):
        assert theirs.encode() not in everything, theirs


def test_only_administrators_download_an_organisation(data, cast, org_a):
    url = reverse("organisation-export", args=[org_a.slug])
    client = Client()
    client.force_login(cast["dev"])  # manages the organisation, but is no administrator
    assert client.get(url).status_code == 403
    client.force_login(cast["priya"])  # works for another organisation
    assert client.get(url).status_code == 404
    assert Client().get(url).status_code == 302  # signed out: to the sign-in page


def test_the_data_page_links_the_download_and_lists_the_people(data, cast, org_a):
    client = Client()
    client.force_login(cast["ada"])
    assert reverse("organisations") in client.get(reverse("home")).content.decode()
    listing = client.get(reverse("organisations")).content.decode()
    assert reverse("organisation-data", args=[org_a.slug]) in listing
    page = client.get(reverse("organisation-data", args=[org_a.slug])).content.decode()
    assert reverse("organisation-export", args=[org_a.slug]) in page
    assert reverse("person-erase", args=[cast["sam"].pk]) in page
    assert "Priya" not in page


# --- Right to erasure ----------------------------------------------------------------------------


def test_erasure_keeps_the_ideas_and_removes_the_name(data, cast, org_a, team_a):
    sam, ada = cast["sam"], cast["ada"]
    Notification.objects.create(recipient=cast["lee"], actor=sam, message="Sam supported your idea")
    former = [sam.username, sam.email, sam.full_name]
    admin = Client()
    admin.force_login(ada)
    erase_url = reverse("person-erase", args=[sam.pk])
    assert f"Erase {sam.full_name}" in admin.get(erase_url).content.decode()
    # Not confirmed: nothing happens.
    admin.post(erase_url, {})
    assert User.objects.get(pk=sam.pk).username == "sam"
    assert admin.post(erase_url, {"confirm": "erase"}).status_code == 302

    erased = User.objects.get(pk=sam.pk)
    assert erased.is_erased and not erased.is_active and not erased.has_usable_password()
    assert not Membership.objects.filter(user=erased).exists()
    idea = Idea.objects.get(pk=data["ours"].pk)
    assert idea.author_id == erased.pk  # the idea stays, and stays hers, unnamed
    event = AuditEvent.objects.get(verb="person.erased")
    assert event.actor == ada and event.target_id == str(sam.pk)
    assert Notification.objects.get(recipient=cast["lee"]).message == "[erased] supported your idea"

    # She cannot sign in.
    assert not Client().login(username="sam", password=PASSWORD)
    assert not Client().login(username=erased.username, password=PASSWORD)

    # No page or export shows her name, e-mail or username.
    lee = Client()
    lee.force_login(cast["lee"])
    pages = [
        lee.get(reverse("ideas:detail", args=[idea.pk])),
        lee.get(reverse("ideas:list")),
        lee.get(reverse("team", args=[team_a.pk])),
        lee.get(reverse("ideas:export")),
        admin.get(reverse("organisation-data", args=[org_a.slug])),
    ]
    bodies = []
    for response in pages:
        assert response.status_code == 200
        bodies.append(response.getvalue().decode())
    archive = _export(ada, org_a)
    bodies += [archive.read(n).decode() for n in archive.namelist() if not n.startswith("files/")]
    assert "a former member" in bodies[0].lower()
    for body in bodies:
        for value in former:
            assert not re.search(rf"(?<!\w){re.escape(value)}(?!\w)", body, re.IGNORECASE), value


def test_only_an_administrator_erases_and_not_their_own_account(data, cast):
    url = reverse("person-erase", args=[cast["sam"].pk])
    manager = Client()
    manager.force_login(cast["dev"])
    assert manager.post(url, {"confirm": "erase"}).status_code == 404
    assert User.objects.get(pk=cast["sam"].pk).is_active
    admin = Client()
    admin.force_login(cast["ada"])
    response = admin.post(
        reverse("person-erase", args=[cast["ada"].pk]), {"confirm": "erase"}, follow=True
    )
    assert "You cannot erase your own account." in response.content.decode()
    assert User.objects.get(pk=cast["ada"].pk).is_active


def test_the_export_reads_a_fixed_number_of_queries_however_much_there_is(
    data, cast, org_a, team_a, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from leanhub import orgdata

    with CaptureQueriesContext(connection) as few:
        orgdata.build_zip(org_a).close()
    Idea.objects.bulk_create(
        Idea(team=team_a, author=cast["sam"], title=f"More {i}", problem="x") for i in range(40)
    )
    with django_assert_num_queries(len(few.captured_queries)):
        archive = orgdata.build_zip(org_a)
    assert len(_rows(zipfile.ZipFile(archive), "ideas/idea.csv")) == 41
