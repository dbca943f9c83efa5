"""PDF uploads: rewritten page by page so that no author, software, dates, XMP or script
survives, with the pages and their text intact; anything else refused with a reason."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from leanhub import documents
from tests.pdf_helpers import encrypted_pdf, pdf_with_everything, plain_pdf


def test_the_upload_carries_everything_the_cleaning_removes():
    data = pdf_with_everything()
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata["/Author"] == "Alice Private"
    assert "/Metadata" in reader.trailer["/Root"] and "/OpenAction" in reader.trailer["/Root"]
    assert b"Alice Private" in data and b"/JavaScript" in data


def test_a_cleaned_pdf_keeps_its_pages_and_text_and_nothing_else():
    cleaned = documents.clean_pdf(pdf_with_everything(pages=3))
    reader = PdfReader(io.BytesIO(cleaned))
    assert reader.metadata is None
    assert "/Info" not in reader.trailer
    root = reader.trailer["/Root"]
    for key in ("/Metadata", "/OpenAction", "/Names", "/AA"):
        assert key not in root
    assert reader.xmp_metadata is None
    assert len(reader.pages) == 3
    assert [page.extract_text() for page in reader.pages] == [
        f"Rework fell on page {n}" for n in (1, 2, 3)
    ]
    for needle in (b"Alice Private", b"Secret title", b"Scanner 9000", b"/JavaScript", b"xmpmeta"):
        assert needle not in cleaned
    # Nor does it name the software that rewrote it.
    assert b"pypdf" not in cleaned and b"/Producer" not in cleaned


def test_a_web_link_survives_and_a_script_link_goes_inert():
    reader = PdfReader(io.BytesIO(documents.clean_pdf(pdf_with_everything())))
    page = reader.pages[0]
    assert "/AA" not in page and "/Metadata" not in page
    web, script, script_uri = (annot.get_object() for annot in page["/Annots"])
    assert web["/A"]["/URI"] == "https://example.org/rework"
    assert "/Next" not in web["/A"]
    assert "/A" not in script
    assert "/A" not in script_uri  # a javascript: address is a script, not a web page


def test_a_pdf_without_metadata_comes_back_as_a_pdf_of_the_same_pages():
    reader = PdfReader(io.BytesIO(documents.clean_pdf(plain_pdf("Plain"))))
    assert len(reader.pages) == 1 and reader.pages[0].extract_text() == "Plain"


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\nthis is not really a pdf",
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>",
        b"MZ\x90\x00 not a pdf at all",
        b"",
    ],
)
def test_a_file_that_does_not_parse_as_a_pdf_is_refused(data):
    with pytest.raises(documents.DocumentRefused, match="That PDF could not be read"):
        documents.clean_pdf(data)


def test_a_truncated_pdf_is_refused():
    data = pdf_with_everything()
    with pytest.raises(documents.DocumentRefused, match="could not be read"):
        documents.clean_pdf(data[: len(data) // 3])


def test_a_password_protected_pdf_is_refused_with_what_to_do():
    with pytest.raises(documents.DocumentRefused) as refusal:
        documents.clean_pdf(encrypted_pdf(user_password="s3cret"))
    assert str(refusal.value) == "Remove the password from the PDF and upload it again."


def test_a_pdf_that_opens_without_a_password_is_stored_unencrypted():
    """Restrictions on printing or copying need no password to open: the file is kept, as its
    reader sees it."""
    reader = PdfReader(io.BytesIO(documents.clean_pdf(encrypted_pdf(user_password=""))))
    assert not reader.is_encrypted
    assert reader.pages[0].extract_text() == "Locked"


def test_too_many_pages_are_refused_with_the_limit():
    with pytest.raises(documents.DocumentRefused, match="has 4 pages; it can have at most 3"):
        documents.clean_pdf(pdf_with_everything(pages=4), max_pages=3)


def test_a_file_over_the_size_cap_is_refused_before_it_is_parsed():
    with pytest.raises(documents.DocumentRefused, match="can be at most 1 MB"):
        documents.clean_pdf(b"%PDF-1.7\n" + b"0" * (1024 * 1024), max_bytes=1024 * 1024)
