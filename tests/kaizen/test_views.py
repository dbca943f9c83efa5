from __future__ import annotations

import pytest
from django.urls import reverse

from kaizen import actions
from kaizen.models import Card
from leanhub.models import AuditEvent
from tests.kaizen.conftest import settings_data

from .conftest import order_of


def test_anonymous_people_are_sent_to_sign_in(client, board_a):
    response = client.get(reverse("kaizen:board", args=[board_a.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_my_board_opens_the_board_of_my_first_team(client, lee, team_a):
    client.force_login(lee)
    response = client.get(reverse("kaizen:my-board"))
    board = team_a.board
    assert response.status_code == 302 and response["Location"] == board.get_absolute_url()


def test_people_without_a_team_get_the_boards_they_can_see(client, dev, board_a):
    client.force_login(dev)
    response = client.get(reverse("kaizen:my-board"))
    assert response.status_code == 200
    assert board_a.name in response.content.decode()


def test_a_board_outside_my_organisation_is_not_found(client, priya, board_a):
    client.force_login(priya)
    assert client.get(reverse("kaizen:board", args=[board_a.pk])).status_code == 404


def test_the_board_page_shows_columns_cards_and_the_live_socket(
    client, lee, board_a, make_cards, col
):
    make_cards(2, col("Plan"))
    client.force_login(lee)
    body = client.get(reverse("kaizen:board", args=[board_a.pk])).content.decode()
    assert f'data-ws-connect="/ws/boards/{board_a.pk}/?lang=en-gb"' in body
    assert f'id="column-{col("Plan").pk}"' in body and "Card 1" in body
    assert "Move to…" in body and 'data-hx-trigger="resync from:body"' in body
    assert "<select" not in body.split("Add a card")[0]  # move forms load on demand
    assert "board--readonly" not in body


def test_htmx_gets_only_the_board_body(client, lee, board_a):
    client.force_login(lee)
    body = client.get(
        reverse("kaizen:board", args=[board_a.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert body.lstrip().startswith(f'<div id="board-{board_a.pk}"')
    assert "<html" not in body


def test_a_partnership_lead_sees_the_board_read_only(client, pat, board_a):
    client.force_login(pat)
    body = client.get(reverse("kaizen:board", args=[board_a.pk])).content.decode()
    assert "board--readonly" in body and "Add a card" not in body


def test_huddle_mode_sets_the_wall_screen_layout(client, lee, board_a):
    client.force_login(lee)
    body = client.get(reverse("kaizen:board", args=[board_a.pk]) + "?huddle=1").content.decode()
    assert 'class="board-page huddle"' in body


def test_a_move_answers_htmx_with_the_two_columns_every_viewer_gets(client, lee, make_cards, col):
    cards = make_cards(3, col("Plan"))
    client.force_login(lee)
    response = client.post(
        reverse("kaizen:move-card", args=[cards[2].pk]),
        {"column": col("Do").pk, "position": 1, "version": cards[2].version},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and response["HX-Reswap"] == "none"
    assert order_of(col("Do")) == ["Card 2"]
    assert f'id="column-{col("Do").pk}" ' in body and f'id="column-{col("Plan").pk}" ' in body
    assert f'id="column-{col("Check").pk}"' not in body


def test_the_move_form_loads_into_the_card_on_demand(client, lee, make_cards, col):
    (card,) = make_cards(1, col("Plan"))
    client.force_login(lee)
    url = reverse("kaizen:move-card", args=[card.pk])
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith("<form") and "autofocus" in partial
    assert f'name="version" value="{card.version}"' in partial
    assert f'data-hx-target="#board-{card.board_id}"' in partial
    page = client.get(url).content.decode()
    assert "<h1>Move “Card 0”</h1>" in page and "<html" in page
    # The page of its own has no board to swap: its form posts as a plain form, which answers
    # with the board (an htmx post would look for a board that is not there and send nothing).
    assert f'action="{url}"' in page and "data-hx-post" not in page


def test_without_htmx_a_move_redirects_to_the_board(client, lee, make_cards, col, board_a):
    (card,) = make_cards(1, col("Plan"))
    client.force_login(lee)
    response = client.post(
        reverse("kaizen:move-card", args=[card.pk]),
        {"column": col("Do").pk, "position": 1, "version": 1},
    )
    assert response.status_code == 302 and response["Location"] == board_a.get_absolute_url()


def test_a_stale_move_says_the_card_changed_and_shows_the_current_board(
    client, lee, make_cards, col
):
    (card,) = make_cards(1, col("Plan"))
    actions.move_card(card, to=col("Check"), position=0, expected_version=1, by=lee)
    client.force_login(lee)
    url = reverse("kaizen:move-card", args=[card.pk])
    response = client.post(
        url, {"column": col("Do").pk, "position": 1, "version": 1}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "This card changed — here is the current board." in body
    assert Card.objects.get(pk=card.pk).column == col("Check")
    full = client.post(url, {"column": col("Do").pk, "position": 1, "version": 1})
    assert full.status_code == 409 and "This card changed" in full.content.decode()


def test_a_move_to_another_boards_column_is_refused_with_the_board(
    client, lee, make_cards, col, board_b
):
    (card,) = make_cards(1, col("Plan"))
    client.force_login(lee)
    response = client.post(
        reverse("kaizen:move-card", args=[card.pk]),
        {"column": board_b.columns.first().pk, "position": 1, "version": 1},
    )
    assert response.status_code == 400
    assert "another board" in response.content.decode()
    assert Card.objects.get(pk=card.pk).column == col("Plan")


def test_over_the_wip_limit_the_board_asks_for_a_reason(client, lee, make_cards, col):
    do = col("Do")
    do.wip_limit = 1
    do.save()
    make_cards(1, do)
    (card,) = make_cards(1, col("Plan"))
    client.force_login(lee)
    url = reverse("kaizen:move-card", args=[card.pk])
    body = client.post(
        url, {"column": do.pk, "position": 1, "version": 1}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "work-in-progress limit of 1" in body and 'name="wip_reason"' in body
    assert Card.objects.get(pk=card.pk).column == col("Plan")
    body = client.post(
        url,
        {"column": do.pk, "position": 2, "version": 1, "wip_reason": "Needed for the audit"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "Over WIP limit:</strong> Needed for the audit" in body
    assert "Over the WIP limit" in body


def test_staff_cannot_move_someone_elses_card(client, sam, make_cards, col):
    (card,) = make_cards(1, col("Plan"))
    client.force_login(sam)
    response = client.post(
        reverse("kaizen:move-card", args=[card.pk]),
        {"column": col("Do").pk, "position": 1, "version": 1},
    )
    assert response.status_code == 403


def test_an_outsider_moving_a_card_gets_not_found(client, priya, make_cards, col):
    (card,) = make_cards(1, col("Plan"))
    client.force_login(priya)
    response = client.post(
        reverse("kaizen:move-card", args=[card.pk]),
        {"column": col("Do").pk, "position": 1, "version": 1},
    )
    assert response.status_code == 404


def test_moving_answers_only_get_and_post(client, lee, make_cards, col):
    (card,) = make_cards(1, col("Plan"))
    client.force_login(lee)
    assert client.put(reverse("kaizen:move-card", args=[card.pk])).status_code == 405
    assert client.get(reverse("kaizen:board", args=[card.board_id]) + "x/").status_code == 404


@pytest.mark.parametrize("title", ["", "x" * 141])
def test_a_bad_title_gets_a_field_error_and_keeps_what_was_typed(client, lee, board_a, col, title):
    client.force_login(lee)
    response = client.post(
        reverse("kaizen:new-card", args=[board_a.pk]),
        {"title": title, "column": col("To try").pk, "labels": "forms, phones"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'class="field-error"' in body and "forms, phones" in body
    assert not Card.objects.exists()


def test_adding_a_card_puts_it_on_the_board(client, sam, board_a, col):
    client.force_login(sam)
    response = client.post(
        reverse("kaizen:new-card", args=[board_a.pk]),
        {"title": "Shorter letters", "column": col("To try").pk},
    )
    assert response.status_code == 302
    card = Card.objects.get()
    assert card.title == "Shorter letters" and list(card.owners.all()) == [sam]


def test_one_click_makes_a_card_from_an_accepted_idea(client, lee, accepted_idea):
    client.force_login(lee)
    response = client.post(reverse("kaizen:card-from-idea", args=[accepted_idea.pk]))
    card = Card.objects.get(idea=accepted_idea)
    assert response.status_code == 302 and response["Location"] == card.get_absolute_url()
    client.post(reverse("kaizen:card-from-idea", args=[accepted_idea.pk]))
    assert Card.objects.filter(idea=accepted_idea).count() == 1


def test_editing_a_stale_card_keeps_what_was_typed(client, lee, make_cards, col):
    (card,) = make_cards(1, col("Plan"))
    actions.edit_card(card, expected_version=1, title="Changed elsewhere", by=lee)
    client.force_login(lee)
    response = client.post(
        reverse("kaizen:card", args=[card.pk]), {"title": "My better title", "version": 1}
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert "This card changed" in body and "My better title" in body
    assert Card.objects.get(pk=card.pk).title == "Changed elsewhere"


def test_the_card_page_the_a3_and_the_flow_page_render(client, lee, make_cards, col, board_a):
    (card,) = make_cards(1, col("Plan"))
    cycle = actions.start_cycle(card, by=lee)
    actions.update_cycle(
        cycle, whys=["Forms retyped", "No pre-fill"], hypothesis="If we pre-fill then …", by=lee
    )
    client.force_login(lee)
    assert "PDCA cycles" in client.get(reverse("kaizen:card", args=[card.pk])).content.decode()
    a3 = client.get(reverse("kaizen:card-a3", args=[card.pk])).content.decode()
    assert "kaizen/a3" in a3 and "No pre-fill" in a3
    flow = client.get(reverse("kaizen:board-flow", args=[board_a.pk])).content.decode()
    assert "Cumulative flow" in flow


@pytest.mark.parametrize("n", [10, 300])
def test_a_board_renders_in_a_bounded_number_of_queries(
    client, lee, board_a, col, n, django_assert_max_num_queries
):
    from kaizen.models import CardMove

    columns = list(board_a.columns.all())
    cards = Card.objects.bulk_create(
        Card(
            board=board_a, column=columns[i % 6], position=i // 6, title=f"Card {i}", created_by=lee
        )
        for i in range(n)
    )
    Card.owners.through.objects.bulk_create(
        Card.owners.through(card_id=c.pk, user_id=lee.pk) for c in cards
    )
    CardMove.objects.bulk_create(CardMove(card=c, to_column=c.column) for c in cards)
    client.force_login(lee)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("kaizen:board", args=[board_a.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('class="card') >= n
    with django_assert_max_num_queries(14):
        assert client.get(reverse("kaizen:board-flow", args=[board_a.pk])).status_code == 200


def test_a_lead_sets_wip_limits_and_the_stale_threshold(client, lee, board_a, col):
    client.force_login(lee)
    url = reverse("kaizen:board-settings", args=[board_a.pk])
    assert client.get(url).status_code == 200
    data = {f"wip_{c.pk}": "" for c in board_a.columns.all()}
    data.update({f"name_{c.pk}": c.name for c in board_a.columns.all()})
    data.update({f"wip_{col('Do').pk}": "3", "stale_after_days": "10"})
    assert client.post(url, data).status_code == 302
    board_a.refresh_from_db()
    assert board_a.columns.get(name="Do").wip_limit == 3 and board_a.stale_after_days == 10
    bad = client.post(url, {**data, "stale_after_days": "0"})
    assert bad.status_code == 400 and 'class="field-error"' in bad.content.decode()


def test_a_lead_renames_a_column_and_adds_one_before_the_last(client, lee, board_a, col):
    client.force_login(lee)
    url = reverse("kaizen:board-settings", args=[board_a.pk])
    data = settings_data(
        board_a, **{f"name_{col('To try').pk}": "Ideas to try", "new_column": "Standardise"}
    )
    assert client.post(url, data).status_code == 302
    names = list(board_a.columns.order_by("position", "pk").values_list("name", flat=True))
    assert names[0] == "Ideas to try"
    assert names[-2:] == ["Standardise", "Done"]
    assert AuditEvent.objects.filter(verb__in=["column.renamed", "column.added"]).count() == 2


def test_column_names_must_be_present_and_distinct(client, lee, board_a, col):
    client.force_login(lee)
    url = reverse("kaizen:board-settings", args=[board_a.pk])
    blank = client.post(url, settings_data(board_a, **{f"name_{col('Plan').pk}": " "}))
    assert blank.status_code == 400 and "A column needs a name" in blank.content.decode()
    twice = client.post(url, settings_data(board_a, new_column="plan"))
    assert twice.status_code == 400 and "already a column with that name" in twice.content.decode()
    assert board_a.columns.count() == 6


def test_staff_may_not_change_the_limits(client, sam, board_a):
    client.force_login(sam)
    assert client.get(reverse("kaizen:board-settings", args=[board_a.pk])).status_code == 403


def test_adding_the_same_card_twice_in_a_row_makes_one_card(client, sam, board_a, col):
    client.force_login(sam)
    url = reverse("kaizen:new-card", args=[board_a.pk])
    for _ in range(2):
        client.post(url, {"title": "Shorter letters", "column": col("To try").pk})
    assert Card.objects.filter(title="Shorter letters").count() == 1


def test_a_resync_from_the_wall_screen_stays_in_huddle_mode(client, lee, board_a):
    client.force_login(lee)
    url = reverse("kaizen:board", args=[board_a.pk])
    body = client.get(
        url, headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{url}?huddle=1"}
    ).content.decode()
    assert "Leave huddle mode" in body
    assert (
        "Leave huddle mode" not in client.get(url, headers={"HX-Request": "true"}).content.decode()
    )
