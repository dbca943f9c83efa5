"""The permission policy: "may this user do X to this object?" — asked by every view,
template and websocket consumer, and turned into queryset filters for lists.

The rules follow ../PRODUCT.md's table. A user's reach is worked out once per request from their
memberships (:func:`scope_of`) and cached on the user object, so asking many questions about many
objects costs no further queries.

Answers come in two strengths: :func:`require` raises ``Http404`` when the user may not even see
the object (its existence is not leaked), and ``PermissionDenied`` with a reason when they can see
it but may not do this to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import F, Manager, Model, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from leanhub.models import Membership, Organisation, Place, Role, Site, Team, User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
    from typing_extensions import TypeIs


@dataclass(frozen=True)
class Scope:
    """Everything the policy needs to know about one user, as sets of ids."""

    user_id: int | None
    is_admin: bool = False
    roles: frozenset[str] = frozenset()
    # Teams the user works in (any team-scoped membership).
    member_team_ids: frozenset[int] = frozenset()
    # Teams the user leads (team lead role).
    led_team_ids: frozenset[int] = frozenset()
    # Manager reach: whole organisations, whole sites, or single teams.
    managed_org_ids: frozenset[int] = frozenset()
    managed_site_ids: frozenset[int] = frozenset()
    managed_team_ids: frozenset[int] = frozenset()
    # Organisations the user belongs to (whatever the role) — ideas of these are visible.
    org_ids: frozenset[int] = frozenset()
    # Places the user works in — partner-shared work in these is visible.
    place_ids: frozenset[int] = frozenset()
    # Places the user leads the partnership of.
    partnership_place_ids: frozenset[int] = frozenset()
    home_team_ids: tuple[int, ...] = field(default=())

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def primary_role(self) -> str | None:
        """The role the user's home page and navigation are built around."""
        if self.is_admin:
            return Role.ADMIN
        for role in (Role.MANAGER, Role.PARTNERSHIP, Role.LEAD, Role.STAFF):
            if role in self.roles:
                return role
        return None

    def manages_team(self, team: Team) -> bool:
        return (
            team.pk in self.managed_team_ids
            or team.site_id in self.managed_site_ids
            or team.site.organisation_id in self.managed_org_ids
        )

    def manages_site(self, site: Site) -> bool:
        return site.pk in self.managed_site_ids or site.organisation_id in self.managed_org_ids


ANONYMOUS = Scope(user_id=None)


# The attribute of a user object that holds its scope once worked out.
_SCOPE_CACHE = "_leanhub_scope"


def scope_of(user: User | AnonymousUser | None) -> Scope:
    """Work out (once per user object) what the user can reach. Two queries at most."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached: Scope | None = getattr(user, _SCOPE_CACHE, None)
    if cached is not None:
        return cached

    # Plain values, in the memberships' own order (the first team is the person's home team):
    # no membership, team or site is built on every request.
    memberships = list(
        Membership.objects.filter(user=user).values_list(
            "role",
            "team_id",
            "team__site__organisation_id",
            "team__site__place_id",
            "site_id",
            "site__organisation_id",
            "site__place_id",
            "organisation_id",
            "place_id",
        )
    )
    roles = {m[0] for m in memberships}
    is_admin = user.is_superuser or Role.ADMIN in roles
    member_teams: set[int] = set()
    led: set[int] = set()
    m_orgs: set[int] = set()
    m_sites: set[int] = set()
    m_teams: set[int] = set()
    orgs: set[int] = set()
    places: set[int] = set()
    p_places: set[int] = set()
    home_teams: list[int] = []
    org_scoped: set[int] = set()
    for role, team, team_org, team_place, site, site_org, site_place, org, place in memberships:
        if team is not None:
            member_teams.add(team)
            home_teams.append(team)
            orgs.add(team_org)
            places.add(team_place)
            if role == Role.LEAD:
                led.add(team)
            if role == Role.MANAGER:
                m_teams.add(team)
        elif site is not None:
            orgs.add(site_org)
            places.add(site_place)
            if role == Role.MANAGER:
                m_sites.add(site)
        elif org:
            orgs.add(org)
            if role == Role.MANAGER:
                m_orgs.add(org)
        elif place:
            places.add(place)
            if role == Role.PARTNERSHIP:
                p_places.add(place)
        if org:
            org_scoped.add(org)
    if org_scoped:
        # An organisation-wide member works in every place the organisation has a site in.
        places.update(
            Site.objects.filter(organisation_id__in=org_scoped).values_list("place_id", flat=True)
        )

    scope = Scope(
        user_id=user.pk,
        is_admin=is_admin,
        roles=frozenset(roles | ({Role.ADMIN} if is_admin else set())),
        member_team_ids=frozenset(member_teams),
        led_team_ids=frozenset(led),
        managed_org_ids=frozenset(m_orgs),
        managed_site_ids=frozenset(m_sites),
        managed_team_ids=frozenset(m_teams),
        org_ids=frozenset(orgs),
        place_ids=frozenset(places),
        partnership_place_ids=frozenset(p_places),
        home_team_ids=tuple(home_teams),
    )
    setattr(user, _SCOPE_CACHE, scope)
    return scope


def forget(user: User | AnonymousUser) -> None:
    """Drop the cached scope (after memberships change within one request or test)."""
    if hasattr(user, _SCOPE_CACHE):
        delattr(user, _SCOPE_CACHE)


# --- Queryset filters ---------------------------------------------------------------------------

NOTHING = Q(pk__in=[])


def _any(*terms: Q) -> Q:
    """``terms`` OR-ed together, leaving out each that selects nothing: the same rows, and no
    empty ``IN ()`` for Django to build and then drop from each query's SQL."""
    kept = [term for term in terms if term is not NOTHING]
    if not kept:
        return NOTHING
    either = kept[0]
    for term in kept[1:]:
        either = either | term
    return either


def team_q(user: User | AnonymousUser, capability: str, *, prefix: str = "") -> Q:
    """A filter selecting teams (or rows linked to a team through ``prefix``) for a capability.

    ``view``   — teams of the user's organisations, plus teams in places they lead the partnership of
    ``member`` — teams the user works in
    ``lead``   — teams the user leads or manages (respond to ideas, claim savings, run the board)
    ``manage`` — teams under the user's management (verify savings, site/organisation dashboards)
    """
    s = scope_of(user)
    if not s.is_authenticated:
        return NOTHING
    if s.is_admin:
        return Q()

    def f(lookup: str, values: frozenset[int]) -> Q:
        return Q(**{f"{prefix}{lookup}": values}) if values else NOTHING

    if capability == "view":
        return _any(
            f("site__organisation__in", s.org_ids), f("site__place__in", s.partnership_place_ids)
        )
    if capability == "member":
        return f("pk__in", s.member_team_ids)
    managed = (
        f("pk__in", s.managed_team_ids),
        f("site__in", s.managed_site_ids),
        f("site__organisation__in", s.managed_org_ids),
    )
    if capability == "lead":
        return _any(f("pk__in", s.led_team_ids), *managed)
    if capability == "manage":
        return _any(*managed)
    raise ValueError(f"Unknown team capability {capability!r}")


def idea_q(user: User | AnonymousUser, *, prefix: str = "") -> Q:
    """Ideas a user may see: those of their own organisations, and ideas shared with partners
    in a place the user works in (or leads the partnership of)."""
    s = scope_of(user)
    if not s.is_authenticated:
        return NOTHING
    if s.is_admin:
        return Q()
    # An idea's organisation and place are its team's site's: the rule names the teams (a
    # subquery of a few hundred at most), so the database tests each idea's own team_id against
    # them rather than joining every idea to its team and site first.
    own = (
        Q(**{f"{prefix}team__in": Team.objects.filter(site__organisation__in=s.org_ids)})
        if s.org_ids
        else NOTHING
    )
    places = s.place_ids | s.partnership_place_ids
    shared = (
        Q(
            **{
                f"{prefix}shared_with_partners": True,
                f"{prefix}team__in": Team.objects.filter(site__place__in=places),
            }
        )
        if places
        else NOTHING
    )
    return _any(own, shared)


# --- Object rules -------------------------------------------------------------------------------
# Each rule answers for one action on one kind of object. "view" rules decide 404 versus 403.

# A rule takes the kind of object its action is about (a Team, a Site, or one of the Protocols
# below for the higher apps' models). The registry holds rules for every kind at once and
# :func:`can` hands each whatever object it was given, so the object is Any here.
Rule = Callable[[Scope, Any], bool]
_R = TypeVar("_R", bound=Rule)
_RULES: dict[str, Rule] = {}
_VIEW_RULE_FOR: dict[str, str] = {}


def rule(action: str, *, seen_by: str | None = None) -> Callable[[_R], _R]:
    """Register ``fn`` as the rule for ``action``; ``seen_by`` names the action that decides
    whether a refusal is a 404 (cannot see it) or a 403 (can see it, may not do this)."""

    def register(fn: _R) -> _R:
        _RULES[action] = fn
        if seen_by:
            _VIEW_RULE_FOR[action] = seen_by
        return fn

    return register


def can(user: User | AnonymousUser, action: str, obj: object = None) -> bool:
    s = scope_of(user)
    if not s.is_authenticated:
        return False
    if s.is_admin:
        return True
    try:
        check = _RULES[action]
    except KeyError:
        raise ValueError(f"No policy rule for {action!r}") from None
    return bool(check(s, obj))


def require(
    user: User | AnonymousUser, action: str, obj: object = None, *, reason: StrOrPromise = ""
) -> None:
    """Raise unless ``user`` may do ``action`` to ``obj``: 404 if they may not even see it, else
    403 with ``reason`` (shown to the person on the 403 page, so translated)."""
    if can(user, action, obj):
        return
    view_action = _VIEW_RULE_FOR.get(action)
    if view_action is None or not can(user, view_action, obj):
        raise Http404("Not found")
    raise PermissionDenied(reason or gettext("You do not have permission to do that."))


M = TypeVar("M", bound=Model)


def get_for_user(
    user: User | AnonymousUser, queryset: QuerySet[M] | type[M], *, action: str, **lookup: object
) -> M:
    """The one object ``lookup`` names, if ``user`` may do ``action`` to it.

    Every app's ``get_<thing>_for_user(user, pk, *, action=...)`` is built on this, so an object
    outside a person's reach answers 404 everywhere (its existence is not leaked), and one that
    can be seen but not acted on answers 403 with a reason.
    """
    obj = get_object_or_404(queryset, **lookup)
    require(user, action, obj)
    return obj


# --- What the rules read from the higher apps' objects ---
# This module cannot import ideas, kaizen or metrics (the apps depend one way), so the rules
# about their objects name only the attributes they read. Each is read-only here, so the
# models' own fields (and related managers) fit.


class _OfTeam(Protocol):
    """An object of one team: an idea, a value-stream map, a saving."""

    @property
    def team(self) -> Team: ...


class _Idea(_OfTeam, Protocol):
    """``ideas.models.Idea``."""

    @property
    def shared_with_partners(self) -> bool: ...


class _Board(Protocol):
    """``kaizen.models.Board``: a team's board, or a joint board (no team) with members."""

    @property
    def pk(self) -> int: ...
    @property
    def team(self) -> Team | None: ...
    @property
    def members(self) -> Manager[User]: ...
    @property
    def member_teams(self) -> Manager[Team]: ...
    @property
    def member_organisations(self) -> Manager[Organisation]: ...


class _Card(Protocol):
    """``kaizen.models.Card``."""

    @property
    def board(self) -> _Board: ...
    @property
    def column_id(self) -> int: ...
    @property
    def owners(self) -> Manager[User]: ...
    @property
    def created_by_id(self) -> int: ...


class _Cycle(Protocol):
    """``kaizen.models.Cycle``: a PDCA cycle of one card."""

    @property
    def card(self) -> _Card: ...


class _Measure(Protocol):
    """``metrics.models.Measure``: of exactly one team, site, organisation or place."""

    @property
    def team(self) -> Team | None: ...
    @property
    def site(self) -> Site | None: ...
    @property
    def organisation_id(self) -> int | None: ...
    @property
    def place_id(self) -> int | None: ...


class _Saving(_OfTeam, Protocol):
    """``metrics.models.Saving``."""

    @property
    def invested_by_id(self) -> int: ...
    @property
    def benefits_id(self) -> int: ...
    @property
    def claimed_by_id(self) -> int: ...


class _Survey(Protocol):
    """``metrics.models.Survey``: of a whole site, or of one team there."""

    @property
    def site(self) -> Site: ...
    @property
    def team_id(self) -> int | None: ...
    @property
    def team(self) -> Team | None: ...


def _team_of(obj: Team | _OfTeam) -> Team:
    return obj if isinstance(obj, Team) else obj.team


@rule("view_team")
def _view_team(s: Scope, obj: Team | _OfTeam) -> bool:
    team = _team_of(obj)
    return team.site.organisation_id in s.org_ids or team.site.place_id in s.partnership_place_ids


@rule("lead_team", seen_by="view_team")
def _lead_team(s: Scope, obj: Team | _OfTeam) -> bool:
    team = _team_of(obj)
    return team.pk in s.led_team_ids or s.manages_team(team)


@rule("announce_to_team", seen_by="view_team")
def _announce(s: Scope, obj: Team | _OfTeam) -> bool:
    return _lead_team(s, obj)


@rule("work_in_team", seen_by="view_team")
def _work_in_team(s: Scope, obj: Team | _OfTeam) -> bool:
    """Edit the team's own board (staff: their own cards — the board checks that), raise work."""
    team = _team_of(obj)
    return team.pk in s.member_team_ids or _lead_team(s, team)


@rule("claim_saving", seen_by="view_team")
def _claim_saving(s: Scope, obj: Team | _OfTeam) -> bool:
    return _lead_team(s, obj)


@rule("record_observation", seen_by="view_team")
def _record_observation(s: Scope, obj: Team | _OfTeam) -> bool:
    return _lead_team(s, obj)


@rule("verify_saving", seen_by="view_team")
def _verify_saving(s: Scope, obj: Team | _OfTeam) -> bool:
    """Managers in scope only. The "never one's own claim" rule is the saving's own check."""
    return s.manages_team(_team_of(obj))


@rule("view_team_dashboard", seen_by="view_team")
def _team_dashboard(s: Scope, obj: Team | _OfTeam) -> bool:
    team = _team_of(obj)
    return team.pk in s.member_team_ids or s.manages_team(team)


@rule("view_idea")
def _view_idea(s: Scope, idea: _Idea) -> bool:
    site = idea.team.site
    return site.organisation_id in s.org_ids or (
        idea.shared_with_partners and site.place_id in (s.place_ids | s.partnership_place_ids)
    )


@rule("respond_to_idea", seen_by="view_idea")
def _respond_to_idea(s: Scope, idea: _Idea) -> bool:
    """Triage and respond: the team's leads and managers in scope."""
    return _lead_team(s, idea.team)


@rule("manage_idea_box")
def _manage_idea_box(s: Scope, obj: Team | _OfTeam) -> bool:
    """A team's idea box (its links, and what came through it, held or decided): the team's
    leads and managers in scope. Nobody else learns it exists (no ``seen_by``: a 404)."""
    return _lead_team(s, obj)


@rule("view_site")
def _view_site(s: Scope, site: Site) -> bool:
    return site.organisation_id in s.org_ids or site.place_id in s.partnership_place_ids


@rule("view_site_dashboard", seen_by="view_site")
def _site_dashboard(s: Scope, site: Site) -> bool:
    return s.manages_site(site)


@rule("view_organisation")
def _view_org(s: Scope, org: Organisation) -> bool:
    return org.pk in s.org_ids or bool(s.partnership_place_ids)


@rule("view_organisation_dashboard", seen_by="view_organisation")
def _org_dashboard(s: Scope, org: Organisation) -> bool:
    return org.pk in s.managed_org_ids


@rule("manage_organisation_spc", seen_by="view_organisation")
def _manage_organisation_spc(s: Scope, org: Organisation) -> bool:
    """Choose the organisation's default SPC rules: its managers (and administrators)."""
    return org.pk in s.managed_org_ids


@rule("manage_sign_on", seen_by="view_organisation")
def _manage_sign_on(s: Scope, org: Organisation) -> bool:
    """Sign-on rules and password settings: the organisation's own managers (and administrators,
    who pass every rule)."""
    return org.pk in s.managed_org_ids


@rule("manage_api_tokens", seen_by="view_organisation")
def _manage_api_tokens(s: Scope, org: Organisation) -> bool:
    """Make and revoke the organisation's service tokens for the API: its managers."""
    return org.pk in s.managed_org_ids


@rule("manage_webhooks", seen_by="view_organisation")
def _manage_webhooks(s: Scope, org: Organisation) -> bool:
    """Subscribe the organisation's URLs to webhooks, read their delivery log: its managers.
    Letting one deliver to private addresses is for administrators only (who pass every rule;
    the page asks ``scope_of(user).is_admin``)."""
    return org.pk in s.managed_org_ids


@rule("view_place")
def _view_place(s: Scope, place: Place) -> bool:
    return place.pk in s.place_ids or place.pk in s.partnership_place_ids


@rule("view_place_dashboard", seen_by="view_place")
def _place_dashboard(s: Scope, place: Place) -> bool:
    return place.pk in s.partnership_place_ids


@rule("manage_place_spend", seen_by="view_place")
def _manage_place_spend(s: Scope, place: Place) -> bool:
    """The place's spend map (themes, lines, imports) is kept by its partnership leads."""
    return place.pk in s.partnership_place_ids


@rule("manage_people")
def _manage_people(s: Scope, obj: object) -> bool:
    return False  # administrators only; they are let through before any rule runs


@rule("export_organisation", seen_by="view_organisation")
def _export_organisation(s: Scope, organisation: Organisation) -> bool:
    return False  # administrators only: the whole organisation's data, every name in it


@rule("erase_person")
def _erase_person(s: Scope, person: User) -> bool:
    return False  # administrators only


# --- kaizen rules ---
# A team's board follows the team rules. A joint board (no team) is worked by its member teams,
# the people named on it, and the managers of its member teams and organisations.


def board_q(user: User | AnonymousUser, *, prefix: str = "") -> Q:
    """Boards a user may see: their organisations' team boards (and, for partnership leads, the
    boards of teams in their place), plus joint boards they or their teams/organisations are on."""
    s = scope_of(user)
    if not s.is_authenticated:
        return NOTHING
    if s.is_admin:
        return Q()

    def f(lookup: str, values: frozenset[int]) -> Q:
        return Q(**{f"{prefix}{lookup}": values}) if values else NOTHING

    return (
        f("team__site__organisation__in", s.org_ids)
        | f("team__site__place__in", s.partnership_place_ids)
        | Q(**{f"{prefix}members": s.user_id})
        | f("member_teams__in", s.member_team_ids)
        | f("member_teams__site__organisation__in", s.org_ids)
        | f("member_organisations__in", s.org_ids)
    )


def card_q(user: User | AnonymousUser, *, prefix: str = "") -> Q:
    """Cards a user may see: exactly the cards of the boards :func:`board_q` selects."""
    return board_q(user, prefix=f"{prefix}board__")


def cycle_q(user: User | AnonymousUser, *, prefix: str = "") -> Q:
    """PDCA cycles a user may see: exactly the cycles of the cards :func:`card_q` selects."""
    return card_q(user, prefix=f"{prefix}card__")


def _is_card(obj: _Board | _Card) -> TypeIs[_Card]:
    # Neither model can be imported here: a card is told from a board by its column.
    return hasattr(obj, "column_id")


def _board_of(obj: _Board | _Card) -> _Board:
    return obj.board if _is_card(obj) else obj


# The attribute of a board object that holds its members once read.
_MEMBERS_CACHE = "_policy_members"


def _joint(board: _Board) -> tuple[set[int], set[Team], set[int]]:
    """Member user ids, member teams and member organisation ids (prefetch them for lists)."""
    cached: tuple[set[int], set[Team], set[int]] | None = getattr(board, _MEMBERS_CACHE, None)
    if cached is None:
        cached = (
            {u.pk for u in board.members.all()},
            set(board.member_teams.select_related("site").all()),
            {o.pk for o in board.member_organisations.all()},
        )
        setattr(board, _MEMBERS_CACHE, cached)
    return cached


@rule("view_board")
def _view_board(s: Scope, obj: _Board | _Card) -> bool:
    board = _board_of(obj)
    if board.team is not None:
        return _view_team(s, board.team)
    users, teams, orgs = _joint(board)
    return (
        s.user_id in users
        or any(t.site.organisation_id in s.org_ids for t in teams)
        or bool(orgs & s.org_ids)
    )


@rule("lead_board", seen_by="view_board")
def _lead_board(s: Scope, obj: _Board | _Card) -> bool:
    """Run the whole board: move anyone's card, set columns and WIP limits."""
    board = _board_of(obj)
    if board.team is not None:
        return _lead_team(s, board.team)
    _, teams, orgs = _joint(board)
    return any(_lead_team(s, t) for t in teams) or bool(orgs & s.managed_org_ids)


@rule("work_on_board", seen_by="view_board")
def _work_on_board(s: Scope, obj: _Board | _Card) -> bool:
    """Add cards and edit one's own: the team's members, or a joint board's members."""
    board = _board_of(obj)
    if board.team is not None:
        return _work_in_team(s, board.team)
    users, teams, _ = _joint(board)
    return (
        s.user_id in users or any(t.pk in s.member_team_ids for t in teams) or _lead_board(s, board)
    )


@rule("view_card")
def _view_card(s: Scope, card: _Card) -> bool:
    return _view_board(s, card.board)


@rule("edit_card", seen_by="view_card")
def _edit_card(s: Scope, card: _Card) -> bool:
    """Staff edit and move the cards they own or raised; leads and managers any card."""
    if _lead_board(s, card.board):
        return True
    if not _work_on_board(s, card.board):
        return False
    owner_ids = {u.pk for u in card.owners.all()}
    return s.user_id in owner_ids or s.user_id == card.created_by_id


@rule("view_cycle")
def _view_cycle(s: Scope, cycle: _Cycle) -> bool:
    """A PDCA cycle (``kaizen.models.Cycle``, which this module cannot import) is part of its
    card: seen by whoever sees the card."""
    return _view_card(s, cycle.card)


@rule("edit_cycle", seen_by="view_cycle")
def _edit_cycle(s: Scope, cycle: _Cycle) -> bool:
    """Plan, check, act and add evidence: whoever may edit the card."""
    return _edit_card(s, cycle.card)


# --- ideas rules ---


@rule("engage_with_idea", seen_by="view_idea")
def _engage_with_idea(s: Scope, idea: _Idea) -> bool:
    """Support, comment on and follow any idea one can see."""
    return _view_idea(s, idea)


@rule("raise_idea_for_team", seen_by="view_team")
def _raise_idea_for_team(s: Scope, obj: Team | _OfTeam) -> bool:
    """Raise an idea for a team one works in, leads or manages."""
    return _work_in_team(s, obj)


# --- value-stream map rules ---


@rule("view_vsm")
def _view_vsm(s: Scope, vsm_map: _OfTeam) -> bool:
    """A map is seen by whoever can see its team."""
    return _view_team(s, vsm_map.team)


@rule("edit_vsm", seen_by="view_vsm")
def _edit_vsm(s: Scope, vsm_map: _OfTeam) -> bool:
    """Members, leads and managers of the team draw and change its maps."""
    return _work_in_team(s, vsm_map.team)


# --- metrics rules ---


def _measure_scope_sees(s: Scope, measure: _Measure) -> bool:
    if measure.team is not None:
        return _view_team(s, measure.team)
    if measure.site is not None:
        return _view_site(s, measure.site)
    if measure.organisation_id:
        return measure.organisation_id in s.org_ids
    return measure.place_id in (s.place_ids | s.partnership_place_ids)


@rule("view_measure")
def _view_measure(s: Scope, measure: _Measure) -> bool:
    return _measure_scope_sees(s, measure)


@rule("edit_measure", seen_by="view_measure")
def _edit_measure(s: Scope, measure: _Measure) -> bool:
    """Record observations, import, annotate: the team's leads and managers in scope; site and
    organisation measures their managers; place measures the partnership lead."""
    if measure.team is not None:
        return _record_observation(s, measure.team)
    if measure.site is not None:
        return s.manages_site(measure.site)
    if measure.organisation_id:
        return measure.organisation_id in s.managed_org_ids
    return measure.place_id in s.partnership_place_ids


@rule("view_saving")
def _view_saving(s: Scope, saving: _Saving) -> bool:
    return (
        _view_team(s, saving.team)
        or saving.invested_by_id in s.org_ids
        or saving.benefits_id in s.org_ids
    )


@rule("edit_saving", seen_by="view_saving")
def _edit_saving(s: Scope, saving: _Saving) -> bool:
    return _claim_saving(s, saving.team)


@rule("decide_saving", seen_by="view_saving")
def _decide_saving(s: Scope, saving: _Saving) -> bool:
    """Verify or reject: a manager of the team, and never the person who claimed it."""
    return _verify_saving(s, saving.team) and saving.claimed_by_id != s.user_id


@rule("view_survey")
def _view_survey(s: Scope, survey: _Survey) -> bool:
    return _view_site(s, survey.site)


@rule("manage_survey", seen_by="view_survey")
def _manage_survey(s: Scope, survey: _Survey) -> bool:
    if survey.team is not None:
        return _lead_team(s, survey.team)
    return s.manages_site(survey.site)


@rule("answer_pulse", seen_by="view_survey")
def _answer_pulse(s: Scope, survey: _Survey) -> bool:
    if survey.team_id:
        return survey.team_id in s.member_team_ids
    return survey.site.organisation_id in s.org_ids


# --- Metrics list filters ---
# The list form of the metrics rules above, term for term, so a list never offers a measure,
# saving or survey whose own page would answer 404, nor hides one the page would show.
# tests/metrics/test_list_filters.py holds each filter to its rule for every member of the cast.


def _ids_q(lookup: str, ids: frozenset[int]) -> Q:
    # An empty id set selects nothing without a query, rather than an ``IN ()`` SQL cannot say.
    return Q(**{lookup: ids}) if ids else NOTHING


def _site_view_q(s: Scope, prefix: str) -> Q:
    """Sites (reached through ``prefix``) of ``view_site``: the user's organisations' sites, and
    every site in a place they lead the partnership of."""
    return _ids_q(f"{prefix}organisation__in", s.org_ids) | _ids_q(
        f"{prefix}place__in", s.partnership_place_ids
    )


def measure_q(user: User | AnonymousUser, *, prefix: str = "") -> Q:
    """Measures a user may see (``view_measure``): those of teams and sites they may see, of
    their organisations, and of places they work in or lead the partnership of."""
    s = scope_of(user)
    if not s.is_authenticated:
        return NOTHING
    if s.is_admin:
        return Q()
    return (
        team_q(user, "view", prefix=f"{prefix}team__")
        | _site_view_q(s, f"{prefix}site__")
        | _ids_q(f"{prefix}organisation__in", s.org_ids)
        | _ids_q(f"{prefix}place__in", s.place_ids | s.partnership_place_ids)
    )


def measure_scope_q(user: User | AnonymousUser, kind: str) -> Q:
    """Teams, sites, organisations or places (``kind``) whose measures a user runs — adds,
    imports and records (``edit_measure`` on a measure there): teams they lead or manage, sites
    and organisations they manage, places they lead the partnership of."""
    s = scope_of(user)
    if not s.is_authenticated:
        return NOTHING
    if s.is_admin:
        return Q()
    if kind == "team":
        return team_q(user, "lead")
    if kind == "site":
        return _ids_q("pk__in", s.managed_site_ids) | _ids_q("organisation__in", s.managed_org_ids)
    if kind == "organisation":
        return _ids_q("pk__in", s.managed_org_ids)
    if kind == "place":
        return _ids_q("pk__in", s.partnership_place_ids)
    raise ValueError(f"Measures do not live on a {kind!r}")


def dashboard_q(user: User | AnonymousUser, kind: str) -> Q:
    """Teams, sites, organisations or places (``kind``) whose dashboard a user may open (the
    ``view_<kind>_dashboard`` rules): teams they work in or manage, sites and organisations they
    manage, places they lead the partnership of; every one for administrators."""
    s = scope_of(user)
    if not s.is_authenticated:
        return NOTHING
    if s.is_admin:
        return Q()
    if kind == "team":
        return _ids_q("pk__in", s.member_team_ids) | team_q(user, "manage")
    if kind == "site":
        return _ids_q("pk__in", s.managed_site_ids) | _ids_q("organisation__in", s.managed_org_ids)
    if kind == "organisation":
        return _ids_q("pk__in", s.managed_org_ids)
    if kind == "place":
        return _ids_q("pk__in", s.partnership_place_ids)
    raise ValueError(f"No dashboard of a {kind!r}")


def saving_q(user: User | AnonymousUser, *, prefix: str = "") -> Q:
    """Savings a user may see (``view_saving``): those of teams they may see, and those their
    organisations invested in or benefit from."""
    s = scope_of(user)
    if not s.is_authenticated:
        return NOTHING
    if s.is_admin:
        return Q()
    return (
        team_q(user, "view", prefix=f"{prefix}team__")
        | _ids_q(f"{prefix}invested_by__in", s.org_ids)
        | _ids_q(f"{prefix}benefits__in", s.org_ids)
    )


def survey_q(user: User | AnonymousUser, *, prefix: str = "") -> Q:
    """Surveys a user may see (``view_survey``): those of the sites they may see."""
    s = scope_of(user)
    if not s.is_authenticated:
        return NOTHING
    if s.is_admin:
        return Q()
    return _site_view_q(s, f"{prefix}site__")


# --- Library rules ---
# A library entry (``library.models.Entry``) is a proven change of one team, seen across its
# organisation and, where it is shared with partners, by the partner agencies of its place: the
# rule of an idea, term for term. A starting template belongs to no team and is seen by everyone
# signed in. What an entry links to (its measure, savings, map, photos) keeps its own rule.


class _LibraryEntry(Protocol):
    """``library.models.Entry``: of one team, or (a starting template) of none."""

    @property
    def team(self) -> Team | None: ...
    @property
    def shared_with_partners(self) -> bool: ...


def library_entry_q(user: User | AnonymousUser, *, prefix: str = "") -> Q:
    """Library entries a user may see (``view_library_entry``): the starting templates, their
    organisations' entries, and entries shared with partners in a place they work in (or lead
    the partnership of)."""
    s = scope_of(user)
    if not s.is_authenticated:
        return NOTHING
    if s.is_admin:
        return Q()
    templates = Q(**{f"{prefix}team__isnull": True})
    own = _ids_q(f"{prefix}team__site__organisation__in", s.org_ids)
    places = s.place_ids | s.partnership_place_ids
    shared = (
        Q(**{f"{prefix}shared_with_partners": True, f"{prefix}team__site__place__in": places})
        if places
        else NOTHING
    )
    return templates | own | shared


@rule("view_library_entry")
def _view_library_entry(s: Scope, entry: _LibraryEntry) -> bool:
    if entry.team is None:
        return True
    site = entry.team.site
    return site.organisation_id in s.org_ids or (
        entry.shared_with_partners and site.place_id in (s.place_ids | s.partnership_place_ids)
    )


@rule("edit_library_entry", seen_by="view_library_entry")
def _edit_library_entry(s: Scope, entry: _LibraryEntry) -> bool:
    """Change what an entry says, share it or take it back: its team's leads and managers in
    scope. Starting templates are the administrators'."""
    return entry.team is not None and _lead_team(s, entry.team)


@rule("publish_cycle", seen_by="view_cycle")
def _publish_cycle(s: Scope, cycle: _Cycle) -> bool:
    """Put a cycle adopted as standard work in the library: the leads of its team's board."""
    board = cycle.card.board
    return board.team is not None and _lead_team(s, board.team)


# --- What one rendering for many viewers may name ---
# A fragment rendered once and sent to everyone who may see a team's work (a value-stream map's
# drawing, broadcast to its viewers) names only what every one of them may open. Whoever may see
# the team (``view_team``: its organisation's people, and the partnership leads of its place)
# may open these.


def card_seen_by_all_who_see_its_map_q(*, prefix: str = "") -> Q:
    """Cards (reached through ``prefix``) that everyone who sees the map of their step may open:
    the cards of the map's own team's board (``view_board`` of a team board is ``view_team``).
    A joint board's or another team's card on the step is not named in the drawing."""
    return Q(**{f"{prefix}board__team": F(f"{prefix}vsm_step__map__team")})


def idea_seen_by_all_who_see_team_q(*, prefix: str = "", team: str) -> Q:
    """Ideas (reached through ``prefix``) that everyone who may see the team at ``team`` (a path
    from the same row) may open: ideas of the team's organisation (its people see them all)
    shared with partners in the team's place (so its partnership leads see them too)."""
    return Q(
        **{
            f"{prefix}team__site__organisation": F(f"{team}__site__organisation"),
            f"{prefix}team__site__place": F(f"{team}__site__place"),
            f"{prefix}shared_with_partners": True,
        }
    )


def survey_site_q(user: User | AnonymousUser) -> Q:
    """Sites a user may add a survey to (``manage_survey`` on a survey of the whole site): the
    sites they manage, directly or through their organisation."""
    s = scope_of(user)
    if not s.is_authenticated:
        return NOTHING
    if s.is_admin:
        return Q()
    return _ids_q("pk__in", s.managed_site_ids) | _ids_q("organisation__in", s.managed_org_ids)


# --- Names ---------------------------------------------------------------------------------------
# A person who raises an idea with "Hide my name" is named to administrators and to themselves,
# and to no one else, wherever the idea goes: its page, the list and its export, the kaizen card
# made from it (of which they are an owner, so they can work on it), the board, the A3 and the
# cycles, notifications and e-mails. Every place that shows a person's name on such an object
# asks :func:`shown_name` (templates through the ``person_name`` tag), so none can disagree.


class _MayHideAuthor(Protocol):
    """``ideas.models.Idea``: its author, and whether they asked for their name to be hidden."""

    @property
    def author_id(self) -> int: ...
    @property
    def hide_name(self) -> bool: ...


def hides_name(idea: _MayHideAuthor | None, person: User | None) -> bool:
    """Whether ``person`` must not be named to others on ``idea`` and on everything made from
    it (its card, the card's cycles): they raised it and hid their name. Reads no rows."""
    return (
        idea is not None and person is not None and idea.hide_name and idea.author_id == person.pk
    )


def hides_name_q(person: object, *, prefix: str = "") -> Q:
    """Ideas (reached through ``prefix``) on which ``person`` — an id, or an ``OuterRef`` to one
    — hid their name: the list form of :func:`hides_name`, for what is about many ideas at once
    (a board, whose "Viewing now" must not name who raised one of its cards)."""
    return Q(**{f"{prefix}hide_name": True, f"{prefix}author_id": person})


def may_see_name(viewer: User | AnonymousUser | None, person: User, *, hidden: bool) -> bool:
    """Whether ``viewer`` may read ``person``'s name where ``hidden`` says whether the person
    asked not to be named there (see :func:`hides_name`). A hidden name is read only by
    administrators and the person themselves. ``viewer`` None stands for everyone at once — a
    fragment broadcast to every viewer of a board, a message many people get — and reads no
    hidden name."""
    if not hidden:
        return True
    if viewer is None or not viewer.is_authenticated:
        return False
    return viewer.pk == person.pk or scope_of(viewer).is_admin


def shown_name(
    viewer: User | AnonymousUser | None,
    person: User,
    *,
    hidden: bool,
    hidden_as: StrOrPromise | None = None,
) -> str:
    """``person``'s name as ``viewer`` may read it (see :func:`may_see_name`): the name; "you
    (hidden from others)" to the person themselves where it is hidden; to everyone else
    ``hidden_as``, by default "the person who raised it". Lower case where it is not a name:
    a template puts ``capfirst`` on it where it starts a sentence."""
    if not hidden:
        return person.display_name
    if viewer is not None and viewer.is_authenticated and viewer.pk == person.pk:
        return gettext("you (hidden from others)")
    if may_see_name(viewer, person, hidden=hidden):
        return person.display_name
    return str(hidden_as) if hidden_as is not None else gettext("the person who raised it")
