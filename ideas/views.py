from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ideas.models import Idea


def _get_idea_for_user(request: HttpRequest, idea_id: int) -> Idea:
    """The idea if the user may see it, else 404 (its existence is not leaked)."""
    return get_object_or_404(
        Idea.objects.visible_to(request.user).select_related("team__site__organisation", "author"),
        pk=idea_id,
    )


@require_GET
@login_required
def idea_detail(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _get_idea_for_user(request, idea_id)
    events = idea.events.select_related("actor")
    return render(request, "ideas/idea_detail.html", {"idea": idea, "events": events})
