"""Every GET page of LeanHub, found by walking the URL resolver, with its path filled in from the
demo place (`seed_demo`) for one person: the first object of each kind that person may see.

The markup tests (unique ids, valid HTML, axe-core) read every page through this, so a new URL is
checked as soon as it exists; `page_names` says which URL names must be reached by some role.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from leanhub import policy
from leanhub.models import Organisation, Place, Site, Team, User

# Roles the walks take: staff, team lead, site manager, partnership lead, administrator.
ROLES = ("sam", "lee", "maya", "pat", "ada")

# URL names that are not HTML pages a person reads, or cannot be reached by a plain GET.
NOT_PAGES = {
    "logout",  # POST only
    "password_reset_confirm",  # needs a token from an e-mail
    "notification-count",  # a fragment for the header's badge
    "notifications-read",
    "ideas:similar",  # a fragment for the idea form
    "ideas:export",  # CSV
    "ideas:photo",
    "ideas:pending-photo",
    "ideas:support",
    "ideas:follow",
    "ideas:comment",
    "ideas:adopt",
    "ideas:route",
    "maps:svg",
    "maps:png",
    "maps:export",
    "maps:delete",
    "maps:step-move",
    "maps:step-delete",
    "maps:step-link-idea",
    "maps:clone",
    "kaizen:photo",
    "kaizen:move-card",
    "kaizen:block-card",
    "kaizen:unblock-card",
    "kaizen:cycle-action",
    "kaizen:cycle-action-done",
    "kaizen:cycle-photo",
    "kaizen:cycle-decide",
    "kaizen:map-cards",  # fragments loaded into lower apps' pages
    "kaizen:idea-cards",
    "metrics:savings-tile",
    "metrics:survey-qr",
    "metrics:saving-evidence",
    "metrics:saving-decide",
    "metrics:measure-annotate",
    "metrics:cycle-measure-summary",
    "metrics:idea-results",
    "metrics:card-results",
    # POST only: the forms they take are on other pages.
    "ideas:respond",
    "kaizen:card-from-idea",
    "kaizen:new-card",
    "kaizen:new-cycle",
    "kaizen:cycle-plan",
    "kaizen:cycle-check",
    "maps:step-add",
    "maps:target",
    "signon:rule-delete",
    "metrics:measure-target-add",
    "metrics:measure-target-remove",
    "metrics:measure-ghost",
    "metrics:measure-mark",
    "places:theme-delete",
    "places:target-tag",
    "places:case-sign-off",
    "places:case-change",
    "places:red-tape-route",
    "set_language",  # POST only (a GET only sends the person back)
    # The sign-on provider's round trip: off to the provider, and back with its answer.
    "signon-start",
    "signon-callback",
    "organisation-export",  # a zip file
    "places:idea-red-tape",  # a fragment loaded into the idea page
    "recognition:idea-thanks",  # fragments loaded into the idea and card pages
    "recognition:card-thanks",
    "recognition:entry-thanks",
    "library:cycle-library",  # fragments loaded into the cycle and card pages
    "library:card-library",
    "ideas:publication",  # POST only: the form is on the idea page
    "ideas:box-link",  # POST only: the forms are on the idea box page
    "ideas:box-decide",
    "ideas:box-photo",  # a photo file
    "public:place-link",  # fragments loaded into the place page and dashboards
    "public:site-link",
    "healthz",  # JSON for the load balancer
    "readyz",
    # The REST API answers JSON, not pages (tests/api/); its documentation is Swagger UI, a
    # vendored third-party viewer drawn by script (tests/api/test_endpoints.py loads it).
    "api:root",
    "api:schema",
    "api:docs",
    "api:ideas",
    "api:idea",
    "api:idea-respond",
    "api:idea-support",
    "api:boards",
    "api:board",
    "api:board-cards",
    "api:card",
    "api:card-move",
    "api:measures",
    "api:measure",
    "api:measure-observations",
    "api:observations-bulk",
    "api:savings",
    "api:saving",
    "api:surveys",
    "api:survey",
    "api:maps",
    "api:map",
    "api:dashboards",
    "api:dashboard",
    # POST only: the forms are on the token pages.
    "tokens:revoke",
    "tokens:organisation-revoke",
    "webhooks:rotate",
    "webhooks:active",
    "webhooks:delete",
    "webhooks:ping",
    "webhooks:retry",
}
# Pages shown with a query string, so they show what they are for: the search's results (the
# demo place has ideas, cards and measures about claims).
QUERY_STRINGS = {"search": "?q=claim"}

# Each only sends its person on to another page, which is walked in its own right.
REDIRECTS = {"kaizen:my-board", "kaizen:team-board", "metrics:dashboard"}

# Pages about a team that only its leads may open.
LEAD_PAGES = {"metrics:saving-new", "ideas:import"}


# URL names whose ``slug`` is an organisation's, with what the person must be allowed to do there.
ORGANISATION_SLUG = {
    "signon:organisation": "manage_sign_on",
    "signon:rule": "manage_sign_on",
    "organisation-data": "export_organisation",
    "tokens:organisation": "manage_api_tokens",
    "webhooks:list": "manage_webhooks",
    "webhooks:detail": "manage_webhooks",
}


# URL names whose ``pk`` is one of the place's objects: the model, and the lookup to the place.
PLACE_OBJECTS = {
    "places:line-edit": ("places.SpendLine", "place"),
    "places:spend-import-preview": ("places.PendingSpendImport", "place"),  # the person's own
    "places:case": ("places.InvestCase", "place"),
    "places:red-tape-item": ("places.BurdenRouting", "idea__team__site__place"),
}


def _place_object(name: str, user: User | AnonymousUser, place: Place) -> Any:
    from django.apps import apps

    model_path, lookup = PLACE_OBJECTS[name]
    found = apps.get_model(model_path)._default_manager.filter(**{lookup: place})
    if name == "places:spend-import-preview":
        found = found.filter(by=user.pk)
    return found.order_by("pk").first()


@dataclass(frozen=True)
class Route:
    name: str
    params: tuple[str, ...]


def routes() -> list[Route]:
    """Every named URL outside the admin, with the names of its path parameters."""
    found: list[Route] = []

    def walk(patterns: list[Any], namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace == "admin":
                    continue
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, inner)
            elif isinstance(entry, URLPattern) and entry.name:
                found.append(Route(f"{namespace}{entry.name}", tuple(entry.pattern.converters)))

    walk(get_resolver().url_patterns, "")
    return found


def page_names() -> set[str]:
    return {route.name for route in routes()} - NOT_PAGES - REDIRECTS


def add_webhooks() -> None:
    """What the demo place does not hold: a webhook of each organisation, with a delivery that
    failed, so its page and log are walked."""
    from api.webhook_models import WebhookDelivery, WebhookSubscription

    for organisation in Organisation.objects.order_by("pk"):
        subscription = WebhookSubscription.objects.create(
            organisation=organisation,
            name="Case management",
            url="https://hooks.example.org/leanhub",
            events=["card.moved", "idea.status_changed"],
        )
        WebhookDelivery.objects.create(
            subscription=subscription,
            kind="card.moved",
            payload={"type": "card.moved"},
            status=WebhookDelivery.Status.FAILED,
            attempts=6,
            response_code=503,
            duration_ms=120,
            last_error="The receiver answered 503.",
        )


def _first(model: type[Model], user: User | AnonymousUser, action: str, **filters: Any) -> Any:
    for obj in model._default_manager.filter(**filters).order_by("pk"):  # type: ignore[attr-defined]
        if policy.can(user, action, obj):
            return obj
    return None


class _Objects:
    """The objects one person's pages are filled in from, looked up when first needed."""

    def __init__(self, user: User | AnonymousUser) -> None:
        self.user = user
        self._cache: dict[str, Any] = {}

    def get(self, key: str, find: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = find()
        return self._cache[key]

    def idea(self) -> Any:
        from ideas.models import Idea

        return self.get("idea", lambda: _first(Idea, self.user, "view_idea"))

    def vsm(self) -> Any:
        from ideas.maps.models import ValueStreamMap

        return self.get("vsm", lambda: _first(ValueStreamMap, self.user, "edit_vsm"))

    def board(self) -> Any:
        from kaizen.models import Board

        return self.get("board", lambda: _first(Board, self.user, "work_on_board"))

    def card(self) -> Any:
        from kaizen.models import Card

        return self.get("card", lambda: _first(Card, self.user, "edit_card"))

    def cycle(self) -> Any:
        from kaizen.models import Cycle

        return self.get("cycle", lambda: _first(Cycle, self.user, "edit_cycle"))

    def lead_team(self) -> Any:
        return self.get("lead_team", lambda: _first(Team, self.user, "lead_team"))

    def team(self) -> Any:
        return self.get("team", lambda: _first(Team, self.user, "view_team"))

    def kwargs(self, route: Route) -> dict[str, Any] | None:
        """The path parameters of ``route`` for this person, or None when they see nothing that
        fills it."""
        from ideas.maps.models import ValueStreamStep
        from kaizen.models import Board
        from metrics.models import Measure, Saving, Survey

        name, user = route.name, self.user
        if name == "ideas:comment-edit":
            # A comment can be edited by its author for a short while: the newest one.
            from ideas.models import IdeaComment

            comment = IdeaComment.objects.filter(author_id=user.pk).order_by("-pk").first()
            return {"idea_id": comment.idea_id, "comment_id": comment.pk} if comment else None
        kwargs: dict[str, Any] = {}
        for param in route.params:
            obj: Any = None
            value: Any = None
            if param == "idea_id":
                obj = self.idea()
            elif param == "map_id":
                obj = self.vsm()
            elif param == "step_id":
                vsm = self.vsm()
                obj = vsm and ValueStreamStep.objects.filter(map=vsm).order_by("pk").first()
            elif param == "board_id":
                obj = self.board()
            elif param == "card_id":
                obj = self.card()
            elif param == "cycle_id" and name == "library:publish":
                # A cycle adopted as standard work and not yet in the library, that they lead.
                from kaizen.models import Cycle

                obj = self.get(
                    "publishable",
                    lambda: _first(
                        Cycle, user, "publish_cycle", decision="adopt", library_entry__isnull=True
                    ),
                )
            elif param == "cycle_id":
                obj = self.cycle()
            elif param == "entry_id":
                from library.models import Entry

                action = (
                    "edit_library_entry" if name == "library:entry-edit" else "view_library_entry"
                )
                obj = self.get(action, partial(_first, Entry, user, action))
            elif param == "team_id" and name.startswith("ideas:box"):
                # A team with an open idea box, that the person may manage.
                obj = self.get(
                    "box_team",
                    lambda: _first(Team, user, "manage_idea_box", idea_boxes__active=True),
                )
            elif param == "team_id" and name == "recognition:team-roll":
                obj = self.get("dashboard_team", lambda: _first(Team, user, "view_team_dashboard"))
            elif param == "site_id" and name == "recognition:site-roll":
                obj = self.get("dashboard_site", lambda: _first(Site, user, "view_site_dashboard"))
            elif param == "slug" and name == "recognition:place-roll":
                place = self.get(
                    "dashboard_place", lambda: _first(Place, user, "view_place_dashboard")
                )
                value = place and place.slug
            elif param == "team_id":
                obj = self.lead_team() if name in LEAD_PAGES else self.team()
                if name == "kaizen:team-board":
                    obj = self.get(
                        "board_team",
                        lambda: _first(
                            Team, user, "view_team", pk__in=Board.objects.values("team")
                        ),
                    )
            elif param == "site_id" and name == "public:site":
                # Anyone's: the first site with a public page.
                from places.public import public_sites_q

                obj = self.get(
                    "public_site",
                    lambda: Site.objects.filter(public_sites_q()).order_by("pk").first(),
                )
            elif param == "site_id":
                obj = self.get("site", lambda: _first(Site, user, "view_site"))
            elif param == "slug" and name in ORGANISATION_SLUG:
                action = ORGANISATION_SLUG[name]
                organisation = self.get(action, partial(_first, Organisation, user, action))
                value = organisation and organisation.slug
            elif param == "slug" and name == "public:place":
                from places.public import public_places_and_sites

                place = self.get(
                    "public_place", lambda: next(iter(public_places_and_sites()[0]), None)
                )
                value = place and place.slug
            elif param == "slug":
                place = self.get("place", lambda: _first(Place, user, "view_place"))
                value = place and place.slug
            elif param == "subscription_id":
                from api.webhook_models import WebhookSubscription

                organisation = self.get(
                    "manage_webhooks", lambda: _first(Organisation, user, "manage_webhooks")
                )
                obj = (
                    organisation
                    and WebhookSubscription.objects.filter(organisation=organisation)
                    .order_by("pk")
                    .first()
                )
            elif param == "rule_id":
                from signon.models import SignOnRule

                organisation = self.get(
                    "manage_sign_on", lambda: _first(Organisation, user, "manage_sign_on")
                )
                obj = organisation and SignOnRule.objects.filter(organisation=organisation).first()
            elif param == "user_id":
                obj = self.get("erasable", lambda: _first(User, user, "erase_person"))
            elif param == "box_token":
                from ideas.models import IdeaBox

                box = self.get("box", lambda: IdeaBox.objects.filter(active=True).first())
                value = box and box.token
            elif param == "token" and name == "email-unsubscribe":
                from leanhub import mail

                value = isinstance(user, User) and mail.unsubscribe_token(
                    user, next(iter(mail.KINDS))
                )
                value = value or None
            elif param == "kind":
                value = "team"
            elif param == "what":
                value = "ideas"
            elif param == "token":
                survey = self.get(
                    "open_survey", lambda: Survey.objects.filter(kind="customer").first()
                )
                value = survey and survey.token
            elif param == "pk" and name in PLACE_OBJECTS:
                place = self.get("place", lambda: _first(Place, user, "view_place"))
                obj = place and _place_object(name, user, place)
            elif param == "pk" and name == "metrics:organisation-spc":
                obj = self.get(
                    "spc_organisation",
                    lambda: _first(Organisation, user, "manage_organisation_spc"),
                )
            elif param == "pk":
                if name.startswith("metrics:measure"):
                    obj = self.get("measure", lambda: _first(Measure, user, "view_measure"))
                elif name.startswith("metrics:saving"):
                    obj = self.get("saving", lambda: _first(Saving, user, "edit_saving"))
                elif name.startswith("metrics:survey"):
                    obj = self.get("survey", lambda: _first(Survey, user, "manage_survey"))
                elif name in {"metrics:measure-new", "metrics:import"}:
                    obj = self.lead_team()
                else:
                    obj = self.get(
                        "dashboard_team", lambda: _first(Team, user, "view_team_dashboard")
                    )
                if route.name in {"metrics:measure-new", "metrics:import"}:
                    obj = self.lead_team()
            if obj is not None:
                value = obj.pk
            if value is None:
                return None
            kwargs[param] = value
        return kwargs


def page_urls(user: User | AnonymousUser) -> Iterator[tuple[str, str]]:
    """(URL name, path) of every page ``user`` can be shown, in resolver order."""
    objects = _Objects(user)
    for route in routes():
        if route.name in NOT_PAGES:
            continue
        kwargs = objects.kwargs(route)
        if kwargs is not None:
            yield route.name, reverse(route.name, kwargs=kwargs) + QUERY_STRINGS.get(route.name, "")
