"""The one flow of every spreadsheet import (a team's ideas, a board's cards): upload a CSV or
XLSX file → a preview listing every row it will create and every problem (row, column,
message) → confirm → all of it created in one transaction, or nothing.

Between the preview and the confirmation the checked file's cells travel signed in the form
(:func:`leanhub.spreadsheets.sign_table`: for this person and this import, for an hour), and
are checked again on confirmation, so a row that became wrong meanwhile (a column of the board
removed) refuses the whole import with its reason. The page documents the columns and offers a
template file (``?template=csv`` or ``xlsx``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from leanhub import spreadsheets as sheets
from leanhub.http import AuthenticatedHttpRequest, download_response

LIMITS = sheets.Limits()


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


def import_page(
    request: AuthenticatedHttpRequest,
    *,
    purpose: str,
    columns: Sequence[sheets.Column],
    check: Callable[[list[list[str]]], sheets.Checked],
    create: Callable[[sheets.Checked, str], int],
    template_stem: str,
    done_url: str,
    context: dict[str, Any],
) -> HttpResponse | StreamingHttpResponse:
    """The import page at every step. ``check`` checks a file's cells (its header first);
    ``create`` makes what the checked rows say through the app's action, all or none, and
    returns how many it made (or raises ``ValidationError``/``PermissionDenied`` with a reason)."""
    fmt = request.GET.get("template", "")
    if request.method == "GET" and fmt in ("csv", "xlsx"):
        return download_response(
            fmt, template_stem, [c.name for c in columns], [[c.example for c in columns]]
        )
    form = UploadForm()
    page: dict[str, Any] = {
        **context,
        "columns": columns,
        "limits": LIMITS,
        "max_mb": f"{LIMITS.max_bytes / 1024 / 1024:g}",
        "form": form,
    }
    if request.method == "POST" and "preview" in request.POST:
        try:
            table = sheets.unsign_table(
                request.POST["preview"], purpose=purpose, user_id=request.user.pk
            )
        except sheets.SpreadsheetError as error:
            messages.error(request, str(error))
            return render(request, "leanhub/import.html", page, status=400)
        filename = request.POST.get("filename", "")[:200]
        checked = check(table)
        if checked.ok:
            try:
                count = create(checked, filename)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            else:
                messages.success(
                    request,
                    ngettext("%(count)s row imported.", "%(count)s rows imported.", count)
                    % {"count": count},
                )
                return redirect(done_url)
        else:
            messages.error(
                request,
                gettext(
                    "Something changed since the preview, so nothing was imported: the rows "
                    "below say what. Correct the file and send it again."
                ),
            )
        page.update(checked=checked, filename=filename)
        return render(request, "leanhub/import.html", page, status=400)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        page["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > LIMITS.max_bytes:
                    raise sheets.SpreadsheetError(
                        gettext("The file is %(size)s MB; at most %(max)s MB can be imported.")
                        % {"size": f"{upload.size / 1024 / 1024:.1f}", "max": page["max_mb"]}
                    )
                table = sheets.read_table(upload.read(), upload.name or "", limits=LIMITS)
            except sheets.SpreadsheetError as error:
                form.add_error("file", str(error))
            else:
                checked = check(table)
                page.update(checked=checked, filename=upload.name)
                page["rows"] = [
                    (number, [_shown(values.get(c.name)) for c in columns])
                    for number, values in checked.rows
                ]
                if checked.ok:
                    page["preview"] = sheets.sign_table(
                        table, purpose=purpose, user_id=request.user.pk
                    )
                return render(request, "leanhub/import.html", page)
        return render(request, "leanhub/import.html", page, status=400)
    return render(request, "leanhub/import.html", page)


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)
