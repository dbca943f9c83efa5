from __future__ import annotations

import csv
import hashlib
import hmac
import io
import uuid
from datetime import timedelta
from pathlib import Path

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ideas.models import Idea
from kaizen import queries as kaizen_queries
from leanhub import audit, policy
from leanhub.http import paginate, protected_file
from leanhub.models import Organisation, Place, Site, Team
from metrics import actions, chart, csvimport, forms, pulses, queries, spc
from metrics.models import (
    MINIMUM_PULSE_GROUP,
    Measure,
    Observation,
    Saving,
    Survey,
    SurveyResponse,
)


def _csv(filename: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            # Cells starting with formula characters are quoted so spreadsheets show, not run, them.
            ["'" + c if isinstance(c, str) and c and c[0] in "=+-@" else c for c in row]
        )
    return response


def _unit(saving: Saving) -> str:
    """What a saving's amount is in, so a spreadsheet never adds a year's figure to a one-off."""
    per = "a year" if saving.recurrence == Saving.Recurrence.RECURRING else "one-off"
    return f"{'hours' if saving.kind == Saving.Kind.TIME else '£'} {per}"


def _get_team_for_user(request: HttpRequest, team_id: int, action: str) -> Team:
    team = get_object_or_404(
        Team.objects.select_related("site__organisation", "site__place"), pk=team_id
    )
    policy.require(request.user, action, team)
    return team


def _period(request: HttpRequest) -> tuple[forms.PeriodForm, queries.Period]:
    form = forms.PeriodForm(request.GET or None)
    period = queries.default_period()
    if form.is_bound and form.is_valid():
        period = queries.Period(
            form.cleaned_data.get("start") or period.start,
            form.cleaned_data.get("end") or period.end,
        )
    return form, period


# --- Dashboards ----------------------------------------------------------------------------


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Send each person to the dashboard of their own scope."""
    home = queries.home_scope(request.user)
    if home is None:
        raise Http404("You have no dashboard yet")
    return redirect("metrics:dashboard-scope", kind=home[0], pk=home[1])


@require_GET
@login_required
def dashboard_scope(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    scope = queries.get_scope_for_user(request.user, kind, pk)
    form, period = _period(request)
    context = {**queries.dashboard(scope, period), "form": form, "query": request.GET.urlencode()}
    if kind == "team" and policy.can(request.user, "claim_saving", scope.obj):
        # Implemented ideas waiting for their measured outcome, for the team's leads.
        context["awaiting_outcome"] = Idea.objects.filter(
            team=scope.obj, status=Idea.Status.IMPLEMENTED, outcomes=None
        ).order_by("-implemented_at")[:10]
    template = "metrics/dashboard.html"
    if request.GET.get("print"):
        template = "metrics/report.html"
    elif request.htmx:
        template = "metrics/dashboard.html#dashboard-body"
    return render(request, template, context)


@require_GET
@login_required
def savings_tile(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The dashboard's savings tile alone, for the period asked for: what an open dashboard
    refetches when it hears that a saving changed. Same permission as the dashboard."""
    scope = queries.get_scope_for_user(request.user, kind, pk)
    _form, period = _period(request)
    context = {"scope": scope, "period": period, "savings": queries.saving_figures(scope, period)}
    return render(request, "metrics/_savings_tile.html", context)


DRILLS = {
    "ideas": "Ideas raised",
    "implemented": "Ideas implemented",
    "overdue": "Ideas waiting beyond the first-response promise",
    "stop-doing": "Stop doing (red tape) ideas",
    "savings": "Savings",
    "projected": "Projected savings",
    "realised": "Realised savings",
    "verified": "Verified savings",
    "awaiting": "Savings awaiting verification",
    "outcomes": "Outcomes",
    "gains": "Efficiency gains by team",
    "spend": "Public spend by organisation",
    "flows": "Who invested and who benefited",
    "stalled": "Kaizen cards that have stopped moving",
    "spread": "Ideas from here adopted by other teams",
}


@require_GET
@login_required
def rows(request: HttpRequest, kind: str, pk: int, what: str) -> HttpResponse:
    """The rows behind a dashboard figure, as a page or a CSV file."""
    if what not in DRILLS:
        raise Http404("No such figure")
    scope = queries.get_scope_for_user(request.user, kind, pk)
    form, period = _period(request)
    as_csv = request.GET.get("format") == "csv"
    if what in ("gains", "spend", "flows"):
        return _summary_rows(request, scope, period, what, form)
    if what in ("ideas", "implemented", "overdue", "stop-doing"):
        qs = queries.ideas_in(scope, period)
        if what == "implemented":
            qs = qs.filter(status=Idea.Status.IMPLEMENTED)
        elif what == "stop-doing":
            qs = qs.filter(kind=Idea.Kind.STOP_DOING)
        elif what == "overdue":
            qs = Idea.objects.filter(scope.team_q("team__")).filter(queries.overdue_q(scope))
        qs = qs.select_related("team", "author").order_by("-created_at", "-pk")
        header = ["Idea", "Team", "Kind", "Status", "Raised", "First response", "Implemented"]

        def row(i):
            return [
                i.title,
                i.team.name,
                i.get_kind_display(),
                i.get_status_display(),
                f"{i.created_at:%Y-%m-%d}",
                f"{i.first_response_at:%Y-%m-%d}" if i.first_response_at else "",
                f"{i.implemented_at:%Y-%m-%d}" if i.implemented_at else "",
            ]

        table = "ideas"
    elif what == "spread":
        qs = (
            queries.adoptions_in(scope, period)
            .filter(policy.idea_q(request.user))
            .select_related("team__site", "adopted_from__team")
            .order_by("-created_at", "-pk")
        )
        header = ["Idea", "From team", "Adopted by", "Adopted on", "Status there"]
        table = "spread"

        def row(i):
            return [
                i.adopted_from.title,
                i.adopted_from.team.name,
                f"{i.team.name}, {i.team.site.name}",
                f"{i.created_at:%Y-%m-%d}",
                i.get_status_display(),
            ]

    elif what == "stalled":
        qs = (
            queries.stalled_cards(scope)
            .select_related("board__team", "column")
            .order_by("moved_at", "pk")
        )
        header = ["Card", "Board", "Column", "Last moved", "Blocked"]
        table = "cards"

        def row(c):
            return [
                c.title,
                str(c.board),
                c.column.name,
                f"{c.moved_at:%Y-%m-%d}",
                c.blocked_reason if c.blocked else "",
            ]

    elif what == "outcomes":
        qs = queries.outcomes_in(scope, period).select_related("card").order_by("-after_end", "-pk")
        header = ["Improvement", "Team", "Measure", "Before", "After", "Gain %"]
        table = "outcomes"

        def row(o):
            return [
                o.improvement.title,
                o.team.name,
                o.measure.name,
                o.before_mean,
                o.after_mean,
                o.gain_percent,
            ]

    else:
        qs = queries.savings_in(scope, period).select_related(
            "team", "invested_by", "benefits", "claimed_by", "idea", "card"
        )
        if what == "verified":
            qs = qs.filter(status=Saving.Status.VERIFIED)
        elif what == "awaiting":
            qs = qs.filter(status=Saving.Status.CLAIMED)
        elif what in ("projected", "realised"):
            # As the dashboard counts them: rejected claims count nowhere.
            qs = qs.filter(stage=what).exclude(status=Saving.Status.REJECTED)
        if request.GET.get("recurrence") in Saving.Recurrence.values:
            qs = qs.filter(recurrence=request.GET["recurrence"])
        qs = qs.order_by("-start_date", "-pk")
        header = ["Saving", "Improvement", "Team", "Type", "Amount", "Unit", "Recurrence"]
        header += ["Stage", "Status", "Start", "Invested", "Benefits"]
        table = "savings"

        def row(s):
            return [
                s.title,
                s.improvement.title if s.improvement else "",
                s.team.name,
                s.get_kind_display(),
                s.amount,
                _unit(s),
                s.get_recurrence_display(),
                s.get_stage_display(),
                s.get_status_display(),
                f"{s.start_date:%Y-%m-%d}",
                s.invested_by.name,
                s.benefits.name,
            ]

    if as_csv:
        return _csv(f"{kind}-{pk}-{what}.csv", header, (row(x) for x in qs.iterator()))
    page = paginate(request, qs)
    template = "metrics/rows.html#rows-table" if request.htmx else "metrics/rows.html"
    return render(
        request,
        template,
        {
            "scope": scope,
            "what": what,
            "title": DRILLS[what],
            "table": table,
            "page": page,
            "form": form,
            "query": request.GET.urlencode(),
        },
    )


def _summary_rows(request, scope, period, what: str, form) -> HttpResponse:
    """The dashboard's own summary tables, whole, as a page or a CSV file."""
    if what == "gains":
        header = ["Team", "Outcomes", "Mean gain %", "Against the 15–30 % band"]
        data = [
            [r["team__name"], r["outcomes"], r["gain"], r["band"]]
            for r in queries.team_gains(scope, period)
        ]
    else:
        if scope.kind != "place":
            raise Http404("Place dashboards only")
        place = queries.place_figures(scope.obj, period)
        if what == "spend":
            header = ["Organisation", "£ a year"]
            data = [[line.organisation.name, line.amount] for line in place["spend_lines"]]
        else:
            header = ["Invested", "Benefited", "Savings", "Recurring £ a year", "One-off £"]
            data = [
                [f["invested_by__name"], f["benefits__name"], f["count"], f["a_year"], f["one_off"]]
                for f in place["flows"]
            ]
    if request.GET.get("format") == "csv":
        return _csv(f"{scope.kind}-{scope.pk}-{what}.csv", header, data)
    return render(
        request,
        "metrics/rows.html",
        {
            "scope": scope,
            "what": what,
            "title": DRILLS[what],
            "table": "summary",
            "header": header,
            "page": paginate(request, data, per_page=100),
            "form": form,
            "query": request.GET.urlencode(),
        },
    )


# --- Measures ------------------------------------------------------------------------------


def _get_measure_for_user(request: HttpRequest, pk: int, action: str = "view_measure") -> Measure:
    measure = get_object_or_404(
        Measure.objects.select_related("team__site", "site", "organisation", "place"), pk=pk
    )
    policy.require(request.user, action, measure)
    return measure


# Where measures can live, and how each is fetched with what its policy check and label need.
MEASURE_SCOPES = {
    "team": Team.objects.select_related("site__organisation", "site__place"),
    "site": Site.objects.select_related("organisation", "place"),
    "organisation": Organisation.objects.all(),
    "place": Place.objects.all(),
}


def _get_measure_scope_for_user(request: HttpRequest, kind: str, pk: int):
    """The team, site, organisation or place whose measures the user runs: 404 if they may not
    see it, 403 if they may see it but not add or import its measures."""
    if kind not in MEASURE_SCOPES:
        raise Http404("No such kind of scope")
    obj = get_object_or_404(MEASURE_SCOPES[kind], pk=pk)
    policy.require(
        request.user,
        "edit_measure",
        Measure(**{kind: obj}),
        reason="Only those who run it add and import its measures.",
    )
    return obj


def _scope_label(kind: str, obj) -> str:
    """Labels like "New Claims (team, Carrow Jobcentre)" or "Carrow Jobcentre (site)": names
    repeat across kinds and sites, so the kind is always said."""
    if kind == "team":
        return f"{obj.name} (team, {obj.site.name})"
    return f"{obj.name} ({kind})"


def _measure_scopes_for(user) -> list[tuple[str, object, str]]:
    """Every scope the user may add measures to, as (kind, object, label): teams they lead or
    manage,
    sites and organisations they manage, places they lead the partnership of."""
    s = policy.scope_of(user)
    teams = Team.objects.led_by(user).select_related("site")[:50]
    if s.is_admin:
        sites, orgs, places = Site.objects.all(), Organisation.objects.all(), Place.objects.all()
    else:
        sites = (
            Site.objects.filter(
                Q(pk__in=s.managed_site_ids) | Q(organisation__in=s.managed_org_ids)
            )
            if s.managed_site_ids or s.managed_org_ids
            else Site.objects.none()
        )
        orgs = Organisation.objects.filter(pk__in=s.managed_org_ids)
        places = Place.objects.filter(pk__in=s.partnership_place_ids)
    scopes = [("team", t) for t in teams]
    # Skip the query where the user's scope already says there is nothing to find.
    if s.is_admin or s.managed_site_ids or s.managed_org_ids:
        scopes += [("site", x) for x in sites[:50]]
    if s.is_admin or s.managed_org_ids:
        scopes += [("organisation", x) for x in orgs[:50]]
    if s.is_admin or s.partnership_place_ids:
        scopes += [("place", x) for x in places[:50]]
    return [(kind, obj, _scope_label(kind, obj)) for kind, obj in scopes]


@require_GET
@login_required
def measure_list(request: HttpRequest) -> HttpResponse:
    measures = (
        Measure.objects.visible_to(request.user)
        .select_related("team__site", "site", "organisation", "place")
        .annotate(points=Count("observations"))
        .order_by("name", "pk")
    )
    template = (
        "metrics/measure_list.html#measure-table" if request.htmx else "metrics/measure_list.html"
    )
    scopes = [] if request.htmx else _measure_scopes_for(request.user)
    return render(request, template, {"page": paginate(request, measures), "scopes": scopes})


@require_http_methods(["GET", "POST"])
@login_required
def measure_new(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    scope_object = _get_measure_scope_for_user(request, kind, pk)
    form = forms.MeasureForm(
        request.POST or None, siblings=Measure.objects.filter(**{kind: scope_object})
    )
    if request.method == "POST" and form.is_valid():
        measure = actions.create_measure(scope_object, fields=form.cleaned_data, by=request.user)
        messages.success(request, f"Measure “{measure.name}” added.")
        return redirect(measure)
    return render(
        request,
        "metrics/measure_form.html",
        {
            "form": form,
            "kind": kind,
            "scope_object": scope_object,
            "label": _scope_label(kind, scope_object),
        },
    )


def _chart_context(measure: Measure) -> dict:
    observations = list(measure.observations.order_by("date"))
    annotations = list(measure.annotations.select_related("idea"))
    result = measure.analyse(
        [(o.date, o.value) for o in observations],
        rebase_at=[a.date for a in annotations if a.rebase],
    )
    rows = list(zip(observations, result.points, strict=True))
    return {
        "result": result,
        "geometry": chart.geometry(result, annotations=[(a.date, a.label) for a in annotations]),
        "rows": rows,
        "annotations": annotations,
        "variation_label": spc.VARIATION_LABELS.get(result.variation or "", ""),
        "assurance_label": spc.ASSURANCE_LABELS.get(result.assurance or "", ""),
    }


@require_http_methods(["GET", "POST"])
@login_required
def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _get_measure_for_user(request, pk)
    can_edit = policy.can(request.user, "edit_measure", measure)
    form = forms.ObservationForm(request.POST or None, measure=measure)
    if request.method == "POST":
        policy.require(request.user, "edit_measure", measure, reason="Only its leads record it.")
        if form.is_valid():
            actions.record_observation(
                measure,
                on=form.cleaned_data["date"],
                value=form.cleaned_data["value"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
            messages.success(request, "Recorded.")
            return redirect(measure)
    if request.GET.get("format") == "csv":
        return _csv(
            f"measure-{measure.pk}.csv",
            ["date", "value", "note"],
            measure.observations.order_by("date").values_list("date", "value", "note"),
        )
    context = {
        "measure": measure,
        "form": form,
        "annotation_form": forms.AnnotationForm(measure=measure, user=request.user),
        "can_edit": can_edit,
        **_chart_context(measure),
    }
    template = (
        "metrics/measure_detail.html#spc-chart" if request.htmx else "metrics/measure_detail.html"
    )
    return render(request, template, context)


@require_POST
@login_required
def measure_annotate(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _get_measure_for_user(request, pk, "edit_measure")
    form = forms.AnnotationForm(request.POST, measure=measure, user=request.user)
    if form.is_valid():
        actions.annotate_measure(
            measure,
            on=form.cleaned_data["date"],
            label=form.cleaned_data["label"],
            rebase=form.cleaned_data["rebase"],
            idea=form.cleaned_data["idea"],
            by=request.user,
        )
        messages.success(request, "Change marked on the chart.")
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
def import_observations(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """All-or-nothing CSV import into the measures of one team, site, organisation or place,
    with a per-row error report. A row naming a measure outside that scope is an error."""
    scope_object = _get_measure_scope_for_user(request, kind, pk)
    measures = list(
        Measure.objects.filter(**{kind: scope_object}).select_related(
            "team__site", "site", "organisation", "place"
        )
    )
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    errors: list = []
    if request.method == "POST" and form.is_valid():
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
            messages.success(request, f"Imported {n} observations.")
            return redirect("metrics:measures")
        errors = parsed.errors
    return render(
        request,
        "metrics/import.html",
        {
            "form": form,
            "kind": kind,
            "scope_object": scope_object,
            "label": _scope_label(kind, scope_object),
            "measures": measures,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


# --- Savings ---------------------------------------------------------------------------------


def _get_saving_for_user(request: HttpRequest, pk: int, action: str = "view_saving") -> Saving:
    saving = get_object_or_404(
        Saving.objects.select_related(
            "team__site__organisation",
            "idea",
            "card",
            "measure",
            "invested_by",
            "benefits",
            "claimed_by",
            "decided_by",
        ),
        pk=pk,
    )
    policy.require(request.user, action, saving)
    return saving


@require_GET
@login_required
def saving_list(request: HttpRequest) -> HttpResponse:
    savings = Saving.objects.visible_to(request.user).select_related(
        "team", "invested_by", "benefits"
    )
    status = request.GET.get("status", "")
    if status in Saving.Status.values:
        savings = savings.filter(status=status)
    if request.GET.get("format") == "csv":
        return _csv(
            "savings.csv",
            [
                "Saving",
                "Team",
                "Type",
                "Amount",
                "Unit",
                "Recurrence",
                "Stage",
                "Status",
                "Start",
                "Invested",
                "Benefits",
            ],
            (
                [
                    s.title,
                    s.team.name,
                    s.get_kind_display(),
                    s.amount,
                    _unit(s),
                    s.get_recurrence_display(),
                    s.get_stage_display(),
                    s.get_status_display(),
                    s.start_date,
                    s.invested_by.name,
                    s.benefits.name,
                ]
                for s in savings.iterator()
            ),
        )
    teams = Team.objects.led_by(request.user).select_related("site")[:50]
    template = (
        "metrics/saving_list.html#saving-table" if request.htmx else "metrics/saving_list.html"
    )
    return render(
        request,
        template,
        {
            "page": paginate(request, savings),
            "status": status,
            "statuses": Saving.Status.choices,
            "teams": teams,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def saving_new(request: HttpRequest, team_id: int) -> HttpResponse:
    team = _get_team_for_user(request, team_id, "claim_saving")
    submission = request.POST.get("submission", "")[:36] or str(uuid.uuid4())
    if request.method == "POST":
        already = Saving.objects.filter(team=team, submission=submission).first()
        if already is not None:
            return redirect(already)  # a second click on the same form
    # "Claim a saving" on a card page names the card; the form still checks it is the team's.
    initial = {"card": request.GET.get("card", "")} if request.GET.get("card", "").isdigit() else {}
    form = forms.SavingForm(
        request.POST or None, request.FILES or None, team=team, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        fields = {**form.cleaned_data, "submission": submission}
        fields["evidence_content_type"] = getattr(form, "evidence_content_type", "")
        if not fields.get("evidence_file"):
            fields.pop("evidence_file", None)
        saving = actions.claim_saving(team, fields=fields, by=request.user)
        messages.success(request, "Saving claimed. A manager of the team will verify it.")
        return redirect(saving)
    return render(
        request,
        "metrics/saving_form.html",
        {"form": form, "team": team, "submission": submission},
    )


@require_GET
@login_required
def saving_detail(request: HttpRequest, pk: int) -> HttpResponse:
    saving = _get_saving_for_user(request, pk)
    return render(
        request,
        "metrics/saving_detail.html",
        {
            "saving": saving,
            "events": audit.events_for(saving)[:50],
            "can_edit": policy.can(request.user, "edit_saving", saving),
            "can_decide": policy.can(request.user, "decide_saving", saving)
            and saving.claimed_by_id != request.user.pk
            and saving.status == Saving.Status.CLAIMED,
            "decision_form": forms.DecisionForm(initial={"version": saving.version}),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def saving_edit(request: HttpRequest, pk: int) -> HttpResponse:
    saving = _get_saving_for_user(request, pk, "edit_saving")
    form = forms.SavingForm(
        request.POST or None,
        request.FILES or None,
        instance=Saving.objects.get(pk=saving.pk),
        team=saving.team,
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in actions.SAVING_FIELDS if k in form.cleaned_data}
        fields["evidence_content_type"] = getattr(form, "evidence_content_type", "")
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        try:
            saving = actions.update_saving(
                saving, fields=fields, expected_version=version, by=request.user
            )
        except actions.StaleChange as error:
            messages.error(request, str(error))
            return redirect(saving)
        messages.success(request, "Saved. A changed saving waits for verification again.")
        return redirect(saving)
    return render(
        request, "metrics/saving_form.html", {"form": form, "team": saving.team, "saving": saving}
    )


@require_POST
@login_required
def saving_decide(request: HttpRequest, pk: int) -> HttpResponse:
    saving = _get_saving_for_user(request, pk)
    form = forms.DecisionForm(request.POST)
    decision = request.POST.get("decision")
    if not form.is_valid() or decision not in ("verify", "reject"):
        messages.error(request, "That decision could not be read. Try again.")
        return redirect(saving)
    try:
        if decision == "verify":
            actions.verify_saving(
                saving, expected_version=form.cleaned_data["version"], by=request.user
            )
            messages.success(request, "Verified. The saving is now locked.")
        else:
            if not form.cleaned_data["reason"].strip():
                return render(
                    request,
                    "metrics/saving_detail.html",
                    {
                        "saving": saving,
                        "events": audit.events_for(saving)[:50],
                        "can_decide": True,
                        "decision_form": _with_error(form, "Say why you are rejecting it."),
                    },
                    status=400,
                )
            actions.reject_saving(
                saving,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
            messages.success(request, "Rejected. The claimant can see your reason.")
    except actions.StaleChange as error:
        messages.error(request, str(error))
    return redirect(saving)


def _with_error(form: forms.DecisionForm, message: str) -> forms.DecisionForm:
    form.add_error("reason", message)
    return form


@require_GET
@login_required
def saving_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    saving = _get_saving_for_user(request, pk)
    if not saving.evidence_file:
        raise Http404("No file")
    return protected_file(
        Path(saving.evidence_file.path),
        content_type=saving.evidence_content_type or "application/octet-stream",
        filename=f"evidence-{saving.pk}{Path(saving.evidence_file.name).suffix}",
    )


# --- Outcomes --------------------------------------------------------------------------------


def _record_outcome(
    request: HttpRequest, improvement, teams: list[Team], *, done_url: str
) -> HttpResponse:
    form = forms.OutcomeForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        measure, team = data.pop("measure"), data.pop("team")
        actions.record_outcome(
            improvement, team=team, measure=measure, periods=data, by=request.user
        )
        messages.success(request, "Outcome recorded.")
        return redirect(done_url)
    return render(request, "metrics/outcome_form.html", {"form": form, "improvement": improvement})


@require_http_methods(["GET", "POST"])
@login_required
def outcome_new(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = get_object_or_404(Idea.objects.select_related("team__site"), pk=idea_id)
    policy.require(request.user, "view_idea", idea)
    policy.require(request.user, "claim_saving", idea.team, reason="Only the team's leads can.")
    # Leads come here from the team dashboard's list of ideas awaiting their outcome.
    done_url = reverse("metrics:dashboard-scope", args=["team", idea.team_id])
    return _record_outcome(request, idea, [idea.team], done_url=done_url)


@require_http_methods(["GET", "POST"])
@login_required
def outcome_new_for_card(request: HttpRequest, card_id: int) -> HttpResponse:
    """The outcome of a kaizen card, for the leads of its board's team (or of a joint board's
    member teams, who say whose outcome it is)."""
    card = kaizen_queries.card_for_user(request.user, card_id)
    teams = kaizen_queries.teams_claiming_for(card, request.user)
    if not teams:
        raise PermissionDenied("Only the leads of the card's team can record its outcome.")
    return _record_outcome(request, card, teams, done_url=card.get_absolute_url())


# --- Surveys ---------------------------------------------------------------------------------


def _get_survey_for_user(request: HttpRequest, pk: int, action: str = "view_survey") -> Survey:
    survey = get_object_or_404(
        Survey.objects.select_related("site__organisation", "team__site", "measure"), pk=pk
    )
    policy.require(request.user, action, survey)
    return survey


@require_GET
@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    s = policy.scope_of(request.user)
    surveys = Survey.objects.select_related("site", "team").annotate(n=Count("responses"))
    if not s.is_admin:
        surveys = surveys.filter(
            Q(site__organisation__in=s.org_ids) | Q(site__place__in=s.partnership_place_ids)
        )
    sites = (
        Site.objects.filter(Q(pk__in=s.managed_site_ids) | Q(organisation__in=s.managed_org_ids))
        if not s.is_admin
        else Site.objects.all()
    )
    return render(request, "metrics/survey_list.html", {"surveys": surveys, "sites": sites[:50]})


@require_http_methods(["GET", "POST"])
@login_required
def survey_new(request: HttpRequest, site_id: int) -> HttpResponse:
    site = get_object_or_404(Site.objects.select_related("organisation"), pk=site_id)
    policy.require(
        request.user,
        "manage_survey",
        Survey(site=site),
        reason="Only the site's managers add surveys.",
    )
    form = forms.SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        survey = actions.create_survey(site, **form.cleaned_data, by=request.user)
        messages.success(request, "Survey created.")
        return redirect(survey)
    return render(request, "metrics/survey_form.html", {"form": form, "site": site})


@require_GET
@login_required
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _get_survey_for_user(request, pk)
    responses = survey.responses.all()
    count = responses.count()
    if survey.kind == Survey.Kind.STAFF:
        # Only finished weeks of five or more answers: nothing anyone can single out.
        responses = responses.filter(pulses.shown_q(pulses.finished_weeks(responses)))
    by_score = list(responses.values("score").annotate(n=Count("pk")).order_by("-score"))
    shown = bool(by_score)
    comments = list(responses.exclude(comment="")[:20]) if shown else []
    return render(
        request,
        "metrics/survey_detail.html",
        {
            "survey": survey,
            "count": count,
            "shown": shown,
            "by_score": by_score,
            "comments": comments,
            "minimum": MINIMUM_PULSE_GROUP,
            "public_url": request.build_absolute_uri(survey.get_public_url()),
        },
    )


@require_GET
@login_required
def survey_qr(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    survey = _get_survey_for_user(request, pk, "manage_survey")
    if survey.kind != Survey.Kind.CUSTOMER:
        raise Http404("Staff pulses are not shared by QR code")
    code = segno.make(request.build_absolute_uri(survey.get_public_url()), error="m")
    out = io.BytesIO()
    if fmt == "svg":
        code.save(out, kind="svg", scale=8, title=f"QR code: {survey.title}")
        content_type = "image/svg+xml"
    else:
        code.save(out, kind="png", scale=10)
        content_type = "image/png"
    response = HttpResponse(out.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.{fmt}"'
    return response


# Flood protection for the public form: at most this many responses per client per window.
RESPONSES_PER_CLIENT = 5
RESPONSE_WINDOW = timedelta(minutes=10)


def _keyed(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, token: str) -> HttpResponse:
    """The public survey page: no login for customers; staff pulses need sign-in but store
    no name, only a keyed hash that stops a second vote in the same week."""
    survey = get_object_or_404(Survey.objects.select_related("site", "team"), token=token)
    if survey.kind == Survey.Kind.STAFF:
        if not request.user.is_authenticated:
            return redirect(f"{reverse('login')}?next={request.path}")
        policy.require(request.user, "answer_pulse", survey, reason="This pulse is for the team.")
    form = forms.ResponseForm(request.POST or None)
    if not survey.is_open:
        return render(request, "metrics/respond.html", {"survey": survey, "closed": True})
    if request.method == "POST" and form.is_valid():
        client = _keyed(f"client:{request.META.get('REMOTE_ADDR', '')}")
        since = timezone.now() - RESPONSE_WINDOW
        recent = SurveyResponse.objects.filter(client=client, created_at__gte=since).count()
        if form.cleaned_data["website"]:
            # A bot filled the hidden field: thank it and keep nothing.
            return render(request, "metrics/respond.html", {"survey": survey, "thanks": True})
        if recent >= RESPONSES_PER_CLIENT:
            return render(
                request,
                "metrics/respond.html",
                {"survey": survey, "form": form, "throttled": True},
                status=429,
            )
        voter = ""
        if survey.kind == Survey.Kind.STAFF:
            year, week, _ = timezone.localdate().isocalendar()
            voter = _keyed(f"pulse:{survey.pk}:{request.user.pk}:{year}-{week}")
            if SurveyResponse.objects.filter(survey=survey, voter=voter).exists():
                return render(request, "metrics/respond.html", {"survey": survey, "already": True})
        actions.submit_response(
            survey,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
            client=client,
            voter=voter,
        )
        return render(request, "metrics/respond.html", {"survey": survey, "thanks": True})
    return render(request, "metrics/respond.html", {"survey": survey, "form": form})
