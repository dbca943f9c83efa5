"""The idea box: the team leads' page (links, QR code, what is held), and the public page where
anyone holding a box's link raises an idea without signing in."""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ideas import box
from ideas.forms import BoxDecisionForm, BoxForm
from ideas.http import signed_in_user
from ideas.models import BoxSubmission, IdeaBox
from leanhub import policy
from leanhub.http import client_address, paginate, protected_file
from leanhub.models import Team


def _team(request: HttpRequest, team_id: int) -> Team:
    return policy.get_for_user(
        request.user,
        Team.objects.select_related("site__organisation"),
        action="manage_idea_box",
        pk=team_id,
    )


def _kind(request: HttpRequest) -> str:
    kind = request.GET.get("kind") or request.POST.get("kind") or IdeaBox.Kind.STAFF
    return kind if kind in IdeaBox.Kind.values else IdeaBox.Kind.STAFF


@require_GET
@login_required
def box_page(request: HttpRequest, team_id: int) -> HttpResponse:
    """A team's idea box, for its leads: the links to print, and what came through, held first.
    Staff ideas and service users' suggestions are on separate tabs."""
    team = _team(request, team_id)
    kind = _kind(request)
    boxes = {b.kind: b for b in IdeaBox.objects.filter(team=team)}
    submissions = (
        BoxSubmission.objects.filter(team=team, kind=kind)
        .select_related("idea", "decided_by")
        .order_by("status", "-created_at", "-pk")
    )
    context = {
        "team": team,
        "kind": kind,
        "box": boxes.get(kind),
        "staff_box": boxes.get(IdeaBox.Kind.STAFF),
        "service_box": boxes.get(IdeaBox.Kind.SERVICE),
        "page": paginate(request, submissions),
        "held": BoxSubmission.Status.HELD,
        "decision_form": BoxDecisionForm(),
        "query": f"kind={kind}",
    }
    return render(request, "ideas/box.html", context)


@require_POST
@login_required
def box_link(request: HttpRequest, team_id: int) -> HttpResponse:
    """Open the box of a kind (the service users' box is shut until a lead opens it), give it a
    new link (the old QR code stops working), or shut it."""
    team = _team(request, team_id)
    kind = _kind(request)
    what = request.POST.get("do", "")
    user = signed_in_user(request)
    existing = IdeaBox.objects.filter(team=team, kind=kind).first()
    if what == "open":
        box.open_box(team, kind=kind, by=user)
        messages.success(request, gettext("The idea box is open. Print its QR code below."))
    elif what == "new-link" and existing is not None:
        box.new_link(existing, by=user)
        messages.success(request, gettext("The box has a new link: the old one no longer works."))
    elif what == "close" and existing is not None:
        box.close_box(existing, by=user)
        messages.success(request, gettext("The idea box is shut: its link no longer works."))
    else:
        raise Http404("Nothing to do")
    return redirect(f"{reverse('ideas:box', args=[team.pk])}?kind={kind}")


@require_GET
@login_required
def box_print(request: HttpRequest, team_id: int) -> HttpResponse:
    """A page to print for the staff room (or the waiting room): the QR code and the link."""
    team = _team(request, team_id)
    kind = _kind(request)
    idea_box = IdeaBox.objects.filter(team=team, kind=kind, active=True).first()
    if idea_box is None:
        raise Http404("No open box")
    url = request.build_absolute_uri(idea_box.get_public_url())
    out = io.BytesIO()
    segno.make(url, error="m").save(
        out,
        kind="svg",
        scale=8,
        xmldecl=False,
        svgns=True,
        title=gettext("QR code for the idea box of %(team)s") % {"team": team.name},
    )
    context = {"team": team, "box": idea_box, "url": url, "qr": out.getvalue().decode()}
    return render(request, "ideas/box_print.html", context)


@require_POST
@login_required
def submission_decide(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = policy.get_for_user(
        request.user,
        BoxSubmission.objects.select_related("team__site"),
        action="manage_idea_box",
        pk=submission_id,
    )
    back = f"{reverse('ideas:box', args=[submission.team_id])}?kind={submission.kind}"
    form = BoxDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose to accept or to decline."))
        return redirect(back)
    user = signed_in_user(request)
    try:
        if form.cleaned_data["decision"] == "accept":
            idea = box.accept(submission, by=user)
            messages.success(request, gettext("Accepted: it is now one of the team's ideas."))
            return redirect(idea)
        box.decline(submission, reason=form.cleaned_data["reason"], by=user)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
        return redirect(back)
    messages.success(request, gettext("Declined. It is kept, with your reason, for the record."))
    return redirect(back)


@require_GET
@login_required
def submission_photo(request: HttpRequest, submission_id: int, size: str) -> HttpResponseBase:
    """A held submission's photo, only to the team's leads."""
    if size not in ("thumb", "display"):
        raise Http404("No such size")
    submission = policy.get_for_user(
        request.user,
        BoxSubmission.objects.select_related("team__site"),
        action="manage_idea_box",
        pk=submission_id,
    )
    if not submission.photo_name:
        raise Http404("No photo")
    return protected_file(submission.photo_file(size), content_type=submission.photo_type)


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, box_token: str) -> HttpResponse:
    """The public page of a team's idea box: no sign-in, nothing about the person asked."""
    idea_box = get_object_or_404(
        IdeaBox.objects.select_related("team"), token=box_token, active=True
    )
    context: dict[str, object] = {"box": idea_box, "team": idea_box.team}
    form = BoxForm(request.POST or None, request.FILES or None)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["website"]:
            # A bot filled the hidden field: thank it and keep nothing.
            return render(request, "ideas/box_submit.html", {**context, "thanks": True})
        try:
            box.submit(
                idea_box,
                title=data["title"],
                problem=data["problem"],
                proposal=data["proposal"],
                photo=form.processed,
                client_address=client_address(request),
            )
        except box.TooManySubmissions as refusal:
            context["throttled"] = " ".join(refusal.messages)
            return render(request, "ideas/box_submit.html", context, status=429)
        except box.BoxClosed:
            raise Http404("Closed") from None
        return render(request, "ideas/box_submit.html", {**context, "thanks": True})
    status = 400 if request.method == "POST" else 200
    return render(request, "ideas/box_submit.html", context, status=status)
