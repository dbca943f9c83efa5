from __future__ import annotations

import pytest
from django.urls import reverse

from ideas import actions as idea_actions
from ideas.models import Idea
from kaizen import actions as kaizen_actions
from leanhub import mail as outbox
from leanhub.models import MailFrequency, Notification, OutgoingEmail
from recognition.models import Thanks


@pytest.fixture
def idea(cast, team_a) -> Idea:
    return Idea.objects.create(
        team=team_a, author=cast["sam"], title="Pre-fill the claim form", problem="Typing twice"
    )


@pytest.fixture
def hidden_idea(cast, team_a) -> Idea:
    cast["sam"].full_name = "Samira Quartermaine"
    cast["sam"].save()
    return Idea.objects.create(
        team=team_a,
        author=cast["sam"],
        title="Quiet fix for the rota",
        problem="Double booking",
        hide_name=True,
    )


@pytest.fixture
def card(cast, team_a):
    board = kaizen_actions.ensure_team_board(team_a)
    return kaizen_actions.create_card(
        board,
        title="Ring back within the hour",
        column=board.columns.first(),
        owners=[cast["lee"], cast["sam"]],
        by=cast["lee"],
        wip_reason="test",
    )


def _url(idea: Idea) -> str:
    return reverse("recognition:idea-thanks", args=[idea.pk])


def test_thank_and_withdraw_an_idea(client, cast, idea):
    client.force_login(cast["lee"])
    body = client.get(_url(idea)).content.decode()
    assert "Thanked by 0 people." in body and "Say thank you" in body
    response = client.post(
        _url(idea), {"message": "Saved us an hour a day"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Thanked by 1 person." in body and "Withdraw my thanks" in body
    thanks = Thanks.objects.get(idea=idea)
    assert (thanks.by, thanks.message) == (cast["lee"], "Saved us an hour a day")
    # The count is on the idea's page for everyone who may see it.
    client.force_login(cast["wendy"])
    assert "Thanked by 1 person." in client.get(_url(idea)).content.decode()
    # Clicking again withdraws (a plain form post goes back to the idea).
    client.force_login(cast["lee"])
    response = client.post(_url(idea))
    assert response["Location"] == idea.get_absolute_url()
    assert not Thanks.objects.filter(idea=idea).exists()


def test_the_thanked_hear_of_it_in_app_and_by_email(
    client, cast, idea, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(cast["lee"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(idea), {"message": "Brilliant"})
    outbox.deliver_due()
    note = Notification.objects.get(recipient=cast["sam"])
    assert "thanked you for your idea “Pre-fill the claim form”" in note.message
    assert "Brilliant" in note.message and note.actor == cast["lee"]
    assert not Notification.objects.filter(recipient=cast["lee"]).exists()
    assert [m.to[0] for m in mailoutbox] == ["sam@example.org"]
    assert "Brilliant" in mailoutbox[0].body
    assert OutgoingEmail.objects.get(recipient=cast["sam"]).kind == "thanks"


def test_the_thanks_email_follows_the_persons_choice(client, cast, idea):
    outbox.set_frequencies(cast["sam"], {"thanks": MailFrequency.OFF})
    client.force_login(cast["lee"])
    client.post(_url(idea))
    assert Notification.objects.filter(recipient=cast["sam"]).exists()
    assert not OutgoingEmail.objects.filter(recipient=cast["sam"]).exists()
    body = client.get(reverse("email-preferences")).content.decode()
    assert "Thank-yous for your ideas, cards and library entries" in body


def test_a_hidden_author_is_thanked_but_never_named(
    client, cast, hidden_idea, django_capture_on_commit_callbacks, mailoutbox
):
    her = cast["sam"]
    client.force_login(cast["lee"])
    with django_capture_on_commit_callbacks(execute=True):
        thanked = client.post(_url(hidden_idea), {"message": "Thank you"}, HTTP_HX_REQUEST="true")
    outbox.deliver_due()
    # It reaches her…
    assert Notification.objects.filter(recipient=her).exists()
    assert [m.to[0] for m in mailoutbox] == [her.email]
    # …but the thanker reads her name nowhere: not in the answer, the idea, nor their own mail.
    assert her.display_name not in thanked.content.decode()
    assert her.display_name not in client.get(hidden_idea.get_absolute_url()).content.decode()
    assert her.display_name not in client.get(_url(hidden_idea)).content.decode()
    assert not OutgoingEmail.objects.exclude(recipient=her).exists()
    assert not Notification.objects.exclude(recipient=her).exists()


def test_a_cards_owners_are_thanked(client, cast, card):
    client.force_login(cast["wendy"])
    url = reverse("recognition:card-thanks", args=[card.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"message": "Lovely"})
    assert Thanks.objects.get(card=card).by == cast["wendy"]
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "lee",
        "sam",
    }
    assert "Thanked by 1 person." in client.get(url).content.decode()
    # The card's page loads the button.
    assert url in client.get(card.get_absolute_url()).content.decode()


def test_people_outside_the_scope_get_a_404(client, cast, idea, card):
    client.force_login(cast["priya"])
    assert client.get(_url(idea)).status_code == 404
    assert client.post(_url(idea)).status_code == 404
    url = reverse("recognition:card-thanks", args=[card.pk])
    assert client.post(url).status_code == 404
    assert not Thanks.objects.exists()
    client.logout()
    assert client.post(_url(idea)).status_code == 302  # to sign in
    assert not Thanks.objects.exists()


def test_a_too_long_message_is_refused_and_saves_nothing(client, cast, idea):
    client.force_login(cast["lee"])
    response = client.post(_url(idea), {"message": "x" * 281})
    assert response.status_code == 400
    assert "280 characters or fewer" in response.content.decode()
    response = client.post(_url(idea), {"message": "x" * 281}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "280 characters or fewer" in response.content.decode()
    assert not Thanks.objects.exists() and not Notification.objects.exists()


def test_the_idea_page_loads_the_thanks(client, cast, idea):
    client.force_login(cast["lee"])
    assert _url(idea) in client.get(idea.get_absolute_url()).content.decode()


def test_thanking_an_idea_one_has_adopted(cast, idea, team_a_coaches):
    for status in ("accepted", "implemented"):
        idea_actions.change_status(idea, to=status, by=cast["lee"])
    copy = idea_actions.adopt_idea(idea, team=team_a_coaches, by=cast["wendy"])
    from recognition import thanks

    assert thanks.toggle(thanks.of_idea(idea), by=cast["wendy"]) is True
    assert Notification.objects.filter(recipient=cast["sam"], message__contains="thanked").exists()
    assert copy.adopted_from == idea
