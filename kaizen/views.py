"""Board, card and cycle pages. Each view: authorise → fetch → validate → one action → render."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.forms import BaseForm
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ideas.maps.queries import get_map_for_user
from ideas.models import Idea
from ideas.queries import get_idea_for_user
from kaizen import actions, forms, imports, photos, queries
from kaizen.models import Board, Card, Column, Cycle, CycleAction, CyclePhoto
from leanhub import policy
from leanhub import spreadsheets as sheets
from leanhub.http import AuthenticatedHttpRequest, HtmxHttpRequest, protected_file
from leanhub.import_views import import_page
from leanhub.models import Team, User
from leanhub.queries import get_team_for_user

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

BOARD_PAGE = "kaizen/board.html"


def _in_huddle(request: HtmxHttpRequest) -> bool:
    """Huddle mode is in the page's address; htmx requests from that page carry it along."""
    if request.GET.get("huddle") == "1":
        return True
    return bool(request.htmx) and "huddle=1" in (request.htmx.current_url or "")


def _board_response(
    request: AuthenticatedHttpRequest,
    board: Board,
    *,
    notice: StrOrPromise = "",
    wip_prompt: dict[str, Any] | None = None,
    new_card_form: forms.NewCardForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The board as a page, or (for htmx) just its body. Refusals keep status 200 for htmx so
    the current board is swapped in with the message; full pages carry the real status."""
    context = queries.board_context(board)
    context.update(
        {
            "can_work": policy.can(request.user, "work_on_board", board),
            "can_lead": policy.can(request.user, "lead_board", board),
            "notice": notice,
            "wip_prompt": wip_prompt,
            "new_card_form": new_card_form
            or forms.NewCardForm(board=board, columns=context["columns"]),
            "huddle": _in_huddle(request),
        }
    )
    if request.htmx:
        return render(request, f"{BOARD_PAGE}#board-body", context)
    return render(request, BOARD_PAGE, context, status=status)


@require_GET
@login_required
def my_board(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The board of the user's first team; people without a team pick from the boards they see."""
    scope = policy.scope_of(request.user)
    if scope.home_team_ids:
        team = Team.objects.get(pk=scope.home_team_ids[0])
        return redirect(actions.ensure_team_board(team))
    boards = queries.boards_for(request.user)
    teams = Team.objects.filter(policy.team_q(request.user, "lead")).select_related("site")[:50]
    return render(request, "kaizen/board_list.html", {"boards": boards, "teams": teams})


@require_http_methods(["GET", "POST"])
@login_required
def board_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every board the user can see; leads and managers start joint boards here."""
    form = forms.JointBoardForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not form.can_start:
            raise PermissionDenied(gettext("Only team leads and managers start joint boards."))
        if form.is_valid():
            try:
                board = actions.create_joint_board(
                    name=form.cleaned_data["name"],
                    teams=form.cleaned_data["teams"],
                    organisations=form.cleaned_data["organisations"],
                    members=[request.user],
                    by=request.user,
                )
            except ValidationError as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, gettext("Joint board started."))
                return redirect(board)
    boards = queries.boards_for(request.user)
    teams = Team.objects.filter(policy.team_q(request.user, "lead")).select_related("site")[:50]
    return render(
        request,
        "kaizen/board_list.html",
        {"boards": boards, "teams": teams, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@login_required
def team_board(request: AuthenticatedHttpRequest, team_id: int) -> HttpResponse:
    team = get_team_for_user(request.user, team_id)
    return redirect(actions.ensure_team_board(team))


@require_GET
@login_required
def board(request: AuthenticatedHttpRequest, board_id: int) -> HttpResponse:
    return _board_response(request, queries.get_board_for_user(request.user, board_id))


@require_POST
@login_required
def new_card(request: AuthenticatedHttpRequest, board_id: int) -> HttpResponse:
    board = queries.get_board_for_user(request.user, board_id)
    policy.require(
        request.user,
        "work_on_board",
        board,
        reason=gettext("Only people working this board add cards."),
    )
    form = forms.NewCardForm(request.POST, board=board)
    if not form.is_valid():
        return _board_response(request, board, new_card_form=form, status=400)
    data = form.cleaned_data
    try:
        actions.create_card(
            board,
            title=data["title"],
            column=data["column"],
            description=data["description"],
            due_date=data["due_date"],
            labels=data["labels"],
            wip_reason=data["wip_reason"],
            by=request.user,
        )
    except actions.WipLimitReached as error:
        form.add_error("wip_reason", error.message)
        return _board_response(request, board, new_card_form=form, status=400)
    if request.htmx:
        return _board_response(request, board)
    return redirect(board)


@require_http_methods(["GET", "POST"])
@login_required
def move_card(request: AuthenticatedHttpRequest, card_id: int) -> HttpResponse:
    """The one move endpoint, for the "Move to…" form and for drag and drop alike. GET gives
    the form (loaded into the card on demand, so the live fragments stay small)."""
    card = queries.get_card_for_user(request.user, card_id)
    policy.require(
        request.user,
        "edit_card",
        card,
        reason=gettext("Only the card's owners and the board's leads move it."),
    )
    if request.method == "GET":
        context = {"card": card, "columns": list(card.board.columns.all())}
        template = "kaizen/move_card.html#move-form" if request.htmx else "kaizen/move_card.html"
        return render(request, template, context)
    form = forms.MoveForm(request.POST)
    if not form.is_valid():
        return _board_response(
            request,
            card.board,
            notice=gettext("Choose a column and a position to move the card to."),
            status=400,
        )
    data = form.cleaned_data
    to = get_object_or_404(Column.objects.select_related("board"), pk=data["column"])
    try:
        actions.move_card(
            card,
            to=to,
            position=data["position"] - 1,
            expected_version=data["version"],
            wip_reason=data["wip_reason"],
            by=request.user,
        )
    except actions.StaleCard:
        return _board_response(request, card.board, notice=actions.StaleCard.message, status=409)
    except actions.WipLimitReached as error:
        prompt = {
            "card": card,
            "column": to,
            "position": data["position"],
            "version": data["version"],
            "message": error.message,
        }
        return _board_response(request, card.board, wip_prompt=prompt, status=409)
    except actions.MoveRefused as error:
        return _board_response(request, card.board, notice=error.message, status=400)
    if request.htmx:
        # The mover gets the same column fragments every viewer gets, and any earlier
        # refusal notice is cleared; the rest of the board stays as it is.
        context = queries.columns_context(card.board_id, sorted({data["column"], card.column_id}))
        context["clear_notice"] = True
        response = render(request, actions.COLUMN_TEMPLATE, context)
        response["HX-Reswap"] = "none"
        return response
    return redirect(card.board)


@require_POST
@login_required
def block_card(request: AuthenticatedHttpRequest, card_id: int) -> HttpResponse:
    card = queries.get_card_for_user(request.user, card_id)
    policy.require(
        request.user,
        "edit_card",
        card,
        reason=gettext("Only the card's owners and the board's leads flag it."),
    )
    form = forms.BlockForm(request.POST)
    if not form.is_valid():
        return _card_page(request, card, block_form=form, status=400)
    actions.block_card(card, reason=form.cleaned_data["reason"], by=request.user)
    return redirect(card)


@require_POST
@login_required
def unblock_card(request: AuthenticatedHttpRequest, card_id: int) -> HttpResponse:
    card = queries.get_card_for_user(request.user, card_id)
    actions.unblock_card(card, by=request.user)
    return redirect(card)


@require_POST
@login_required
def card_from_idea(request: AuthenticatedHttpRequest, idea_id: int) -> HttpResponse:
    idea = get_idea_for_user(request.user, idea_id)
    try:
        card = actions.create_card_from_idea(idea, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(idea)
    messages.success(request, gettext("The idea is on the team's board and now in progress."))
    return redirect(card)


def _card_page(
    request: AuthenticatedHttpRequest,
    card: Card,
    *,
    edit_form: forms.EditCardForm | None = None,
    block_form: forms.BlockForm | None = None,
    status: int = 200,
) -> HttpResponse:
    # What the card achieved is metrics' to show: the page loads its fragment.
    context = queries.card_story(card)
    context.update(
        {
            "can_edit": policy.can(request.user, "edit_card", card),
            "edit_form": edit_form
            or forms.EditCardForm(
                board=card.board,
                initial={
                    "vsm_step": card.vsm_step_id,
                    "title": card.title,
                    "description": card.description,
                    "due_date": card.due_date,
                    "labels": card.labels,
                    "version": card.version,
                },
            ),
            "block_form": block_form or forms.BlockForm(),
        }
    )
    return render(request, "kaizen/card_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def card_detail(request: AuthenticatedHttpRequest, card_id: int) -> HttpResponse:
    """The card and its cycles; POST edits what the card says (refused if it changed meanwhile)."""
    card = queries.get_card_for_user(request.user, card_id)
    if request.method == "GET":
        return _card_page(request, card)
    policy.require(
        request.user,
        "edit_card",
        card,
        reason=gettext("Only the card's owners and the board's leads edit it."),
    )
    form = forms.EditCardForm(request.POST, board=card.board)
    if not form.is_valid():
        return _card_page(request, card, edit_form=form, status=400)
    data = form.cleaned_data
    try:
        actions.edit_card(
            card,
            expected_version=data["version"],
            title=data["title"],
            description=data["description"],
            due_date=data["due_date"],
            labels=data["labels"],
            vsm_step=data["vsm_step"],
            by=request.user,
        )
    except actions.StaleCard:
        form.add_error(
            None,
            gettext(
                "This card changed while you were editing it — here is the current card; "
                "your text is kept below."
            ),
        )
        card = queries.get_card_for_user(request.user, card_id)
        return _card_page(request, card, edit_form=form, status=409)
    except ValidationError as refusal:
        form.add_error("vsm_step", refusal.message)
        return _card_page(request, card, edit_form=form, status=400)
    messages.success(request, gettext("Card saved."))
    return redirect(card)


@require_GET
@login_required
def card_a3(request: AuthenticatedHttpRequest, card_id: int) -> HttpResponse:
    card = queries.get_card_for_user(request.user, card_id)
    return render(request, "kaizen/card_a3.html", queries.card_story(card))


@require_http_methods(["GET", "POST"])
@login_required
def board_settings(request: AuthenticatedHttpRequest, board_id: int) -> HttpResponse:
    """WIP limits per column and the stale threshold: the board's leads only."""
    board = queries.get_board_for_user(request.user, board_id)
    policy.require(
        request.user, "lead_board", board, reason=gettext("Only the board's leads set its limits.")
    )
    form = forms.BoardSettingsForm(request.POST or None, board=board)
    if request.method == "POST" and form.is_valid():
        try:
            actions.configure_board(
                board,
                wip_limits=form.wip_limits(),
                stale_after_days=form.cleaned_data["stale_after_days"],
                names=form.names(),
                new_column=form.cleaned_data["new_column"].strip(),
                by=request.user,
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, gettext("Board set-up saved."))
            return redirect(board)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "kaizen/board_settings.html", {"board": board, "form": form}, status=status
    )


@require_http_methods(["GET", "POST"])
@login_required
def board_import(
    request: AuthenticatedHttpRequest, board_id: int
) -> HttpResponse | StreamingHttpResponse:
    """A lead imports a backlog of cards onto the board from a CSV or XLSX file, previewed and
    then confirmed (:mod:`leanhub.import_views`); each card is added as "Add a card" adds one.
    The same preview confirmed twice (a double click) adds the cards once."""
    board = queries.get_board_for_user(request.user, board_id)
    policy.require(
        request.user,
        "lead_board",
        board,
        reason=gettext("Only the board's leads import cards onto it."),
    )
    key = sheets.import_key(request.POST.get("preview", ""))
    if queries.imported_count(board, key=key, by=request.user) is not None:
        messages.info(request, str(sheets.AlreadyImported.refusal))
        return redirect(board)
    backlog = imports.CardImport(board, by=request.user)

    def create(checked: sheets.Checked, filename: str) -> int:
        try:
            added = actions.import_cards(
                board,
                cards=backlog.new_cards(checked),
                filename=filename,
                key=key,
                by=request.user,
            )
        except sheets.AlreadyImported as done:
            return done.count
        return len(added)

    return import_page(
        request,
        purpose=f"kaizen-cards:{board.pk}",
        columns=backlog.columns(),
        check=backlog.check,
        create=create,
        template_stem="cards-template",
        done_url=board.get_absolute_url(),
        context={
            "title": gettext("Import cards onto %(board)s") % {"board": board.name},
            "intro": gettext(
                "Each row of the file becomes a card at the end of its column, added by you, as "
                "if added with “Add a card”: the board's work-in-progress limits hold, and "
                "everyone with the board open sees the cards arrive."
            ),
            "back_url": board.get_absolute_url(),
            "back_label": board.name,
        },
    )


@require_GET
@login_required
def board_flow(request: AuthenticatedHttpRequest, board_id: int) -> HttpResponse:
    """Lead and cycle times, ageing and stale work, and the cumulative flow diagram over the
    window chosen (30, 90 or 180 days)."""
    board = queries.get_board_for_user(request.user, board_id)
    days = forms.FlowWindowForm(request.GET or None).days_to_show()
    context = queries.flow_context(board, days=days)
    # Shown unbound: a window typed into the address that is not on offer is not an error to
    # report, the page just shows the default and the form says which.
    window = forms.FlowWindowForm(initial={"days": days})
    return render(request, "kaizen/board_flow.html", {**context, "window": window})


# --- PDCA -----------------------------------------------------------------------------------


def _people_for(card: Card) -> QuerySet[User]:
    """Who may own an action: the board's team (or member teams) and the card's owners."""
    board = card.board
    team_ids = [board.team_id] if board.team_id else [t.pk for t in board.member_teams.all()]
    return User.objects.filter(
        Q(memberships__team_id__in=team_ids) | Q(pk__in=[u.pk for u in card.owners.all()])
    ).distinct()


def _cycle_page(
    request: AuthenticatedHttpRequest, cycle: Cycle, status: int = 200, **forms_given: BaseForm
) -> HttpResponse:
    card = cycle.card
    context = queries.card_story(card)
    context.update(
        {
            "cycle": next((c for c in context["cycles"] if c.pk == cycle.pk), cycle),
            "can_edit": policy.can(request.user, "edit_card", card),
            "plan_form": forms_given.get("plan_form") or forms.PlanForm(instance=cycle),
            "check_form": forms_given.get("check_form") or forms.CheckForm(instance=cycle),
            "action_form": forms_given.get("action_form")
            or forms.ActionForm(people=_people_for(card), viewer=request.user, idea=card.idea),
            "photo_form": forms_given.get("photo_form") or forms.PhotoForm(),
            "decision_form": forms_given.get("decision_form")
            or forms.DecisionForm(
                initial={
                    "decision": cycle.decision,
                    "standard": cycle.standard,
                    "learning": cycle.learning,
                }
            ),
        }
    )
    return render(request, "kaizen/cycle.html", context, status=status)


@require_POST
@login_required
def new_cycle(request: AuthenticatedHttpRequest, card_id: int) -> HttpResponse:
    card = queries.get_card_for_user(request.user, card_id)
    cycle = actions.start_cycle(card, by=request.user)
    return redirect("kaizen:cycle", cycle.pk)


@require_GET
@login_required
def cycle_detail(request: AuthenticatedHttpRequest, cycle_id: int) -> HttpResponse:
    return _cycle_page(request, queries.get_cycle_for_user(request.user, cycle_id))


@require_POST
@login_required
def cycle_plan(request: AuthenticatedHttpRequest, cycle_id: int) -> HttpResponse:
    cycle = queries.get_cycle_for_user(request.user, cycle_id, action="edit_cycle")
    form = forms.PlanForm(request.POST, instance=Cycle.objects.get(pk=cycle.pk))
    if not form.is_valid():
        return _cycle_page(request, cycle, status=400, plan_form=form)
    actions.update_cycle(cycle, by=request.user, **form.values())
    return redirect("kaizen:cycle", cycle.pk)


@require_POST
@login_required
def cycle_check(request: AuthenticatedHttpRequest, cycle_id: int) -> HttpResponse:
    cycle = queries.get_cycle_for_user(request.user, cycle_id, action="edit_cycle")
    form = forms.CheckForm(request.POST, instance=Cycle.objects.get(pk=cycle.pk))
    if not form.is_valid():
        return _cycle_page(request, cycle, status=400, check_form=form)
    actions.update_cycle(
        cycle,
        by=request.user,
        result=form.cleaned_data["result"],
        evidence=form.cleaned_data["evidence"],
    )
    return redirect("kaizen:cycle", cycle.pk)


@require_POST
@login_required
def cycle_action(request: AuthenticatedHttpRequest, cycle_id: int) -> HttpResponse:
    cycle = queries.get_cycle_for_user(request.user, cycle_id, action="edit_cycle")
    form = forms.ActionForm(
        request.POST, people=_people_for(cycle.card), viewer=request.user, idea=cycle.card.idea
    )
    if not form.is_valid():
        return _cycle_page(request, cycle, status=400, action_form=form)
    actions.add_cycle_action(cycle, by=request.user, **form.cleaned_data)
    return redirect("kaizen:cycle", cycle.pk)


@require_POST
@login_required
def cycle_action_done(request: AuthenticatedHttpRequest, action_id: int) -> HttpResponse:
    action = get_object_or_404(CycleAction, pk=action_id)
    cycle = queries.get_cycle_for_user(request.user, action.cycle_id)
    action.cycle = cycle
    actions.set_action_done(action, done=request.POST.get("done") == "1", by=request.user)
    return redirect("kaizen:cycle", cycle.pk)


@require_POST
@login_required
def cycle_photo(request: AuthenticatedHttpRequest, cycle_id: int) -> HttpResponse:
    cycle = queries.get_cycle_for_user(request.user, cycle_id, action="edit_cycle")
    form = forms.PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.add_cycle_photo(
                cycle,
                upload=form.cleaned_data["photo"],
                caption=form.cleaned_data["caption"],
                by=request.user,
            )
            return redirect("kaizen:cycle", cycle.pk)
        except ValidationError as error:
            form.add_error("photo", error.message_dict.get("photo", error.messages))
    return _cycle_page(request, cycle, status=400, photo_form=form)


@require_GET
@login_required
def photo_file(request: AuthenticatedHttpRequest, photo_id: int) -> HttpResponseBase:
    photo = get_object_or_404(CyclePhoto, pk=photo_id)
    queries.get_cycle_for_user(request.user, photo.cycle_id)
    return protected_file(photos.file_name(photo.file), content_type=photo.content_type)


@require_POST
@login_required
def cycle_decide(request: AuthenticatedHttpRequest, cycle_id: int) -> HttpResponse:
    cycle = queries.get_cycle_for_user(request.user, cycle_id, action="edit_cycle")
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        return _cycle_page(request, cycle, status=400, decision_form=form)
    try:
        actions.decide_cycle(cycle, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return _cycle_page(request, cycle, status=400, decision_form=form)
    if form.cleaned_data["decision"] == Cycle.Decision.ADAPT:
        messages.success(request, gettext("Decision recorded; the next cycle is open."))
    else:
        messages.success(request, gettext("Decision recorded."))
    return redirect(cycle.card)


# --- The kaizen cards on a value-stream map's steps -----------------------------------------


@dataclass(frozen=True)
class StepCards:
    """A map step with the kaizen cards improving it that the viewer may see."""

    pk: int
    name: str
    card_list: list[Card]


@require_GET
@login_required
def map_cards(request: AuthenticatedHttpRequest, map_id: int) -> HttpResponse:
    """The kaizen cards that improve each step of a value-stream map, for the map's page (which
    is the ideas app's, so it cannot read cards itself). For htmx: one list per step that has
    cards, each swapped out of band into that step's ``step-cards-<id>`` box. Otherwise: a page of
    its own, where the map page's fallback link leads.

    Seen by whoever may see the map (404 otherwise); lists only the cards on boards the person
    may see. Three queries whatever the number of steps and cards.
    """
    m = get_map_for_user(request.user, map_id)
    steps = list(m.steps.order_by("position", "pk").only("pk", "name", "map_id"))
    cards = Card.objects.filter(
        vsm_step__map=m, board__in=Board.objects.visible_to(request.user)
    ).only("pk", "title", "vsm_step_id")
    by_step: dict[int | None, list[Card]] = {}
    for card in cards:
        by_step.setdefault(card.vsm_step_id, []).append(card)
    listed = [StepCards(s.pk, s.name, by_step[s.pk]) for s in steps if by_step.get(s.pk)]
    context = {"map": m, "steps": listed}
    if request.htmx:
        return render(request, "kaizen/_map_cards.html", context)
    return render(request, "kaizen/map_cards.html", context)


# --- The kaizen cards working on an idea ----------------------------------------------------


@require_GET
@login_required
def idea_cards(request: AuthenticatedHttpRequest, idea_id: int) -> HttpResponse:
    """The kaizen cards working on an idea and, for whoever responds to it while it is accepted
    and has no card yet, the button that puts it on the team's board: for the idea's page (which
    is the ideas app's, so it cannot read cards itself). For htmx: the fragment, swapped in place
    of the page's placeholder by its id. Otherwise: a page of its own, where the idea page's
    fallback link leads.

    Seen by whoever may see the idea (the idea's own rule, 404 otherwise); lists only the cards
    on boards the person may see. A fixed number of queries whatever the number of cards."""
    idea = get_idea_for_user(request.user, idea_id)
    cards = queries.cards_for_idea(idea, request.user)
    can_start_card = (
        idea.status == Idea.Status.ACCEPTED
        and not cards
        and policy.can(request.user, "respond_to_idea", idea)
    )
    context = {"idea": idea, "cards": cards, "can_start_card": can_start_card}
    if request.htmx:
        return render(request, "kaizen/_idea_cards.html", context)
    return render(request, "kaizen/idea_cards.html", context)
