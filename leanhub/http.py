"""HTTP helpers shared by every app: typed requests, security headers, pagination, protected file
responses, CSV and XLSX downloads, the client's address behind trusted proxies."""

from __future__ import annotations

import csv
import functools
import io
import ipaddress
import itertools
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.translation import gettext
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    # Only for annotations: this module imports no models, so any module may import it.
    from django.db.models.expressions import Combinable
    from django_stubs_ext import StrOrPromise

    from leanhub.models import User


class HtmxHttpRequest(HttpRequest):
    """A request as views see it: ``HtmxMiddleware`` has added ``request.htmx``.

    For annotations only; Django never builds one (see the django-htmx documentation)."""

    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """The request of a view behind ``@login_required``: ``request.user`` is a signed-in
    :class:`~leanhub.models.User`, never an ``AnonymousUser``. For annotations only."""

    user: User


# Only our own scripts, styles and images; websockets back to the same host.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(self), geolocation=(), microphone=()"
        )
        return response


T = TypeVar("T")

# How long a browser or a shared cache may keep a public page before asking again.
PUBLIC_MAX_AGE = 300


def public_language(request: HttpRequest) -> str:
    """The language of a public page: ``?lang=`` if LeanHub speaks it, else the browser's
    Accept-Language, else the site's. Never a cookie or an account's choice, so a page is the
    same for everyone who asks for it in the same way (and a shared cache may keep it)."""
    from django.utils.translation.trans_real import parse_accept_lang_header

    offered = {code for code, _name in settings.LANGUAGES}
    asked = request.GET.get("lang", "")
    if asked in offered:
        return asked
    for code, _q in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def public_page(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """A page for anyone, signed in or not, that shared caches may keep: rendered in
    :func:`public_language`, marked ``Cache-Control: public``, varying by Accept-Language only,
    with an ETag (a repeated request with If-None-Match gets 304 Not Modified).

    The view must render without the request (no context processors, no CSRF token, nothing
    of the person): the page must not differ between visitors. Middleware reads the session
    to find a signed-in person's language; the page does not depend on it, so that read does
    not make it vary by cookie."""
    from django.utils.cache import (
        get_conditional_response,
        patch_cache_control,
        patch_vary_headers,
        set_response_etag,
    )

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = public_language(request)
        with translation.override(language):
            response = view(request, *args, **kwargs)
        session = getattr(request, "session", None)
        if session is not None and not session.modified:
            session.accessed = False
        patch_vary_headers(response, ("Accept-Language",))
        response["Content-Language"] = language
        if response.status_code != 200:
            return response
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        set_response_etag(response)
        conditional = get_conditional_response(request, etag=response["ETag"], response=response)
        return conditional or response

    return wrapped


logger = logging.getLogger(__name__)


def paginate(
    request: HttpRequest, queryset: QuerySet[Any, T] | Sequence[T], *, per_page: int = 25
) -> Page[T]:
    """The page of ``queryset`` (or a list) that ``?page=`` asks for: the first page for a missing
    or malformed number, the last for one past the end."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


# An id no row has, standing for each argument while a URL is reversed once for many rows.
_ARGUMENT_MARK = 918_273_645_546_372_819


def url_maker(viewname: str, *, arguments: int = 1) -> Callable[..., str]:
    """``reverse(viewname, args=[...])`` for many rows, reversed once: the URL is reversed with a
    mark for each (integer) argument, and each row's URL is the pieces between the marks joined
    by its own ids. A page of 300 cards would otherwise walk the URL resolver 300 times a link."""
    pieces = reverse(viewname, args=[_ARGUMENT_MARK] * arguments).split(str(_ARGUMENT_MARK))
    if len(pieces) != arguments + 1:  # the mark is part of the pattern itself: reverse each time
        return lambda *args: reverse(viewname, args=args)
    head, *rest = pieces
    if arguments == 1:
        tail = rest[0]
        return lambda arg: f"{head}{int(arg)}{tail}"

    def make(*args: int) -> str:
        return head + "".join(f"{int(arg)}{piece}" for arg, piece in zip(args, rest, strict=True))

    return make


# The URLs of names without arguments, reversed once: {(resolver, script prefix, language): {name: URL}}.
_FIXED_URLS: dict[tuple[object, str, str | None], dict[str, str]] = {}


def fixed_url(viewname: str) -> str:
    """``reverse(viewname)`` of a URL name that takes no arguments, reversed once per URLconf,
    script prefix and language: every page's header and footer link to the same dozen of them.
    A changed URLconf (or cleared URL caches) is a new resolver, so nothing reversed against
    the old one is used again."""
    key = (get_resolver(get_urlconf()), get_script_prefix(), translation.get_language())
    urls = _FIXED_URLS.get(key)
    if urls is None:
        if len(_FIXED_URLS) >= 32:  # URLconfs and prefixes swapped by tests: keep it small
            _FIXED_URLS.clear()
        urls = _FIXED_URLS[key] = {}
    url = urls.get(viewname)
    if url is None:
        url = urls[viewname] = reverse(viewname)
    return url


def protected_file(
    name: str, *, content_type: str, filename: str | None = None
) -> FileResponse | HttpResponse:
    """Stream the upload kept under ``name`` in the upload storage (a local folder or an object
    store, see :mod:`leanhub.storage`) with the content type it was verified as. Callers check
    policy. 404 when there is no such file; 503 with a plain reason when the store cannot be
    reached, never a server error."""
    try:
        file = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404("File not found") from None
    except Exception:
        logger.exception("The upload storage could not open %s", name)
        return HttpResponse(
            gettext("This file cannot be fetched just now. Please try again in a few minutes."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = FileResponse(file, content_type=content_type)
    if filename:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csv_safe(cell: object) -> object:
    """A text cell starting with = + - or @ quoted, so a spreadsheet shows it rather than runs it
    as a formula; any other cell as it is."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@"):
        return "'" + cell
    return cell


# Rows written to a CSV download between two chunks sent: big enough that writing is cheap per
# row, small enough that memory stays flat however many rows there are.
CSV_CHUNK_ROWS = 1000


def csv_chunks(
    header: Iterable[object],
    rows: Iterable[Iterable[object]],
    *,
    free_text: Sequence[int] | None = None,
    chunk_rows: int = CSV_CHUNK_ROWS,
) -> Iterator[str]:
    """A CSV file as text chunks of ``chunk_rows`` rows each, built as they are sent.

    The rows are read (and their cells worded) in the language active now, the request's,
    even though a streamed response is read after the view has returned. Every cell passes
    :func:`csv_safe`, or with ``free_text`` only the cells of the columns it numbers."""
    language = translation.get_language()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(cell) for cell in header])
    iterator = iter(rows)

    def safe(row: Iterable[object]) -> list[object]:
        return [csv_safe(cell) for cell in row]

    def safe_columns(row: Iterable[object]) -> list[object]:
        cells = list(row)
        for column in free_text or ():
            cells[column] = csv_safe(cells[column])
        return cells

    make_safe = safe if free_text is None else safe_columns

    def chunks() -> Iterator[str]:
        while True:
            with translation.override(language):
                batch = list(itertools.islice(iterator, chunk_rows))
                writer.writerows(make_safe(row) for row in batch)
            text = buffer.getvalue()
            if text:
                yield text
            buffer.seek(0)
            buffer.truncate()
            if len(batch) < chunk_rows:
                return

    return chunks()


# The kinds of file a table downloads as: ``?format=csv`` or ``?format=xlsx`` on its page.
DOWNLOAD_FORMATS = ("csv", "xlsx")


def download_format(request: HttpRequest, *, default: str | None = None) -> str | None:
    """The kind of file the request asks for (``?format=``): one of :data:`DOWNLOAD_FORMATS`,
    else ``default`` (None: the page itself)."""
    asked = request.GET.get("format", "")
    return asked if asked in DOWNLOAD_FORMATS else default


def download_response(
    fmt: str,
    stem: str,
    header: Iterable[object],
    rows: Iterable[Iterable[object]],
    *,
    free_text: Sequence[int] | None = None,
) -> StreamingHttpResponse:
    """A table's download as ``stem``.csv or ``stem``.xlsx: ``header``, then each of ``rows``.

    The one way every download is made, so each CSV file has its XLSX twin with the same
    cells (:mod:`leanhub.spreadsheets`). In CSV every cell passes :func:`csv_safe`, or only
    those of the columns numbered in ``free_text`` (the ones holding what people typed, when
    the others cannot start with a formula's sign); in XLSX text is never a formula.
    Streamed a thousand rows at a time, so memory stays flat: pass the rows lazily (a
    generator over ``queryset.iterator()``), not as a list."""
    from leanhub import spreadsheets  # openpyxl is loaded by the first workbook asked for

    if fmt == "xlsx":
        response = StreamingHttpResponse(
            spreadsheets.xlsx_chunks(header, rows, title=stem),
            content_type=spreadsheets.XLSX_CONTENT_TYPE,
        )
    else:
        response = StreamingHttpResponse(
            csv_chunks(header, rows, free_text=free_text), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


# The cell of a download's column, made of the values the column reads from one row.
Cell = Callable[..., object]


@dataclass(frozen=True)
class Column:
    """A column of a downloaded table, declared once for its CSV and XLSX files: its ``header``,
    the values it ``reads`` from a row, and the ``cell`` it makes of them.

    ``reads`` are ORM paths (``"team__name"``), or expressions the database computes (such as
    the day of a moment, cheaper read as a date than as a moment); ``cell`` takes their values
    in that order, and None means the one value read, as it is. A column in our own words (a
    choice's label, a unit) gives ``worded`` instead: called in the language the file is
    written in, it returns the ``cell`` (so each word is translated once, not once a row). A
    column naming what is cheaper to look up for a batch of rows than to join to every row
    gives ``looked_up``: called for each batch (in the file's language) with the values the
    column reads from each of its rows, as tuples, it returns the ``cell`` for that batch.
    ``typed``: the column can hold what people typed, so a CSV cell of it that starts like a
    formula is quoted (:func:`csv_safe`); numbers, dates and our own words need no check.

    Rows are read as tuples of the values the columns need (:func:`table_rows`), not as model
    instances: building a model for each row costs more than the rest of a downloaded row."""

    header: StrOrPromise
    reads: tuple[str | Combinable, ...]
    cell: Cell | None = None
    worded: Callable[[], Cell] | None = None
    looked_up: Callable[[list[tuple[Any, ...]]], Cell] | None = None
    typed: bool = False

    def cells(
        self, batch: list[Sequence[Any]], position: Mapping[str | Combinable, int]
    ) -> Iterable[object]:
        """This column's cells of a batch of rows read as tuples, ``position`` saying where each
        value is in them; made in the active language. A column at a time, with ``map``: a
        cell a row costs one call of ``cell`` (none for a value as it is)."""
        at = [position[read] for read in self.reads]
        if self.looked_up is not None:
            values = [tuple(row[i] for i in at) for row in batch]
            return itertools.starmap(self.looked_up(values), values)
        cell = self.worded() if self.worded is not None else self.cell
        if len(at) == 1:
            value = itemgetter(at[0])
            return map(value, batch) if cell is None else map(cell, map(value, batch))
        if cell is None:
            raise TypeError(f"The column {self.header!s} reads {len(at)} values: give it a cell")
        return itertools.starmap(cell, map(itemgetter(*at), batch))


# Rows read from the database at once while a table downloads: a server-side cursor's batch.
TABLE_CHUNK_ROWS = 2000


def _read(row: Any, path: str | Combinable) -> object:
    """The value at ``path`` of a row that is not read from a queryset: a dict's key, or the
    attributes of an object (``"organisation__name"``: ``row.organisation.name``)."""
    if not isinstance(path, str):
        raise TypeError("Only a queryset's rows can be read through an expression")
    if isinstance(row, Mapping):
        return row[path]
    for name in path.split("__"):
        row = getattr(row, name)
    return row


def table_rows(
    columns: Sequence[Column], rows: QuerySet[Any] | Iterable[Any]
) -> Iterator[tuple[object, ...]]:
    """Each of ``rows`` as the cells of ``columns``. A queryset is read as tuples of only the
    values the columns read, a few thousand rows at a time (its own filters, annotations and
    order kept), so memory stays flat; other rows (dicts, objects) are read path by path.
    Cells are made in the language active as each batch is read."""
    position: dict[str | Combinable, int] = {}
    for column in columns:
        for path in column.reads:
            position.setdefault(path, len(position))
    reads = list(position)
    values: Iterator[Sequence[Any]]
    if isinstance(rows, QuerySet):
        values = rows.values_list(*reads).iterator(chunk_size=TABLE_CHUNK_ROWS)
    else:
        values = (tuple(_read(row, path) for path in reads) for row in rows)
    while True:
        batch = list(itertools.islice(values, TABLE_CHUNK_ROWS))
        yield from zip(*(column.cells(batch, position) for column in columns), strict=True)
        if len(batch) < TABLE_CHUNK_ROWS:
            return


def download_table(
    fmt: str, stem: str, columns: Sequence[Column], rows: QuerySet[Any] | Iterable[Any]
) -> StreamingHttpResponse:
    """:func:`download_response` of a table declared as ``columns``: its header, each of
    ``rows`` as :func:`table_rows` reads it, the typed columns checked in CSV."""
    return download_response(
        fmt,
        stem,
        [column.header for column in columns],
        table_rows(columns, rows),
        free_text=[i for i, column in enumerate(columns) if column.typed],
    )


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _trusted_networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from None


def _ip(text: str) -> IPAddress | None:
    """``text`` as an address, also in the ``1.2.3.4:port`` and ``[::1]:port`` forms some
    proxies write; None when it is none of these."""
    text = text.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def from_trusted_proxy(request: HttpRequest) -> bool:
    """Whether ``request`` reached us from one of ``settings.TRUSTED_PROXIES``, so that the
    X-Forwarded-* headers on it were written by our own proxy."""
    peer_ip = _ip(request.META.get("REMOTE_ADDR") or "")
    networks = _trusted_networks(tuple(settings.TRUSTED_PROXIES))
    return peer_ip is not None and any(peer_ip in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent ``request``: ``REMOTE_ADDR``, unless that peer is one
    of ``settings.TRUSTED_PROXIES``. Then ``X-Forwarded-For`` is read from right to left,
    skipping trusted proxies, and the first address that is not one is the client's: only the
    entries our own proxies appended are believed, so a client cannot choose its address by
    sending the header itself. An empty string when there is no address at all.
    """
    peer = request.META.get("REMOTE_ADDR") or ""
    networks = _trusted_networks(tuple(settings.TRUSTED_PROXIES))
    peer_ip = _ip(peer)
    if peer_ip is None or not any(peer_ip in network for network in networks):
        return peer
    address = str(peer_ip)
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        hop_ip = _ip(hop)
        if hop_ip is None:
            # Not an address a proxy of ours would write: stop at the last one we can vouch for.
            break
        address = str(hop_ip)
        if not any(hop_ip in network for network in networks):
            break
    return address
