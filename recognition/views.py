"""Thank-you buttons (fragments loaded into the idea and card pages, which sit in lower apps)
and the rolls of honour of a team, a site and a place."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from ideas.http import htmx
from ideas.queries import get_idea_for_user
from kaizen.queries import get_card_for_user
from leanhub import policy
from leanhub.http import AuthenticatedHttpRequest
from leanhub.models import Site
from leanhub.queries import get_place_for_user, get_team_for_user
from library.queries import get_entry_for_user
from recognition import rolls, thanks
from recognition.models import MESSAGE_MAX


def _thanks(request: AuthenticatedHttpRequest, thing: thanks.Thing) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            thanks.toggle(thing, by=request.user, message=request.POST.get("message", ""))
        except thanks.ThanksError as e:
            error = str(e)
        else:
            if not htmx(request):
                return redirect(thing.url)
    context = {
        "thing": thing,
        "count": thanks.count(thing),
        "thanked": thanks.has_thanked(thing, request.user),
        "error": error,
        "message": request.POST.get("message", "") if error else "",
        "max_length": MESSAGE_MAX,
        "action": request.path,
    }
    # htmx swaps only a 2xx answer; the message in the fragment says what was wrong.
    status = 400 if error and not htmx(request) else 200
    return render(request, "recognition/_thanks.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def idea_thanks(request: AuthenticatedHttpRequest, idea_id: int) -> HttpResponse:
    return _thanks(request, thanks.of_idea(get_idea_for_user(request.user, idea_id)))


@require_http_methods(["GET", "POST"])
@login_required
def card_thanks(request: AuthenticatedHttpRequest, card_id: int) -> HttpResponse:
    return _thanks(request, thanks.of_card(get_card_for_user(request.user, card_id)))


@require_http_methods(["GET", "POST"])
@login_required
def entry_thanks(request: AuthenticatedHttpRequest, entry_id: int) -> HttpResponse:
    return _thanks(request, thanks.of_entry(get_entry_for_user(request.user, entry_id)))


def _roll(
    request: AuthenticatedHttpRequest, title: str, teams: Q, kind: str, pk: int
) -> HttpResponse:
    dashboard = reverse("metrics:dashboard-scope", args=[kind, pk])
    return render(
        request,
        "recognition/roll.html",
        {"title": title, "entries": rolls.roll(request.user, teams), "dashboard": dashboard},
    )


@require_GET
@login_required
def team_roll(request: AuthenticatedHttpRequest, team_id: int) -> HttpResponse:
    team = get_team_for_user(request.user, team_id, action="view_team_dashboard")
    return _roll(request, team.name, Q(pk=team.pk), "team", team.pk)


@require_GET
@login_required
def site_roll(request: AuthenticatedHttpRequest, site_id: int) -> HttpResponse:
    site = policy.get_for_user(
        request.user,
        Site.objects.select_related("organisation", "place"),
        action="view_site_dashboard",
        pk=site_id,
    )
    return _roll(request, site.name, Q(site=site), "site", site.pk)


@require_GET
@login_required
def place_roll(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    place = get_place_for_user(request.user, slug, action="view_place_dashboard")
    return _roll(request, place.name, Q(site__place=place), "place", place.pk)
