"""Red tape reaching its owner: routing, the owner's inbox and reply, reminders, and hours
freed by owner across the place."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ideas.models import Idea
from leanhub.models import Notification, Place, Team, User
from places import redtape
from places.models import BurdenOwner, BurdenRouting


@pytest.fixture
def dwp(db) -> BurdenOwner:
    return BurdenOwner.objects.create(name="Department for Work and Pensions", kind="government")


@pytest.fixture
def official(dwp: BurdenOwner) -> User:
    """A guest: a member of an outside owner and of nothing else in LeanHub."""
    person = User.objects.create_user("official", password="x", full_name="Olive Official")
    dwp.members.add(person)
    return person


def burden(team: Team, author: User, **fields: object) -> Idea:
    values: dict[str, object] = {
        "title": "Stop the duplicate claim check",
        "problem": "We key every claim twice for the monthly return.",
        "kind": Idea.Kind.STOP_DOING,
        "burden_name": "Form CL-7 monthly return",
        "burden_owner": Idea.BurdenOwner.GOVERNMENT,
        "minutes_per_occurrence": D("6"),
        "occurrences_per_year": 1000,
        "hide_name": True,
        **fields,
    }
    return Idea.objects.create(team=team, author=author, **values)


def test_a_lead_routes_it_and_the_owner_answers(
    client: Client,
    place: Place,
    team_a: Team,
    sam: User,
    lee: User,
    official: User,
    dwp: BurdenOwner,
) -> None:
    idea = burden(team_a, sam)
    client.force_login(lee)
    page = client.get(reverse("places:red-tape", args=[place.slug])).content.decode()
    assert "Form CL-7 monthly return" in page and "Send to owner" in page
    client.post(reverse("places:red-tape-route", args=[place.slug, idea.pk]), {"owner": dwp.pk})
    routing = BurdenRouting.objects.get()
    assert routing.due_on == timezone.localdate() + timedelta(days=28)
    told = Notification.objects.get(recipient=official)
    assert "Form CL-7" in told.message and told.url == f"/places/owners/items/{routing.pk}/"

    client.force_login(official)
    inbox = client.get(reverse("places:red-tape-inbox")).content.decode()
    assert "Form CL-7 monthly return" in inbox
    item = client.get(reverse("places:red-tape-item", args=[routing.pk])).content.decode()
    assert "We key every claim twice" in item
    assert "Sam" not in item and "sam" not in item  # the author hid their name; guests never see it
    # The guest sees only what is routed to them: the idea itself is not theirs to open.
    assert client.get(reverse("ideas:detail", args=[idea.pk])).status_code == 404
    assert client.get(reverse("places:red-tape", args=[place.slug])).status_code == 404

    keep = client.post(reverse("places:red-tape-item", args=[routing.pk]), {"reply": "keep"})
    assert keep.status_code == 400 and "Say why it stays" in keep.content.decode()
    client.post(
        reverse("places:red-tape-item", args=[routing.pk]),
        {"reply": "remove", "reply_text": "CL-7 goes from April; the data comes from the system."},
    )
    routing.refresh_from_db()
    assert routing.reply == "remove" and routing.replied_by == official
    assert Notification.objects.filter(recipient=sam, message__contains="replied").exists()

    client.force_login(sam)
    fragment = client.get(reverse("places:idea-red-tape", args=[idea.pk])).content.decode()
    assert "CL-7 goes from April" in fragment
    totals = redtape.place_red_tape(place)
    assert totals.outside_hours == D("100.0") and totals.outside_removed == D("100.0")
    assert [(row.owner_name, row.removed, row.hours_a_year) for row in totals.by_owner] == [
        ("Department for Work and Pensions", 1, D("100.0"))
    ]


def test_self_imposed_red_tape_is_counted_apart_and_never_routed(
    client: Client, place: Place, team_a: Team, sam: User, lee: User, dwp: BurdenOwner
) -> None:
    own = burden(
        team_a,
        sam,
        burden_owner=Idea.BurdenOwner.ORGANISATION,
        minutes_per_occurrence=D("30"),
        occurrences_per_year=100,
    )
    burden(team_a, sam)
    client.force_login(lee)
    client.post(reverse("places:red-tape-route", args=[place.slug, own.pk]), {"owner": dwp.pk})
    assert not BurdenRouting.objects.exists()
    totals = redtape.place_red_tape(place)
    assert (totals.self_imposed_hours, totals.outside_hours) == (D("50.0"), D("100.0"))


def test_only_leads_route_and_only_owners_answer(
    client: Client,
    place: Place,
    team_a: Team,
    sam: User,
    lee: User,
    official: User,
    dwp: BurdenOwner,
    priya: User,
) -> None:
    idea = burden(team_a, sam)
    client.force_login(sam)
    assert (
        client.post(
            reverse("places:red-tape-route", args=[place.slug, idea.pk]), {"owner": dwp.pk}
        ).status_code
        == 403
    )
    routing = redtape.route(idea, dwp, place=place, by=lee)
    client.force_login(priya)  # another organisation's staff: cannot see the idea at all
    assert client.get(reverse("places:red-tape-item", args=[routing.pk])).status_code == 404
    client.force_login(lee)
    assert (
        client.post(
            reverse("places:red-tape-item", args=[routing.pk]), {"reply": "remove"}
        ).status_code
        == 403
    )
    routing.refresh_from_db()
    assert routing.reply == ""


def test_reminders_go_once_a_day_while_a_reply_is_due(
    place: Place, team_a: Team, sam: User, lee: User, official: User, dwp: BurdenOwner
) -> None:
    routing = redtape.route(burden(team_a, sam), dwp, place=place, by=lee)
    Notification.objects.all().delete()
    today = routing.due_on - timedelta(days=10)
    assert redtape.send_reminders(today=today) == 0
    near = routing.due_on - timedelta(days=2)
    assert redtape.send_reminders(today=near) == 1
    assert redtape.send_reminders(today=near) == 0
    assert redtape.send_reminders(today=routing.due_on + timedelta(days=1)) == 1
    assert (
        Notification.objects.filter(recipient=official, message__startswith="Overdue").count() == 1
    )
    BurdenRouting.objects.update(reply="remove")
    assert redtape.send_reminders(today=routing.due_on + timedelta(days=2)) == 0


def test_the_worker_sends_reminders_every_morning_by_email(
    place: Place,
    team_a: Team,
    sam: User,
    lee: User,
    official: User,
    dwp: BurdenOwner,
    mailoutbox,
) -> None:
    from django_q.models import Schedule
    from django_q.tasks import async_task

    from leanhub import jobs
    from leanhub import mail as outbox
    from leanhub.models import OutgoingEmail

    official.email = "olive@dwp.example.gov.uk"
    official.save(update_fields=["email"])
    assert jobs.PREFIX + "red tape reminders" in jobs.ensure_schedules()
    schedule = Schedule.objects.get(name=jobs.PREFIX + "red tape reminders")
    assert schedule.func == "places.redtape.send_reminders"
    assert schedule.schedule_type == Schedule.DAILY
    assert timezone.localtime(schedule.next_run).hour == 6

    idea = burden(team_a, sam, reply_due_on=timezone.localdate() + timedelta(days=2))
    routing = redtape.route(idea, dwp, place=place, by=lee)
    # Routing tells the owner by e-mail too.
    assert OutgoingEmail.objects.filter(recipient=official, kind=redtape.MAIL_KIND).count() == 1
    outbox.deliver_due()
    assert [m.to for m in mailoutbox] == [[official.email]]
    assert "Form CL-7 monthly return" in mailoutbox[0].subject
    mailoutbox.clear()

    # The scheduled function, run as the worker runs it.
    async_task(schedule.func, sync=True)
    reminder = OutgoingEmail.objects.filter(recipient=official).order_by("-pk").first()
    assert reminder is not None and reminder.message.startswith("Due by ")
    assert outbox.deliver_due() == 1
    (sent,) = mailoutbox
    assert sent.to == [official.email]
    assert "Due by" in sent.subject and "Form CL-7 monthly return" in sent.subject
    assert reverse("places:red-tape-item", args=[routing.pk]) in sent.body
    # Run twice on one day: no second reminder.
    async_task(schedule.func, sync=True)
    assert outbox.deliver_due() == 0 and len(mailoutbox) == 1


def test_place_totals_sum_every_kind_of_item_by_owner(
    place: Place, team_a: Team, sam: User, lee: User, dwp: BurdenOwner
) -> None:
    """Hours count each item once: self-imposed or from outside, removed when implemented or
    when its owner agreed to remove or change it; declined items and missing figures add
    nothing; by owner, items sent, answered and agreed, most hours freed first."""
    hmrc = BurdenOwner.objects.create(name="HMRC", kind="government")
    # Self-imposed: 30 min × 100 = 50 h, implemented (removed); 7.5 min × 3 = 0.375 h, open.
    burden(team_a, sam, burden_owner=Idea.BurdenOwner.TEAM, minutes_per_occurrence=D("30"),
           occurrences_per_year=100, status=Idea.Status.IMPLEMENTED)  # fmt: skip
    burden(team_a, sam, burden_owner=Idea.BurdenOwner.ORGANISATION,
           minutes_per_occurrence=D("7.5"), occurrences_per_year=3)  # fmt: skip
    burden(team_a, sam, burden_owner=Idea.BurdenOwner.TEAM, status=Idea.Status.DECLINED)
    # From outside: 100 h agreed to change (DWP), 100 h kept (DWP), 20 h agreed to remove
    # (HMRC), one without figures sent to HMRC and unanswered, one never sent (100 h).
    changed = burden(team_a, sam)
    kept = burden(team_a, sam)
    removed = burden(team_a, sam, minutes_per_occurrence=D("1.2"))
    bare = burden(team_a, sam, minutes_per_occurrence=None)
    burden(team_a, sam)
    due = timezone.localdate()
    for idea, owner, reply in (
        (changed, dwp, BurdenRouting.Reply.CHANGE),
        (kept, dwp, BurdenRouting.Reply.KEEP),
        (removed, hmrc, BurdenRouting.Reply.REMOVE),
        (bare, hmrc, ""),
    ):
        BurdenRouting.objects.create(idea=idea, owner=owner, routed_by=lee, due_on=due,
                                     reply=reply, reply_text="Our reasons")  # fmt: skip

    totals = redtape.place_red_tape(place)

    assert (totals.self_imposed_hours, totals.self_imposed_removed) == (D("50.4"), D("50.0"))
    assert (totals.outside_hours, totals.outside_removed) == (D("320.0"), D("120.0"))
    assert [
        (row.owner_name, row.items, row.answered, row.removed, row.hours_a_year)
        for row in totals.by_owner
    ] == [("Department for Work and Pensions", 2, 2, 1, D("100.0")), ("HMRC", 2, 1, 1, D("20.0"))]
