"""The savings ledger: the list (and its CSV file), claiming a saving for a team, a saving's page
with its history, changing a claim, a manager's verify-or-reject decision, the evidence file."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leanhub import audit, policy
from leanhub.http import (
    AuthenticatedHttpRequest,
    download_format,
    download_table,
    paginate,
    protected_file,
)
from leanhub.models import Team
from leanhub.queries import get_team_for_user
from metrics import actions, drills, forms, queries
from metrics.models import Saving


@require_GET
@login_required
def saving_list(request: AuthenticatedHttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The savings the user may see, optionally of one status; ``?format=csv`` (or ``xlsx``):
    all of them as a file."""
    savings = Saving.objects.visible_to(request.user).select_related(
        "team", "invested_by", "benefits"
    )
    status = request.GET.get("status", "")
    if status in Saving.Status.values:
        savings = savings.filter(status=status)
    fmt = download_format(request)
    if fmt:
        return download_table(fmt, "savings", drills.LEDGER_COLUMNS, savings)
    template = (
        "metrics/saving_list.html#saving-table" if request.htmx else "metrics/saving_list.html"
    )
    context = {
        "page": paginate(request, savings),
        "status": status,
        "statuses": Saving.Status.choices,
        "teams": Team.objects.led_by(request.user).select_related("site")[:50],
    }
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@login_required
def saving_new(request: AuthenticatedHttpRequest, team_id: int) -> HttpResponse:
    team = get_team_for_user(request.user, team_id, action="claim_saving")
    submission = request.POST.get("submission", "")[:36] or str(uuid.uuid4())
    if request.method == "POST":
        already = Saving.objects.filter(team=team, submission=submission).first()
        if already is not None:
            return redirect(already)  # a second click on the same form
    # "Claim a saving" on a card page names the card; the form still checks it is the team's.
    initial = {"card": request.GET.get("card", "")} if request.GET.get("card", "").isdigit() else {}
    form = forms.SavingForm(
        request.POST or None, request.FILES or None, team=team, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        fields = {**form.cleaned_data, "submission": submission}
        fields["evidence_content_type"] = getattr(form, "evidence_content_type", "")
        if not fields.get("evidence_file"):
            fields.pop("evidence_file", None)
        saving = actions.claim_saving(team, fields=fields, by=request.user)
        messages.success(request, _("Saving claimed. A manager of the team will verify it."))
        return redirect(saving)
    context = {"form": form, "team": team, "submission": submission}
    return render(request, "metrics/saving_form.html", context)


def _detail_context(saving: Saving, **extra: object) -> dict:
    return {"saving": saving, "events": audit.events_for(saving)[:50], **extra}


@require_GET
@login_required
def saving_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    saving = queries.get_saving_for_user(request.user, pk)
    context = _detail_context(
        saving,
        can_edit=policy.can(request.user, "edit_saving", saving),
        can_decide=policy.can(request.user, "decide_saving", saving)
        and saving.claimed_by_id != request.user.pk
        and saving.status == Saving.Status.CLAIMED,
        decision_form=forms.DecisionForm(initial={"version": saving.version}),
    )
    return render(request, "metrics/saving_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def saving_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    saving = queries.get_saving_for_user(request.user, pk, action="edit_saving")
    form = forms.SavingForm(
        request.POST or None,
        request.FILES or None,
        instance=Saving.objects.get(pk=saving.pk),
        team=saving.team,
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in actions.SAVING_FIELDS if k in form.cleaned_data}
        fields["evidence_content_type"] = getattr(form, "evidence_content_type", "")
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1  # an unreadable version is a stale one
        try:
            saving = actions.update_saving(
                saving, fields=fields, expected_version=version, by=request.user
            )
        except actions.StaleChange as error:
            messages.error(request, str(error))
            return redirect(saving)
        messages.success(request, _("Saved. A changed saving waits for verification again."))
        return redirect(saving)
    context = {"form": form, "team": saving.team, "saving": saving}
    return render(request, "metrics/saving_form.html", context)


@require_POST
@login_required
def saving_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Verify or reject a claim; a rejection without a reason is shown again, asking for one."""
    saving = queries.get_saving_for_user(request.user, pk)
    form = forms.DecisionForm(request.POST)
    decision = request.POST.get("decision")
    if not form.is_valid() or decision not in ("verify", "reject"):
        messages.error(request, _("That decision could not be read. Try again."))
        return redirect(saving)
    if decision == "reject" and not form.cleaned_data["reason"].strip():
        form.add_error("reason", _("Say why you are rejecting it."))
        context = _detail_context(saving, can_decide=True, decision_form=form)
        return render(request, "metrics/saving_detail.html", context, status=400)
    version = form.cleaned_data["version"]
    try:
        if decision == "verify":
            actions.verify_saving(saving, expected_version=version, by=request.user)
            messages.success(request, _("Verified. The saving is now locked."))
        else:
            reason = form.cleaned_data["reason"]
            actions.reject_saving(saving, reason=reason, expected_version=version, by=request.user)
            messages.success(request, _("Rejected. The claimant can see your reason."))
    except actions.StaleChange as error:
        messages.error(request, str(error))
    return redirect(saving)


@require_GET
@login_required
def saving_evidence(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    saving = queries.get_saving_for_user(request.user, pk)
    if not saving.evidence_file:
        raise Http404("No file")
    return protected_file(
        saving.evidence_file.name,
        content_type=saving.evidence_content_type or "application/octet-stream",
        filename=f"evidence-{saving.pk}{Path(saving.evidence_file.name).suffix}",
    )
