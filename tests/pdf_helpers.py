"""Real PDFs for upload tests, built with pypdf: text pages, metadata, XMP, scripts, passwords."""

from __future__ import annotations

import io

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    TextStringObject,
)

XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">'
    b"<dc:creator><rdf:Seq><rdf:li>Alice Private</rdf:li></rdf:Seq></dc:creator>"
    b"</rdf:Description></rdf:RDF></x:xmpmeta>"
    b'<?xpacket end="w"?>'
)


def _name(value: str) -> NameObject:
    return NameObject(value)


def _js(code: str) -> DictionaryObject:
    return DictionaryObject(
        {
            _name("/Type"): _name("/Action"),
            _name("/S"): _name("/JavaScript"),
            _name("/JS"): TextStringObject(code),
        }
    )


def text_page(writer: PdfWriter, text: str) -> None:
    page = writer.add_blank_page(300, 200)
    font = DictionaryObject(
        {
            _name("/Type"): _name("/Font"),
            _name("/Subtype"): _name("/Type1"),
            _name("/BaseFont"): _name("/Helvetica"),
        }
    )
    page[_name("/Resources")] = DictionaryObject(
        {_name("/Font"): DictionaryObject({_name("/F1"): writer._add_object(font)})}
    )
    content = DecodedStreamObject()
    content.set_data(f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode())
    page[_name("/Contents")] = writer._add_object(content)


def _link(writer: PdfWriter, action: DictionaryObject) -> IndirectObject:
    return writer._add_object(
        DictionaryObject(
            {
                _name("/Type"): _name("/Annot"),
                _name("/Subtype"): _name("/Link"),
                _name("/Rect"): ArrayObject([FloatObject(n) for n in (10, 10, 60, 30)]),
                _name("/A"): writer._add_object(action),
            }
        )
    )


def plain_pdf(*texts: str) -> bytes:
    writer = PdfWriter()
    for text in texts:
        text_page(writer, text)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_everything(pages: int = 2) -> bytes:
    """A PDF carrying author and title, an XMP stream, scripts that run on open and on a page,
    and three links (a web address, a script, and a script dressed as an address)."""
    writer = PdfWriter()
    for n in range(1, pages + 1):
        text_page(writer, f"Rework fell on page {n}")
    writer.add_metadata(
        {"/Author": "Alice Private", "/Title": "Secret title", "/Creator": "Scanner 9000"}
    )
    xmp = DecodedStreamObject()
    xmp.set_data(XMP)
    xmp[_name("/Type")] = _name("/Metadata")
    xmp[_name("/Subtype")] = _name("/XML")
    root = writer.root_object
    root[_name("/Metadata")] = writer._add_object(xmp)
    root[_name("/OpenAction")] = writer._add_object(_js("app.alert('opened');"))
    root[_name("/Names")] = DictionaryObject(
        {
            _name("/JavaScript"): DictionaryObject(
                {
                    _name("/Names"): ArrayObject(
                        [TextStringObject("doc"), writer._add_object(_js("app.alert('doc');"))]
                    )
                }
            )
        }
    )
    first = writer.pages[0]
    first[_name("/AA")] = DictionaryObject({_name("/O"): _js("app.alert('page');")})
    first[_name("/Metadata")] = writer._add_object(xmp)
    web = DictionaryObject(
        {
            _name("/Type"): _name("/Action"),
            _name("/S"): _name("/URI"),
            _name("/URI"): TextStringObject("https://example.org/rework"),
            _name("/Next"): _js("app.alert('chained');"),
        }
    )
    script_uri = DictionaryObject(
        {
            _name("/Type"): _name("/Action"),
            _name("/S"): _name("/URI"),
            _name("/URI"): TextStringObject("JavaScript:app.alert('uri')"),
        }
    )
    first[_name("/Annots")] = ArrayObject(
        [
            _link(writer, web),
            _link(writer, _js("app.alert('link');")),
            _link(writer, script_uri),
        ]
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf(*, user_password: str) -> bytes:
    writer = PdfWriter()
    text_page(writer, "Locked")
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
