from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import CharField
from django.db.models.functions import Cast, TruncDate
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ideas import actions, imports, queries
from ideas.filters import IdeaFilter
from ideas.forms import (
    AdoptForm,
    CommentForm,
    IdeaForm,
    PublicationForm,
    ResponseForm,
    RouteForm,
)
from ideas.http import htmx, signed_in_user
from ideas.models import (
    Idea,
    IdeaComment,
    IdeaPhoto,
    IdeaQuerySet,
    PendingPhoto,
    hours_a_year,
)
from ideas.pagination import paginate_capped
from leanhub import policy
from leanhub import spreadsheets as sheets
from leanhub.http import (
    AuthenticatedHttpRequest,
    download_format,
    download_response,
    paginate,
    protected_file,
)
from leanhub.import_views import import_page
from leanhub.models import Team, User
from leanhub.queries import get_team_for_user

# --- Raise ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def idea_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Raise an idea. A repeated POST of the same form lands on the idea the first one made.

    A form refused for something missing keeps the photos that passed their checks, for this
    person and this form only, and shows them to keep or remove: the idea gets them when the
    form is then accepted."""
    pending: list[PendingPhoto] = []
    if request.method == "POST":
        form = IdeaForm(request.POST, request.FILES, user=request.user)
        # A form sent again after it made its idea (a double click on the button, the browser
        # resending) lands on that idea, even though the photos it kept have moved onto it.
        if form.posted_token is not None:
            earlier = Idea.objects.filter(
                submission_token=form.posted_token, author=request.user
            ).first()
            if earlier is not None:
                return redirect(earlier)
        if form.is_valid():
            data = form.cleaned_data
            idea, created = actions.submit_idea(
                actions.NewIdea(
                    **{
                        key: data[key]
                        for key in actions.NewIdea.__dataclass_fields__
                        if key in data
                    }
                ),
                token=data["token"],
                photos=form.new_photos,
                kept_photos=form.kept_photos,
                step_id=data.get("step"),
                by=request.user,
            )
            if created:
                messages.success(
                    request,
                    gettext("Thank you — your idea is with %(team)s. You will hear back here.")
                    % {"team": idea.team.name},
                )
            return redirect(idea)
        token = form.cleaned_data.get("token")
        if token is not None:
            pending = actions.keep_pending_photos(
                token, photos=form.new_photos, remove=form.removed_photos, by=request.user
            )
        sent = [f for f in request.FILES.getlist("photos") if f]
        if sent and (token is None or not form.new_photos):
            # Browsers cannot refill a file input: say so, rather than drop photos silently.
            form.add_error(None, gettext("Your photos were not kept: please choose them again."))
    else:
        step = request.GET.get("step", "")
        form = IdeaForm(
            user=request.user,
            initial={"step": int(step) if step.isdigit() else None, "token": uuid.uuid4()},
        )
    if not form.teams.exists():
        raise PermissionDenied(gettext("You need to belong to a team to raise an idea."))
    return render(request, "ideas/idea_form.html", {"form": form, "pending": pending})


@require_GET
@login_required
def pending_photo(request: AuthenticatedHttpRequest, photo_id: int, size: str) -> HttpResponseBase:
    """A photo kept from a refused raise-an-idea form, only to the person who sent it."""
    if size not in ("thumb", "display"):
        raise Http404("No such size")
    photo = get_object_or_404(PendingPhoto.objects.uploaded_by(request.user), pk=photo_id)
    return protected_file(photo.file_name(size), content_type=photo.content_type)


@require_GET
@login_required
def idea_similar(request: HttpRequest) -> HttpResponse:
    """Existing ideas like the one being typed, so people support instead of duplicating."""
    text = request.GET.get("title", "") or request.GET.get("problem", "")[:120]
    exclude = request.GET.get("exclude", "")
    similar = queries.similar_ideas(
        request.user, text, exclude_pk=int(exclude) if exclude.isdigit() else None
    )
    template = "ideas/similar.html#similar-ideas" if htmx(request) else "ideas/similar.html"
    return render(request, template, {"similar": similar, "text": text})


# --- Find -------------------------------------------------------------------------------------


def _filtered(request: HttpRequest, queryset: IdeaQuerySet) -> IdeaFilter:
    """``queryset`` (of the ideas the person may see) narrowed by the list's filters."""
    organisations = queries.organisations_for_overdue(request.user)
    return IdeaFilter(
        request.GET, queryset=queryset, user=signed_in_user(request), organisations=organisations
    )


@require_GET
@login_required
def idea_list(request: HttpRequest) -> HttpResponse:
    # The page's rows are read as plain columns (queries.listed_ideas), so the ideas are neither
    # joined nor counted until then.
    filterset = _filtered(request, Idea.objects.visible_to(request.user))
    page = paginate_capped(request, filterset.qs if filterset.is_valid() else Idea.objects.none())
    query = request.GET.copy()
    query.pop("page", None)
    now = timezone.now()
    context = {
        "filter": filterset,
        "page": page,
        "ideas": queries.listed_ideas(
            # A slice of the filtered ideas (the stubs type a page's list more loosely).
            cast("IdeaQuerySet", page.object_list),
            request.user,
            now,
            filterset.organisations,
        ),
        "query": query.urlencode(),
        "now": now,
        "led_overdue": queries.overdue_count_for_lead(request.user, filterset.organisations),
        # The teams whose backlog the person may import (a handful: only their names are shown).
        "import_teams": Team.objects.led_by(request.user).order_by("name")[:10],
    }
    template = "ideas/idea_list.html#idea-results" if htmx(request) else "ideas/idea_list.html"
    return render(request, template, context)


# The columns the export reads, straight from the database: no model is built per row.
EXPORT_FIELDS = (
    "pk",
    "title",
    "status",
    "kind",
    "wastes",
    "team__name",
    "team__site__name",
    "team__site__organisation__name",
    "author_id",
    "hide_name",
    "raised_on",
    "first_response_on",
    "minutes_per_occurrence",
    "occurrences_per_year",
    "money_per_year",
    "support_count",
    "comment_count",
)


def _day_text(field: str) -> Cast:
    """The (UTC) day of a moment as YYYY-MM-DD text, made by the database: reading a
    timestamp into Python costs more than the rest of an exported row."""
    return Cast(TruncDate(field, tzinfo=datetime.UTC), output_field=CharField())


AUTHOR_FIELDS = ("pk", "username", "full_name", "first_name", "last_name")


@require_GET
@login_required
def idea_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered list as CSV (or XLSX with ``?format=xlsx``), streamed a thousand rows at a
    time. Hidden names stay hidden
    (from all but administrators and the author: :func:`leanhub.policy.shown_name`)."""
    filterset = _filtered(request, queries.list_queryset(request.user))
    if not filterset.is_valid():
        raise Http404("Invalid filter")
    viewer = signed_in_user(request)
    # Translated here, in the request's language, not as the rows stream out after the view.
    header = [
        gettext("Number"),
        gettext("Title"),
        gettext("Status"),
        gettext("Kind"),
        gettext("Wastes"),
        gettext("Team"),
        gettext("Site"),
        gettext("Organisation"),
        gettext("Raised by"),
        gettext("Raised on"),
        gettext("First response"),
        gettext("Hours a year"),
        gettext("Money a year (£)"),
        gettext("Supporters"),
        gettext("Comments"),
    ]
    name_hidden = gettext("Name hidden")
    statuses = {value: str(label) for value, label in Idea.Status.choices}
    kinds = {value: str(label) for value, label in Idea.Kind.choices}
    wastes = {value: str(label) for value, label in Idea.Waste.choices}
    # Each author is read once, however many ideas they raised; so is the name shown for them.
    authors: dict[tuple[int, bool], str] = {}
    rows_of = filterset.qs.annotate(
        raised_on=_day_text("created_at"), first_response_on=_day_text("first_response_at")
    ).values_list(*EXPORT_FIELDS)

    def rows() -> Iterator[list[object]]:
        chunk: list[tuple[Any, ...]] = []
        for row in rows_of.iterator(chunk_size=2000):
            chunk.append(row)
            if len(chunk) == 2000:
                yield from cells(chunk)
                chunk = []
        yield from cells(chunk)

    def cells(chunk: list[tuple[Any, ...]]) -> Iterator[list[object]]:
        # The authors of a chunk not read yet: one query for all of them.
        missing = {row[8] for row in chunk if (row[8], row[9]) not in authors}
        if missing:
            for values in User.objects.filter(pk__in=missing).values(*AUTHOR_FIELDS):
                person = User(**values)
                for hidden in (False, True):
                    authors[(person.pk, hidden)] = policy.shown_name(
                        viewer, person, hidden=hidden, hidden_as=name_hidden
                    )
        for (
            pk,
            title,
            status,
            kind,
            idea_wastes,
            team,
            site,
            organisation,
            author_id,
            hidden,
            raised_on,
            first_response_on,
            minutes,
            occurrences,
            money,
            supporters,
            comments,
        ) in chunk:
            hours = hours_a_year(minutes, occurrences)
            yield [
                pk,
                title,
                statuses.get(status, status),
                kinds.get(kind, kind),
                "; ".join(wastes.get(w, w) for w in idea_wastes.split(",") if w),
                team,
                site,
                organisation,
                authors[(author_id, hidden)],
                _day(raised_on),
                _day(first_response_on),
                hours if hours is not None else "",
                money if money is not None else "",
                supporters,
                comments,
            ]

    # Only the title and the name are typed by people; the other cells are numbers, dates
    # and our own words.
    fmt = download_format(request, default="csv") or "csv"
    return download_response(fmt, "ideas", header, rows(), free_text=(1, 8))


def _day(text: str | None) -> datetime.date | str:
    """A day the database wrote as YYYY-MM-DD, as a date (a date cell in a workbook; the same
    text in CSV), or empty."""
    return datetime.date.fromisoformat(text) if text else ""


@require_http_methods(["GET", "POST"])
@login_required
def idea_import(
    request: AuthenticatedHttpRequest, team_id: int
) -> HttpResponse | StreamingHttpResponse:
    """A team lead imports a backlog of ideas for the team from a CSV or XLSX file, previewed
    and then confirmed (:mod:`leanhub.import_views`). Each idea is raised by the lead."""
    team = get_team_for_user(request.user, team_id, action="lead_team")
    key = sheets.import_key(request.POST.get("preview", ""))
    if actions.imported_count(team, key=key, by=request.user) is not None:
        messages.info(request, str(sheets.AlreadyImported.refusal))
        return redirect(reverse("ideas:list") + f"?team={team.pk}")

    def create(checked: sheets.Checked, filename: str) -> int:
        try:
            raised = actions.import_ideas(
                team,
                ideas=[imports.new_idea(team, values) for _number, values in checked.rows],
                filename=filename,
                by=request.user,
                key=key,
            )
        except sheets.AlreadyImported as done:
            return done.count
        return len(raised)

    return import_page(
        request,
        purpose=f"ideas:{team.pk}",
        columns=imports.columns(),
        check=imports.check,
        create=create,
        template_stem="ideas-template",
        done_url=reverse("ideas:list") + f"?team={team.pk}",
        context={
            "title": gettext("Import ideas for %(team)s") % {"team": team.name},
            "intro": gettext(
                "Each row of the file becomes an idea of the team, raised by you: the team's "
                "leads are told of each, as when an idea is raised on its own."
            ),
            "back_url": reverse("team", args=[team.pk]),
            "back_label": team.name,
        },
    )


@require_GET
@login_required
def burden_queue(request: HttpRequest) -> HttpResponse:
    """Red tape sent to owners outside the team, with the date a reply is due."""
    owner = request.GET.get("owner", "")
    ideas = queries.routed_burdens(request.user, owner=owner)
    page = paginate(request, ideas)
    return render(
        request,
        "ideas/burden_queue.html",
        {
            "page": page,
            "hours": queries.red_tape_hours(Idea.objects.visible_to(request.user)),
            "owner": owner,
            "owners": Idea.BurdenOwner.choices[1:],
            "today": timezone.localdate(),
            "query": f"owner={owner}" if owner else "",
        },
    )


# --- One idea ---------------------------------------------------------------------------------


def _detail_context(
    request: HttpRequest,
    idea: Idea,
    *,
    comment_form: CommentForm | None = None,
    response_form: ResponseForm | None = None,
    adopt_form: AdoptForm | None = None,
    route_form: RouteForm | None = None,
    publication_form: PublicationForm | None = None,
) -> dict[str, object]:
    user = signed_in_user(request)
    can_respond = policy.can(user, "respond_to_idea", idea)
    thread = queries.thread_for(idea, user)
    context: dict[str, object] = {
        "idea": idea,
        "thread": thread,
        "author_label": idea.author_shown_to(user),
        "can_respond": can_respond,
        "comment_form": comment_form or CommentForm(),
        "now": timezone.now(),
    }
    if can_respond and actions.TRANSITIONS[idea.status]:
        context["response_form"] = response_form or ResponseForm(idea=idea)
    if idea.status == Idea.Status.IMPLEMENTED:
        adopt = adopt_form or AdoptForm(user=user, exclude_team_id=idea.team_id)
        if adopt.teams.exists():
            context["adopt_form"] = adopt
    if (
        can_respond
        and idea.kind == Idea.Kind.STOP_DOING
        and idea.burden_owner not in ("", Idea.BurdenOwner.TEAM)
    ):
        context["route_form"] = route_form or RouteForm()
    if publication_form is not None or (
        can_respond and (idea.status == Idea.Status.IMPLEMENTED or idea.public)
    ):
        context["publication_form"] = publication_form or PublicationForm(
            idea=idea, auto_id="public_%s"
        )
    return context


@require_GET
@login_required
def idea_detail(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = queries.get_idea_for_user(request.user, idea_id)
    return render(request, "ideas/idea_detail.html", _detail_context(request, idea))


@require_POST
@login_required
def idea_respond(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = queries.get_idea_for_user(request.user, idea_id)
    policy.require(
        request.user,
        "respond_to_idea",
        idea,
        reason=gettext("Only the team's leads and managers can respond to this idea."),
    )
    form = ResponseForm(request.POST, idea=idea)
    if form.is_valid():
        data = form.cleaned_data
        duplicate_of = None
        if data["status"] == Idea.Status.DUPLICATE:
            duplicate_of = (
                Idea.objects.visible_to(request.user)
                .filter(pk=data["duplicate_of"])
                .select_related("team__site")
                .first()
            )
            if duplicate_of is None:
                form.add_error(
                    "duplicate_of", gettext("There is no idea with that number you can see.")
                )
        if form.is_valid() and not form.errors:
            try:
                actions.change_status(
                    idea,
                    to=data["status"],
                    note=data["note"],
                    revisit_on=data.get("revisit_on"),
                    duplicate_of=duplicate_of,
                    by=signed_in_user(request),
                )
            except actions.TransitionRefused as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(
                    request, gettext("Response recorded; the people following it are told.")
                )
                return redirect(idea)
    return render(
        request, "ideas/idea_detail.html", _detail_context(request, idea, response_form=form)
    )


@require_POST
@login_required
def idea_support(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = queries.get_idea_for_user(request.user, idea_id)
    actions.set_support(idea, on=request.POST.get("on") == "1", by=signed_in_user(request))
    if htmx(request):
        return render(request, "ideas/idea_detail.html#engage", _detail_context(request, idea))
    return redirect(idea)


@require_POST
@login_required
def idea_follow(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = queries.get_idea_for_user(request.user, idea_id)
    actions.set_follow(idea, on=request.POST.get("on") == "1", by=signed_in_user(request))
    if htmx(request):
        return render(request, "ideas/idea_detail.html#engage", _detail_context(request, idea))
    return redirect(idea)


@require_POST
@login_required
def comment_add(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = queries.get_idea_for_user(request.user, idea_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        actions.add_comment(idea, body=form.cleaned_data["body"], by=signed_in_user(request))
        return redirect(f"{idea.get_absolute_url()}#comments")
    return render(
        request, "ideas/idea_detail.html", _detail_context(request, idea, comment_form=form)
    )


@require_http_methods(["GET", "POST"])
@login_required
def comment_edit(request: HttpRequest, idea_id: int, comment_id: int) -> HttpResponse:
    idea = queries.get_idea_for_user(request.user, idea_id)
    comment = get_object_or_404(
        IdeaComment.objects.select_related("author"), idea=idea, pk=comment_id
    )
    if not comment.can_be_edited_by(request.user):
        raise PermissionDenied(
            gettext("Only the person who wrote a comment can edit it, and only for 15 minutes.")
        )
    form = CommentForm(request.POST or None, instance=comment)
    if request.method == "POST" and form.is_valid():
        actions.edit_comment(comment, body=form.cleaned_data["body"], by=signed_in_user(request))
        return redirect(f"{idea.get_absolute_url()}#comment-{comment.pk}")
    return render(
        request, "ideas/comment_form.html", {"idea": idea, "form": form, "comment": comment}
    )


@require_POST
@login_required
def idea_adopt(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = queries.get_idea_for_user(request.user, idea_id)
    form = AdoptForm(request.POST, user=request.user, exclude_team_id=idea.team_id)
    if form.is_valid():
        try:
            copy = actions.adopt_idea(
                idea, team=form.cleaned_data["team"], by=signed_in_user(request)
            )
        except actions.TransitionRefused as refusal:
            form.add_error("team", refusal.message)
        else:
            messages.success(
                request, gettext("%(team)s is adopting this idea.") % {"team": copy.team.name}
            )
            return redirect(copy)
    return render(
        request, "ideas/idea_detail.html", _detail_context(request, idea, adopt_form=form)
    )


@require_POST
@login_required
def idea_route(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = queries.get_idea_for_user(request.user, idea_id)
    policy.require(
        request.user,
        "respond_to_idea",
        idea,
        reason=gettext("Only the team's leads and managers can route burdens."),
    )
    form = RouteForm(request.POST)
    if form.is_valid():
        try:
            actions.route_burden(
                idea, reply_due_on=form.cleaned_data["reply_due_on"], by=signed_in_user(request)
            )
        except actions.TransitionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, gettext("Sent to the owner's queue."))
            return redirect(idea)
    return render(
        request, "ideas/idea_detail.html", _detail_context(request, idea, route_form=form)
    )


@require_POST
@login_required
def idea_publication(request: HttpRequest, idea_id: int) -> HttpResponse:
    """Show an implemented idea on the public pages, in its public words, or take it off."""
    idea = queries.get_idea_for_user(request.user, idea_id)
    policy.require(
        request.user,
        "respond_to_idea",
        idea,
        reason=gettext("Only the team's leads and managers can publish what changed."),
    )
    form = PublicationForm(request.POST, idea=idea, auto_id="public_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.set_publication(
                idea,
                public=data["public"],
                title=data["public_title"],
                summary=data["public_summary"],
                by=signed_in_user(request),
            )
        except actions.TransitionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                gettext("Shown on the public pages.")
                if data["public"]
                else gettext("Not shown on the public pages."),
            )
            return redirect(idea)
    return render(
        request,
        "ideas/idea_detail.html",
        _detail_context(request, idea, publication_form=form),
        status=400,
    )


@require_GET
@login_required
def idea_photo(request: HttpRequest, idea_id: int, photo_id: int, size: str) -> HttpResponseBase:
    """A photo, only to people who may see its idea, with the type it was verified as."""
    if size not in ("thumb", "display"):
        raise Http404("No such size")
    idea = queries.get_idea_for_user(request.user, idea_id)
    photo = get_object_or_404(IdeaPhoto, idea=idea, pk=photo_id)
    return protected_file(
        photo.file_name(size),
        content_type=photo.content_type,
        filename=f"idea-{idea.pk}-{photo.pk}.{photo.extension}",
    )
