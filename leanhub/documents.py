"""PDF uploads made safe: parsed to prove they are PDFs, bounded in size and pages, and rewritten
page by page into a new document, so the author, software, dates (the /Info dictionary), XMP
metadata and anything that runs when the file is opened stay behind. No ORM here."""

from __future__ import annotations

import io

from django.utils.translation import gettext, ngettext
from pypdf import PasswordType, PdfReader, PdfWriter
from pypdf.errors import DependencyError, FileNotDecryptedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject

MAX_BYTES = 5 * 1024 * 1024
MAX_PAGES = 500
# The rewrite stores objects the upload may have compressed together; past this the upload was
# built to expand (a compression bomb), not scanned from paper.
MAX_OUTPUT_FACTOR = 4

# Keys dropped from every page and every object a page reaches: page-level and image XMP
# (/Metadata), private application data (/PieceInfo) and actions run on open, close or
# focus (/AA).
DROPPED_KEYS = ("/Metadata", "/PieceInfo", "/AA")
# A link may jump to a page or open a web address; any other action (JavaScript, launching a
# program, submitting a form, importing data) is dropped, leaving the link inert.
SAFE_ACTIONS = {"/GoTo", "/URI"}
SAFE_URI_SCHEMES = ("http://", "https://", "mailto:")


class DocumentRefused(ValueError):
    """The upload is not a PDF we accept; the message says why, for the person uploading."""


def clean_pdf(data: bytes, *, max_bytes: int = MAX_BYTES, max_pages: int = MAX_PAGES) -> bytes:
    """Return ``data`` rewritten as a new PDF holding only its pages, or raise DocumentRefused
    with the reason: too big, unreadable, password-protected, empty or too many pages.

    Only the pages are copied: the catalog of the upload (its XMP /Metadata, /OpenAction,
    document JavaScript in /Names, /AA, forms and outlines) and its /Info dictionary are never
    read into the new document, and the new one is written without an /Info of its own."""
    if len(data) > max_bytes:
        raise DocumentRefused(
            gettext("The PDF is %(size)s MB; it can be at most %(limit)s MB.")
            % {"size": f"{len(data) / 1024 / 1024:.1f}", "limit": max_bytes // 1024 // 1024}
        )
    unreadable = DocumentRefused(
        gettext(
            "That PDF could not be read: it may be damaged. Save or print it to PDF again and "
            "upload the new file."
        )
    )
    password = DocumentRefused(gettext("Remove the password from the PDF and upload it again."))
    try:
        reader = PdfReader(io.BytesIO(data))
        # pypdf has already tried the empty password: an owner-only password (printing or
        # copying restrictions) opens, one the reader must type in does not.
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise password
        pages = len(reader.pages)
        if pages == 0:
            raise unreadable
        if pages > max_pages:
            raise DocumentRefused(
                ngettext(
                    "The PDF has %(pages)s page; it can have at most %(limit)s. "
                    "Upload only the pages that matter.",
                    "The PDF has %(pages)s pages; it can have at most %(limit)s. "
                    "Upload only the pages that matter.",
                    pages,
                )
                % {"pages": f"{pages:,}", "limit": f"{max_pages:,}"}
            )
        # Strip the upload's objects in memory first, so that what is dropped is never copied:
        # the writer copies only what the stripped pages still reach.
        _strip(list(reader.pages))
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        writer.metadata = None
        out = io.BytesIO()
        writer.write(out)
    except DocumentRefused:
        raise
    except (FileNotDecryptedError, DependencyError, NotImplementedError):
        # Encrypted with a password, or with a scheme this server cannot open.
        raise password from None
    except Exception:
        # A malformed file can fail anywhere inside the parser (pypdf's own errors, but also
        # KeyError, TypeError, RecursionError…): to the person uploading, all mean the same.
        raise unreadable from None
    if out.tell() > max_bytes * MAX_OUTPUT_FACTOR:
        raise DocumentRefused(gettext("The PDF is too large to process safely."))
    return out.getvalue()


def _strip(pages: list[PdfObject]) -> None:
    """Drop DROPPED_KEYS and unsafe actions from ``pages`` and every object they reach
    (annotations, form fields, images, fonts), in memory. Walks without recursion, visiting each
    object once, so a deep or cyclic file cannot exhaust the stack."""
    seen: set[int] = set()
    stack = list(pages)
    while stack:
        obj: PdfObject | None = stack.pop()
        if isinstance(obj, IndirectObject):
            obj = obj.get_object()
        if id(obj) in seen or not isinstance(obj, (DictionaryObject, ArrayObject)):
            continue
        seen.add(id(obj))
        if isinstance(obj, ArrayObject):
            stack.extend(obj)
            continue
        for key in DROPPED_KEYS:
            obj.pop(NameObject(key), None)
        # /A is a link's or bookmark's action, /Next the action chained after it; elsewhere
        # /S means other things (a border style, a transparency group), so only these are read.
        for key in ("/A", "/Next"):
            value = obj.get(key)
            target = value.get_object() if value is not None else None
            if isinstance(target, ArrayObject):
                target[:] = [action for action in target if not _is_unsafe_action(action)]
            elif _is_unsafe_action(target):
                del obj[key]
        stack.extend(obj.values())


def _is_unsafe_action(value: PdfObject | None) -> bool:
    action = value.get_object() if value is not None else None
    # A dictionary without /S under /A is something else (a measurement's number format).
    if not (isinstance(action, DictionaryObject) and "/S" in action):
        return False
    # A name (a str to Python), or whatever a malformed file put there.
    kind: object = action["/S"]
    if kind not in SAFE_ACTIONS:
        return True
    # A web link may only go to a web page or an e-mail address, never run a script.
    if kind == "/URI":
        uri = str(action.get("/URI", "")).strip().lower()
        return not uri.startswith(SAFE_URI_SCHEMES)
    return False
