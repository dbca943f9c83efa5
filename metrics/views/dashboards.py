"""Dashboards for a team, site, organisation, place or everything; the savings tile a live
dashboard refetches; the rows behind each figure, as a page or a CSV file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from leanhub import policy
from leanhub.http import AuthenticatedHttpRequest, download_format, download_table, paginate
from leanhub.models import Team
from metrics import drills, forms, queries


def _period(request: HttpRequest) -> tuple[forms.PeriodForm, queries.Period]:
    """The period asked for (the last year unless the form names another), and its form."""
    form = forms.PeriodForm(request.GET or None)
    period = queries.default_period()
    if form.is_bound and form.is_valid():
        period = queries.Period(
            form.cleaned_data.get("start") or period.start,
            form.cleaned_data.get("end") or period.end,
        )
    return form, period


def _id_links(viewname: str) -> Callable[[int], str]:
    """``reverse(viewname, args=[pk])`` for any pk, reversed once: the id is the address's one
    argument, which an int converter writes as its digits."""
    marker = 2_147_483_647
    head, tail = reverse(viewname, args=[marker]).split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


@dataclass(frozen=True)
class AwaitingIdea:
    """An implemented idea awaiting its outcome, as a team's dashboard lists it."""

    pk: int
    title: str
    url: str
    outcome_url: str  # where its outcome is recorded


def _awaiting(team: Team) -> list[AwaitingIdea]:
    """The team's ideas awaiting their outcome (:func:`queries.awaiting_outcome`) with their
    two links, each address reversed once for the list."""
    idea_url, outcome_url = _id_links("ideas:detail"), _id_links("metrics:outcome-new")
    return [
        AwaitingIdea(pk, title, idea_url(pk), outcome_url(pk))
        for pk, title in queries.awaiting_outcome(team).values_list("pk", "title")
    ]


@require_GET
@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Send each person to the dashboard of their own scope."""
    home = queries.home_scope(request.user)
    if home is None:
        raise Http404("You have no dashboard yet")
    return redirect("metrics:dashboard-scope", kind=home[0], pk=home[1])


@require_GET
@login_required
def dashboard_scope(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponse:
    scope = queries.get_scope_for_user(request.user, kind, pk)
    form, period = _period(request)
    printing = bool(request.GET.get("print"))
    context = {
        # The page loads its survey charts on their own (survey_charts); a printed report
        # has them inline.
        **queries.dashboard(
            scope, period, request.user, charts=queries.SURVEY_CHARTS if printing else 0
        ),
        "lazy_charts": not printing,
        "form": form,
        "query": request.GET.urlencode(),
    }
    if isinstance(scope.obj, Team) and policy.can(request.user, "claim_saving", scope.obj):
        context["awaiting_outcome"] = _awaiting(scope.obj)
    template = "metrics/dashboard.html"
    if printing:
        template = "metrics/report.html"
    elif request.htmx:
        template = "metrics/dashboard.html#dashboard-body"
    return render(request, template, context)


@require_GET
@login_required
def savings_tile(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponse:
    """The dashboard's savings tile alone, for the period asked for: what an open dashboard
    refetches when it hears that a saving changed. Same permission as the dashboard."""
    scope = queries.get_scope_for_user(request.user, kind, pk)
    _form, period = _period(request)
    context = {"scope": scope, "period": period, "savings": queries.saving_figures(scope, period)}
    return render(request, "metrics/_savings_tile.html", context)


@require_GET
@login_required
def survey_charts(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponse:
    """The dashboard's survey charts for the period asked for, which its page loads once shown
    (or a page of their own, without scripts). Same permission as the dashboard."""
    scope = queries.get_scope_for_user(request.user, kind, pk)
    _form, period = _period(request)
    context = {
        "scope": scope,
        "period": period,
        "satisfaction": queries.survey_charts(scope, period),
    }
    template = "metrics/_survey_charts.html" if request.htmx else "metrics/survey_charts.html"
    return render(request, template, context)


@require_GET
@login_required
def rows(
    request: AuthenticatedHttpRequest, kind: str, pk: int, what: str
) -> HttpResponse | StreamingHttpResponse:
    """The rows behind a dashboard figure (declared in :mod:`metrics.drills`) that the person
    may open, as a page or a CSV or XLSX file; the page says how many more the figure counts."""
    drill = drills.get(what)
    scope = queries.get_scope_for_user(request.user, kind, pk)
    drill.require(request.user, scope)
    form, period = _period(request)
    listing = drill.rows_for(scope, period, request.user, request.GET)
    fmt = download_format(request)
    if fmt:
        stem = f"{scope.kind}-{scope.pk}-{what}"
        return download_table(fmt, stem, drill.columns, listing.rows)
    template = "metrics/rows.html#rows-table" if request.htmx else "metrics/rows.html"
    context = {
        "scope": scope,
        "what": what,
        "title": drill.title,
        "table": drill.table.name,
        "header": drill.header,
        "page": paginate(request, drill.on_page(listing.rows), per_page=drill.per_page),
        # Counted only when the page shows the note (not for the table alone, nor the file).
        "unshared": listing.unshared_count,
        "form": form,
        "query": request.GET.urlencode(),
    }
    return render(request, template, context)
