"""Leads and managers start joint boards for work across teams and agencies."""

from __future__ import annotations

from django.urls import reverse

from kaizen.models import Board


def test_a_lead_starts_a_joint_board_with_a_partner_agency(client, lee, priya, team_a, org_b):
    client.force_login(lee)
    page = client.get(reverse("kaizen:boards")).content.decode()
    assert "Start a joint board" in page and "Testshire Police" in page
    response = client.post(
        reverse("kaizen:boards"),
        {"name": "Joint: repeat callers", "teams": [team_a.pk], "organisations": [org_b.pk]},
    )
    board = Board.objects.get(name="Joint: repeat callers")
    assert response.status_code == 302 and response["Location"] == board.get_absolute_url()
    assert list(board.member_teams.all()) == [team_a]
    assert board.columns.count() == 6

    client.force_login(priya)  # police staff: the partner agency is let in
    assert client.get(board.get_absolute_url()).status_code == 200


def test_a_joint_board_needs_a_name_and_a_team_one_leads(client, lee, team_a, team_b):
    client.force_login(lee)
    response = client.post(reverse("kaizen:boards"), {"name": "  ", "teams": [team_b.pk]})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Give the board a name" in body and "Select a valid choice" in body
    assert not Board.objects.filter(team__isnull=True).exists()


def test_staff_are_not_offered_joint_boards_and_cannot_post_one(client, sam, team_a):
    client.force_login(sam)
    assert "Start a joint board" not in client.get(reverse("kaizen:boards")).content.decode()
    response = client.post(reverse("kaizen:boards"), {"name": "Mine", "teams": [team_a.pk]})
    assert response.status_code == 403
    assert not Board.objects.filter(team__isnull=True).exists()
