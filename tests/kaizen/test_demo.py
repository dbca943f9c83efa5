from __future__ import annotations

from django.urls import reverse

from kaizen import demo as kaizen_demo
from kaizen.models import Board, Card, CardMove
from leanhub import demo


def test_the_demo_boards_come_alive_once_however_often_seeded(db, client):
    demo.seed()
    kaizen_demo.seed()
    cards, moves = Card.objects.count(), CardMove.objects.count()
    kaizen_demo.seed()
    assert (Card.objects.count(), CardMove.objects.count()) == (cards, moves)
    board = Board.objects.get(team__name="New Claims", team__site__name="Carrow Jobcentre")
    assert set(board.cards.values_list("column__name", flat=True)) >= {
        "To try",
        "Plan",
        "Do",
        "Check",
        "Act",
        "Done",
    }
    client.force_login(board.cards.first().created_by)
    body = client.get(reverse("kaizen:board", args=[board.pk])).content.decode()
    assert "Stale: no movement for 16 days" in body and "Blocked:" in body
    joint = Board.objects.get(team=None)
    client.force_login(joint.members.get(username="pat"))
    assert client.get(reverse("kaizen:board", args=[joint.pk])).status_code == 200
