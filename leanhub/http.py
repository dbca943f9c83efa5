"""HTTP helpers shared by every app: typed requests, security headers, pagination, protected file
responses, CSV downloads."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    # Only for annotations: this module imports no models, so any module may import it.
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


def paginate(
    request: HttpRequest, queryset: QuerySet[Any, T] | Sequence[T], *, per_page: int = 25
) -> Page[T]:
    """The page of ``queryset`` (or a list) that ``?page=`` asks for: the first page for a missing
    or malformed number, the last for one past the end."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def protected_file(path: Path, *, content_type: str, filename: str | None = None) -> FileResponse:
    """Stream a stored upload with the content type it was verified as. Callers check policy."""
    if not path.is_file():
        raise Http404("File not found")
    response = FileResponse(path.open("rb"), content_type=content_type)
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


def csv_response(
    filename: str, header: Iterable[object], rows: Iterable[Iterable[object]]
) -> HttpResponse:
    """A CSV download: ``header``, then each of ``rows`` with every cell :func:`csv_safe`."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return response
