"""One rule for names: a person who raised an idea with "Hide my name" is named to
administrators and to themselves, and to no one else, wherever the idea goes — its page, the
list and its export, the kaizen card made from it (whose owner they become), the board and its
live updates, the card's A3 and cycles, the dashboards' drill-downs, notifications and e-mails.

The story every test here shares: Sam raises an idea with his name hidden; Lee accepts it and
puts it on the team's board, which makes Sam an owner of the card; Sam works on the card and
comments on his idea. Nobody in the cast but Ada (the administrator) and Sam himself may then
read Sam's name anywhere near it.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ideas import actions as idea_actions
from ideas.models import Idea
from kaizen import actions as kaizen_actions
from kaizen.models import Card
from leanhub import mail as outbox
from leanhub import policy
from leanhub.models import Notification
from tests.channels_helpers import GroupListener

# Distinctive enough that it can appear on a page for no other reason.
HIDDEN_NAME = "Zebedee Quartermain"
IDEA_TITLE = "Pre-fill the claim form from the last one"
CARD_TITLE = "Claim form trial"
# Who may read the name: the administrator, and the person who raised the idea.
MAY_SEE = {"ada", "sam"}
NEUTRAL = "the person who raised it"


@pytest.fixture
def quiet_card(cast, team_a, django_capture_on_commit_callbacks) -> Card:
    """A card made from Sam's anonymous idea, with Sam working on it; every e-mail and
    broadcast the story causes is sent (on commit) as it would be."""
    sam, lee, wendy = cast["sam"], cast["lee"], cast["wendy"]
    sam.full_name = HIDDEN_NAME
    sam.save()
    with django_capture_on_commit_callbacks(execute=True):
        idea, _ = idea_actions.submit_idea(
            idea_actions.NewIdea(
                team=team_a, title=IDEA_TITLE, problem="Retyping every claim", hide_name=True
            ),
            token=None,
            by=sam,
        )
        idea_actions.set_follow(idea, on=True, by=wendy)
        idea_actions.change_status(idea, to=Idea.Status.ACCEPTED, by=lee)
        card = kaizen_actions.create_card_from_idea(idea, by=lee)
        card = kaizen_actions.edit_card(
            card, expected_version=card.version, title=CARD_TITLE, by=lee
        )
        # Sam, an owner now, works on the card: moves it, runs a cycle, takes an action.
        doing = card.board.columns.get(name="Do")
        card = kaizen_actions.move_card(
            card, to=doing, position=0, expected_version=card.version, by=sam
        )
        cycle = kaizen_actions.start_cycle(card, by=sam)
        kaizen_actions.add_cycle_action(cycle, description="Draft the letter", owner=sam, by=lee)
        idea_actions.add_comment(idea, body="More detail from me", by=sam)
        idea_actions.add_comment(idea, body="Thanks, noted", by=lee)
    # Stalled long ago, so the dashboards' "stopped moving" drill-down lists it too.
    Card.objects.filter(pk=card.pk).update(moved_at=timezone.now() - timedelta(days=60))
    return Card.objects.select_related("idea", "board").get(pk=card.pk)


def _pages(card: Card) -> dict[str, str]:
    cycle = card.cycles.get()
    return {
        "board": reverse("kaizen:board", args=[card.board_id]),
        "board flow": reverse("kaizen:board-flow", args=[card.board_id]),
        "card": reverse("kaizen:card", args=[card.pk]),
        "A3": reverse("kaizen:card-a3", args=[card.pk]),
        "cycle": reverse("kaizen:cycle", args=[cycle.pk]),
        "idea": reverse("ideas:detail", args=[card.idea_id]),
        "ideas": reverse("ideas:list"),
        "home": reverse("home"),
        "notifications": reverse("notifications"),
    }


# Each person's own dashboard: the drill-downs they open.
DASHBOARD_OF = {
    "sam": "team",
    "lee": "team",
    "maya": "site",
    "dev": "organisation",
    "pat": "place",
    "ada": "all",
}
# The drill-downs that list ideas, cards or what came of them: where a name could turn up.
ROW_DRILLS = ["ideas", "overdue", "stop-doing", "implemented", "stalled", "outcomes", "savings"]


def _drill_url(who: str, what: str, team_a, site_a1, org_a, place) -> str:
    kind = DASHBOARD_OF[who]
    pk = {"team": team_a.pk, "site": site_a1.pk, "organisation": org_a.pk, "place": place.pk}
    return reverse("metrics:rows", args=[kind, pk.get(kind, 0), what])


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.mark.parametrize(
    "who", ["sam", "lee", "wendy", "maya", "dev", "priya", "olu", "grace", "pat", "ada", "nobody"]
)
def test_the_hidden_name_shows_only_to_the_administrator_and_the_author(
    client, cast, quiet_card, who
):
    client.force_login(cast[who])
    for page, url in _pages(quiet_card).items():
        response = client.get(url)
        if response.status_code != 200:
            continue
        body = _body(response)
        if who not in MAY_SEE:
            assert HIDDEN_NAME not in body, f"{who} reads the hidden name on the {page} page"


@pytest.mark.parametrize("page", ["card", "A3", "cycle", "idea"])
def test_the_card_and_idea_pages_say_who_to_the_administrator_and_you_to_the_author(
    client, cast, quiet_card, page
):
    url = _pages(quiet_card)[page]
    client.force_login(cast["ada"])
    assert HIDDEN_NAME in client.get(url).content.decode()
    client.force_login(cast["sam"])
    assert "you (hidden from others)" in client.get(url).content.decode().lower()
    client.force_login(cast["lee"])
    assert NEUTRAL in client.get(url).content.decode().lower()


def test_the_board_shows_the_same_neutral_owner_to_everyone(client, cast, quiet_card):
    """The board's cards are the fragments its live updates send to every viewer at once, so
    they cannot depend on who looks: even the administrator reads the neutral words there."""
    url = reverse("kaizen:board", args=[quiet_card.board_id])
    for who in ("ada", "sam", "lee", "pat"):
        client.force_login(cast[who])
        card = client.get(url).content.decode().split(f'id="card-{quiet_card.pk}"')[1]
        card = card.split("</li>")[0]
        assert NEUTRAL in card.lower() and HIDDEN_NAME not in card, who
        assert "Lee" in card  # the lead who made the card is named as its other owner


def test_the_hidden_author_stays_an_owner_who_can_work_on_the_card(cast, quiet_card):
    assert cast["sam"] in quiet_card.owners.all()
    assert policy.can(cast["sam"], "edit_card", quiet_card)


def test_the_board_broadcast_never_carries_the_hidden_name(
    cast, quiet_card, django_capture_on_commit_callbacks
):
    group = kaizen_actions.board_group(quiet_card.board_id)
    listener = GroupListener(group)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            kaizen_actions.move_card(
                quiet_card,
                to=quiet_card.board.columns.get(name="Check"),
                position=0,
                expected_version=quiet_card.version,
                by=cast["sam"],
            )
        messages = [m["html"] for m in listener.drain(group)]
    finally:
        listener.close()
    assert messages and any(f'id="card-{quiet_card.pk}"' in html for html in messages)
    for html in messages:
        assert HIDDEN_NAME not in html and IDEA_TITLE not in html
    assert any(NEUTRAL in html.lower() for html in messages)


@pytest.mark.parametrize("who", ["sam", "lee", "maya", "dev", "pat", "ada"])
def test_the_ideas_export_names_the_author_only_to_the_administrator_and_the_author(
    client, cast, quiet_card, who
):
    client.force_login(cast[who])
    rows = list(csv.DictReader(io.StringIO(_body(client.get(reverse("ideas:export"))))))
    raised_by = [r["Raised by"] for r in rows if r["Title"] == IDEA_TITLE]
    if who == "pat":
        assert raised_by == []  # not shared with partners: not listed at all
    elif who == "ada":
        assert raised_by == [HIDDEN_NAME]
    elif who == "sam":
        assert raised_by == ["you (hidden from others)"]
    else:
        assert raised_by == ["Name hidden"]


@pytest.mark.parametrize("who", DASHBOARD_OF)
def test_no_dashboard_drill_down_names_the_hidden_author(
    client, cast, quiet_card, team_a, site_a1, org_a, place, who
):
    client.force_login(cast[who])
    for what in ROW_DRILLS:
        url = _drill_url(who, what, team_a, site_a1, org_a, place)
        page, csv_file = client.get(url), client.get(url, {"format": "csv"})
        assert page.status_code == csv_file.status_code == 200, url
        # The author's own pages carry their name in the navigation; their files may not.
        if who not in MAY_SEE:
            assert HIDDEN_NAME not in _body(page), url
        assert HIDDEN_NAME not in _body(csv_file), url
    stalled = client.get(_drill_url(who, "stalled", team_a, site_a1, org_a, place))
    assert CARD_TITLE in _body(stalled)  # the card is listed, by its own title


def test_notifications_and_emails_keep_the_name_from_everyone_else(cast, quiet_card):
    sam, ada = cast["sam"], cast["ada"]
    told = Notification.objects.exclude(recipient__in=[sam, ada])
    assert told.exists()
    for row in told:
        assert HIDDEN_NAME not in row.message and row.actor_id != sam.pk, row.message
    outbox.deliver_due()  # the worker's job: send what the story wrote to the outbox
    assert mail.outbox
    for message in mail.outbox:
        if set(message.to) & {sam.email, ada.email}:
            continue
        assert HIDDEN_NAME not in message.subject + message.body, message.body


@pytest.mark.parametrize("page", ["board", "card", "A3", "cycle"])
def test_a_partner_never_reads_the_title_of_an_idea_they_cannot_open(
    client, cast, quiet_card, page
):
    """Pat (another agency's partnership lead) sees the team's board, but the idea was not
    shared with partners: its page answers 404 to him, so no card may show its title or link."""
    pat = cast["pat"]
    idea_url = reverse("ideas:detail", args=[quiet_card.idea_id])
    client.force_login(pat)
    assert client.get(idea_url).status_code == 404
    body = client.get(_pages(quiet_card)[page]).content.decode()
    assert CARD_TITLE in body
    assert IDEA_TITLE not in body and f'href="{idea_url}"' not in body


@pytest.mark.parametrize("page", ["card", "A3"])
def test_someone_who_can_open_the_idea_gets_its_link_from_the_card(client, cast, quiet_card, page):
    idea_url = reverse("ideas:detail", args=[quiet_card.idea_id])
    client.force_login(cast["wendy"])
    body = client.get(_pages(quiet_card)[page]).content.decode()
    assert f'href="{idea_url}"' in body and IDEA_TITLE in body


# --- The rule itself ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "shown"),
    [
        ("ada", HIDDEN_NAME),
        ("sam", "you (hidden from others)"),
        ("lee", NEUTRAL),
        ("pat", NEUTRAL),
        ("ivy", NEUTRAL),
    ],
)
def test_shown_name_decides_for_each_viewer(cast, who, shown):
    sam = cast["sam"]
    sam.full_name = HIDDEN_NAME
    assert policy.shown_name(cast[who], sam, hidden=True) == shown
    assert policy.shown_name(cast[who], sam, hidden=False) == HIDDEN_NAME


def test_shown_name_for_everyone_at_once_or_no_one_signed_in_is_neutral(cast):
    sam = cast["sam"]
    assert policy.shown_name(None, sam, hidden=True) == NEUTRAL
    assert policy.shown_name(AnonymousUser(), sam, hidden=True) == NEUTRAL
    assert policy.shown_name(None, sam, hidden=True, hidden_as="Name hidden") == "Name hidden"


def test_only_the_author_of_an_anonymous_idea_is_hidden_on_it(cast, team_a):
    sam, lee = cast["sam"], cast["lee"]
    quiet = Idea(team=team_a, author=sam, hide_name=True)
    open_idea = Idea(team=team_a, author=sam)
    assert policy.hides_name(quiet, sam)
    assert not policy.hides_name(quiet, lee)
    assert not policy.hides_name(open_idea, sam)
    assert not policy.hides_name(None, sam)
    assert not policy.hides_name(quiet, None)


# --- Every template asks ----------------------------------------------------------------------

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# What names a person when a template prints it.
PERSON_FIELDS = {
    "display_name",
    "full_name",
    "get_full_name",
    "author",
    "actor",
    "owner",
    "by",
    "claimed_by",
    "decided_by",
    "created_by",
    "recorded_by",
    "user",
    "recipient",
}
# The signed-in person's own name, shown to them alone.
# The signed-in person's own name in the header, and the recipient's own in an e-mail greeting.
OWN_NAME = {
    ("base.html", "user.display_name"),
    ("email/notice.html", "user.display_name"),
    ("email/digest.html", "user.display_name"),
}


def _printed(text: str) -> list[str]:
    """The variables a template prints: in {{ … }}, and given to {% blocktranslate with … %}."""
    printed = re.findall(r"\{\{\s*(.*?)\s*\}\}", text)
    for tag in re.findall(r"\{%\s*blocktranslate\b(.*?)%\}", text):
        printed += re.findall(r"\w+=(\S+)", tag)
    return [expression.split("|")[0].strip() for expression in printed]


def test_templates_name_people_only_through_the_rule():
    """A template prints a person's name only through {% person_name %}, which asks
    leanhub.policy.shown_name; a dotted path to a person printed as it is would skip the rule."""
    direct = [
        f"{path.relative_to(TEMPLATES)}: {{{{ {variable} }}}}"
        for path in TEMPLATES.rglob("*.html")
        for variable in _printed(path.read_text())
        if "." in variable
        and variable.rsplit(".", 1)[1] in PERSON_FIELDS
        and (str(path.relative_to(TEMPLATES)), variable) not in OWN_NAME
    ]
    assert direct == []


def test_code_names_people_only_through_the_rule():
    """Outside the user model and the policy, no code reads a person's name for showing it.
    Erasure reads the names too, to find and remove them, never to show them."""
    root = TEMPLATES.parent
    allowed = {
        root / "leanhub" / "models.py",
        root / "leanhub" / "policy.py",
        root / "leanhub" / "erasure.py",
    }
    direct = [
        f"{path.relative_to(root)}:{number}"
        for app in (
            "leanhub",
            "ideas",
            "kaizen",
            "metrics",
            "places",
            "signon",
            "recognition",
            "library",
        )
        for path in (root / app).rglob("*.py")
        if path not in allowed and "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\.(display_name|get_full_name)\b", line)
    ]
    assert direct == []


# Lee may edit both cards and Pat neither (Sam may edit only his own, which adds its forms).
@pytest.mark.parametrize("who", ["lee", "pat"])
def test_asking_the_rule_on_a_card_costs_no_query(client, cast, quiet_card, who):
    """The card's pages ask who may read which name and who may open the idea from what they
    have already read: a card made from an idea costs what a card without one costs."""
    plain = kaizen_actions.create_card(quiet_card.board, title="Plain", by=cast["lee"])
    plain_cycle = kaizen_actions.start_cycle(plain, by=cast["lee"])
    client.force_login(cast[who])

    def counts(card: Card, cycle_pk: int) -> list[int]:
        urls = [
            reverse("kaizen:card", args=[card.pk]),
            reverse("kaizen:card-a3", args=[card.pk]),
            reverse("kaizen:cycle", args=[cycle_pk]),
        ]
        queries = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            queries.append(len(captured))
        return queries

    assert counts(quiet_card, quiet_card.cycles.get().pk) == counts(plain, plain_cycle.pk)
