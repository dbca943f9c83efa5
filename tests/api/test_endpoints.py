"""Every endpoint's happy path on real rows, the scope rule (404 outside it), privacy (hidden
names, unshared ideas), conflicts, bad input, ETags and the rate limit."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from ideas import actions as idea_actions
from ideas.models import Idea, IdeaSupport
from kaizen import actions as kaizen_actions
from kaizen.models import Card
from metrics.models import Measure, Observation

pytestmark = pytest.mark.django_db


@pytest.fixture
def idea(team_a, sam) -> Idea:
    return Idea.objects.create(team=team_a, author=sam, title="Shorter forms", problem="Long")


@pytest.fixture
def hidden_idea(team_a, wendy) -> Idea:
    return Idea.objects.create(
        team=team_a, author=wendy, title="Quiet one", problem="p", hide_name=True
    )


@pytest.fixture
def board_a(team_a):
    return kaizen_actions.ensure_team_board(team_a)


@pytest.fixture
def board_b(team_b):
    return kaizen_actions.ensure_team_board(team_b)


@pytest.fixture
def card(board_a, lee) -> Card:
    return kaizen_actions.create_card(board_a, title="Fix the printer", owners=[lee], by=lee)


@pytest.fixture
def measure(team_a, lee) -> Measure:
    m = Measure.objects.create(
        name="Minutes per claim",
        unit="minutes",
        improvement=Measure.Improvement.DECREASE,
        team=team_a,
        created_by=lee,
    )
    values = [50, 52, 49, 51, 50, 48, 53, 50, 49, 51, 50, 52, 30, 29, 31]
    Observation.objects.bulk_create(
        Observation(measure=m, date=date(2026, 1, 1 + i), value=Decimal(v))
        for i, v in enumerate(values)
    )
    return m


# --- Ideas --------------------------------------------------------------------------------------


def test_the_idea_list_shows_the_callers_ideas_with_the_web_filters(
    api_as, sam, idea, team_a, team_b, priya
):
    Idea.objects.create(
        team=team_a, author=sam, title="Accepted one", problem="p", status="accepted"
    )
    Idea.objects.create(team=team_b, author=priya, title="Police only", problem="p")
    client = api_as(sam, scope="read")
    body = client.get(reverse("api:ideas")).json()
    assert [i["title"] for i in body["results"]] == ["Accepted one", "Shorter forms"]
    assert body["results"][1]["author_name"] == "Sam"
    assert body["results"][1]["team"] == {"id": team_a.pk, "name": "New Claims"}
    accepted = client.get(reverse("api:ideas"), {"status": "accepted"}).json()["results"]
    assert [i["title"] for i in accepted] == ["Accepted one"]
    by_title = client.get(reverse("api:ideas"), {"sort": "title"}).json()["results"]
    assert [i["title"] for i in by_title] == ["Accepted one", "Shorter forms"]


def test_the_idea_list_pages_with_a_cursor(api_as, sam, team_a):
    Idea.objects.bulk_create(
        Idea(team=team_a, author=sam, title=f"Idea {n:02}", problem="p") for n in range(5)
    )
    client = api_as(sam)
    first = client.get(reverse("api:ideas"), {"page_size": 2, "sort": "title"}).json()
    assert [i["title"] for i in first["results"]] == ["Idea 00", "Idea 01"]
    second = client.get(first["next"]).json()
    assert [i["title"] for i in second["results"]] == ["Idea 02", "Idea 03"]


def test_a_bad_filter_or_unknown_parameter_is_a_400_naming_it(api_as, sam):
    client = api_as(sam)
    response = client.get(reverse("api:ideas"), {"status": "nonsense"})
    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]
    response = client.get(reverse("api:ideas"), {"colour": "red"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"colour": ["Unknown query parameter."]}


def test_an_idea_outside_the_callers_organisation_is_404_unless_shared(
    api_as, priya, pat, idea, team_a, sam
):
    shared = Idea.objects.create(
        team=team_a, author=sam, title="Shared", problem="p", shared_with_partners=True
    )
    for user in (priya, pat):
        client = api_as(user)
        assert client.get(reverse("api:idea", args=[idea.pk])).status_code == 404
        titles = {i["title"] for i in client.get(reverse("api:ideas")).json()["results"]}
        assert "Shorter forms" not in titles and "Shared" in titles
        assert client.get(reverse("api:idea", args=[shared.pk])).status_code == 200


def test_a_hidden_name_is_never_in_an_answer(api_as, lee, wendy, ada, hidden_idea):
    for user in (lee,):
        client = api_as(user)
        raw = client.get(reverse("api:idea", args=[hidden_idea.pk])).content.decode()
        assert "Wendy" not in raw and "wendy" not in raw
        assert json.loads(raw)["author_name"] == "Name hidden"
        assert "Wendy" not in client.get(reverse("api:ideas")).content.decode()
    assert (
        api_as(wendy).get(reverse("api:idea", args=[hidden_idea.pk])).json()["author_name"]
        == "you (hidden from others)"
    )
    assert api_as(ada).get(reverse("api:idea", args=[hidden_idea.pk])).json()["author_name"] == (
        "Wendy"
    )


def test_a_hidden_author_is_not_named_as_a_cards_owner(api_as, lee, wendy, hidden_idea):
    idea_actions.change_status(hidden_idea, to=Idea.Status.ACCEPTED, note="Yes", by=lee)
    card = kaizen_actions.create_card_from_idea(hidden_idea, by=lee)
    assert wendy in card.owners.all()
    client = api_as(lee)
    raw = client.get(reverse("api:card", args=[card.pk])).content.decode()
    assert "Wendy" not in raw
    listed = client.get(reverse("api:board-cards", args=[card.board_id])).content.decode()
    assert "Wendy" not in listed


def test_raising_an_idea(api_as, sam, team_a):
    response = api_as(sam).post(
        reverse("api:ideas"),
        {"team": team_a.pk, "title": "Fewer forms", "problem": "Too many", "wastes": ["waiting"]},
    )
    assert response.status_code == 201, response.content
    idea = Idea.objects.get()
    assert (idea.title, idea.author, idea.team, idea.wastes) == (
        "Fewer forms",
        sam,
        team_a,
        "waiting",
    )
    assert response.json()["id"] == idea.pk


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "T", "problem": "P"}, "team"),
        ({"team": "x", "title": "T", "problem": "P"}, "team"),
        ({"team": 0, "title": "T", "problem": "P"}, "team"),
        ({"team": None, "title": "T" * 141, "problem": "P"}, "title"),
        ({"team": "TEAM", "title": "T", "problem": "P", "colour": "red"}, "colour"),
        ({"team": "TEAM", "title": "T", "problem": "P", "wastes": ["nope"]}, "wastes"),
        ({"team": "TEAM", "title": "T", "problem": "P", "hide_name": "perhaps"}, "hide_name"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(api_as, sam, team_a, payload, field):
    payload = {k: team_a.pk if v == "TEAM" else v for k, v in payload.items()}
    response = api_as(sam).post(reverse("api:ideas"), payload)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"]
    assert not Idea.objects.exists()


def test_a_body_that_is_not_json_or_not_an_object_is_a_400(api_as, sam):
    client = api_as(sam)
    response = client.post(reverse("api:ideas"), "{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"
    response = client.post(reverse("api:ideas"), [1, 2])
    assert response.status_code == 400


def test_a_too_large_body_is_a_413(api_as, sam, team_a, settings):
    settings.API_MAX_BODY_BYTES = 1000
    response = api_as(sam).post(
        reverse("api:ideas"), {"team": team_a.pk, "title": "T", "problem": "P" * 2000}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert not Idea.objects.exists()


def test_raising_for_another_team_is_refused(api_as, sam, team_a_coaches, team_b):
    client = api_as(sam)
    response = client.post(
        reverse("api:ideas"), {"team": team_a_coaches.pk, "title": "T", "problem": "P"}
    )
    assert response.status_code == 403
    response = client.post(reverse("api:ideas"), {"team": team_b.pk, "title": "T", "problem": "P"})
    assert response.status_code == 400  # a team the caller cannot see: no such team
    assert not Idea.objects.exists()


def test_a_lead_responds_and_staff_may_not(api_as, lee, sam, idea):
    response = api_as(sam).post(reverse("api:idea-respond", args=[idea.pk]), {"status": "accepted"})
    assert response.status_code == 403
    response = api_as(lee).post(
        reverse("api:idea-respond", args=[idea.pk]), {"status": "accepted", "note": "Go"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    idea.refresh_from_db()
    assert idea.status == Idea.Status.ACCEPTED and idea.events.get().note == "Go"


def test_a_refused_transition_is_a_400_with_the_reason(api_as, lee, idea):
    response = api_as(lee).post(reverse("api:idea-respond", args=[idea.pk]), {"status": "declined"})
    assert response.status_code == 400
    assert "Say why" in response.json()["error"]["fields"]["non_field_errors"][0]
    idea.refresh_from_db()
    assert idea.status == Idea.Status.NEW


def test_supporting_an_idea_is_idempotent(api_as, lee, idea):
    client = api_as(lee)
    for _ in range(2):
        response = client.post(reverse("api:idea-support", args=[idea.pk]))
        assert response.json() == {"supported": True, "support_count": 1}
    assert IdeaSupport.objects.get().user == lee
    response = client.delete(reverse("api:idea-support", args=[idea.pk]))
    assert response.json() == {"supported": False, "support_count": 0}


def test_support_outside_scope_is_404(api_as, priya, idea):
    assert api_as(priya).post(reverse("api:idea-support", args=[idea.pk])).status_code == 404
    assert not IdeaSupport.objects.exists()


# --- Boards and cards ---------------------------------------------------------------------------


def test_boards_and_their_cards(api_as, sam, board_a, card, board_b):
    client = api_as(sam, scope="read")
    boards = client.get(reverse("api:boards")).json()["results"]
    assert [b["id"] for b in boards] == [board_a.pk]
    assert [c["name"] for c in boards[0]["columns"]] == [
        c.name for c in board_a.columns.order_by("position")
    ]
    assert client.get(reverse("api:board", args=[board_a.pk])).json()["name"] == board_a.name
    cards = client.get(reverse("api:board-cards", args=[board_a.pk])).json()["results"]
    assert [(c["title"], c["version"], c["owner_names"]) for c in cards] == [
        ("Fix the printer", card.version, ["Lee"])
    ]
    assert client.get(reverse("api:card", args=[card.pk])).json()["title"] == "Fix the printer"
    assert client.get(reverse("api:board", args=[board_b.pk])).status_code == 404
    assert client.get(reverse("api:board-cards", args=[board_b.pk])).status_code == 404


def test_moving_a_card_broadcasts_and_a_stale_move_is_409(
    api_as, lee, board_a, card, django_capture_on_commit_callbacks
):
    columns = list(board_a.columns.order_by("position"))
    client = api_as(lee)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("api:card-move", args=[card.pk]),
            {"column": columns[1].pk, "position": 0, "version": card.version},
        )
    assert response.status_code == 200, response.content
    assert callbacks, "the move is announced to the board's viewers after commit"
    moved = response.json()
    assert moved["column"] == columns[1].pk and moved["version"] == card.version + 1
    stale = client.post(
        reverse("api:card-move", args=[card.pk]),
        {"column": columns[2].pk, "position": 0, "version": card.version},
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale_version"
    card.refresh_from_db()
    assert card.column_id == columns[1].pk


def test_a_move_to_another_boards_column_is_a_400(api_as, lee, card, board_b):
    response = api_as(lee).post(
        reverse("api:card-move", args=[card.pk]),
        {"column": board_b.columns.first().pk, "position": 0, "version": card.version},
    )
    assert response.status_code == 400
    assert "column" in response.json()["error"]["fields"]


def test_staff_may_not_move_someone_elses_card_and_outsiders_get_404(api_as, sam, priya, card):
    body = {"column": card.column_id, "position": 0, "version": card.version}
    assert api_as(sam).post(reverse("api:card-move", args=[card.pk]), body).status_code == 403
    assert api_as(priya).post(reverse("api:card-move", args=[card.pk]), body).status_code == 404


# --- Measures -----------------------------------------------------------------------------------


def test_a_measure_with_its_spc_reading(api_as, sam, measure, priya):
    client = api_as(sam)
    listed = client.get(reverse("api:measures")).json()["results"]
    assert [m["name"] for m in listed] == ["Minutes per claim"]
    body = client.get(reverse("api:measure", args=[measure.pk])).json()
    reading = body["spc"]
    assert reading["engine_version"].startswith("leanhub-spc ")
    assert len(reading["points"]) == 15
    assert reading["enough_data"] is True
    assert reading["variation"] == "improvement_low"
    assert body["scope"] == {"kind": "team", "id": measure.team_id, "name": "New Claims"}
    assert reading["point_count"] == 15
    assert [p["index"] for p in reading["points"]] == list(range(15))
    assert body["observations"].endswith(reverse("api:measure-observations", args=[measure.pk]))
    assert api_as(priya).get(reverse("api:measure", args=[measure.pk])).status_code == 404


def test_a_long_measure_answers_with_its_latest_points_and_where_every_figure_is(
    api_as, sam, measure
):
    from datetime import timedelta

    from api.serializers import DETAIL_POINTS

    first = measure.observations.order_by("date").first().date
    Observation.objects.bulk_create(
        Observation(measure=measure, date=first - timedelta(days=d), value=Decimal(40 + d % 7))
        for d in range(1, 1001)
    )
    client = api_as(sam)
    body = client.get(reverse("api:measure", args=[measure.pk])).json()
    reading = body["spc"]
    assert reading["point_count"] == 1015
    # The latest DETAIL_POINTS, oldest first, ending with the newest figure.
    assert len(reading["points"]) == DETAIL_POINTS < 1015
    assert [p["index"] for p in reading["points"]] == list(range(1015 - DETAIL_POINTS, 1015))
    assert reading["points"][-1]["date"] == "2026-01-15"
    assert reading["points"][-1]["value"] == 31.0
    # The reading is of every point: the segment covers all of them.
    assert reading["segments"][0]["start"] == 0 and reading["segments"][-1]["end"] == 1015
    listed = client.get(body["observations"]).json()
    assert listed["results"][0]["date"] == "2026-01-15" and listed["next"]


def test_observations_are_listed_newest_first_and_a_lead_adds_one(api_as, lee, sam, measure):
    url = reverse("api:measure-observations", args=[measure.pk])
    listed = api_as(sam).get(url).json()["results"]
    assert listed[0]["date"] == "2026-01-15" and len(listed) == 15
    assert api_as(sam).post(url, {"date": "2026-02-01", "value": "3"}).status_code == 403
    response = api_as(lee).post(url, {"date": "2026-02-01", "value": "31.5", "note": "x"})
    assert response.status_code == 201, response.content
    assert measure.observations.get(date=date(2026, 2, 1)).value == Decimal("31.5")
    again = api_as(lee).post(url, {"date": "2026-02-01", "value": "40"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "observation_exists"
    assert measure.observations.get(date=date(2026, 2, 1)).value == Decimal("31.5")
    wrong = api_as(lee).post(url, {"date": "yesterday", "value": "many"})
    assert wrong.status_code == 400
    assert set(wrong.json()["error"]["fields"]) == {"date", "value"}


# --- ETags, rate limit, schema and docs ---------------------------------------------------------


def test_a_conditional_get_answers_304_until_the_idea_changes(api_as, sam, lee, idea):
    client = api_as(sam)
    url = reverse("api:idea", args=[idea.pk])
    first = client.get(url)
    etag = first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    idea_actions.change_status(idea, to=Idea.Status.ACCEPTED, note="", by=lee)
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_over_the_rate_limit_the_api_answers_429_with_retry_after(api_as, sam, settings):
    from django.core.cache import cache

    cache.clear()
    settings.API_RATE_LIMIT = "3/minute"
    client = api_as(sam)
    other = api_as(sam)
    for _ in range(3):
        assert client.get(reverse("api:ideas")).status_code == 200
    response = client.get(reverse("api:ideas"))
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert response.json()["error"]["code"] == "throttled"
    assert other.get(reverse("api:ideas")).status_code == 200, "each token has its own count"
    cache.clear()


def test_the_schema_generates_without_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_the_schema_and_the_docs_page_load_with_vendored_assets(client, sam):
    client.force_login(sam)
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/ideas/" in json.loads(schema.content)["paths"]
    docs = client.get(reverse("api:docs"))
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "https://" not in html
    script = client.get(reverse("api:docs"), {"script": ""})
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
