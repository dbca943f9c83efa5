"""Value-stream map pages: authorise → fetch → validate → one action → render or redirect.

One URL serves the whole page or, for htmx, the ``workspace`` partial (figures, drawing, table
and step editor together), so an edit refreshes everything that depends on it in one swap.
Everyone else viewing the map gets its figures, drawing and table over the map's socket once the
edit commits (the actions broadcast them; see ideas/maps/actions.py and
templates/ideas/maps/_live.html). The kaizen cards that improve each step come from kaizen, which
the page loads as a fragment.
"""

from __future__ import annotations

import json
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ideas.http import htmx, signed_in_user
from ideas.maps import actions, drawing, json_format, queries
from ideas.maps.forms import CloneForm, ImportForm, MapForm, StepForm
from ideas.maps.models import ValueStreamMap, ValueStreamStep
from ideas.models import Idea
from leanhub import policy
from leanhub.models import Team, User

PAGE = "ideas/maps/detail.html"
ADD_ID = "add_%s"


def _edit_id(step: ValueStreamStep) -> str:
    return f"edit{step.pk}_%s"


def _teams_to_map_for(user: User | AnonymousUser) -> QuerySet[Team]:
    return (
        Team.objects.filter(policy.team_q(user, "member") | policy.team_q(user, "lead"))
        .select_related("site")
        .order_by("site__name", "name")
    )


def _raise_idea_url() -> str:
    return reverse("ideas:new")


def _page_context(request: HttpRequest, m: ValueStreamMap, **extra: object) -> dict[str, object]:
    ws = queries.workspace(m)
    current, futures = queries.family_of(m)
    can_edit = policy.can(request.user, "edit_vsm", m)
    context: dict[str, object] = {
        "map": m,
        "ws": ws,
        "current": current,
        "futures": futures,
        "can_edit": can_edit,
        "add_form": StepForm(vsm_map=m, auto_id=ADD_ID, initial={"expected_steps": len(ws.steps)}),
        "clone_form": CloneForm(
            initial={
                "name": gettext("%(name)s — future state") % {"name": m.name},
                "submission_token": _token(),
            }
        ),
        "raise_idea_url": _raise_idea_url(),
    }
    context.update(extra)
    return context


def _token() -> str:
    return uuid.uuid4().hex


def _workspace_response(
    request: HttpRequest, m: ValueStreamMap, *, invalid: bool = False, **extra: object
) -> HttpResponse:
    """The page, or its workspace for htmx. A refused form answers 422 to a plain browser; htmx
    gets 200 so it swaps the form, with its field messages, into place."""
    template = f"{PAGE}#workspace" if htmx(request) else PAGE
    status = 422 if invalid and not htmx(request) else 200
    return render(request, template, _page_context(request, m, **extra), status=status)


@require_GET
@login_required
def map_list(request: HttpRequest) -> HttpResponse:
    maps = queries.maps_visible_to(request.user)
    return render(
        request,
        "ideas/maps/list.html",
        {"maps": maps, "can_create": _teams_to_map_for(request.user).exists()},
    )


@require_http_methods(["GET", "POST"])
@login_required
def map_new(request: HttpRequest) -> HttpResponse:
    teams = _teams_to_map_for(request.user)
    if not teams.exists():
        raise Http404("No team to map for")
    form = MapForm(teams=teams)
    if request.method == "POST":
        form = MapForm(request.POST, teams=teams)
        if form.is_valid():
            m = actions.create_map(
                form.cleaned_data["team"],
                values=form.model_values(),
                by=signed_in_user(request),
                submission_token=form.cleaned_data["submission_token"],
            )
            messages.success(request, gettext("Map created. Now add its steps, in order."))
            return redirect(m)
    return render(request, "ideas/maps/map_form.html", {"form": form, "map": None})


@require_http_methods(["GET", "POST"])
@login_required
def map_edit(request: HttpRequest, map_id: int) -> HttpResponse:
    m = queries.get_map_for_user(request.user, map_id, action="edit_vsm")
    form = MapForm.for_map(m)
    if request.method == "POST":
        form = MapForm(request.POST)
        if form.is_valid():
            actions.update_map(m, values=form.model_values(), by=signed_in_user(request))
            messages.success(request, gettext("Map details saved."))
            return redirect(m)
    return render(request, "ideas/maps/map_form.html", {"form": form, "map": m})


@require_POST
@login_required
def map_delete(request: HttpRequest, map_id: int) -> HttpResponse:
    m = queries.get_map_for_user(request.user, map_id, action="edit_vsm")
    try:
        actions.delete_map(m, by=signed_in_user(request))
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
        return redirect(m)
    messages.success(request, gettext("Deleted the map “%(name)s”.") % {"name": m.name})
    return redirect("maps:list")


@require_GET
@login_required
def map_detail(request: HttpRequest, map_id: int) -> HttpResponse:
    m = queries.get_map_for_user(request.user, map_id)
    return _workspace_response(request, m)


@require_POST
@login_required
def step_add(request: HttpRequest, map_id: int) -> HttpResponse:
    m = queries.get_map_for_user(request.user, map_id, action="edit_vsm")
    form = StepForm(request.POST, vsm_map=m, auto_id=ADD_ID)
    if not form.is_valid():
        return _workspace_response(request, m, invalid=True, add_form=form, focus="add")
    step = actions.add_step(
        m,
        values=form.model_values(),
        by=signed_in_user(request),
        expected_steps=form.cleaned_data["expected_steps"],
    )
    if not htmx(request):
        messages.success(
            request,
            gettext("Added “%(name)s”.") % {"name": form.cleaned_data["name"]}
            if step
            else gettext("That step was already added."),
        )
        return redirect(m)
    return _workspace_response(request, m, focus="add")


@require_http_methods(["GET", "POST"])
@login_required
def step_edit(request: HttpRequest, map_id: int, step_id: int) -> HttpResponse:
    step = queries.get_step_for_user(request.user, map_id, step_id, action="edit_vsm")
    form = StepForm.for_step(step, auto_id=_edit_id(step))
    if request.method == "POST":
        form = StepForm(request.POST, vsm_map=step.map, auto_id=_edit_id(step))
        if form.is_valid():
            actions.update_step(step, values=form.model_values(), by=signed_in_user(request))
            if not htmx(request):
                messages.success(request, gettext("Saved “%(name)s”.") % {"name": step.name})
                return redirect(step.map)
            return _workspace_response(request, step.map, focus=f"step-{step.pk}")
        if htmx(request):
            return _workspace_response(
                request, step.map, invalid=True, editing=step.pk, edit_form=form
            )
    template = (
        "ideas/maps/step_form.html#step-editor" if htmx(request) else "ideas/maps/step_form.html"
    )
    status = 422 if form.is_bound else 200
    context = {
        "map": step.map,
        "step": step,
        "form": form,
        "ideas": _ideas_to_pin(request, step.map),
    }
    return render(request, template, context, status=status)


def _ideas_to_pin(request: HttpRequest, m: ValueStreamMap) -> list[Idea]:
    """The team's most recent ideas the person can see, to pin to a step as kaizen bursts."""
    return list(
        Idea.objects.visible_to(request.user).filter(team=m.team).order_by("-created_at")[:50]
    )


@require_POST
@login_required
def step_link_idea(request: HttpRequest, map_id: int, step_id: int) -> HttpResponse:
    step = queries.get_step_for_user(request.user, map_id, step_id, action="edit_vsm")
    idea_id = request.POST.get("idea", "")
    if not idea_id.isdigit():
        return HttpResponse(gettext("Choose an idea."), status=400)
    idea = get_object_or_404(Idea.objects.visible_to(request.user), pk=int(idea_id))
    actions.link_idea_to_step(step, idea=idea, by=signed_in_user(request))
    if not htmx(request):
        messages.success(
            request,
            gettext("Pinned “%(idea)s” to “%(step)s”.") % {"idea": idea.title, "step": step.name},
        )
        return redirect(step.map)
    return _workspace_response(request, step.map, focus=f"step-{step.pk}")


@require_POST
@login_required
def step_move(request: HttpRequest, map_id: int, step_id: int) -> HttpResponse:
    step = queries.get_step_for_user(request.user, map_id, step_id, action="edit_vsm")
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponse(gettext("Say up or down."), status=400)
    actions.move_step(step, offset=-1 if direction == "up" else 1, by=signed_in_user(request))
    if not htmx(request):
        return redirect(step.map)
    return _workspace_response(request, step.map, focus=f"move-{direction}-{step.pk}")


@require_POST
@login_required
def step_delete(request: HttpRequest, map_id: int, step_id: int) -> HttpResponse:
    step = queries.get_step_for_user(request.user, map_id, step_id, action="edit_vsm")
    name = step.name
    actions.delete_step(step, by=signed_in_user(request))
    deleted = gettext("Deleted “%(name)s”.") % {"name": name}
    if not htmx(request):
        messages.success(request, deleted)
        return redirect(step.map)
    return _workspace_response(request, step.map, focus="add", announcement=deleted)


@require_POST
@login_required
def map_clone(request: HttpRequest, map_id: int) -> HttpResponse:
    m = queries.get_map_for_user(request.user, map_id, action="edit_vsm")
    form = CloneForm(request.POST)
    if not form.is_valid():
        return _workspace_response(request, m, invalid=True, clone_form=form)
    future = actions.clone_to_future(
        m,
        name=form.cleaned_data["name"],
        by=signed_in_user(request),
        submission_token=form.cleaned_data["submission_token"],
    )
    messages.success(
        request, gettext("Future state drafted from this map. Change it, then compare.")
    )
    return redirect(future)


@require_POST
@login_required
def map_target(request: HttpRequest, map_id: int) -> HttpResponse:
    m = queries.get_map_for_user(request.user, map_id, action="edit_vsm")
    try:
        actions.mark_target(m, by=signed_in_user(request))
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
        return redirect(m)
    messages.success(
        request, gettext("“%(name)s” is now the target future state.") % {"name": m.name}
    )
    return redirect(m)


@require_GET
@login_required
def map_compare(request: HttpRequest, map_id: int) -> HttpResponse:
    m = queries.get_map_for_user(request.user, map_id)
    current, futures = queries.family_of(m)
    if not futures:
        raise Http404("No future state to compare with")
    chosen = request.GET.get("with") or (m.pk if m.state == ValueStreamMap.State.FUTURE else None)
    future = next((f for f in futures if str(f.pk) == str(chosen)), futures[0])
    comparison = queries.compare(current, future)
    return render(
        request,
        "ideas/maps/compare.html",
        {"current": current, "future": future, "futures": futures, "cmp": comparison, "map": m},
    )


def _filename(m: ValueStreamMap, ext: str) -> str:
    return f"{slugify(m.name) or 'map'}-{m.pk}.{ext}"


@require_GET
@login_required
def map_svg(request: HttpRequest, map_id: int) -> HttpResponse:
    m = queries.get_map_for_user(request.user, map_id)
    ws = queries.workspace(m)
    if not ws.drawing:
        raise Http404("The map has errors to fix before it can be drawn")
    response = HttpResponse(drawing.to_svg(ws.drawing), content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="{_filename(m, "svg")}"'
    return response


@require_GET
@login_required
def map_png(request: HttpRequest, map_id: int) -> HttpResponse:
    m = queries.get_map_for_user(request.user, map_id)
    ws = queries.workspace(m)
    if not ws.drawing:
        raise Http404("The map has errors to fix before it can be drawn")
    # Twice the resolution for print-sharp images, unless the map is already very wide.
    scale = 2 if ws.drawing.width <= 4000 else 1
    response = HttpResponse(drawing.to_png(ws.drawing, scale=scale), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{_filename(m, "png")}"'
    return response


@require_GET
@login_required
def map_print(request: HttpRequest, map_id: int) -> HttpResponse:
    m = queries.get_map_for_user(request.user, map_id)
    return render(request, "ideas/maps/print.html", {"map": m, "ws": queries.workspace(m)})


@require_GET
@login_required
def map_export(request: HttpRequest, map_id: int) -> HttpResponse:
    m = queries.get_map_for_user(request.user, map_id)
    data = json_format.export_map(m, queries.steps_of(m))
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(m, "json")}"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def map_import(request: HttpRequest) -> HttpResponse:
    teams = _teams_to_map_for(request.user)
    if not teams.exists():
        raise Http404("No team to map for")
    form = ImportForm(teams=teams)
    problems: list[str] = []
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, teams=teams)
        if form.is_valid():
            try:
                data = json_format.read_upload(form.cleaned_data["file"])
                m = json_format.import_map(
                    data,
                    team=form.cleaned_data["team"],
                    by=signed_in_user(request),
                    submission_token=form.cleaned_data["submission_token"],
                )
            except json_format.ImportRefused as refused:
                problems = refused.problems
            else:
                steps = m.steps.count()
                messages.success(
                    request,
                    ngettext(
                        "Imported “%(name)s” with %(count)s step.",
                        "Imported “%(name)s” with %(count)s steps.",
                        steps,
                    )
                    % {"name": m.name, "count": steps},
                )
                return redirect(m)
    return render(
        request,
        "ideas/maps/import.html",
        {"form": form, "problems": problems},
        status=422 if problems or form.errors else 200,
    )
