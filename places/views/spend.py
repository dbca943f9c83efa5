"""The place spend map: the summary with its charts, the lines behind every figure, imports from
CSV or Excel with a preview, and the themes and lines kept by the place's partnership leads."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import Count, ProtectedError, Sum
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leanhub import audit, policy
from leanhub.http import (
    AuthenticatedHttpRequest,
    Column,
    download_format,
    download_table,
    paginate,
)
from leanhub.models import Organisation, Place
from leanhub.queries import get_place_for_user
from leanhub.templatetags.leanhub import money, percent_of
from places import forms, spend
from places.models import PendingSpendImport, ServiceTheme, SpendLine, financial_year_label

MAX_UPLOAD_BYTES = 5 * 1024 * 1024

# The file of the lines behind a figure (places:lines?format=csv).
LINE_COLUMNS: tuple[Column, ...] = (
    Column(_("organisation"), ("organisation__name",), typed=True),
    Column(_("theme"), ("theme__name",), typed=True),
    Column(_("year"), ("year",), financial_year_label),
    Column(_("outcome"), ("outcome",), typed=True),
    Column(_("amount"), ("amount",)),
)


def _year_param(request: AuthenticatedHttpRequest) -> int | None:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and len(value) == 4 else None


def _summary(place: Place, year: int | None) -> spend.Summary:
    sums = (
        SpendLine.objects.filter(place=place)
        .values_list("year", "organisation_id", "theme_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    rows = list(sums)
    organisation_ids = {row[1] for row in rows}
    organisations = dict(
        Organisation.objects.filter(pk__in=organisation_ids).values_list("pk", "name")
    )
    themes = dict(ServiceTheme.objects.filter(place=place).values_list("pk", "name"))
    return spend.summarise(
        ((y, o, t, total) for y, o, t, total in rows),
        organisations=organisations,
        themes=themes,
        population=place.population,
        year=year,
    )


def _bars(shares: list[spend.Share]) -> list[dict[str, Any]]:
    """Bar widths in percent of the largest share, for the SVG charts."""
    largest = max((share.amount for share in shares), default=Decimal(0))
    return [
        {
            "name": share.name,
            "amount": share.amount,
            "width": f"{share.amount / largest * 100:.2f}" if largest else "0",
        }
        for share in shares
    ]


@require_GET
@login_required
def spend_map(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    place = get_place_for_user(request.user, slug)
    summary = _summary(place, _year_param(request))
    # The matrix and the overlap view are a few hundred cells: their figures and links are put
    # together here, once, rather than by a template tag per cell.
    lines_url = reverse("places:lines", kwargs={"slug": place.slug}) + f"?year={summary.year}"
    theme_rows = [
        {
            "theme": share,
            "cells": [
                money(cell) if (cell := summary.matrix.get((share.key, agency.key))) else "—"
                for agency in summary.by_agency
            ],
        }
        for share in summary.by_theme
    ]
    overlaps = [
        {
            "theme": overlap.theme,
            "count": len(overlap.agencies),
            "amount": money(overlap.amount),
            "href": f"{lines_url}&theme={overlap.theme_id}",
            "agencies": [
                (
                    agency.name,
                    f"{lines_url}&theme={overlap.theme_id}&organisation={agency.key}",
                    percent_of(agency.amount, overlap.amount),
                )
                for agency in overlap.agencies
            ],
        }
        for overlap in summary.overlaps
    ]
    previous: dict[int, Decimal] = {}
    for before, after in zip(summary.years, summary.years[1:], strict=False):
        previous[after.year] = before.amount
    return render(
        request,
        "places/spend_map.html",
        {
            "place": place,
            "summary": summary,
            "agency_bars": _bars(summary.by_agency),
            "agency_height": 28 * len(summary.by_agency),
            "theme_bars": _bars(summary.by_theme),
            "theme_height": 28 * len(summary.by_theme),
            "year_rows": [
                {
                    "year": row.year,
                    "label": financial_year_label(row.year),
                    "amount": row.amount,
                    "change": row.change,
                    "previous": previous.get(row.year),
                }
                for row in summary.years
            ],
            "year_label": financial_year_label(summary.year) if summary.year else "",
            "year_labels": [(y.year, financial_year_label(y.year)) for y in summary.years],
            "theme_rows": theme_rows,
            "overlaps": overlaps,
            "can_manage": policy.can(request.user, "manage_place_spend", place),
        },
    )


@require_GET
@login_required
def spend_lines(
    request: AuthenticatedHttpRequest, slug: str
) -> HttpResponse | StreamingHttpResponse:
    """The lines behind a figure: filtered by any of organisation, theme and year."""
    place = get_place_for_user(request.user, slug)
    lines = SpendLine.objects.filter(place=place).select_related("organisation", "theme")
    filters: dict[str, Any] = {}
    for name in ("organisation", "theme", "year"):
        value = request.GET.get(name, "")
        if value.isdigit():
            filters[name] = int(value)
            lines = lines.filter(**{name if name == "year" else f"{name}_id": int(value)})
    total = lines.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    fmt = download_format(request)
    if fmt:
        return download_table(fmt, f"{place.slug}-spend-lines", LINE_COLUMNS, lines)
    organisation = (
        Organisation.objects.filter(pk=filters["organisation"]).first()
        if "organisation" in filters
        else None
    )
    theme = (
        ServiceTheme.objects.filter(pk=filters["theme"], place=place).first()
        if "theme" in filters
        else None
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "places/spend_lines.html",
        {
            "place": place,
            "page": paginate(request, lines, per_page=50),
            "total": total,
            "organisation": organisation,
            "theme": theme,
            "year_label": financial_year_label(filters["year"]) if "year" in filters else "",
            "query": query.urlencode(),
            "can_manage": policy.can(request.user, "manage_place_spend", place),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def spend_import(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Step one: upload and check a file. Nothing is saved but the checked rows for the preview."""
    place = get_place_for_user(request.user, slug, action="manage_place_spend")
    form = forms.SpendImportForm(request.POST or None, request.FILES or None)
    errors: list[tuple[int, str]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(MAX_UPLOAD_BYTES + 1)
        name = upload.name or "spend"
        if len(data) > MAX_UPLOAD_BYTES:
            errors = [(0, gettext("The file is larger than 5 MB."))]
        else:
            reader = (
                spend.rows_from_xlsx(data)
                if name.lower().endswith(".xlsx")
                else spend.rows_from_csv(data)
            )
            organisations = {
                spend.name_key(org_name): pk
                for pk, org_name in Organisation.objects.values_list("pk", "name")
            }
            themes = {
                spend.name_key(theme_name): theme_name
                for theme_name in ServiceTheme.objects.filter(place=place).values_list(
                    "name", flat=True
                )
            }
            parsed = spend.parse(reader, organisations=organisations, themes=themes)
            errors = parsed.errors
            if parsed.ok:
                pending = PendingSpendImport.objects.create(
                    place=place,
                    by=request.user,
                    filename=name[:200],
                    rows=[
                        [
                            row.line,
                            row.organisation_id,
                            row.theme,
                            row.year,
                            row.outcome,
                            str(row.amount),
                        ]
                        for row in parsed.rows
                    ],
                    new_themes=parsed.new_themes,
                )
                return redirect("places:spend-import-preview", slug=place.slug, pk=pending.pk)
    return render(
        request,
        "places/spend_import.html",
        {"place": place, "form": form, "errors": errors},
        status=400 if errors or form.errors else 200,
    )


def _pending(request: AuthenticatedHttpRequest, place: Place, pk: int) -> PendingSpendImport:
    return get_object_or_404(PendingSpendImport, pk=pk, place=place, by=request.user)


@require_http_methods(["GET", "POST"])
@login_required
def spend_import_preview(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Step two: see what the file will do, then import it all or cancel."""
    place = get_place_for_user(request.user, slug, action="manage_place_spend")
    pending = _pending(request, place, pk)
    rows: list[list[Any]] = pending.rows
    organisation_names = dict(
        Organisation.objects.filter(pk__in={row[1] for row in rows}).values_list("pk", "name")
    )
    existing = {
        (o, spend.name_key(t), y, spend.name_key(out))
        for o, t, y, out in SpendLine.objects.filter(place=place).values_list(
            "organisation_id", "theme__name", "year", "outcome"
        )
    }
    replaced = sum(
        1
        for row in rows
        if (row[1], spend.name_key(row[2]), row[3], spend.name_key(row[4])) in existing
    )
    if request.method == "POST":
        if request.POST.get("cancel"):
            pending.delete()
            messages.info(request, gettext("The import was cancelled; nothing was saved."))
            return redirect("places:spend-import", slug=place.slug)
        created, updated = _apply(place, pending, request)
        messages.success(
            request,
            gettext("Imported %(file)s: %(created)d new lines, %(updated)d lines replaced.")
            % {"file": pending.filename, "created": created, "updated": updated},
        )
        return redirect("places:spend", slug=place.slug)
    total = sum((Decimal(row[5]) for row in rows), Decimal(0))
    return render(
        request,
        "places/spend_import_preview.html",
        {
            "place": place,
            "pending": pending,
            "rows": [
                {
                    "line": row[0],
                    "organisation": organisation_names.get(row[1], "?"),
                    "theme": row[2],
                    "year": financial_year_label(row[3]),
                    "outcome": row[4],
                    "amount": Decimal(row[5]),
                }
                for row in rows[:200]
            ],
            "row_count": len(rows),
            "total": total,
            "replaced": replaced,
        },
    )


@transaction.atomic
def _apply(
    place: Place, pending: PendingSpendImport, request: AuthenticatedHttpRequest
) -> tuple[int, int]:
    themes = {spend.name_key(t.name): t for t in ServiceTheme.objects.filter(place=place)}
    next_position = max((t.position for t in themes.values()), default=0) + 1
    for theme_name in pending.new_themes:
        if spend.name_key(theme_name) not in themes:
            themes[spend.name_key(theme_name)] = ServiceTheme.objects.create(
                place=place, name=theme_name, position=next_position
            )
            next_position += 1
    created = updated = 0
    for _line, organisation_id, theme_name, year, outcome, amount in pending.rows:
        _, was_created = SpendLine.objects.update_or_create(
            place=place,
            organisation_id=organisation_id,
            theme=themes[spend.name_key(theme_name)],
            year=year,
            outcome=outcome,
            defaults={"amount": Decimal(amount)},
        )
        created += was_created
        updated += not was_created
    audit.record(
        request.user,
        "place.spend_imported",
        place,
        {"file": pending.filename, "created": created, "updated": updated},
    )
    pending.delete()
    return created, updated


@require_http_methods(["GET", "POST"])
@login_required
def themes(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    place = get_place_for_user(request.user, slug, action="manage_place_spend")
    form = forms.ThemeForm(request.POST or None, place=place)
    if request.method == "POST" and form.is_valid():
        theme = form.save()
        audit.record(request.user, "place.theme_added", place, {"theme": theme.name})
        messages.success(request, gettext("Theme “%(name)s” added.") % {"name": theme.name})
        return redirect("places:themes", slug=place.slug)
    rows = ServiceTheme.objects.filter(place=place).annotate(line_count=Count("lines"))
    return render(
        request,
        "places/themes.html",
        {"place": place, "form": form, "themes": rows},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def theme_delete(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    place = get_place_for_user(request.user, slug, action="manage_place_spend")
    theme = get_object_or_404(ServiceTheme, pk=pk, place=place)
    try:
        theme.delete()
    except ProtectedError:
        messages.error(
            request,
            gettext("“%(name)s” still has spend lines; move or delete them first.")
            % {"name": theme.name},
        )
    else:
        audit.record(request.user, "place.theme_deleted", place, {"theme": theme.name})
        messages.success(request, gettext("Theme “%(name)s” deleted.") % {"name": theme.name})
    return redirect("places:themes", slug=place.slug)


@require_http_methods(["GET", "POST"])
@login_required
def line_edit(request: AuthenticatedHttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    place = get_place_for_user(request.user, slug, action="manage_place_spend")
    line = get_object_or_404(SpendLine, pk=pk, place=place) if pk is not None else None
    if request.method == "POST" and line is not None and request.POST.get("delete"):
        audit.record(request.user, "place.spend_line_deleted", place, {"line": str(line)})
        line.delete()
        messages.success(request, gettext("The spend line was deleted."))
        return redirect("places:lines", slug=place.slug)
    form = forms.SpendLineForm(request.POST or None, instance=line, place=place)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                saved = form.save()
        except IntegrityError:
            form.add_error(
                None,
                gettext("There is already a line for this organisation, theme, year and outcome."),
            )
        else:
            audit.record(
                request.user,
                "place.spend_line_saved",
                place,
                {"line": str(saved), "amount": str(saved.amount)},
            )
            messages.success(request, gettext("Spend line saved."))
            return redirect(
                reverse("places:lines", kwargs={"slug": place.slug}) + f"?year={saved.year}"
            )
    return render(
        request,
        "places/line_form.html",
        {"place": place, "form": form, "line": line},
        status=400 if form.errors else 200,
    )
