"""Board set-up: renaming, adding and limiting columns, from the settings page and the action."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kaizen import actions
from leanhub.models import AuditEvent
from tests.kaizen.conftest import settings_data


def _names(board) -> list[str]:
    return list(board.columns.order_by("position", "pk").values_list("name", flat=True))


def test_a_lead_swaps_two_column_names_in_one_save(client, lee, board_a, col):
    client.force_login(lee)
    url = reverse("kaizen:board-settings", args=[board_a.pk])
    swap = {f"name_{col('Plan').pk}": "Do", f"name_{col('Do').pk}": "Plan"}
    assert client.post(url, settings_data(board_a, **swap)).status_code == 302
    assert _names(board_a) == ["To try", "Do", "Plan", "Check", "Act", "Done"]
    renames = AuditEvent.objects.filter(verb="column.renamed").order_by("pk")
    assert [e.payload for e in renames] == [
        {"from": "Plan", "to": "Do"},
        {"from": "Do", "to": "Plan"},
    ]


def test_two_columns_given_one_name_get_a_field_error_and_nothing_changes(
    client, lee, board_a, col
):
    client.force_login(lee)
    url = reverse("kaizen:board-settings", args=[board_a.pk])
    data = settings_data(
        board_a,
        **{f"name_{col('Do').pk}": "Review", f"name_{col('Check').pk}": "review"},
        **{f"wip_{col('Do').pk}": "2"},
    )
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 400
    # The error sits on the second of the two fields, and what was typed is kept.
    assert f'id="id_name_{col("Check").pk}_error"' in body
    assert "Column 3 is already called “review”" in body
    assert 'value="Review"' in body and 'value="review"' in body
    assert _names(board_a) == ["To try", "Plan", "Do", "Check", "Act", "Done"]
    assert col("Do").wip_limit is None and board_a.columns.get(name="Do").wip_limit is None
    assert not AuditEvent.objects.filter(verb__startswith="column.").exists()


def test_names_rotate_and_a_freed_name_can_be_reused_by_a_new_column(board_a, col, lee):
    actions.configure_board(
        board_a,
        wip_limits={},
        stale_after_days=board_a.stale_after_days,
        names={col("Plan").pk: "Do", col("Do").pk: "Check", col("Check").pk: "Review"},
        new_column="Plan",
        by=lee,
    )
    assert _names(board_a) == ["To try", "Do", "Check", "Review", "Act", "Plan", "Done"]


def test_the_action_refuses_duplicate_names_and_writes_nothing(board_a, col, lee):
    with pytest.raises(ValidationError, match="same name"):
        actions.configure_board(
            board_a,
            wip_limits={col("Do").pk: 4},
            stale_after_days=board_a.stale_after_days,
            names={col("Plan").pk: "Act"},
            by=lee,
        )
    assert _names(board_a) == ["To try", "Plan", "Do", "Check", "Act", "Done"]
    assert board_a.columns.get(name="Do").wip_limit is None
    assert not AuditEvent.objects.filter(verb__startswith="column.").exists()


def test_a_new_column_reaches_viewers_in_its_place_with_the_renames_in_one_message(
    board_a, col, lee, listen, django_capture_on_commit_callbacks
):
    listener = listen(board_a.pk)
    with django_capture_on_commit_callbacks(execute=True):
        actions.configure_board(
            board_a,
            wip_limits={},
            stale_after_days=board_a.stale_after_days,
            names={col("To try").pk: "Ideas to try"},
            new_column="Standardise",
            by=lee,
        )
    (html,) = listener.messages()
    added = board_a.columns.get(name="Standardise")
    # Renamed columns replace themselves by id; the new one goes in before Done.
    assert f'<section id="column-{col("To try").pk}"' in html and "Ideas to try" in html
    insert = html.index(f'<div data-hx-swap-oob="beforebegin:#column-{col("Done").pk}">')
    new_column = html.index(f'<section id="column-{added.pk}"')
    assert insert < new_column
    assert 'data-hx-swap-oob="true"' not in html[new_column : html.index("</section>", new_column)]
    assert f'data-column="{added.pk}"' in html and f'id="column-{col("Plan").pk}"' not in html


@pytest.mark.parametrize(("stale_after_days", "sections"), [(14, 1), (7, 7)])
def test_a_new_column_is_sent_once_whatever_else_changed(
    board_a, lee, listen, django_capture_on_commit_callbacks, stale_after_days, sections
):
    """A new stale threshold re-sends every column; the new one still comes only as an insert."""
    listener = listen(board_a.pk)
    with django_capture_on_commit_callbacks(execute=True):
        actions.configure_board(
            board_a, wip_limits={}, stale_after_days=stale_after_days, new_column="Wait", by=lee
        )
    (html,) = listener.messages()
    added = board_a.columns.get(name="Wait")
    assert html.count("<section ") == sections
    assert html.count(f'id="column-{added.pk}"') == 1 and 'data-hx-swap-oob="beforebegin:' in html


def test_renaming_or_adding_columns_sends_the_add_a_card_column_list_anew(
    board_a, col, lee, listen, django_capture_on_commit_callbacks
):
    listener = listen(board_a.pk)
    with django_capture_on_commit_callbacks(execute=True):
        actions.configure_board(
            board_a,
            wip_limits={},
            stale_after_days=board_a.stale_after_days,
            names={col("Plan").pk: "Plan it"},
            by=lee,
        )
        actions.configure_board(
            board_a, wip_limits={}, stale_after_days=board_a.stale_after_days,
            new_column="Standardise", by=lee,
        )  # fmt: skip
        actions.configure_board(
            board_a, wip_limits={col("Do").pk: 3}, stale_after_days=board_a.stale_after_days,
            by=lee,
        )  # fmt: skip
    renamed, added, limited = listener.messages()
    for html in (renamed, added):
        select = html[html.index('<select name="column"') :]
        select = select[: select.index("</select>")]
        assert 'id="new-card-column"' in select and 'data-hx-swap-oob="true"' in select
    assert ">Plan it</option>" in renamed and ">Standardise</option>" in added
    assert '<select name="column"' not in limited  # a new limit leaves the names alone


def test_the_board_page_names_its_add_a_card_column_list_apart_from_move_forms(
    client, lee, board_a
):
    client.force_login(lee)
    page = client.get(board_a.get_absolute_url()).content.decode()
    assert '<label for="new-card-column">' in page and 'id="new-card-column"' in page
