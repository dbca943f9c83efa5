"""Red tape and its owners: the place's red-tape page, the owners' inbox, one routed item with
its reply form, and the fragment the idea's page loads to show the reply."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ideas.models import Idea
from ideas.queries import get_idea_for_user
from leanhub import policy
from leanhub.http import AuthenticatedHttpRequest, paginate
from leanhub.queries import get_place_for_user
from places import redtape
from places.models import BurdenOwner, BurdenRouting


@require_GET
@login_required
def place_red_tape(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    place = get_place_for_user(request.user, slug)
    ideas = (
        Idea.objects.visible_to(request.user)
        .filter(team__site__place=place, kind=Idea.Kind.STOP_DOING)
        .filter(burden_owner__in=redtape.OUTSIDE)
        .exclude(status__in=[Idea.Status.DECLINED, Idea.Status.DUPLICATE])
        .select_related("team__site__organisation")
        .order_by("-created_at")
    )
    page = paginate(request, ideas)
    routings = {
        r.idea_id: r
        for r in BurdenRouting.objects.filter(idea__in=[i.pk for i in page]).select_related("owner")
    }
    rows = [
        {
            "idea": idea,
            "routing": routings.get(idea.pk),
            "may_route": idea.pk not in routings and redtape.may_route(request.user, idea, place),
        }
        for idea in page
    ]
    return render(
        request,
        "places/red_tape.html",
        {
            "place": place,
            "page": page,
            "rows": rows,
            "owners": BurdenOwner.objects.all() if any(r["may_route"] for r in rows) else [],
            "totals": redtape.place_red_tape(place),
        },
    )


@require_POST
@login_required
def route(request: AuthenticatedHttpRequest, slug: str, idea_id: int) -> HttpResponse:
    place = get_place_for_user(request.user, slug)
    idea = get_idea_for_user(request.user, idea_id)
    if idea.team.site.place_id != place.pk:
        raise Http404("Not an idea of this place")
    owner_id = request.POST.get("owner", "")
    owner = get_object_or_404(BurdenOwner, pk=int(owner_id) if owner_id.isdigit() else 0)
    try:
        redtape.route(idea, owner, place=place, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, gettext("Sent to %(owner)s for a reply.") % {"owner": owner.name})
    return redirect("places:red-tape", slug=place.slug)


@require_GET
@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What has been routed to the owners a person answers for, soonest due first."""
    owners = redtape.owners_answered_by(request.user)
    routings = BurdenRouting.objects.filter(owner__in=owners).select_related(
        "owner", "idea__team__site__organisation"
    )
    show = request.GET.get("show", "open")
    if show == "open":
        routings = routings.filter(reply="")
    return render(
        request,
        "places/red_tape_inbox.html",
        {
            "page": paginate(request, routings),
            "owners": owners,
            "show": show,
            "today": timezone.localdate(),
            "query": f"show={show}",
        },
    )


def _routing_for(request: AuthenticatedHttpRequest, pk: int) -> tuple[BurdenRouting, bool]:
    """The routed item, for its owner's people (who may answer) or for anyone who may see the
    idea; 404 for everyone else."""
    routing = get_object_or_404(
        BurdenRouting.objects.select_related("owner", "idea__team__site__organisation"), pk=pk
    )
    answers = redtape.owners_answered_by(request.user).filter(pk=routing.owner_id).exists()
    if not answers and not policy.can(request.user, "view_idea", routing.idea):
        raise Http404("No such item")
    return routing, answers


@require_http_methods(["GET", "POST"])
@login_required
def item(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    routing, answers = _routing_for(request, pk)
    if request.method == "POST":
        try:
            redtape.reply(
                routing,
                kind=request.POST.get("reply", ""),
                text=request.POST.get("reply_text", ""),
                by=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return render(
                request,
                "places/red_tape_item.html",
                {"routing": routing, "answers": answers, "choices": BurdenRouting.Reply.choices,
                 "posted": request.POST, "today": timezone.localdate()},
                status=400,
            )  # fmt: skip
        messages.success(request, gettext("Your reply was recorded and sent to the team."))
        return redirect("places:red-tape-item", pk=routing.pk)
    return render(
        request,
        "places/red_tape_item.html",
        {
            "routing": routing,
            "answers": answers,
            "choices": BurdenRouting.Reply.choices,
            "posted": {},
            "today": timezone.localdate(),
        },
    )


@require_GET
@login_required
def idea_fragment(request: AuthenticatedHttpRequest, idea_id: int) -> HttpResponse:
    """Where the idea's red tape went and what its owner said, for the idea's page."""
    idea = get_idea_for_user(request.user, idea_id)
    routing = BurdenRouting.objects.filter(idea=idea).select_related("owner").first()
    return render(request, "places/_idea_red_tape.html", {"idea": idea, "routing": routing})
