"""The place spend map: reading files of spend lines, the summary, and the pages around it."""

from __future__ import annotations

import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from leanhub.models import AuditEvent, Organisation, Place, User
from places import spend
from places.models import PendingSpendImport, ServiceTheme, SpendLine

ORGS = {"testshire jobcentre": 1, "testshire police": 2}


def parse(text: str, themes: dict[str, str] | None = None) -> spend.ParseResult:
    return spend.parse(spend.rows_from_csv(text.encode()), organisations=ORGS, themes=themes or {})


def test_a_good_file_parses_with_new_themes_listed() -> None:
    result = parse(
        "Organisation,Theme,Year,Amount,Outcome\n"
        'Testshire Jobcentre,Worklessness,2024-25,"£1,200,000.50",\n'
        "testshire  police,Offender management,2024,300000,Fewer reoffenders\n"
        "Testshire Police,worklessness,2023/24,10,\n",
        themes={"worklessness": "Worklessness"},
    )
    assert result.ok, result.errors
    assert [(r.organisation_id, r.theme, r.year, r.amount) for r in result.rows] == [
        (1, "Worklessness", 2024, D("1200000.50")),
        (2, "Offender management", 2024, D("300000")),
        (2, "Worklessness", 2023, D("10")),
    ]
    assert result.new_themes == ["Offender management"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("Nowhere Council,Housing,2024,5", "No organisation is called “Nowhere Council”"),
        ("Testshire Police,Housing,2024,-5", "Spend cannot be negative"),
        ("Testshire Police,Housing,2024,5.123", "more than two decimal places"),
        ("Testshire Police,Housing,2024,five", "is not an amount of money"),
        ("Testshire Police,Housing,2024,NaN", "is not an amount of money"),
        ("Testshire Police,Housing,2024-26,5", "not one financial year"),
        ("Testshire Police,Housing,24,5", "is not a financial year"),
        ("Testshire Police,,2024,5", "The theme is missing"),
        ("Testshire Police,=HYPERLINK(1),2024,5", "spreadsheet formula"),
        ("Testshire Police,Housing,2024,1e20", "too large"),
    ],
)
def test_bad_lines_are_refused_by_line(line: str, message: str) -> None:
    result = parse(f"organisation,theme,year,amount\nTestshire Jobcentre,Housing,2024,1\n{line}\n")
    assert not result.ok
    assert result.rows == []
    assert [number for number, _ in result.errors] == [3]
    assert message in result.errors[0][1]


def test_repeated_lines_and_missing_columns_are_refused() -> None:
    repeated = parse(
        "organisation,theme,year,amount\nTestshire Police,H,2024,1\nTestshire Police,h,2024,2\n"
    )
    assert repeated.errors == [
        (3, "This line repeats line 2 (same organisation, theme, year and outcome).")
    ]
    missing = parse("organisation,theme,amount\nTestshire Police,H,1\n")
    assert "missing: year" in missing.errors[0][1]
    assert parse("").errors == [(1, "The file is empty.")]


def test_not_text_is_refused_with_a_message() -> None:
    with pytest.raises(ValueError, match="not UTF-8"):
        list(spend.rows_from_csv(b"\xff\xfe\x00bad"))
    with pytest.raises(ValueError, match="not an Excel workbook"):
        list(spend.rows_from_xlsx(b"not a zip"))


def test_summary_adds_up_and_finds_overlaps() -> None:
    sums = [
        (2024, 1, 10, D("600.00")),  # jobcentre, worklessness
        (2024, 2, 10, D("200.00")),  # police, worklessness
        (2024, 2, 11, D("200.01")),  # police, offender management
        (2023, 1, 10, D("500.00")),
    ]
    summary = spend.summarise(
        sums,
        organisations={1: "Jobcentre", 2: "Police"},
        themes={10: "Worklessness", 11: "Offender management"},
        population=3,
    )
    assert summary.year == 2024
    assert summary.total == D("1000.01")
    assert sum(share.amount for share in summary.by_agency) == summary.total
    assert sum(share.amount for share in summary.by_theme) == summary.total
    assert [(s.name, s.amount) for s in summary.by_agency] == [
        ("Jobcentre", D("600.00")),
        ("Police", D("400.01")),
    ]
    assert summary.per_head == D("1000.01") / 3
    assert summary.one_percent == D("10.0001")
    assert [(o.theme, [a.name for a in o.agencies]) for o in summary.overlaps] == [
        ("Worklessness", ["Jobcentre", "Police"])
    ]
    assert [(y.year, y.amount, y.change) for y in summary.years] == [
        (2023, D("500.00"), None),
        (2024, D("1000.01"), D("500.01")),
    ]
    earlier = spend.summarise(sums, organisations={}, themes={}, population=0, year=2023)
    assert (earlier.total, earlier.per_head, earlier.overlaps) == (D("500.00"), None, [])


# --- pages ---


def upload(client: Client, place: Place, name: str, data: bytes):
    return client.post(
        reverse("places:spend-import", args=[place.slug]),
        {"file": SimpleUploadedFile(name, data)},
    )


@pytest.fixture
def lines(place: Place, org_a: Organisation, org_b: Organisation) -> list[SpendLine]:
    work = ServiceTheme.objects.create(place=place, name="Worklessness", position=1)
    crime = ServiceTheme.objects.create(place=place, name="Offender management", position=2)
    return [
        SpendLine.objects.create(
            place=place, organisation=org_a, theme=work, year=2024, amount=D("600.00")
        ),
        SpendLine.objects.create(
            place=place, organisation=org_b, theme=work, year=2024, amount=D("200.00")
        ),
        SpendLine.objects.create(
            place=place, organisation=org_b, theme=crime, year=2024, amount=D("200.01")
        ),
        SpendLine.objects.create(
            place=place, organisation=org_a, theme=work, year=2023, amount=D("500.00")
        ),
    ]


def test_the_spend_map_shows_totals_overlaps_and_drills_to_lines(
    client: Client, place: Place, lines: list[SpendLine], sam: User
) -> None:
    client.force_login(sam)
    response = client.get(reverse("places:spend", args=[place.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "£1,000" in html  # the 2024-25 total
    assert "2024-25" in html and "Where agencies overlap" in html
    assert f"?year=2024&amp;theme={lines[0].theme_id}&amp;organisation=" in html
    assert "Import spend lines" not in html  # staff see, partnership leads keep
    drill = client.get(
        reverse("places:lines", args=[place.slug]),
        {"year": 2024, "theme": lines[0].theme_id},
    )
    assert drill.status_code == 200
    body = drill.content.decode()
    assert "Testshire Jobcentre" in body and "Testshire Police" in body
    assert "2 lines totalling £800.00" in body
    csv = client.get(reverse("places:lines", args=[place.slug]), {"year": "2023", "format": "csv"})
    assert (
        csv.getvalue().decode().splitlines()[1]
        == "Testshire Jobcentre,Worklessness,2023-24,,500.00"
    )


def test_people_outside_the_place_get_404(
    client: Client, place: Place, lines: list[SpendLine], nobody: User
) -> None:
    client.force_login(nobody)
    for name in ("places:spend", "places:lines", "places:spend-import", "places:themes"):
        assert client.get(reverse(name, args=[place.slug])).status_code == 404


def test_only_partnership_leads_import(
    client: Client, place: Place, lines: list[SpendLine], sam: User
) -> None:
    client.force_login(sam)
    assert client.get(reverse("places:spend-import", args=[place.slug])).status_code == 403
    response = upload(client, place, "s.csv", b"organisation,theme,year,amount\n")
    assert response.status_code == 403


def test_import_previews_then_saves_all_and_audits(
    client: Client, place: Place, lines: list[SpendLine], pat: User
) -> None:
    client.force_login(pat)
    response = upload(
        client,
        place,
        "spend.csv",
        b"organisation,theme,year,amount,outcome\n"
        b"Testshire Jobcentre,Worklessness,2024-25,650.00,\n"
        b"Testshire Police,Housing,2024-25,99.99,Fewer evictions\n",
    )
    assert response.status_code == 302
    pending = PendingSpendImport.objects.get()
    assert SpendLine.objects.count() == 4  # nothing saved before the lead confirms
    preview = client.get(response["Location"])
    html = preview.content.decode()
    assert "holds 2 lines of spend totalling £749.99" in html
    assert "1 of them replaces a line already held" in html
    assert "<q>Housing</q>" in html
    done = client.post(response["Location"], {"confirm": "1"})
    assert done.status_code == 302
    assert not PendingSpendImport.objects.filter(pk=pending.pk).exists()
    assert SpendLine.objects.count() == 5
    assert SpendLine.objects.get(
        theme__name="Worklessness", year=2024, organisation__slug="tjc"
    ).amount == D("650.00")
    assert SpendLine.objects.get(theme__name="Housing").outcome == "Fewer evictions"
    assert AuditEvent.objects.filter(verb="place.spend_imported").count() == 1


def test_a_bad_file_saves_nothing_and_says_why(
    client: Client, place: Place, lines: list[SpendLine], pat: User
) -> None:
    client.force_login(pat)
    response = upload(
        client,
        place,
        "spend.csv",
        b"organisation,theme,year,amount\nTestshire Jobcentre,Housing,2024,10\nTestshire Police,Housing,2024,-1\n",
    )
    assert response.status_code == 400
    assert "Spend cannot be negative" in response.content.decode()
    assert not PendingSpendImport.objects.exists()
    assert not ServiceTheme.objects.filter(name="Housing").exists()
    assert SpendLine.objects.count() == 4


def test_an_excel_workbook_imports_too(
    client: Client, place: Place, org_a: Organisation, pat: User
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Organisation", "Theme", "Year", "Amount"])
    sheet.append(["Testshire Jobcentre", "Older people", 2025, 1234.5])
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(pat)
    response = upload(client, place, "spend.xlsx", buffer.getvalue())
    assert response.status_code == 302, response.content.decode()[:2000]
    client.post(response["Location"], {"confirm": "1"})
    line = SpendLine.objects.get()
    assert (line.theme.name, line.year, line.amount) == ("Older people", 2025, D("1234.50"))


def test_cancelling_an_import_saves_nothing(
    client: Client, place: Place, org_a: Organisation, pat: User
) -> None:
    client.force_login(pat)
    response = upload(
        client,
        place,
        "s.csv",
        b"organisation,theme,year,amount\nTestshire Jobcentre,Housing,2024,1\n",
    )
    client.post(response["Location"], {"cancel": "1"})
    assert not SpendLine.objects.exists() and not PendingSpendImport.objects.exists()
    assert not ServiceTheme.objects.exists()


def test_someone_elses_pending_import_is_not_found(
    client: Client, place: Place, org_a: Organisation, pat: User, ada: User
) -> None:
    client.force_login(pat)
    response = upload(
        client,
        place,
        "s.csv",
        b"organisation,theme,year,amount\nTestshire Jobcentre,Housing,2024,1\n",
    )
    client.force_login(ada)
    assert client.post(response["Location"], {"confirm": "1"}).status_code == 404
    assert not SpendLine.objects.exists()


def test_lines_and_themes_are_edited_in_the_product(
    client: Client, place: Place, lines: list[SpendLine], org_b: Organisation, pat: User
) -> None:
    client.force_login(pat)
    themes = reverse("places:themes", args=[place.slug])
    assert client.post(themes, {"name": " Housing ", "position": 3}).status_code == 302
    housing = ServiceTheme.objects.get(name="Housing")
    assert client.post(themes, {"name": "housing", "position": 4}).status_code == 400
    new = reverse("places:line-new", args=[place.slug])
    bad = client.post(
        new, {"organisation": org_b.pk, "theme": housing.pk, "year": 2024, "amount": "-3"}
    )
    assert bad.status_code == 400 and "Spend cannot be negative" in bad.content.decode()
    ok = client.post(
        new, {"organisation": org_b.pk, "theme": housing.pk, "year": 2024, "amount": "3.50"}
    )
    assert ok.status_code == 302
    clash = client.post(
        new, {"organisation": org_b.pk, "theme": housing.pk, "year": 2024, "amount": "4"}
    )
    assert clash.status_code == 400
    assert "already a line" in clash.content.decode()
    # A theme with lines cannot be deleted; the message says why and nothing is lost.
    client.post(reverse("places:theme-delete", args=[place.slug, housing.pk]))
    assert ServiceTheme.objects.filter(pk=housing.pk).exists()
    line = SpendLine.objects.get(theme=housing)
    client.post(reverse("places:line-edit", args=[place.slug, line.pk]), {"delete": "1"})
    client.post(reverse("places:theme-delete", args=[place.slug, housing.pk]))
    assert not ServiceTheme.objects.filter(pk=housing.pk).exists()
    assert AuditEvent.objects.filter(verb__startswith="place.").count() == 4
