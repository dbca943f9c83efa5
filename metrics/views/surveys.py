"""Surveys: the list, a new survey for a site, a survey's results, its QR code, and the public
page where customers (no account) and staff (signed in, anonymous) answer."""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from leanhub import policy
from leanhub.http import AuthenticatedHttpRequest, client_address, paginate
from leanhub.models import Site
from metrics import actions, forms, queries
from metrics.models import MINIMUM_PULSE_GROUP, Survey, SurveyResponse


@require_GET
@login_required
def survey_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The surveys the user may see, and the sites they may add one to."""
    # Each survey's answers are counted by a subquery, not a join grouped by survey: the page's
    # count of surveys then leaves it out, and only the page's surveys have their answers counted
    # (the grouped join counted every answer of every survey twice a page, ~200 ms for a place).
    answers = (
        SurveyResponse.objects.filter(survey=OuterRef("pk"))
        .order_by()
        .values("survey")
        .annotate(c=Count("pk"))
        .values("c")
    )
    surveys = (
        Survey.objects.visible_to(request.user)
        .select_related("site", "team")
        .annotate(n=Coalesce(Subquery(answers, output_field=IntegerField()), 0))
        .order_by("title", "pk")
    )
    sites = Site.objects.filter(policy.survey_site_q(request.user))[:50]
    context = {"page": paginate(request, surveys), "sites": sites}
    return render(request, "metrics/survey_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def survey_new(request: AuthenticatedHttpRequest, site_id: int) -> HttpResponse:
    site = get_object_or_404(Site.objects.select_related("organisation"), pk=site_id)
    policy.require(
        request.user,
        "manage_survey",
        Survey(site=site),
        reason=_("Only the site's managers add surveys."),
    )
    form = forms.SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        survey = actions.create_survey(site, **form.cleaned_data, by=request.user)
        messages.success(request, _("Survey created."))
        return redirect(survey)
    return render(request, "metrics/survey_form.html", {"form": form, "site": site})


@require_GET
@login_required
def survey_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The answers by score and the latest comments; a staff pulse's only from finished weeks
    of MINIMUM_PULSE_GROUP answers or more, so no answer can be singled out."""
    survey = queries.get_survey_for_user(request.user, pk)
    answers = queries.survey_answers(survey)
    shown = bool(answers.by_score)
    context = {
        "survey": survey,
        "count": answers.count,
        "shown": shown,
        "by_score": answers.by_score,
        "comments": list(answers.shown.exclude(comment="")[:20]) if shown else [],
        "minimum": MINIMUM_PULSE_GROUP,
        "public_url": request.build_absolute_uri(survey.get_public_url()),
    }
    return render(request, "metrics/survey_detail.html", context)


@require_GET
@login_required
def survey_qr(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The public link as a QR code to print for the counter (``fmt``: svg, else png)."""
    survey = queries.get_survey_for_user(request.user, pk, action="manage_survey")
    if survey.kind != Survey.Kind.CUSTOMER:
        raise Http404("Staff pulses are not shared by QR code")
    code = segno.make(request.build_absolute_uri(survey.get_public_url()), error="m")
    out = io.BytesIO()
    if fmt == "svg":
        code.save(out, kind="svg", scale=8, title=_("QR code: %(title)s") % {"title": survey.title})
        content_type = "image/svg+xml"
    else:
        code.save(out, kind="png", scale=10)
        content_type = "image/png"
    response = HttpResponse(out.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.{fmt}"'
    return response


@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, token: str) -> HttpResponse:
    """The public survey page: no login for customers; staff pulses need sign-in, and keep no
    name (:func:`metrics.actions.answer_survey`)."""
    survey = get_object_or_404(Survey.objects.select_related("site", "team"), token=token)
    if survey.kind == Survey.Kind.STAFF:
        if not request.user.is_authenticated:
            return redirect(f"{reverse('login')}?next={request.path}")
        policy.require(
            request.user, "answer_pulse", survey, reason=_("This pulse is for the team.")
        )
    if not survey.is_open:
        return render(request, "metrics/respond.html", {"survey": survey, "closed": True})
    form = forms.ResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            # A bot filled the hidden field: thank it and keep nothing.
            return render(request, "metrics/respond.html", {"survey": survey, "thanks": True})
        try:
            actions.answer_survey(
                survey,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                client_address=client_address(request),
                by=request.user,
            )
        except actions.TooManyAnswers:
            context = {"survey": survey, "form": form, "throttled": True}
            return render(request, "metrics/respond.html", context, status=429)
        except actions.AlreadyAnswered:
            return render(request, "metrics/respond.html", {"survey": survey, "already": True})
        return render(request, "metrics/respond.html", {"survey": survey, "thanks": True})
    return render(request, "metrics/respond.html", {"survey": survey, "form": form})
