"""What an improvement achieved — its measured outcomes and the savings claimed from it — served
by metrics to the idea's and the card's pages.

Those pages belong to the apps below metrics, which cannot read outcomes or savings: they load
these fragments with htmx, and a browser without JavaScript follows the fallback link to the
same URL and gets a page of its own. Each is seen by whoever may see the idea or the card (their
own rule, 404 otherwise) and lists only the savings the person may open.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ideas.queries import get_idea_for_user
from kaizen import queries as kaizen_queries
from leanhub.http import AuthenticatedHttpRequest
from metrics.models import Saving
from metrics.queries import outcomes_for_user


@require_GET
@login_required
def idea_results(request: AuthenticatedHttpRequest, idea_id: int) -> HttpResponse:
    """The outcomes measured for an idea and the savings claimed from it that the person may
    see. A fixed number of queries whatever the number of rows."""
    idea = get_idea_for_user(request.user, idea_id)
    context = {
        "idea": idea,
        "outcomes": list(outcomes_for_user(request.user, idea=idea).select_related("measure")),
        "savings": list(Saving.objects.filter(idea=idea).visible_to(request.user)),
    }
    if request.htmx:
        return render(request, "metrics/_idea_results.html", context)
    return render(request, "metrics/idea_results.html", context)


@require_GET
@login_required
def card_results(request: AuthenticatedHttpRequest, card_id: int) -> HttpResponse:
    """The outcomes measured for a kaizen card and the savings claimed from it that the person
    may see, with links to record more for each of the card's teams the person claims for. A
    fixed number of queries whatever the number of rows."""
    card = kaizen_queries.get_card_for_user(request.user, card_id)
    context = {
        "card": card,
        "outcomes": list(
            outcomes_for_user(request.user, card=card).select_related("measure", "team")
        ),
        "savings": list(Saving.objects.filter(card=card).visible_to(request.user)),
        "claim_teams": kaizen_queries.teams_claiming_for(card, request.user),
    }
    if request.htmx:
        return render(request, "metrics/_card_results.html", context)
    return render(request, "metrics/card_results.html", context)
