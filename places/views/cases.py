"""Invest-to-save cases: the list, a new case, and one case with its figures, flows, gain-share
agreement, linked savings, sign-offs and audit trail."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leanhub import audit, policy
from leanhub.http import AuthenticatedHttpRequest
from leanhub.models import Organisation, Place
from leanhub.queries import get_place_for_user
from metrics.models import Saving
from places import cases, forms
from places.models import CaseFlow, CaseSaving, InvestCase, financial_year_label


def _case(place: Place, pk: int) -> InvestCase:
    return get_object_or_404(InvestCase.objects.select_related("created_by"), pk=pk, place=place)


def _number(value: str | None) -> int:
    """A posted id, or 0 (which matches nothing) when it is not a number."""
    return int(value) if value and value.isdigit() else 0


def _refuse(request: AuthenticatedHttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_GET
@login_required
def case_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    place = get_place_for_user(request.user, slug)
    rows = InvestCase.objects.filter(place=place).prefetch_related(*cases.FIGURES_PREFETCH)
    return render(
        request,
        "places/case_list.html",
        {
            "place": place,
            "cases": [(case, cases.figures(case)) for case in rows[:100]],
            "can_manage": policy.can(request.user, "manage_place_spend", place),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def case_new(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    place = get_place_for_user(request.user, slug, action="manage_place_spend")
    form = forms.CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = form.save(commit=False)
        case.place = place
        case.created_by = request.user
        case.save()
        audit.record(request.user, "place.case_created", case, {"title": case.title})
        return redirect("places:case", slug=place.slug, pk=case.pk)
    return render(
        request,
        "places/case_form.html",
        {"place": place, "form": form},
        status=400 if form.errors else 200,
    )


@require_GET
@login_required
def case_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    place = get_place_for_user(request.user, slug)
    case = _case(place, pk)
    figures = cases.figures(case)
    can_manage = policy.can(request.user, "manage_place_spend", place)
    linked = set(CaseSaving.objects.filter(case=case).values_list("saving_id", flat=True))
    linked_savings = (
        Saving.objects.visible_to(request.user)
        .filter(pk__in=linked)
        .select_related("benefits", "team")
    )
    candidates = (
        Saving.objects.visible_to(request.user)
        .filter(team__site__place=place, status=Saving.Status.VERIFIED, kind__in=cases.MONEY_KINDS)
        .exclude(pk__in=linked)
        .select_related("benefits")
        .order_by("-start_date")[:50]
        if can_manage
        else []
    )
    parties = [line.organisation for line in figures.parties]
    return render(
        request,
        "places/case_detail.html",
        {
            "place": place,
            "case": case,
            "figures": figures,
            "first_year_label": financial_year_label(case.first_year),
            "flows": case.flows.select_related("organisation"),
            "flow_form": forms.FlowForm(initial={"year": case.first_year}) if can_manage else None,
            "shares_form": (
                forms.SharesForm(
                    parties=parties,
                    current={
                        line.organisation.pk: line.share or Decimal(0) for line in figures.parties
                    },
                )
                if can_manage and parties
                else None
            ),
            "linked_savings": linked_savings,
            "hidden_linked": len(linked) - len(linked_savings),
            "candidates": candidates,
            "can_manage": can_manage,
            "may_sign": [
                line.organisation
                for line in figures.parties
                if cases.may_sign_for(request.user, line.organisation) and not line.signed_off_by
            ],
            "events": [
                (event, cases.VERBS.get(event.verb, event.verb))
                for event in audit.events_for(case)[:50]
            ],
        },
    )


@require_POST
@login_required
def case_change(request: AuthenticatedHttpRequest, slug: str, pk: int, what: str) -> HttpResponse:
    """Every change a partnership lead makes to a case: flows, shares, savings, submission."""
    place = get_place_for_user(request.user, slug, action="manage_place_spend")
    case = _case(place, pk)
    try:
        if what == "flow":
            form = forms.FlowForm(request.POST)
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            cases.add_flow(case, by=request.user, **form.cleaned_data)
            messages.success(request, gettext("Added to the case; it goes back for sign-off."))
        elif what == "remove-flow":
            flow = get_object_or_404(CaseFlow, pk=_number(request.POST.get("flow")), case=case)
            cases.remove_flow(case, flow, by=request.user)
            messages.success(request, gettext("Removed from the case; it goes back for sign-off."))
        elif what == "shares":
            parties = cases.parties(case)
            shares_form = forms.SharesForm(request.POST, parties=parties, current={})
            if not shares_form.is_valid():
                raise ValidationError([e for errors in shares_form.errors.values() for e in errors])
            cases.set_shares(case, shares_form.shares(), by=request.user)
            messages.success(request, gettext("Gain-share agreement saved."))
        elif what == "saving":
            saving = get_object_or_404(
                Saving.objects.visible_to(request.user).filter(
                    team__site__place=place, status=Saving.Status.VERIFIED
                ),
                pk=_number(request.POST.get("saving")),
            )
            cases.link_saving(case, saving, by=request.user)
            messages.success(request, gettext("The saving now counts as realised benefit."))
        elif what == "submit":
            cases.submit(case, by=request.user)
            messages.success(request, gettext("Sent to every party for sign-off."))
        else:
            return HttpResponse(status=404)
    except ValidationError as error:
        _refuse(request, error)
    return redirect("places:case", slug=place.slug, pk=case.pk)


@require_POST
@login_required
def case_sign_off(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    place = get_place_for_user(request.user, slug)
    case = _case(place, pk)
    organisation = get_object_or_404(Organisation, pk=_number(request.POST.get("organisation")))
    version = request.POST.get("version", "")
    try:
        cases.sign_off(
            case,
            organisation,
            by=request.user,
            version=int(version) if version.isdigit() else -1,
        )
    except ValidationError as error:
        _refuse(request, error)
    else:
        messages.success(
            request,
            gettext("Signed off for %(organisation)s.") % {"organisation": organisation.name},
        )
    return redirect("places:case", slug=place.slug, pk=case.pk)
