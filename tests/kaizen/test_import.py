"""A lead imports a backlog of kaizen cards onto their board from a CSV or XLSX file: preview,
then confirm; all or nothing; every problem by row and column; each card added as "Add a card"
adds one (at the end of its column, its move recorded, audited, broadcast, WIP limits held)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from kaizen import actions
from kaizen.models import Card, CardMove, Column
from leanhub.models import AuditEvent, Membership, Role, User
from tests.spreadsheet_helpers import body_bytes, csv_rows, xlsx_cells

from .conftest import order_of

HEADER = "title,description,column,owners,due date,labels,wip reason\n"
GOOD = HEADER + (
    "Pre-fill the claim form,Customers type their details twice,,,,forms,\n"
    'Text reminders,,plan,sam@example.org; LEE,31/03/2030,"texts, quick win",\n'
    "Move the printer,Walks to the far end,To try,sam,2030-04-01,,\n"
)


def url(board) -> str:
    return reverse("kaizen:board-import", args=[board.pk])


def upload(client, board, name: str, data: bytes):
    return client.post(url(board), {"file": SimpleUploadedFile(name, data)})


def confirm(client, board, preview_response):
    context = preview_response.context
    return client.post(url(board), {"preview": context["preview"], "filename": context["filename"]})


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def errors_of(response) -> set[tuple[int, str]]:
    return {(e.row, e.column) for e in response.context["checked"].errors}


def test_a_lead_previews_then_confirms_and_each_row_is_a_card_at_the_end_of_its_column(
    client, lee, sam, board_a, col, make_cards
):
    make_cards(2, col("To try"), prefix="Already")
    client.force_login(lee)
    preview = upload(client, board_a, "backlog.csv", GOOD.encode())
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "Every row passed" in body and "Text reminders" in body
    # The preview names where each card goes and who owns it.
    rows = dict(preview.context["rows"])
    assert rows[2][2:4] == ["To try", "Lee"]  # no column, no owner: the backlog, the lead
    assert rows[3][2:4] == ["Plan", "Sam; Lee"]
    assert not Card.objects.filter(title="Text reminders").exists()  # nothing yet

    done = confirm(client, board_a, preview)
    assert done.status_code == 302 and done["Location"] == board_a.get_absolute_url()
    assert order_of(col("To try")) == [
        "Already 0", "Already 1", "Pre-fill the claim form", "Move the printer"
    ]  # fmt: skip
    assert list(
        Card.objects.filter(column=col("To try"))
        .order_by("position")
        .values_list("position", flat=True)
    ) == [0, 1, 2, 3]
    texts = Card.objects.get(title="Text reminders")
    assert (texts.column, texts.position, texts.created_by) == (col("Plan"), 0, lee)
    assert texts.due_date == datetime.date(2030, 3, 31) and texts.label_list == [
        "texts",
        "quick win",
    ]
    assert set(texts.owners.all()) == {sam, lee} and texts.started_at is not None
    printer = Card.objects.get(title="Move the printer")
    assert list(printer.owners.all()) == [sam] and printer.due_date == datetime.date(2030, 4, 1)
    assert printer.started_at is None and printer.description == "Walks to the far end"
    # Nobody named: the lead who imported it owns it, as with "Add a card".
    assert list(Card.objects.get(title="Pre-fill the claim form").owners.all()) == [lee]
    assert CardMove.objects.filter(card=texts, to_column=col("Plan"), by=lee).exists()
    assert AuditEvent.objects.filter(verb="card.created", target_id=str(texts.pk)).exists()
    imported = AuditEvent.objects.get(verb="cards.imported")
    assert imported.payload["count"] == 3 and imported.payload["filename"] == "backlog.csv"


def test_an_xlsx_backlog_imports_like_a_csv_one_with_date_cells(client, lee, board_a, col):
    client.force_login(lee)
    data = xlsx(
        [
            ["Title", "Column", "Due date"],
            ["From a workbook", "Do", datetime.date(2030, 5, 6)],
        ]
    )
    preview = upload(client, board_a, "backlog.xlsx", data)
    assert preview.context["checked"].ok, preview.context["checked"].errors
    confirm(client, board_a, preview)
    card = Card.objects.get(title="From a workbook")
    assert (card.column, card.due_date) == (col("Do"), datetime.date(2030, 5, 6))


def test_one_bad_row_refuses_the_whole_file_with_each_problem_by_row_and_column(
    client, lee, sam, board_a, wendy, ivy, priya
):
    client.force_login(lee)
    bad = GOOD + (
        "Sideways,,Somewhere else,,,,\n"  # row 5
        "Strangers,,,nobody@example.org; wendy; ivy@example.org; priya,,,\n"  # row 6
        "Never,,,,31/02/2030,,\n"  # row 7
        ",No title here,,,,,\n"  # row 8
    )
    response = upload(client, board_a, "backlog.csv", bad.encode())
    errors = errors_of(response)
    assert {(5, "column"), (6, "owners"), (7, "due date"), (8, "title")} <= errors
    # Every stranger is named: someone unknown, a colleague of another team, a former member
    # whose account is switched off, someone of another organisation.
    owners = [e.message for e in response.context["checked"].errors if e.column == "owners"]
    assert len(owners) == 4 and all("is not someone working on this board" in m for m in owners)
    assert "preview" not in response.context
    body = response.content.decode()
    assert "“Somewhere else” is not a column of this board: To try, Plan, Do" in body
    assert "“nobody@example.org” is not someone working on this board" in body
    assert "“31/02/2030” is not a date" in body
    assert not Card.objects.filter(board=board_a).exists()


def test_a_wip_limit_holds_unless_the_row_says_why_it_should_be_passed(
    client, lee, board_a, col, make_cards
):
    make_cards(1, col("Plan"))
    Column.objects.filter(pk=col("Plan").pk).update(wip_limit=2)
    client.force_login(lee)
    rows = HEADER + (
        "Second,,Plan,,,,\n"  # fits: the limit is reached with it
        "Third,,Plan,,,,\n"  # over, and no reason
        "Fourth,,Plan,,,,Urgent for the audit\n"  # over, with a reason
    )
    response = upload(client, board_a, "b.csv", rows.encode())
    assert errors_of(response) == {(3, "column")}
    assert "Plan has a work-in-progress limit of 2" in response.content.decode()
    assert Card.objects.filter(board=board_a).count() == 1

    fixed = rows.replace("Third,,Plan,,,,", "Third,,Plan,,,,The team agreed")
    confirm(client, board_a, upload(client, board_a, "b.csv", fixed.encode()))
    assert order_of(col("Plan")) == ["Card 0", "Second", "Third", "Fourth"]
    reasons = dict(Card.objects.filter(column=col("Plan")).values_list("title", "wip_reason"))
    assert reasons == {
        "Card 0": "", "Second": "", "Third": "The team agreed", "Fourth": "Urgent for the audit"
    }  # fmt: skip


def test_what_changed_after_the_preview_refuses_the_confirmation_and_adds_nothing(
    client, lee, board_a, col, make_cards
):
    client.force_login(lee)
    preview = upload(client, board_a, "b.csv", (HEADER + "Into Do,,Do,,,,\n").encode())
    assert preview.context["checked"].ok
    # Meanwhile another lead renames the column the row names.
    Column.objects.filter(pk=col("Do").pk).update(name="Trying")
    response = confirm(client, board_a, preview)
    assert response.status_code == 400
    assert "Something changed since the preview" in response.content.decode()
    assert errors_of(response) == {(2, "column")}
    assert not Card.objects.filter(title="Into Do").exists()


def test_the_action_refuses_a_card_over_a_wip_limit_and_an_owner_off_the_board(
    lee, wendy, board_a, col, make_cards
):
    make_cards(1, col("Plan"))
    Column.objects.filter(pk=col("Plan").pk).update(wip_limit=1)
    plan = Column.objects.get(pk=col("Plan").pk)
    cards = [
        actions.NewCard(row=2, title="Fine", column=col("To try")),
        actions.NewCard(row=3, title="Over", column=plan),
        actions.NewCard(row=4, title="Stranger's", column=col("To try"), owners=[wendy]),
    ]
    with pytest.raises(ValidationError) as refused:
        actions.import_cards(board_a, cards=cards, filename="b.csv", key="k", by=lee)
    messages = refused.value.messages
    assert any(m.startswith("Row 3: Plan has a work-in-progress limit of 1") for m in messages)
    assert "Row 4: Wendy does not work on this board." in messages
    assert not Card.objects.filter(title="Fine").exists()


def test_a_confirmation_sent_twice_adds_the_cards_once(client, lee, sam, board_a):
    client.force_login(lee)
    preview = upload(client, board_a, "b.csv", GOOD.encode())
    assert confirm(client, board_a, preview).status_code == 302
    again = confirm(client, board_a, preview)
    assert again.status_code == 302 and again["Location"] == board_a.get_absolute_url()
    assert Card.objects.filter(title="Text reminders").count() == 1
    assert AuditEvent.objects.filter(verb="cards.imported").count() == 1
    # The same file previewed anew is a new import.
    confirm(client, board_a, upload(client, board_a, "b.csv", GOOD.encode()))
    assert Card.objects.filter(title="Text reminders").count() == 2


def test_the_import_is_one_broadcast_of_the_columns_it_filled(
    lee, board_a, col, listen, django_capture_on_commit_callbacks
):
    listener = listen(board_a.pk)
    cards = [
        actions.NewCard(row=2, title="Imported one", column=col("To try")),
        actions.NewCard(row=3, title="Imported two", column=col("Do")),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        made = actions.import_cards(board_a, cards=cards, filename="b.csv", key="k", by=lee)
    (html,) = listener.messages()
    assert f'id="column-{col("To try").pk}"' in html and f'id="column-{col("Do").pk}"' in html
    assert f'id="column-{col("Plan").pk}"' not in html
    assert all(f'id="card-{card.pk}"' in html for card in made)


def test_the_board_shows_an_imported_card_and_its_leads_the_way_to_import(
    client, lee, sam, board_a
):
    client.force_login(lee)
    confirm(client, board_a, upload(client, board_a, "b.csv", GOOD.encode()))
    card = Card.objects.get(title="Text reminders")
    body = client.get(board_a.get_absolute_url()).content.decode()
    assert f'id="card-{card.pk}"' in body and ">Text reminders</a>" in body
    assert f'href="{url(board_a)}"' in body
    client.force_login(sam)
    assert f'href="{url(board_a)}"' not in client.get(board_a.get_absolute_url()).content.decode()


def test_only_the_boards_leads_and_managers_may_import(
    client, sam, olu, maya, lee, board_a, team_a_coaches
):
    coach_lead = User.objects.create(username="cora", email="cora@example.org")
    Membership.objects.create(user=coach_lead, role=Role.LEAD, team=team_a_coaches)
    anonymous = client.get(url(board_a))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    for person, status in ((sam, 403), (coach_lead, 403), (olu, 404)):
        client.force_login(person)
        assert client.get(url(board_a)).status_code == status, person
        assert upload(client, board_a, "b.csv", GOOD.encode()).status_code == status, person
    # A lead's preview confirmed by someone else is theirs to refuse too.
    client.force_login(lee)
    preview = upload(client, board_a, "b.csv", GOOD.encode())
    client.force_login(sam)
    assert confirm(client, board_a, preview).status_code == 403
    assert not Card.objects.filter(board=board_a).exists()
    client.force_login(maya)  # manages the site: runs its boards
    assert client.get(url(board_a)).status_code == 200
    assert client.put(url(board_a)).status_code == 405


def test_a_preview_signed_for_one_person_is_refused_to_another(client, lee, sam, maya, board_a):
    client.force_login(lee)
    preview = upload(client, board_a, "b.csv", GOOD.encode())
    client.force_login(maya)
    refused = confirm(client, board_a, preview)
    assert refused.status_code == 400 and "send the file again" in refused.content.decode()
    assert not Card.objects.filter(board=board_a).exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("b.csv", b"", "file is empty."),
        ("b.csv", b"title\n\x00A\n", "NUL character"),
        ("b.csv", b"\xff\xfe title", "not UTF-8"),
        ("b.xlsx", b"PK\x03\x04 not really", "not an Excel workbook"),
        ("b.pdf", b"%PDF", "neither"),
        ("b.csv", b"title,checklist\nA,B\n", "Unknown column(s): checklist"),
        ("b.csv", b"description\nA\n", "Missing column(s): title"),
        ("b.csv", b"title\n", "The file has no rows to import."),
        ("b.csv", ("title\n" + "A\n" * 5001).encode(), "more than 5,000 rows"),
        ("b.csv", b"x" * (5 * 1024 * 1024 + 1), "at most 5 MB"),
    ],
    ids=["empty", "nul", "not-utf8", "not-zip", "pdf", "unknown-column", "missing-column",
         "no-rows", "too-many-rows", "too-big"],
)  # fmt: skip
def test_a_bad_file_gets_a_clear_message_and_adds_nothing(
    client, lee, board_a, name, data, message
):
    client.force_login(lee)
    response = upload(client, board_a, name, data)
    assert response.status_code in (200, 400)
    assert message in response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert "preview" not in response.context
    assert not Card.objects.filter(board=board_a).exists()


@pytest.mark.parametrize("who", ["lee", "maya"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_page_documents_the_columns_and_offers_a_template_that_imports_as_it_is(
    request, client, board_a, col, fmt, who
):
    # Maya manages the site without being in the team: she may own the cards she imports.
    person = request.getfixturevalue(who)
    client.force_login(person)
    page = client.get(url(board_a)).content.decode()
    assert "<code>wip reason</code>" in page and f"?template={fmt}" in page
    assert "To try, Plan, Do, Check, Act, Done" in page  # the board's own columns
    data = body_bytes(client.get(url(board_a), {"template": fmt}))
    rows = csv_rows(data) if fmt == "csv" else xlsx_cells(data)
    assert rows[0][:4] == ["title", "description", "column", "owners"]
    assert rows[1][2:4] == ["To try", f"{who}@example.org"]
    preview = upload(client, board_a, f"t.{fmt}", data)
    assert preview.context["checked"].ok, preview.context["checked"].errors
    confirm(client, board_a, preview)
    (card,) = Card.objects.filter(board=board_a)
    assert card.column == col("To try") and list(card.owners.all()) == [person]


def test_checking_a_file_takes_as_many_queries_for_fifty_rows_as_for_one(client, lee, sam, board_a):
    client.force_login(lee)

    def queries_for(rows: int) -> int:
        data = HEADER + "".join(
            f"Card {n},,{['To try', 'Plan', 'Do'][n % 3]},sam; lee@example.org,,,\n"
            for n in range(rows)
        )
        with CaptureQueriesContext(connection) as queries:
            response = upload(client, board_a, "b.csv", data.encode())
        assert response.context["checked"].ok
        return len(queries)

    assert queries_for(1) == queries_for(50)


def test_on_a_joint_board_the_people_of_every_member_team_may_own_cards(
    client, maya, lee, wendy, priya, team_a, team_a_coaches
):
    board = actions.create_joint_board(
        name="Claims and coaching", teams=[team_a, team_a_coaches], by=maya
    )
    client.force_login(lee)  # leads a member team: runs the joint board
    shared = HEADER + "Shared,,,wendy; lee,,,\n"
    response = upload(client, board, "b.csv", (shared + "Foreign,,,priya,,,\n").encode())
    assert errors_of(response) == {(3, "owners")}
    confirm(client, board, upload(client, board, "b.csv", shared.encode()))
    assert set(Card.objects.get(board=board, title="Shared").owners.all()) == {wendy, lee}
