"""Places side by side, for administrators and reference groups."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from leanhub import policy
from leanhub.http import AuthenticatedHttpRequest
from leanhub.models import Place
from places import compare as figures
from places.models import ReferenceGroup, financial_year_label, financial_year_of


def places_to_compare(user: object) -> list[Place]:
    """Every place for an administrator; the places of their reference groups for a member."""
    scope = policy.scope_of(user)  # type: ignore[arg-type]
    if scope.is_admin:
        return list(Place.objects.all())
    if scope.user_id is None:
        return []
    return list(
        Place.objects.filter(
            pk__in=ReferenceGroup.objects.filter(members=scope.user_id).values("places")
        )
    )


@require_GET
@login_required
def compare_places(request: AuthenticatedHttpRequest) -> HttpResponse:
    places = places_to_compare(request.user)
    if not places:
        raise Http404("No places to compare")
    this_year = financial_year_of(timezone.localdate())
    value = request.GET.get("year", "")
    year = int(value) if value.isdigit() and len(value) == 4 else this_year
    return render(
        request,
        "places/compare.html",
        {
            "rows": figures.compare(places, year),
            "year": year,
            "year_label": financial_year_label(year),
            "years": [(y, financial_year_label(y)) for y in range(this_year, this_year - 6, -1)],
        },
    )
