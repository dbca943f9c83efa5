"""A place's savings target: a share of its mapped spend, and progress towards it from verified
savings, cashable and non-cashable, by agency and by theme."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from leanhub import audit, policy
from leanhub.http import AuthenticatedHttpRequest
from leanhub.models import Organisation
from leanhub.queries import get_place_for_user
from metrics.models import Saving
from places import forms
from places.models import SavingsTarget, SavingTheme, ServiceTheme, SpendLine, financial_year_label

CASHABLE = Saving.Kind.CASHABLE
NON_CASHABLE = (Saving.Kind.NON_CASHABLE, Saving.Kind.COST_AVOIDANCE)


@require_http_methods(["GET", "POST"])
@login_required
def target(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    place = get_place_for_user(request.user, slug)
    can_manage = policy.can(request.user, "manage_place_spend", place)
    years = sorted(
        set(SpendLine.objects.filter(place=place).values_list("year", flat=True).distinct())
        | set(SavingsTarget.objects.filter(place=place).values_list("year", flat=True)),
        reverse=True,
    )
    value = request.GET.get("year", "")
    year = int(value) if value.isdigit() and len(value) == 4 else (years[0] if years else None)
    existing = (
        SavingsTarget.objects.filter(place=place, year=year).first() if year is not None else None
    )
    form = forms.TargetForm(
        request.POST if request.method == "POST" else None,
        instance=existing,
        place=place,
        initial={"year": year},
    )
    if request.method == "POST":
        if not can_manage:
            policy.require(request.user, "manage_place_spend", place)
        if form.is_valid():
            saved, _ = SavingsTarget.objects.update_or_create(
                place=place,
                year=form.cleaned_data["year"],
                defaults={"percent_of_spend": form.cleaned_data["percent_of_spend"]},
            )
            audit.record(
                request.user,
                "place.target_set",
                place,
                {"year": str(saved.year), "percent": str(saved.percent_of_spend)},
            )
            messages.success(request, gettext("Savings target saved."))
            return redirect(f"{request.path}?year={saved.year}")
    context: dict[str, Any] = {
        "place": place,
        "years": [(y, financial_year_label(y)) for y in years],
        "year": year,
        "year_label": financial_year_label(year) if year is not None else "",
        "target": existing,
        "form": form if can_manage else None,
        "can_manage": can_manage,
    }
    if year is not None:
        context.update(_progress(place.pk, year, existing))
        if can_manage:
            # Strings, not numbers: the list repeats them for every saving without a theme.
            context["themes"] = [
                (str(pk), name)
                for pk, name in ServiceTheme.objects.filter(place=place).values_list("pk", "name")
            ]
            context["untagged"] = _untagged(request, place.pk, year)
    return render(request, "places/target.html", context, status=400 if form.errors else 200)


def _year_savings(place_id: int, year: int) -> Any:
    return Saving.objects.filter(
        team__site__place_id=place_id,
        status=Saving.Status.VERIFIED,
        kind__in=(CASHABLE, *NON_CASHABLE),
        start_date__gte=date(year, 4, 1),
        start_date__lt=date(year + 1, 4, 1),
    )


def _progress(place_id: int, year: int, target: SavingsTarget | None) -> dict[str, Any]:
    spend = SpendLine.objects.filter(place_id=place_id, year=year).aggregate(t=Sum("amount"))[
        "t"
    ] or Decimal(0)
    goal = spend * target.percent_of_spend / 100 if target else None
    rows = _year_savings(place_id, year).values_list(
        "team__site__organisation_id", "kind", "pk", "amount"
    )
    themes_by_saving = dict(
        SavingTheme.objects.filter(saving__in=_year_savings(place_id, year)).values_list(
            "saving_id", "theme_id"
        )
    )
    by_agency: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    by_theme: dict[int | None, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    cashable = non_cashable = Decimal(0)
    for organisation_id, kind, saving_id, amount in rows:
        column = 0 if kind == CASHABLE else 1
        by_agency[organisation_id][column] += amount
        by_theme[themes_by_saving.get(saving_id)][column] += amount
        if column == 0:
            cashable += amount
        else:
            non_cashable += amount
    org_names = dict(Organisation.objects.filter(pk__in=by_agency).values_list("pk", "name"))
    theme_names = dict(
        ServiceTheme.objects.filter(pk__in=[k for k in by_theme if k]).values_list("pk", "name")
    )
    total = cashable + non_cashable
    return {
        "spend": spend,
        "goal": goal,
        "cashable": cashable,
        "non_cashable": non_cashable,
        "saved": total,
        "remaining": max(goal - total, Decimal(0)) if goal is not None else None,
        "progress_percent": (
            min(total / goal * 100, Decimal(100)).quantize(Decimal("0.1")) if goal else None
        ),
        "by_agency": sorted(
            ((org_names.get(k, "?"), v[0], v[1], v[0] + v[1]) for k, v in by_agency.items()),
            key=lambda row: (-row[3], row[0]),
        ),
        "by_theme": sorted(
            (
                (theme_names.get(k, "") if k else "", v[0], v[1], v[0] + v[1])
                for k, v in by_theme.items()
            ),
            key=lambda row: (row[0] == "", -row[3], row[0]),
        ),
    }


def _untagged(request: AuthenticatedHttpRequest, place_id: int, year: int) -> Any:
    tagged = SavingTheme.objects.values("saving_id")
    return (
        _year_savings(place_id, year)
        .filter(pk__in=Saving.objects.visible_to(request.user).values("pk"))
        .exclude(pk__in=tagged)
        .select_related("team__site__organisation")
        .order_by("-amount")[:50]
    )


@require_POST
@login_required
def tag_saving(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Count a verified saving towards one of the place's themes."""
    place = get_place_for_user(request.user, slug, action="manage_place_spend")
    saving_id = request.POST.get("saving", "")
    theme_id = request.POST.get("theme", "")
    saving = get_object_or_404(
        Saving.objects.visible_to(request.user).filter(team__site__place=place),
        pk=int(saving_id) if saving_id.isdigit() else 0,
    )
    theme = get_object_or_404(
        ServiceTheme, place=place, pk=int(theme_id) if theme_id.isdigit() else 0
    )
    SavingTheme.objects.update_or_create(saving=saving, defaults={"theme": theme})
    audit.record(
        request.user, "place.saving_themed", place, {"saving": str(saving.pk), "theme": theme.name}
    )
    messages.success(
        request, gettext("The saving now counts towards %(theme)s.") % {"theme": theme.name}
    )
    year = request.POST.get("year", "")
    query = f"?year={year}" if year.isdigit() and len(year) == 4 else ""
    return redirect(reverse("places:target", kwargs={"slug": place.slug}) + query)
