"""Value-stream maps in the API: the list, one map as the web export's document, and the import
of such a document, refused as the map page refuses a bad file (every bad file of the web's own
tests is sent here too) with nothing saved."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from api.models import ApiToken
from ideas.maps import json_format
from ideas.maps.models import ValueStreamMap, ValueStreamStep
from leanhub.models import AuditEvent
from tests.ideas.maps.conftest import add_steps, make_map
from tests.ideas.maps.test_json_format import (  # noqa: F401 (fixtures)
    BAD_FILES,
    export,
    rich_export,
    vsm_rich_map,
)

pytestmark = pytest.mark.django_db


def _saved() -> tuple[int, int, int]:
    return (
        ValueStreamMap.objects.count(),
        ValueStreamStep.objects.count(),
        AuditEvent.objects.filter(verb="vsm.imported").count(),
    )


def _import_url(team, **more: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"team": team.pk, **more}.items())
    return f"{reverse('api:maps')}?{query}"


def test_the_list_shows_the_maps_the_caller_may_see_with_their_steps(
    api_as, sam, priya, lee, olu, team_a, team_b
):
    mine = make_map(team_a, lee, name="Claims today")
    add_steps(mine, 3)
    make_map(team_b, olu, name="Police custody")
    body = api_as(sam, scope="read").get(reverse("api:maps")).json()
    assert [(m["name"], m["step_count"]) for m in body["results"]] == [("Claims today", 3)]
    row = body["results"][0]
    assert row["team"] == {"id": team_a.pk, "name": team_a.name}
    assert row["url"] == mine.get_absolute_url()
    assert row["document"] == reverse("api:map", args=[mine.pk])
    assert row["state"] == "current" and row["current"] is None
    names = [m["name"] for m in api_as(priya).get(reverse("api:maps")).json()["results"]]
    assert names == ["Police custody"]


def test_the_list_is_cursor_paged_and_filters_by_team(api_as, sam, lee, team_a, team_a_coaches):
    for n in range(3):
        make_map(team_a, lee, name=f"Map {n}")
    make_map(team_a_coaches, lee, name="Coaching")
    client = api_as(sam)
    first = client.get(reverse("api:maps"), {"page_size": 2}).json()
    assert [m["name"] for m in first["results"]] == ["Coaching", "Map 2"]
    second = client.get(first["next"]).json()
    assert [m["name"] for m in second["results"]] == ["Map 1", "Map 0"]
    only = client.get(reverse("api:maps"), {"team": team_a_coaches.pk}).json()
    assert [m["name"] for m in only["results"]] == ["Coaching"]
    refused = client.get(reverse("api:maps"), {"team": "x"})
    assert refused.status_code == 400 and "team" in refused.json()["error"]["fields"]


def test_one_map_is_the_document_the_map_page_exports(api_as, client, sam, vsm_rich_map):  # noqa: F811
    client.force_login(sam)
    exported = client.get(reverse("maps:export", args=[vsm_rich_map.pk]))
    response = api_as(sam, scope="read").get(reverse("api:map", args=[vsm_rich_map.pk]))
    assert response.status_code == 200
    assert response.json() == json.loads(exported.content)
    etag = response["ETag"]
    again = api_as(sam).get(reverse("api:map", args=[vsm_rich_map.pk]), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304


def test_a_map_outside_the_callers_reach_is_404(api_as, priya, vsm_rich_map):  # noqa: F811
    response = api_as(priya).get(reverse("api:map", args=[vsm_rich_map.pk]))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_map_read_is_imported_again_exactly(api_as, sam, team_a, vsm_rich_map):  # noqa: F811
    client = api_as(sam)
    document = client.get(reverse("api:map", args=[vsm_rich_map.pk])).content
    response = client.post(_import_url(team_a), document)
    assert response.status_code == 201, response.content
    new = ValueStreamMap.objects.exclude(pk=vsm_rich_map.pk).get()
    assert response.json()["id"] == new.pk and response.json()["step_count"] == 2
    assert response["Location"] == reverse("api:map", args=[new.pk])
    assert new.team == team_a and new.created_by == sam
    assert export(new) == json.loads(document)
    assert AuditEvent.objects.filter(verb="vsm.imported").count() == 1


def test_an_import_sent_twice_with_one_key_makes_one_map(api_as, sam, team_a, rich_export):  # noqa: F811
    client = api_as(sam)
    body = json.dumps(rich_export).encode()
    first = client.post(_import_url(team_a, key="abc"), body)
    again = client.post(_import_url(team_a, key="abc"), body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert ValueStreamMap.objects.count() == 2  # the original and one import


def test_a_read_only_token_may_not_import(api_as, sam, team_a, rich_export):  # noqa: F811
    before = _saved()
    client = api_as(sam, scope=ApiToken.Scope.READ)
    response = client.post(_import_url(team_a), json.dumps(rich_export).encode())
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "read_only_token"
    assert _saved() == before


def test_the_import_refuses_a_team_the_caller_does_not_work_in(
    api_as,
    pat,
    priya,
    team_a,
    rich_export,  # noqa: F811
):
    before = _saved()
    body = json.dumps(rich_export).encode()
    seen = api_as(pat).post(_import_url(team_a), body)  # a partnership lead sees the team
    assert seen.status_code == 403
    assert seen.json()["error"]["message"] == "You can only import maps into your own teams."
    unseen = api_as(priya).post(_import_url(team_a), body)
    assert unseen.status_code == 400
    assert unseen.json()["error"]["fields"] == {"team": ["No such team."]}
    missing = api_as(priya).post(reverse("api:maps"), body)
    assert missing.status_code == 400 and "team" in missing.json()["error"]["fields"]
    assert _saved() == before


@pytest.mark.parametrize(
    ("build", "message"), [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES]
)
def test_the_import_refuses_every_bad_file_the_map_page_refuses(
    api_as,
    sam,
    team_a,
    rich_export,  # noqa: F811
    build,
    message,
):
    before = _saved()
    response = api_as(sam).post(_import_url(team_a), build(rich_export))
    error = response.json()["error"]
    if message.startswith("$: the file is larger than"):
        # Too big is the API's 413, as for every other body.
        assert response.status_code == 413 and error["code"] == "payload_too_large"
    else:
        assert response.status_code == 400, response.content
        assert error["code"] == "invalid"
        assert any(p.startswith(message) for p in error["fields"]["document"]), error
    assert _saved() == before


def test_a_document_exactly_at_the_limits_still_imports(api_as, sam, team_a, rich_export):  # noqa: F811
    content = "\ufeff".encode() + json.dumps(rich_export).encode()
    content += b" " * (json_format.MAX_BYTES - len(content))
    response = api_as(sam).post(_import_url(team_a), content)
    assert response.status_code == 201, response.content[:500]


def test_a_key_longer_than_forty_characters_is_refused(api_as, sam, team_a, rich_export):  # noqa: F811
    response = api_as(sam).post(_import_url(team_a, key="k" * 41), json.dumps(rich_export))
    assert response.status_code == 400
    assert "key" in response.json()["error"]["fields"]
