from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TypedDict

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leanhub import actions, notifications, policy, queries, search, throttle
from leanhub.forms import TeamAnnouncementForm, ThrottledLoginForm
from leanhub.http import AuthenticatedHttpRequest, paginate
from leanhub.models import (
    Membership,
    Notification,
    Organisation,
    Place,
    PlaceSpendLine,
    Role,
    Site,
    Team,
    TeamAnnouncement,
    User,
)


class PlaceSummary(TypedDict):
    place: Place
    spend_lines: list[PlaceSpendLine]
    # The sum of the lines: 0 when there are none.
    counted_spend: Decimal | int


def _place_summary(place: Place) -> PlaceSummary:
    lines = list(place.spend_lines.select_related("organisation"))
    counted = sum((line.amount for line in lines), start=0)
    return {"place": place, "spend_lines": lines, "counted_spend": counted}


@require_GET
@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One home per role: staff raise ideas, leads run their team, managers see their teams,
    partnership leads see their place, administrators the set-up."""
    scope = policy.scope_of(request.user)
    role = scope.primary_role
    context: dict[str, object] = {"role": role}
    if role == Role.ADMIN:
        context["counts"] = {
            "organisations": Organisation.objects.count(),
            "places": Place.objects.count(),
            "sites": Site.objects.count(),
            "teams": Team.objects.count(),
            "people": User.objects.filter(is_active=True).count(),
        }
    elif role == Role.MANAGER:
        context["teams"] = (
            Team.objects.filter(policy.team_q(request.user, "manage"))
            .select_related("site__organisation")
            .annotate(people=Count("memberships__user", distinct=True))
        )
    elif role == Role.PARTNERSHIP:
        context["places"] = [
            _place_summary(place)
            for place in Place.objects.filter(pk__in=scope.partnership_place_ids)
        ]
    context["my_teams"] = list(
        Team.objects.filter(pk__in=scope.home_team_ids).select_related("site__organisation")
    )
    context["announcements"] = TeamAnnouncement.objects.filter(
        team_id__in=scope.home_team_ids
    ).select_related("author", "team")[:5]
    return render(request, "leanhub/home.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def team_detail(request: AuthenticatedHttpRequest, team_id: int) -> HttpResponse:
    team = queries.get_team_for_user(request.user, team_id)
    form = TeamAnnouncementForm()
    if request.method == "POST":
        policy.require(
            request.user,
            "announce_to_team",
            team,
            reason=gettext("Only a lead or manager of this team can post to it."),
        )
        form = TeamAnnouncementForm(request.POST)
        if form.is_valid():
            actions.post_team_announcement(
                team, message=form.cleaned_data["message"], by=request.user
            )
            messages.success(
                request, gettext("Posted to the team. Everyone in it has been notified.")
            )
            return redirect(team)
    members = (
        Membership.objects.filter(team=team)
        .select_related("user")
        .order_by("role", "user__full_name")
    )
    announcements = team.announcements.select_related("author")[:20]
    return render(
        request,
        "leanhub/team_detail.html",
        {
            "team": team,
            "members": members,
            "announcements": announcements,
            "form": form,
            "can_announce": policy.can(request.user, "announce_to_team", team),
        },
    )


@require_GET
@login_required
def place_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    place = queries.get_place_for_user(request.user, slug)
    return render(request, "leanhub/place_detail.html", _place_summary(place))


@require_GET
@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = Notification.objects.filter(recipient=request.user).select_related("actor")
    show = request.GET.get("show", "all")
    if show == "unread":
        rows = rows.unread()
    template = (
        "leanhub/notification_list.html#notification-table"
        if request.htmx
        else "leanhub/notification_list.html"
    )
    return render(request, template, {"page": paginate(request, rows), "show": show})


@require_GET
@login_required
def notification_count(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The header badge on its own, for resyncing after a websocket reconnect."""
    return render(
        request,
        "leanhub/_notification_count.html",
        {"unread_count": notifications.unread_count(request.user)},
    )


@require_POST
@login_required
def notifications_mark_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    changed = notifications.mark_all_read(by=request.user)
    messages.success(
        request,
        ngettext(
            "Marked %(count)d notification as read.",
            "Marked %(count)d notifications as read.",
            changed,
        )
        % {"count": changed},
    )
    return redirect("notifications")


class LoginView(auth_views.LoginView):
    """Django's sign-in page with the throttled form. A browser that signs in gets its device
    cookie, so that failures from anywhere else never hold it back (:mod:`leanhub.throttle`)."""

    authentication_form = ThrottledLoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        throttle.remember_device(self.request, response, form.get_user().get_username())
        return response


# When the accessibility statement was written, and when LeanHub was last tested against it.
STATEMENT_PREPARED = datetime.date(2026, 12, 2)
STATEMENT_TESTED = datetime.date(2026, 12, 2)


@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """The accessibility statement, in the GOV.UK model; open to everyone, signed in or not."""
    return render(
        request,
        "leanhub/accessibility.html",
        {"prepared_on": STATEMENT_PREPARED, "tested_on": STATEMENT_TESTED},
    )


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    reason = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


@require_GET
@login_required
def search_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The header's search: everything the person may open that matches, grouped by kind
    (leanhub/search.py); ``kind`` shows more of one kind."""
    text = request.GET.get("q", "")
    only = request.GET.get("kind", "")
    if only not in {k.key for k in search.kinds()}:
        only = ""
    results = search.search(request.user, text, only=only)
    return render(
        request,
        "leanhub/search.html",
        {"results": results, "only": only, "max_length": search.MAX_LENGTH},
    )
