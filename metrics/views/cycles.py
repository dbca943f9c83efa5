"""The measure a PDCA cycle should move, served by metrics to kaizen's pages.

The cycle page and the A3 load these fragments with htmx (kaizen knows nothing of measures); a
browser without JavaScript follows the fallback link to the same URL and gets a page of its own.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kaizen import queries as kaizen_queries
from kaizen.models import Cycle
from leanhub import policy
from leanhub.http import AuthenticatedHttpRequest
from leanhub.models import User
from metrics import actions, forms, queries
from metrics.models import Annotation, CycleMeasure

PAGE = "metrics/cycle_measure.html"
FRAGMENT = "metrics/_cycle_measure.html"


def _form(
    cycle: Cycle,
    link: CycleMeasure | None,
    user: User | AnonymousUser,
    data: QueryDict | None = None,
) -> forms.CycleMeasureForm:
    """The form showing the saved link. It validates onto a throwaway instance, so what was
    typed never shows in the summary beside it until it is saved."""
    initial = None
    if link:
        mark = Annotation.objects.filter(cycle=cycle).values_list("rebase", flat=True).first()
        initial = {
            "measure": link.measure_id,
            "change_date": link.change_date,
            "recalculate": {True: "yes", False: "no"}.get(mark, "") if mark is not None else "",
        }
    return forms.CycleMeasureForm(
        data,
        instance=CycleMeasure(cycle=cycle),
        initial=initial,
        measures=queries.measures_for_cycle(user, cycle.card),
    )


def _render(
    request: AuthenticatedHttpRequest,
    cycle: Cycle,
    link: CycleMeasure | None,
    *,
    form: forms.CycleMeasureForm | None = None,
    saved: bool = False,
    status: int = 200,
) -> HttpResponse:
    """The fragment for htmx, else the page around it. A refused form answers 200 to htmx (so
    the form with its field messages is swapped into place) and its real status to a page."""
    measure = link.measure if link else None
    context = {
        "cycle": cycle,
        "link": link,
        "summary": queries.measure_summary(measure) if measure else None,
        "form": form,
        "saved": saved,
    }
    if request.htmx:
        return render(request, FRAGMENT, context)
    return render(request, PAGE, context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def cycle_measure(request: AuthenticatedHttpRequest, cycle_id: int) -> HttpResponse:
    """Where the cycle's measure stands on its SPC chart and, for whoever may edit the cycle's
    plan, the form to choose the measure and the day the change went live. A saved choice
    re-renders the fragment (a page redirects to the cycle); a refused one keeps what was typed."""
    action = "edit_cycle" if request.method == "POST" else "view_cycle"
    cycle = kaizen_queries.get_cycle_for_user(request.user, cycle_id, action=action)
    link = queries.cycle_measure_link(cycle)
    if request.method == "GET":
        can_edit = policy.can(request.user, "edit_cycle", cycle)
        return _render(
            request, cycle, link, form=_form(cycle, link, request.user) if can_edit else None
        )
    form = _form(cycle, link, request.user, request.POST)
    if form.is_valid():
        try:
            link = actions.link_cycle_to_measure(
                cycle,
                measure=form.cleaned_data["measure"],
                change_date=form.cleaned_data["change_date"],
                recalculate=form.cleaned_data["recalculate"],
                by=request.user,
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            if not request.htmx:
                messages.success(request, _("Measure saved."))
                return redirect("kaizen:cycle", cycle.pk)
            return _render(request, cycle, link, form=_form(cycle, link, request.user), saved=True)
    return _render(request, cycle, link, form=form, status=400)


@require_GET
@login_required
def cycle_measure_summary(request: AuthenticatedHttpRequest, cycle_id: int) -> HttpResponse:
    """Where the cycle's measure stands, without the form: for the A3, which is printed."""
    cycle = kaizen_queries.get_cycle_for_user(request.user, cycle_id)
    return _render(request, cycle, queries.cycle_measure_link(cycle))
