from __future__ import annotations

import pytest
from django.urls import reverse

from leanhub.models import AuditEvent, Notification, TeamAnnouncement


@pytest.mark.parametrize(
    ("who", "heading"),
    [
        ("sam", "Raise an idea"),
        ("lee", "Your team"),
        ("maya", "Your teams"),
        ("pat", "Your place"),
        ("ada", "Administration"),
        ("nobody", "Welcome"),
    ],
)
def test_each_role_lands_on_its_own_home(client, cast, who, heading):
    client.force_login(cast[who])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.content.decode()


def test_managers_home_lists_only_teams_in_scope(client, cast):
    client.force_login(cast["maya"])
    body = client.get(reverse("home")).content.decode()
    assert "New Claims" in body and "Work Coaches" in body
    assert "Penmoor Claims" not in body and "Crime Recording" not in body


def test_partnership_home_shows_spend_by_organisation_and_per_head(client, cast):
    client.force_login(cast["pat"])
    body = client.get(reverse("home")).content.decode()
    assert "Testshire Jobcentre" in body and "Testshire Police" in body
    assert "£14,200" in body  # £7.1 bn / 500,000 people
    assert "£71,000,000" in body  # 1 % of spend


def test_team_page_is_404_outside_the_organisation(client, cast, team_b):
    client.force_login(cast["sam"])
    assert client.get(reverse("team", args=[team_b.pk])).status_code == 404


def test_unknown_team_is_a_styled_404(client, cast):
    client.force_login(cast["sam"])
    response = client.get(reverse("team", args=[999999]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_unknown_url_is_a_styled_404_without_a_stack_trace(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and "Traceback" not in body


def test_team_page_rejects_wrong_methods(client, cast, team_a):
    client.force_login(cast["sam"])
    assert client.put(reverse("team", args=[team_a.pk])).status_code == 405


def test_a_lead_posts_to_the_team_and_members_are_notified(client, cast, team_a):
    client.force_login(cast["lee"])
    with_message = {"message": "Huddle moves to 9:30 tomorrow"}
    response = client.post(reverse("team", args=[team_a.pk]), with_message)
    assert response.status_code == 302
    assert TeamAnnouncement.objects.get().message == "Huddle moves to 9:30 tomorrow"
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"sam"}  # the author is not notified of their own post
    event = AuditEvent.objects.get(verb="team.announced")
    assert event.actor == cast["lee"] and event.target_id == str(team_a.pk)


def test_staff_cannot_post_to_the_team(client, cast, team_a):
    client.force_login(cast["sam"])
    response = client.post(reverse("team", args=[team_a.pk]), {"message": "Hello"})
    assert response.status_code == 403
    assert "Only a lead or manager of this team" in response.content.decode()
    assert not TeamAnnouncement.objects.exists()


def test_an_empty_announcement_is_refused_with_a_field_error(client, cast, team_a):
    client.force_login(cast["lee"])
    response = client.post(reverse("team", args=[team_a.pk]), {"message": "   "})
    assert response.status_code == 200
    assert "field-error" in response.content.decode()
    assert not TeamAnnouncement.objects.exists()


def test_place_page_is_404_for_people_of_other_places(client, cast, other_place):
    client.force_login(cast["pat"])
    assert client.get(reverse("place", args=[other_place.slug])).status_code == 404


def test_notification_list_serves_page_or_partial(client, cast):
    Notification.objects.create(recipient=cast["sam"], message="Your idea was accepted")
    client.force_login(cast["sam"])
    full = client.get(reverse("notifications")).content.decode()
    partial = client.get(
        reverse("notifications") + "?show=unread", headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" in full and "Your idea was accepted" in full
    assert (
        "<html" not in partial
        and 'id="notification-table"' in partial
        and "Your idea was accepted" in partial
    )


def test_mark_all_read_zeroes_the_count(client, cast):
    Notification.objects.create(recipient=cast["sam"], message="One")
    Notification.objects.create(recipient=cast["lee"], message="Not sam's")
    client.force_login(cast["sam"])
    assert client.get(reverse("notifications-read")).status_code == 405
    client.post(reverse("notifications-read"))
    assert Notification.objects.filter(recipient=cast["sam"]).unread().count() == 0
    assert Notification.objects.filter(recipient=cast["lee"]).unread().count() == 1
    badge = client.get(reverse("notification-count")).content.decode()
    assert 'data-count="0"' in badge


@pytest.mark.parametrize("n", [1, 60])
def test_notification_list_query_count_is_flat(client, cast, n, django_assert_max_num_queries):
    Notification.objects.bulk_create(
        Notification(recipient=cast["sam"], actor=cast["lee"], message=f"Note {i}")
        for i in range(n)
    )
    client.force_login(cast["sam"])
    with django_assert_max_num_queries(8):
        assert client.get(reverse("notifications")).status_code == 200


@pytest.mark.parametrize("who", ["sam", "maya", "pat", "ada"])
def test_home_query_count_is_bounded(client, cast, who, django_assert_max_num_queries):
    client.force_login(cast[who])
    with django_assert_max_num_queries(10):
        assert client.get(reverse("home")).status_code == 200


def test_pages_carry_security_headers(client, cast):
    client.force_login(cast["sam"])
    response = client.get(reverse("home"))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_navigation_puts_the_roles_first_job_first(client, cast):
    from leanhub.context import nav_items

    assert nav_items(cast["ada"])[-1]["label"] == "Administration"
    assert all(item["label"] != "Administration" for item in nav_items(cast["sam"]))


@pytest.mark.parametrize(
    ("who", "first"),
    [("sam", "Raise an idea"), ("lee", "Team board")],
)
def test_each_role_sees_its_first_job_first_in_the_navigation(cast, who, first):
    from leanhub.context import nav_items

    assert nav_items(cast[who])[0]["label"] == first


@pytest.mark.parametrize(
    ("who", "labels"),
    [
        (
            "sam",
            ["Raise an idea", "Ideas", "Team board", "Value-stream maps", "Library", "My team"],
        ),
        ("lee", ["Team board", "Raise an idea", "Team dashboard", "Savings", "Library", "My team"]),
        ("maya", ["Dashboard", "Savings", "Boards", "Measures", "Surveys", "Library"]),
        ("pat", ["Place dashboard", "Savings", "Boards", "Library"]),
    ],
)
def test_each_role_reaches_its_parts_from_the_navigation(client, cast, who, labels):
    from leanhub.context import nav_items

    items = nav_items(cast[who])
    assert [i["label"] for i in items if i["label"] in labels] == labels
    client.force_login(cast[who])
    for item in items:  # every link leads somewhere this person may go
        assert client.get(item["url"], follow=True).status_code == 200, item


def test_staff_and_leads_homes_link_to_their_first_job(client, cast):
    client.force_login(cast["sam"])
    assert reverse("ideas:new") in client.get(reverse("home")).content.decode()
    client.force_login(cast["lee"])
    assert reverse("kaizen:my-board") in client.get(reverse("home")).content.decode()
