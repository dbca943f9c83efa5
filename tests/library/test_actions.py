"""Publishing an adopted cycle, changing an entry, and "Try this here"."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from ideas.models import Idea
from kaizen import actions as kaizen_actions
from kaizen.models import Card, Cycle
from leanhub.models import AuditEvent, Notification
from library import actions
from library.models import Adoption, Entry
from tests.library.conftest import adopted_cycle, publish


def test_a_lead_publishes_an_adopted_cycle_once(team_a, lee):
    cycle = adopted_cycle(team_a, lee, title="Text reminders")
    draft = actions.draft_from_cycle(cycle)
    assert draft.standard == "Text every customer the day before"
    assert "Customers wait" in draft.why
    draft.theme = "waiting"
    entry = actions.publish_cycle(cycle, text=draft, by=lee)
    assert entry.team == team_a and entry.cycle == cycle and entry.kind == Entry.Kind.CHANGE
    assert actions.publish_cycle(cycle, text=draft, by=lee) == entry  # a double click
    assert Entry.objects.filter(kind=Entry.Kind.CHANGE).count() == 1
    assert Entry.objects.filter(kind=Entry.Kind.TEMPLATE).count() == 4
    assert AuditEvent.objects.filter(verb="library.published").count() == 1


def test_only_an_adopted_cycle_is_published(team_a, lee):
    board = kaizen_actions.ensure_team_board(team_a)
    card = kaizen_actions.create_card(board, title="Not yet", by=lee)
    cycle = kaizen_actions.start_cycle(card, by=lee)
    text = actions.Text(title="Not yet", summary="s", theme="waiting")
    with pytest.raises(ValidationError, match="adopted as standard work"):
        actions.publish_cycle(cycle, text=text, by=lee)


def test_staff_and_other_agencies_may_not_publish(team_a, lee, sam, olu):
    cycle = adopted_cycle(team_a, lee, title="Text reminders")
    text = actions.Text(title="x", summary="s", theme="waiting")
    with pytest.raises(PermissionDenied):
        actions.publish_cycle(cycle, text=text, by=sam)
    with pytest.raises(Http404):
        actions.publish_cycle(cycle, text=text, by=olu)


def test_an_entry_needs_a_theme_and_words(team_a, lee):
    cycle = adopted_cycle(team_a, lee, title="Text reminders")
    with pytest.raises(ValidationError):
        actions.publish_cycle(
            cycle, text=actions.Text(title="t", summary="", theme="waiting"), by=lee
        )
    with pytest.raises(ValidationError):
        actions.publish_cycle(cycle, text=actions.Text(title="t", summary="s", theme="x"), by=lee)
    assert not Entry.objects.filter(cycle=cycle).exists()


def test_try_this_here_puts_a_linked_card_on_the_other_teams_board(
    entry, team_a_coaches, wendy, lee
):
    adoption = actions.try_here(entry, team=team_a_coaches, by=wendy)
    card = adoption.card
    assert card is not None and card.board.team == team_a_coaches
    assert card.title == entry.title and entry.get_absolute_url() in card.description
    assert adoption.is_spread
    assert AuditEvent.objects.filter(verb="library.tried").exists()
    # Who to ask hears of it.
    assert Notification.objects.filter(recipient=lee, url=entry.get_absolute_url()).exists()
    with pytest.raises(ValidationError, match="already trying"):
        actions.try_here(entry, team=team_a_coaches, by=wendy)
    assert Card.objects.filter(board__team=team_a_coaches).count() == 1


def test_try_this_here_refuses_a_board_one_may_not_work_on(entry, team_a_coaches, team_a, sam):
    with pytest.raises(ValidationError, match="team you work in or lead"):
        actions.try_here(entry, team=team_a_coaches, by=sam)
    with pytest.raises(ValidationError, match="already the standard work"):
        actions.try_here(entry, team=team_a, by=sam)
    assert not Adoption.objects.exists()


def test_an_unshared_entry_cannot_be_tried_by_another_agency(entry, team_b, olu):
    with pytest.raises(Http404):
        actions.try_here(entry, team=team_b, by=olu)


def test_a_change_from_an_implemented_idea_spreads_the_idea(team_a, team_b, lee, olu, sam):
    idea = Idea.objects.create(
        team=team_a,
        author=sam,
        title="Text reminders",
        problem="Wasted trips",
        status=Idea.Status.IMPLEMENTED,
        shared_with_partners=True,
    )
    entry = publish(team_a, lee, title="Text reminders", idea=idea, shared=True)
    adoption = actions.try_here(entry, team=team_b, by=olu)
    copy = adoption.idea
    assert copy is not None and copy.adopted_from == idea and copy.team == team_b
    copy.refresh_from_db()
    assert copy.status == Idea.Status.IN_PROGRESS
    assert adoption.card is not None and adoption.card.idea == copy
    # So the dashboards' spread (ideas adopted elsewhere) counts it.
    assert Idea.objects.filter(adopted_from=idea).exclude(team=team_a).count() == 1


def test_a_template_is_tried_as_a_checklist_card_and_again(team_a, lee):
    template = Entry.objects.get(title="5S workplace audit")
    first = actions.try_here(template, team=team_a, by=lee)
    assert first.card is not None
    assert "- Sort: only what is needed" in first.card.description
    assert not first.is_spread
    Card.objects.filter(pk=first.card.pk).update(
        created_at=first.card.created_at.replace(year=2000)
    )
    again = actions.try_here(template, team=team_a, by=lee)
    assert again.pk != first.pk


def test_the_card_of_a_tried_entry_says_where_it_came_from(client, entry, team_a_coaches, wendy):
    adoption = actions.try_here(entry, team=team_a_coaches, by=wendy)
    assert adoption.card is not None
    client.force_login(wendy)
    from django.urls import reverse

    body = client.get(reverse("library:card-library", args=[adoption.card.pk])).content.decode()
    assert f'href="{entry.get_absolute_url()}"' in body


def test_edit_changes_the_words_and_sharing(entry, lee, sam):
    text = actions.Text(
        title="Texts", summary="New words", theme="contact", shared_with_partners=True
    )
    actions.edit_entry(entry, text=text, by=lee)
    entry.refresh_from_db()
    assert entry.summary == "New words" and entry.shared_with_partners
    with pytest.raises(PermissionDenied):
        actions.edit_entry(entry, text=text, by=sam)


def test_cycle_is_kept_linked(entry):
    assert isinstance(entry.cycle, Cycle)
