"""The organisation's data, for its administrators: download everything of an organisation
(leanhub/orgdata.py) and erase a person's account (leanhub/erasure.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from leanhub import audit, erasure, orgdata, policy
from leanhub.http import AuthenticatedHttpRequest, paginate
from leanhub.models import Organisation, User


@require_GET
@login_required
def organisation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "manage_people")
    return render(
        request,
        "leanhub/organisation_list.html",
        {"organisations": Organisation.objects.order_by("name")},
    )


def _organisation(request: AuthenticatedHttpRequest, slug: str) -> Organisation:
    return policy.get_for_user(
        request.user, Organisation.objects.all(), action="export_organisation", slug=slug
    )


@require_GET
@login_required
def organisation_data(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug)
    people = orgdata.people(organisation).order_by("full_name", "username")
    return render(
        request,
        "leanhub/organisation_data.html",
        {"organisation": organisation, "page": paginate(request, people, per_page=50)},
    )


@require_GET
@login_required
def organisation_export(request: AuthenticatedHttpRequest, slug: str) -> FileResponse:
    organisation = _organisation(request, slug)
    archive = orgdata.build_zip(organisation)
    audit.record(request.user, "organisation.exported", organisation, {})
    filename = f"leanhub-{organisation.slug}-{timezone.localdate():%Y-%m-%d}.zip"
    return FileResponse(
        archive, as_attachment=True, filename=filename, content_type="application/zip"
    )


@require_http_methods(["GET", "POST"])
@login_required
def person_erase(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id)
    policy.require(
        request.user,
        "erase_person",
        person,
        reason=gettext("Only administrators can erase an account."),
    )
    if request.method == "POST":
        if request.POST.get("confirm") != "erase":
            messages.error(request, gettext("Tick the box to confirm the erasure."))
        else:
            try:
                erasure.erase_person(person, by=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    gettext(
                        "The account is erased: its name, e-mail address and username are gone "
                        "and it can no longer sign in. What the person did is kept, unnamed."
                    ),
                )
                return redirect("organisations")
    return render(request, "leanhub/person_erase.html", {"person": person})
