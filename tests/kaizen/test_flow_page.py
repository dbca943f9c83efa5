"""The board's flow page: its cumulative flow diagram, the window it covers, the table behind it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kaizen import actions
from kaizen.models import CardMove


def _flow(client, board, **params):
    return client.get(reverse("kaizen:board-flow", args=[board.pk]), params)


@pytest.fixture
def worked_board(board_a, col, make_cards, lee):
    """Three cards added 40 days ago; one finished 10 days ago, one being worked on."""
    cards = make_cards(3, col("To try"))
    actions.move_card(
        cards[0], to=col("Done"), position=0, expected_version=cards[0].version, by=lee
    )
    actions.move_card(cards[1], to=col("Do"), position=0, expected_version=cards[1].version, by=lee)
    now = timezone.now()
    CardMove.objects.filter(from_column__isnull=True).update(at=now - timedelta(days=40))
    CardMove.objects.filter(to_column=col("Done")).update(at=now - timedelta(days=10))
    return board_a


def test_the_flow_page_draws_the_cumulative_flow_as_a_labelled_chart(client, lee, worked_board):
    client.force_login(lee)
    body = _flow(client, worked_board).content.decode()
    svg = body[body.index("<svg") : body.index("</svg>")]
    assert " style=" not in body  # the CSP allows no inline styles: fills come from classes
    assert 'role="img" aria-labelledby="cfd-title cfd-desc"' in svg
    assert '<title id="cfd-title">Cumulative flow of New Claims board' in svg
    desc = re.search(r'<desc id="cfd-desc">(.*?)</desc>', svg).group(1)
    assert "Done at the bottom" in desc
    assert "To try 1, Plan 0, Do 1, Check 0, Act 0, Done 1; 3 cards in all" in desc
    # One band per column, the finishing column first (drawn at the bottom).
    bands = re.findall(r'class="cfd-band cfd-band--(\d)" data-column="(\d+)"', svg)
    columns = list(worked_board.columns.order_by("-position").values_list("pk", flat=True))
    assert [int(pk) for _, pk in bands] == columns
    assert [style for style, _ in bands] == ["0", "1", "2", "3", "4", "5"]
    # The key names every column, top band first, with today's count.
    key = body[body.index('<ul class="cfd-key">') :]
    assert key.index("To try: 1") < key.index("Do: 1") < key.index("Done: 1")
    # The numbers stay in a table below the chart.
    assert "Cards in each column at the end of each day, last 30 days" in body
    assert body.count('<th scope="row">') == 30


@pytest.mark.parametrize(("asked", "shown"), [("90", 90), ("180", 180), ("7", 30), ("x", 30)])
def test_the_window_is_chosen_from_a_plain_form(client, lee, worked_board, asked, shown):
    client.force_login(lee)
    body = _flow(client, worked_board, days=asked).content.decode()
    assert '<form method="get" action="#cumulative-flow"' in body
    assert f'<option value="{shown}" selected>' in body
    assert f"last {shown} days" in body and body.count('<th scope="row">') == shown


def test_a_board_where_nothing_has_moved_says_so_instead_of_drawing(client, lee, board_a):
    client.force_login(lee)
    body = _flow(client, board_a).content.decode()
    assert "No cards have moved on this board yet" in body
    assert "<svg" not in body.split("<main", 1)[1]
    assert "Cards in each column at the end of each day" not in body


def test_the_flow_page_is_for_people_who_can_see_the_board(client, priya, board_a):
    url = reverse("kaizen:board-flow", args=[board_a.pk])
    assert client.get(url).status_code == 302
    client.force_login(priya)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 405
