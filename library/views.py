"""The library's pages: the list with its filters, an entry, publishing an adopted cycle,
changing an entry, "Try this here", and the fragments the cycle and card pages load."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from ideas.pagination import paginate_capped
from kaizen import queries as kaizen_queries
from kaizen.models import Cycle
from leanhub import policy
from leanhub.http import AuthenticatedHttpRequest
from leanhub.models import Role, User
from library import actions, queries
from library.filters import EntryFilter
from library.forms import EntryForm, TryForm
from library.models import Adoption, Entry


@require_GET
@login_required
def entry_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filterset = EntryFilter(
        request.GET, queryset=queries.entries_for(request.user), user=request.user
    )
    page = paginate_capped(request, filterset.qs.order_by("-published_at", "-pk"))
    query = request.GET.copy()
    query.pop("page", None)
    template = (
        "library/entry_list.html#entry-results" if request.htmx else "library/entry_list.html"
    )
    return render(
        request, template, {"filter": filterset, "page": page, "query": query.urlencode()}
    )


def _try_form(
    request: AuthenticatedHttpRequest, entry: Entry, data: object = None
) -> TryForm | None:
    teams = actions.teams_to_try_on(request.user)
    if entry.team_id is not None:
        teams = teams.exclude(pk=entry.team_id)
    if not teams.exists():
        return None
    return TryForm(data, teams=teams)


def _detail(
    request: AuthenticatedHttpRequest, entry: Entry, *, try_form: TryForm | None, status: int = 200
) -> HttpResponse:
    context = {
        "entry": entry,
        "linked": queries.linked(entry, request.user),
        "try_form": try_form,
        "can_edit": policy.can(request.user, "edit_library_entry", entry),
        "hides_contact": entry.cycle is not None
        and policy.hides_name(entry.cycle.card.idea, entry.contact),
    }
    return render(request, "library/entry_detail.html", context, status=status)


@require_GET
@login_required
def entry_detail(request: AuthenticatedHttpRequest, entry_id: int) -> HttpResponse:
    entry = queries.get_entry_for_user(request.user, entry_id)
    return _detail(request, entry, try_form=_try_form(request, entry))


@require_http_methods(["GET", "POST"])
@login_required
def entry_try(request: AuthenticatedHttpRequest, entry_id: int) -> HttpResponse:
    """ "Try this here": pick the team whose board gets the card. A refusal keeps the choice and
    says why; success opens the new card."""
    entry = queries.get_entry_for_user(request.user, entry_id)
    form = _try_form(request, entry, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form is None:
            messages.error(request, gettext("You work in no other team whose board could take it."))
            return redirect(entry)
        if form.is_valid():
            try:
                adoption = actions.try_here(entry, team=form.cleaned_data["team"], by=request.user)
            except ValidationError as refusal:
                form.add_error(None, refusal)
            else:
                messages.success(
                    request,
                    gettext("It is on the board of %(team)s, linked to the library entry.")
                    % {"team": adoption.team.name},
                )
                assert adoption.card is not None
                return redirect(adoption.card)
        return _detail(request, entry, try_form=form, status=400)
    return render(request, "library/entry_try.html", {"entry": entry, "try_form": form})


def _people_to_ask(cycle: Cycle) -> list[User]:
    """Who may be named as the one to ask: the team's leads and the card's owners, never
    someone who hid their name on the card's idea."""
    card = cycle.card
    team = card.board.team
    people = list(card.owners.all())
    if team is not None:
        leads = User.objects.filter(
            memberships__team=team, memberships__role=Role.LEAD, is_active=True
        )
        people += list(leads)
    unique = {p.pk: p for p in people if not policy.hides_name(card.idea, p)}
    return list(unique.values())


@require_http_methods(["GET", "POST"])
@login_required
def cycle_publish(request: AuthenticatedHttpRequest, cycle_id: int) -> HttpResponse:
    """Publish a cycle adopted as standard work, from a draft of what the cycle says."""
    cycle = kaizen_queries.get_cycle_for_user(request.user, cycle_id, action="publish_cycle")
    existing = Entry.objects.filter(cycle=cycle).first()
    if existing is not None:
        return redirect(existing)
    people = _people_to_ask(cycle)
    if cycle.decision != Cycle.Decision.ADOPT:
        return render(request, "library/publish.html", {"cycle": cycle, "form": None}, status=200)
    if request.method == "POST":
        form = EntryForm(request.POST, people=people)
        if form.is_valid():
            try:
                entry = actions.publish_cycle(cycle, text=form.text(), by=request.user)
            except ValidationError as refusal:
                form.add_error(None, refusal)
            else:
                messages.success(request, gettext("It is in the library."))
                return redirect(entry)
        return render(request, "library/publish.html", {"cycle": cycle, "form": form}, status=400)
    draft = actions.draft_from_cycle(cycle)
    draft.contact = request.user if request.user in people else None
    form = EntryForm(initial=EntryForm.initial_from(draft), people=people)
    return render(request, "library/publish.html", {"cycle": cycle, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def entry_edit(request: AuthenticatedHttpRequest, entry_id: int) -> HttpResponse:
    entry = queries.get_entry_for_user(request.user, entry_id, action="edit_library_entry")
    people = _people_to_ask(entry.cycle) if entry.cycle is not None else []
    if entry.contact is not None and entry.contact not in people:
        people.append(entry.contact)
    if request.method == "POST":
        form = EntryForm(request.POST, people=people)
        if form.is_valid():
            try:
                actions.edit_entry(entry, text=form.text(), by=request.user)
            except ValidationError as refusal:
                form.add_error(None, refusal)
            else:
                messages.success(request, gettext("Library entry saved."))
                return redirect(entry)
        return render(
            request, "library/entry_edit.html", {"entry": entry, "form": form}, status=400
        )
    text = actions.Text(
        title=entry.title,
        summary=entry.summary,
        theme=entry.theme,
        why=entry.why,
        standard=entry.standard,
        wastes=entry.waste_list,
        shared_with_partners=entry.shared_with_partners,
        contact=entry.contact,
    )
    form = EntryForm(initial=EntryForm.initial_from(text), people=people)
    return render(request, "library/entry_edit.html", {"entry": entry, "form": form})


@require_GET
@login_required
def cycle_fragment(request: AuthenticatedHttpRequest, cycle_id: int) -> HttpResponse:
    """For the cycle page: its library entry, or (to its team's leads, once the cycle is
    adopted as standard work) the way to publish it."""
    cycle = kaizen_queries.get_cycle_for_user(request.user, cycle_id)
    entry = Entry.objects.filter(cycle=cycle).first()
    may_publish = (
        entry is None
        and cycle.decision == Cycle.Decision.ADOPT
        and policy.can(request.user, "publish_cycle", cycle)
    )
    if entry is not None and not policy.can(request.user, "view_library_entry", entry):
        entry = None
    return render(
        request,
        "library/_cycle_library.html",
        {"cycle": cycle, "entry": entry, "may_publish": may_publish},
    )


@require_GET
@login_required
def card_fragment(request: AuthenticatedHttpRequest, card_id: int) -> HttpResponse:
    """For the card page: the library entry the card was tried from, if the person may open
    it."""
    card = kaizen_queries.get_card_for_user(request.user, card_id)
    adoption = Adoption.objects.filter(card=card).select_related("entry__team__site").first()
    entry = adoption.entry if adoption is not None else None
    if entry is not None and not policy.can(request.user, "view_library_entry", entry):
        entry = None
    return render(request, "library/_card_library.html", {"card": card, "entry": entry})
