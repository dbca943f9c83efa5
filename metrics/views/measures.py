"""Measures: the list, a new measure, its SPC chart (recording and marking changes on it), CSV
imports of figures; and the before/after outcome of an idea or a kaizen card on a measure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ideas.models import Idea
from kaizen import queries as kaizen_queries
from kaizen.models import Card
from leanhub import policy
from leanhub.http import (
    AuthenticatedHttpRequest,
    download_format,
    download_response,
    paginate,
    url_maker,
)
from leanhub.models import Organisation, Place, Site, Team
from leanhub.spreadsheets import Rounded
from metrics import actions, chart, csvimport, forms, queries, readings, spc
from metrics.models import Measure, MeasureTarget, Observation, OrganisationSPC
from metrics.readings import Figure


@require_GET
@login_required
def measure_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A page of measures, then the points of only those on it (one grouped query on the
    observations' measure index): the queries do not grow with the observations."""
    measures = (
        Measure.objects.visible_to(request.user)
        .select_related("team__site", "site__organisation", "organisation", "place")
        .order_by("name", "pk")
    )
    page = paginate(request, measures)
    shown = list(page.object_list)
    counts = dict(
        Observation.objects.filter(measure__in=[m.pk for m in shown])
        .order_by()
        .values_list("measure")
        .annotate(n=Count("pk"))
        .values_list("measure", "n")
    )
    for m in shown:
        m.points = counts.get(m.pk, 0)  # type: ignore[attr-defined]
    template = (
        "metrics/measure_list.html#measure-table" if request.htmx else "metrics/measure_list.html"
    )
    scopes = [] if request.htmx else queries.measure_scopes_for(request.user)
    # Organisations whose default SPC rules the user chooses (their managers, administrators).
    organisations = (
        []
        if request.htmx
        else [
            o
            for o in Organisation.objects.order_by("name")
            if policy.can(request.user, "manage_organisation_spc", o)
        ]
    )
    context = {"page": page, "scopes": scopes, "organisations": organisations}
    return render(request, template, context)


def _organisation_of(scope_object: Team | Site | Organisation | Place) -> int | None:
    if isinstance(scope_object, Team):
        return scope_object.site.organisation_id
    if isinstance(scope_object, Site):
        return scope_object.organisation_id
    if isinstance(scope_object, Organisation):
        return scope_object.pk
    return None  # a place spans organisations: NHS England's rules


@require_http_methods(["GET", "POST"])
@login_required
def measure_new(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponse:
    scope_object = queries.get_measure_scope_for_user(request.user, kind, pk)
    form = forms.MeasureForm(
        request.POST or None,
        siblings=Measure.objects.filter(**{kind: scope_object}),
        default_rules=OrganisationSPC.default_for(_organisation_of(scope_object)),
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


# Rows of the data table per page: the chart shows every point, the table a page of them.
TABLE_ROWS = 50


def _rows(reading: readings.Reading, aligned: Sequence[tuple[Figure, spc.Point]]) -> list[Row]:
    """The data table's rows for ``aligned`` (figures with their points), each with its section
    and its ghost link (reversed once for them all)."""
    segments = reading.result.segments
    ghost_url = url_maker("metrics:measure-ghost", arguments=2)
    measure_id = reading.measure.pk
    return [
        Row(
            f.pk,
            f.date,
            f.value,
            f.note,
            point,
            segments[point.segment],
            ghost_url(measure_id, f.pk),
        )
        for f, point in aligned
    ]


def _chart_context(measure: Measure, request: AuthenticatedHttpRequest) -> dict:
    """The measure's SPC reading, its chart, and a page of its table of points (the latest page
    unless ``?page=`` asks for another) with the changes marked on it, read as every page reads
    a measure's chart (metrics.readings). Three queries."""
    reading = readings.read(measure)
    result, annotations, targets = reading.result, reading.annotations, reading.targets
    # A page of the points, and their figures only: a measure may have thousands.
    paginator = Paginator(result.points, TABLE_ROWS)
    page = paginator.get_page(request.GET.get("page") or paginator.num_pages)
    first = page.start_index() - 1 if len(page) else 0
    geometry = chart.geometry(result, annotations=[(a.date, a.label) for a in annotations])
    circles = spc_circles(geometry)
    return {
        "result": result,
        "geometry": geometry,
        "circles": circles,
        "table_page": page,
        "rows": _rows(reading, reading.aligned(first, first + len(page))),
        "point_count": len(result.points),
        "annotations": annotations,
        "targets": targets,
        # Each change of the rules, with its date (the chart says when its rules changed).
        "rule_changes": list(measure.rule_changes.all()),
        "variation_label": spc.VARIATION_LABELS.get(result.variation or "", ""),
        "assurance_label": spc.ASSURANCE_LABELS.get(result.assurance or "", ""),
    }


def spc_circles(geometry: chart.Geometry | None) -> str:
    """The labelled points' circles of a full chart, escaped here in one pass: hundreds of them
    through the template language would be most of the page's time."""
    if not geometry:
        return ""
    return format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="4" class="{}"><title>{}</title></circle>',
        ((d.x, d.y, d.css, d.label) for d in geometry.dots),
    )


@dataclass(frozen=True)
class Row:
    """One observation in the data table, with its point and the section it is judged in."""

    pk: int
    date: date
    value: Decimal | float
    note: str
    point: spc.Point
    segment: spc.Segment
    ghost_url: str  # where its "Ghost it" / "Count it again" button posts


def _download(measure: Measure, fmt: str) -> StreamingHttpResponse:
    """The chart's figures (as the decimals stored, not the floats the chart is drawn from):
    each point with its section's lines, its signal, and the engine version that drew it. Only
    the reading: no chart is drawn for a file."""
    reading = readings.read(measure, exact=True)
    result = reading.result
    ghosted = _("yes")
    # A section's lines are the same for each of its points, and a point's signal is worded
    # from its kind, direction, rule and ghosting alone: each is made once, not once a point.
    lines = [
        (_number(s.mean), _number(s.lower_limit), _number(s.upper_limit)) for s in result.segments
    ]
    signals: dict[tuple[bool, str, int, str], str] = {}
    targets: dict[float | None, Rounded | str] = {}
    version = result.engine_version
    rows = []
    for figure, point in reading.aligned():
        signal = (point.ghost, point.point_type, point.direction, point.rule)
        if signal not in signals:
            signals[signal] = point.description
        if point.target not in targets:
            targets[point.target] = _number(point.target)
        rows.append(
            (
                figure.date,
                figure.value,
                figure.note,
                ghosted if point.ghost else "",
                *lines[point.segment],
                targets[point.target],
                signals[signal],
                version,
            )
        )
    return download_response(
        fmt,
        f"measure-{measure.pk}",
        [
            _("date"),
            _("value"),
            _("note"),
            _("ghosted"),
            _("mean"),
            _("lower process limit"),
            _("upper process limit"),
            _("target"),
            _("signal"),
            _("engine version"),
        ],
        rows,
        free_text=(2,),  # the note; the rest are dates, numbers and our own words
    )


def _number(x: float | None) -> Rounded | str:
    return "" if x is None else Rounded(x)


def _forms(measure: Measure, user: Any, **bound: Any) -> dict[str, Any]:
    """The page's two forms, their fields' ids told apart (both have a date)."""
    return {
        "form": bound.get("form") or forms.ObservationForm(measure=measure, auto_id="record_%s"),
        "annotation_form": bound.get("annotation_form")
        or forms.AnnotationForm(measure=measure, user=user, auto_id="mark_%s"),
    }


@require_http_methods(["GET", "POST"])
@login_required
def measure_detail(
    request: AuthenticatedHttpRequest, pk: int
) -> HttpResponse | StreamingHttpResponse:
    """The chart (``?format=csv`` or ``xlsx``: its figures); a POST records one figure."""
    measure = queries.get_measure_for_user(request.user, pk)
    form = forms.ObservationForm(request.POST or None, measure=measure, auto_id="record_%s")
    if request.method == "POST":
        policy.require(request.user, "edit_measure", measure, reason=_("Only its leads record it."))
        if form.is_valid():
            data = form.cleaned_data
            actions.record_observation(
                measure,
                on=data["date"],
                value=data["value"],
                note=data["note"],
                ghost=data["ghost"],
                by=request.user,
            )
            messages.success(request, _("Recorded."))
            return redirect(measure)
    fmt = download_format(request)
    if fmt:
        return _download(measure, fmt)
    context = {
        "measure": measure,
        **_forms(measure, request.user, form=form),
        "can_edit": policy.can(request.user, "edit_measure", measure),
        **_chart_context(measure, request),
    }
    template = (
        "metrics/measure_detail.html#spc-chart" if request.htmx else "metrics/measure_detail.html"
    )
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@login_required
def measure_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The measure's settings: its rules, chart type, baseline and targets over time."""
    measure = queries.get_measure_for_user(request.user, pk, action="edit_measure")
    scope = {f"{measure_kind(measure)}": measure.scope_object}
    form = forms.MeasureForm(
        request.POST or None, instance=measure, siblings=Measure.objects.filter(**scope)
    )
    if request.method == "POST" and form.is_valid():
        actions.update_measure(form, by=request.user)
        messages.success(request, _("Settings saved."))
        return redirect(measure)
    context = {
        "form": form,
        "measure": measure,
        "target_form": forms.MeasureTargetForm(),
        "targets": measure.targets.all(),
    }
    return render(request, "metrics/measure_edit.html", context, status=400 if form.errors else 200)


def measure_kind(measure: Measure) -> str:
    for kind in ("team", "site", "organisation", "place"):
        if getattr(measure, f"{kind}_id"):
            return kind
    raise ValueError("A measure has a scope")  # the database's constraint


@require_POST
@login_required
def measure_target_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    measure = queries.get_measure_for_user(request.user, pk, action="edit_measure")
    form = forms.MeasureTargetForm(request.POST)
    if form.is_valid():
        actions.add_target(measure, form.cleaned_data, by=request.user)
        messages.success(request, _("Target added."))
        return redirect("metrics:measure-edit", measure.pk)
    scope = {f"{measure_kind(measure)}": measure.scope_object}
    context = {
        "form": forms.MeasureForm(instance=measure, siblings=Measure.objects.filter(**scope)),
        "measure": measure,
        "target_form": form,
        "targets": measure.targets.all(),
    }
    return render(request, "metrics/measure_edit.html", context, status=400)


@require_POST
@login_required
def measure_target_remove(
    request: AuthenticatedHttpRequest, pk: int, target_id: int
) -> HttpResponse:
    measure = queries.get_measure_for_user(request.user, pk, action="edit_measure")
    target = get_object_or_404(measure.targets, pk=target_id)
    actions.remove_target(target, by=request.user)
    messages.success(request, _("Target removed."))
    return redirect("metrics:measure-edit", measure.pk)


@require_POST
@login_required
def measure_ghost(request: AuthenticatedHttpRequest, pk: int, observation_id: int) -> HttpResponse:
    """Ghost a point (shown, not counted), or count it again."""
    measure = queries.get_measure_for_user(request.user, pk, action="edit_measure")
    observation = get_object_or_404(measure.observations, pk=observation_id)
    try:
        actions.set_ghost(observation, ghost=request.POST.get("ghost") == "1", by=request.user)
    except ValueError as error:
        messages.error(request, str(error))
        return redirect(measure)
    messages.success(request, _("Saved."))
    return redirect(measure)


@require_POST
@login_required
def measure_mark(request: AuthenticatedHttpRequest, pk: int, mark_id: int) -> HttpResponse:
    """A change marked on the chart: recalculate the limits from it or not, or take it off."""
    measure = queries.get_measure_for_user(request.user, pk, action="edit_measure")
    mark = get_object_or_404(measure.annotations.select_related("measure"), pk=mark_id)
    what = request.POST.get("action")
    if what in ("recalculate", "keep"):
        actions.set_mark_rebase(mark, rebase=what == "recalculate", by=request.user)
        messages.success(request, _("Saved."))
    elif what == "remove":
        try:
            actions.remove_mark(mark, by=request.user)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
        else:
            messages.success(request, _("Change taken off the chart."))
    else:
        messages.error(request, _("Choose what to do with the change."))
    return redirect(measure)


@require_http_methods(["GET", "POST"])
@login_required
def organisation_spc(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An organisation's default SPC rules for new measures: its managers and administrators."""
    organisation = policy.get_for_user(
        request.user, Organisation.objects.all(), action="manage_organisation_spc", pk=pk
    )
    settings = OrganisationSPC.objects.filter(organisation=organisation).first()
    form = forms.OrganisationSPCForm(
        request.POST or None, instance=settings or OrganisationSPC(organisation=organisation)
    )
    if request.method == "POST" and form.is_valid():
        actions.set_organisation_rules(form, by=request.user)
        messages.success(request, _("Default SPC rules saved."))
        return redirect("metrics:organisation-spc", organisation.pk)
    context = {"form": form, "organisation": organisation}
    return render(
        request, "metrics/organisation_spc.html", context, status=400 if form.errors else 200
    )


@require_POST
@login_required
def measure_annotate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    measure = queries.get_measure_for_user(request.user, pk, action="edit_measure")
    form = forms.AnnotationForm(request.POST, measure=measure, user=request.user, auto_id="mark_%s")
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
        **_forms(measure, request.user, annotation_form=form),
        "can_edit": True,
        **_chart_context(measure, request),
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
    preview: list[dict[str, Any]] = []
    if posted and form.is_valid():
        existing = set(
            Observation.objects.filter(measure__in=measures).values_list("measure_id", "date")
        )
        target_starts: dict[int, list[date]] = {}
        for measure_id, start in MeasureTarget.objects.filter(
            measure__in=measures, start__isnull=False
        ).values_list("measure_id", "start"):
            if start is not None:
                target_starts.setdefault(measure_id, []).append(start)
        parsed = csvimport.parse(
            form.cleaned_data["file"],
            measures=[(m.name, m.pk) for m in measures],
            existing=existing,
            chart_types={m.pk: m.chart_type for m in measures},
            target_starts=target_starts,
        )
        if parsed.ok and "check" in request.POST:
            # Checked, not imported: what the file would do, measure by measure.
            preview = _preview(parsed.rows, measures)
        elif parsed.ok:
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
        "preview": preview,
    }
    # A refused file (too big, not UTF-8) is as much a bad request as a refused row.
    refused = bool(errors) or (posted and not form.is_valid())
    return render(request, "metrics/import.html", context, status=400 if refused else 200)


def _preview(rows: list[csvimport.Row], measures: list[Measure]) -> list[dict[str, Any]]:
    """What a checked file would add to each measure it names: its rows, their dates, the
    points ghosted, the recalculations and the targets over time it starts."""
    changes = actions.target_changes(rows)
    summary = []
    for measure in measures:
        own = [r for r in rows if r.measure_id == measure.pk]
        if not own:
            continue
        summary.append(
            {
                "measure": measure,
                "rows": len(own),
                "first": min(r.date for r in own),
                "last": max(r.date for r in own),
                "ghosts": sum(1 for r in own if r.ghost),
                "recalculations": [r.date for r in own if r.recalculate],
                "targets": changes.get(measure.pk, []),
            }
        )
    return summary


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
