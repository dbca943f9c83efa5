"""A team lead imports a backlog of ideas from a CSV or XLSX file: preview, then confirm; all
or nothing; every problem by row and column; the same guards as every import."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from ideas.models import Idea
from leanhub.models import AuditEvent
from tests.spreadsheet_helpers import body_bytes, csv_rows, xlsx_cells

HEADER = "title,problem,kind,wastes,minutes per occurrence,occurrences per year,money per year\n"
GOOD = HEADER + (
    "Print fewer letters,We post 300 letters a week,improvement,waiting; processing,5,1200,450\n"
    "Stop the duplicate form,Two forms ask the same,stop_doing,,,,\n"
)


def upload(client, team, name: str, data: bytes):
    url = reverse("ideas:import", args=[team.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def confirm(client, team, preview_response):
    context = preview_response.context
    url = reverse("ideas:import", args=[team.pk])
    return client.post(url, {"preview": context["preview"], "filename": context["filename"]})


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_lead_previews_then_confirms_and_every_row_becomes_an_idea_with_its_audit(
    client, lee, team_a
):
    client.force_login(lee)
    preview = upload(client, team_a, "backlog.csv", GOOD.encode())
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "Print fewer letters" in body and "Every row passed" in body
    assert not Idea.objects.filter(title="Print fewer letters").exists()  # nothing yet
    done = confirm(client, team_a, preview)
    assert done.status_code == 302
    idea = Idea.objects.get(title="Print fewer letters")
    assert (idea.team, idea.author, idea.kind) == (team_a, lee, Idea.Kind.IMPROVEMENT)
    assert idea.wastes == "waiting,processing" and idea.occurrences_per_year == 1200
    assert str(idea.money_per_year) == "450.00"
    assert Idea.objects.get(title="Stop the duplicate form").kind == Idea.Kind.STOP_DOING
    assert AuditEvent.objects.filter(verb="idea.submitted", target_id=str(idea.pk)).exists()
    assert AuditEvent.objects.filter(verb="ideas.imported").get().payload["count"] == 2


def test_a_confirmation_sent_twice_raises_the_ideas_once(client, lee, team_a):
    client.force_login(lee)
    preview = upload(client, team_a, "backlog.csv", GOOD.encode())
    assert confirm(client, team_a, preview).status_code == 302
    again = confirm(client, team_a, preview)
    assert again.status_code == 302
    assert again["Location"] == reverse("ideas:list") + f"?team={team_a.pk}"
    assert Idea.objects.filter(title="Print fewer letters").count() == 1
    assert AuditEvent.objects.filter(verb="ideas.imported").count() == 1
    # The same file previewed anew is a new import.
    confirm(client, team_a, upload(client, team_a, "backlog.csv", GOOD.encode()))
    assert Idea.objects.filter(title="Print fewer letters").count() == 2


def test_an_xlsx_backlog_imports_like_a_csv_one(client, lee, team_a):
    client.force_login(lee)
    data = xlsx([["Title", "Problem", "Occurrences per year"], ["From a workbook", "Slow", 12]])
    preview = upload(client, team_a, "backlog.xlsx", data)
    assert preview.context["checked"].ok, preview.context["checked"].errors
    confirm(client, team_a, preview)
    assert Idea.objects.get(title="From a workbook").occurrences_per_year == 12


def test_one_bad_row_refuses_the_whole_file_with_each_problem_by_row_and_column(
    client, lee, team_a
):
    client.force_login(lee)
    bad = GOOD + "Third,Problem,sideways,dancing,many,1.5,-3\n,No title here,,,,,\n"
    response = upload(client, team_a, "backlog.csv", bad.encode())
    errors = {(e.row, e.column) for e in response.context["checked"].errors}
    assert {(4, "kind"), (4, "wastes"), (4, "minutes per occurrence")} <= errors
    assert {(4, "occurrences per year"), (4, "money per year"), (5, "title")} <= errors
    assert "preview" not in response.context
    body = response.content.decode()
    assert "“sideways” is not one of" in body and "is not a whole number" in body
    assert not Idea.objects.filter(team=team_a, title__in=["Print fewer letters", "Third"])


def test_a_row_a_spreadsheet_would_run_as_a_formula_is_refused(client, lee, team_a):
    client.force_login(lee)
    response = upload(client, team_a, "b.csv", (HEADER + '"=HYPERLINK(1)",p,,,,,\n').encode())
    (error,) = response.context["checked"].errors
    assert (error.row, error.column) == (2, "title") and "formula" in error.message


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("b.csv", b"", "file is empty."),
        ("b.csv", b"title,problem\nA,\x00B\n", "NUL character"),
        ("b.csv", b"\xff\xfe title", "not UTF-8"),
        ("b.xlsx", b"PK\x03\x04 not really", "not an Excel workbook"),
        ("b.xlsx", b"title,problem\nA,B\n", "not an Excel workbook"),
        ("b.pdf", b"%PDF", "neither"),
        ("b.csv", b"title,problem,colour\nA,B,red\n", "Unknown column(s): colour"),
        ("b.csv", b"title\nA\n", "Missing column(s): problem"),
        ("b.csv", ("title,problem\n" + "A,B\n" * 5001).encode(), "more than 5,000 rows"),
        ("b.csv", b"x" * (5 * 1024 * 1024 + 1), "at most 5 MB"),
    ],
    ids=["empty", "nul", "not-utf8", "not-zip", "csv-named-xlsx", "pdf", "unknown-column",
         "missing-column", "too-many-rows", "too-big"],
)  # fmt: skip
def test_a_bad_file_gets_a_clear_message_and_creates_nothing(
    client, lee, team_a, name, data, message
):
    client.force_login(lee)
    before = Idea.objects.count()
    response = upload(client, team_a, name, data)
    assert response.status_code in (200, 400)
    assert message in response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert "preview" not in response.context
    assert Idea.objects.count() == before


def test_a_zip_bomb_is_refused_before_it_is_unpacked(client, lee, team_a):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (120 * 1024 * 1024))
    client.force_login(lee)
    response = upload(client, team_a, "bomb.xlsx", out.getvalue())
    assert "unpacks to more than" in response.content.decode()


def test_a_huge_sheet_is_read_only_up_to_the_row_limit(client, lee, team_a):
    client.force_login(lee)
    data = xlsx([["title", "problem"], *[[f"T{n}", "P"] for n in range(6000)]])
    response = upload(client, team_a, "big.xlsx", data)
    assert "more than 5,000 rows" in response.content.decode()


def test_a_tampered_or_foreign_preview_is_refused_and_creates_nothing(client, lee, team_a, maya):
    client.force_login(lee)
    preview = upload(client, team_a, "b.csv", GOOD.encode())
    url = reverse("ideas:import", args=[team_a.pk])
    token = preview.context["preview"]
    tampered = client.post(url, {"preview": token[:-3] + "abc", "filename": "b.csv"})
    assert tampered.status_code == 400 and "send the file again" in tampered.content.decode()
    assert not Idea.objects.filter(title="Print fewer letters").exists()


def test_staff_get_403_and_outsiders_404(client, sam, olu, team_a):
    url = reverse("ideas:import", args=[team_a.pk])
    client.force_login(sam)
    assert client.get(url).status_code == 403
    assert upload(client, team_a, "b.csv", GOOD.encode()).status_code == 403
    client.force_login(olu)
    assert client.get(url).status_code == 404
    assert not Idea.objects.filter(title="Print fewer letters").exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_page_documents_the_columns_and_offers_a_template(client, lee, team_a, fmt):
    client.force_login(lee)
    url = reverse("ideas:import", args=[team_a.pk])
    page = client.get(url).content.decode()
    assert "<code>minutes per occurrence</code>" in page and f"?template={fmt}" in page
    data = body_bytes(client.get(url, {"template": fmt}))
    rows = csv_rows(data) if fmt == "csv" else xlsx_cells(data)
    assert rows[0][:2] == ["title", "problem"] and rows[1][0] == "Print fewer letters"
    # The template imports as it is.
    assert upload(client, team_a, f"t.{fmt}", data).context["checked"].ok
