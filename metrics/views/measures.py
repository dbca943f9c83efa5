"""Measures: the list, a new measure, its SPC chart (recording and marking changes on it), CSV
imports of figures; and the before/after outcome of an idea or a kaizen card on a measure."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ideas.models import Idea
from kaizen import queries as kaizen_queries
from kaizen.models import Card
from leanhub import policy
from leanhub.http import AuthenticatedHttpRequest, csv_response, paginate
from leanhub.models import Team
from metrics import actions, chart, csvimport, forms, queries, spc
from metrics.models import Measure, Observation


@require_GET
@login_required
def measure_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    measures = (
        Measure.objects.visible_to(request.user)
        .select_related("team__site", "site", "organisation", "place")
        .annotate(points=Count("observations"))
        .order_by("name", "pk")
    )
    template = (
        "metrics/measure_list.html#measure-table" if request.htmx else "metrics/measure_list.html"
    )
    scopes = [] if request.htmx else queries.measure_scopes_for(request.user)
    return render(request, template, {"page": paginate(request, measures), "scopes": scopes})


@require_http_methods(["GET", "POST"])
@login_required
def measure_new(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponse:
    scope_object = queries.get_measure_scope_for_user(request.user, kind, pk)
    form = forms.MeasureForm(
        request.POST or None, siblings=Measure.objects.filter(**{kind: scope_object})
    )
    if request.method == "POST" and form.is_valid():
        measure = actions.create_measure(scope_object, fields=form.cleaned_data, by=request.user)
        messages.success(request, _("Measure “%(name)s” added.") % {"name": measure.name})
        return redirect(measure)
    context = {
        "form": form,
        "kind": kind,
        "scope_object": scope_object,
        "label": queries.scope_label(kind, scope_object),
    }
    return render(request, "metrics/measure_form.html", context)


def _chart_context(measure: Measure) -> dict:
    """The measure's SPC reading, its chart and its table of points with their marks."""
    observations = list(measure.observations.order_by("date"))
    annotations = list(measure.annotations.select_related("idea"))
    result = measure.analyse(
        [(o.date, o.value) for o in observations],
        rebase_at=[a.date for a in annotations if a.rebase],
    )
    return {
        "result": result,
        "geometry": chart.geometry(result, annotations=[(a.date, a.label) for a in annotations]),
        "rows": list(zip(observations, result.points, strict=True)),
        "annotations": annotations,
        "variation_label": spc.VARIATION_LABELS.get(result.variation or "", ""),
        "assurance_label": spc.ASSURANCE_LABELS.get(result.assurance or "", ""),
    }


@require_http_methods(["GET", "POST"])
@login_required
def measure_detail(
    request: AuthenticatedHttpRequest, pk: int
) -> HttpResponse | StreamingHttpResponse:
    """The chart (``?format=csv``: its figures); a POST records one figure."""
    measure = queries.get_measure_for_user(request.user, pk)
    form = forms.ObservationForm(request.POST or None, measure=measure)
    if request.method == "POST":
        policy.require(request.user, "edit_measure", measure, reason=_("Only its leads record it."))
        if form.is_valid():
            data = form.cleaned_data
            actions.record_observation(
                measure, on=data["date"], value=data["value"], note=data["note"], by=request.user
            )
            messages.success(request, _("Recorded."))
            return redirect(measure)
    if request.GET.get("format") == "csv":
        return csv_response(
            f"measure-{measure.pk}.csv",
            [_("date"), _("value"), _("note")],
            measure.observations.order_by("date").values_list("date", "value", "note").iterator(),
        )
    context = {
        "measure": measure,
        "form": form,
        "annotation_form": forms.AnnotationForm(measure=measure, user=request.user),
        "can_edit": policy.can(request.user, "edit_measure", measure),
        **_chart_context(measure),
    }
    template = (
        "metrics/measure_detail.html#spc-chart" if request.htmx else "metrics/measure_detail.html"
    )
    return render(request, template, context)


@require_POST
@login_required
def measure_annotate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    measure = queries.get_measure_for_user(request.user, pk, action="edit_measure")
    form = forms.AnnotationForm(request.POST, measure=measure, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        actions.annotate_measure(
            measure,
            on=data["date"],
            label=data["label"],
            rebase=data["rebase"],
            idea=data["idea"],
            by=request.user,
        )
        messages.success(request, _("Change marked on the chart."))
        return redirect(measure)
    context = {
        "measure": measure,
        "form": forms.ObservationForm(measure=measure),
        "annotation_form": form,
        "can_edit": True,
        **_chart_context(measure),
    }
    return render(request, "metrics/measure_detail.html", context, status=400)


@require_http_methods(["GET", "POST"])
@login_required
def import_observations(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponse:
    """All-or-nothing CSV import into the measures of one team, site, organisation or place,
    with a per-row error report. A row naming a measure outside that scope is an error."""
    scope_object = queries.get_measure_scope_for_user(request.user, kind, pk)
    measures = list(
        Measure.objects.filter(**{kind: scope_object}).select_related(
            "team__site", "site", "organisation", "place"
        )
    )
    posted = request.method == "POST"
    # Bound on every POST, so a post without a file is told so rather than shown a blank form.
    form = forms.ImportForm(request.POST, request.FILES) if posted else forms.ImportForm()
    errors: list = []
    if posted and form.is_valid():
        existing = set(
            Observation.objects.filter(measure__in=measures).values_list("measure_id", "date")
        )
        parsed = csvimport.parse(
            form.cleaned_data["file"],
            measures=[(m.name, m.pk) for m in measures],
            existing=existing,
        )
        if parsed.ok:
            n = actions.import_observations(parsed.rows, measures=measures, by=request.user)
            messages.success(request, _("Imported %(n)s observations.") % {"n": n})
            return redirect("metrics:measures")
        errors = parsed.errors
    context = {
        "form": form,
        "kind": kind,
        "scope_object": scope_object,
        "label": queries.scope_label(kind, scope_object),
        "measures": measures,
        "errors": errors,
    }
    # A refused file (too big, not UTF-8) is as much a bad request as a refused row.
    refused = bool(errors) or (posted and not form.is_valid())
    return render(request, "metrics/import.html", context, status=400 if refused else 200)


# --- Outcomes: an improvement's before and after on a measure --------------------------------


def _record_outcome(
    request: AuthenticatedHttpRequest, improvement: Idea | Card, teams: list[Team], *, done_url: str
) -> HttpResponse:
    form = forms.OutcomeForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        measure, team = data.pop("measure"), data.pop("team")
        actions.record_outcome(
            improvement, team=team, measure=measure, periods=data, by=request.user
        )
        messages.success(request, _("Outcome recorded."))
        return redirect(done_url)
    return render(request, "metrics/outcome_form.html", {"form": form, "improvement": improvement})


@require_http_methods(["GET", "POST"])
@login_required
def outcome_new(request: AuthenticatedHttpRequest, idea_id: int) -> HttpResponse:
    idea = policy.get_for_user(
        request.user, Idea.objects.select_related("team__site"), action="view_idea", pk=idea_id
    )
    policy.require(request.user, "claim_saving", idea.team, reason=_("Only the team's leads can."))
    # Leads come here from the team dashboard's list of ideas awaiting their outcome.
    done_url = reverse("metrics:dashboard-scope", args=["team", idea.team_id])
    return _record_outcome(request, idea, [idea.team], done_url=done_url)


@require_http_methods(["GET", "POST"])
@login_required
def outcome_new_for_card(request: AuthenticatedHttpRequest, card_id: int) -> HttpResponse:
    """The outcome of a kaizen card, for the leads of its board's team (or of a joint board's
    member teams, who say whose outcome it is)."""
    card = kaizen_queries.get_card_for_user(request.user, card_id)
    teams = kaizen_queries.teams_claiming_for(card, request.user)
    if not teams:
        raise PermissionDenied(_("Only the leads of the card's team can record its outcome."))
    return _record_outcome(request, card, teams, done_url=card.get_absolute_url())
