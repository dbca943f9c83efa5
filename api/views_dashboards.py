"""Dashboards in the API: the dashboards a caller may open, and one dashboard's figures.

The figures come from :func:`metrics.queries.dashboard`, the function the dashboard page renders,
for the same person and period, so the API and the page cannot disagree. Only what the page
shows is given: counts of everything in scope, and by name only the ideas the caller may open
(as the page's "adopted most" list). Satisfaction is added up per survey, never an answer or
who gave it."""

from __future__ import annotations

import base64
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from api.views import ERRORS, READ_ERRORS, ApiMixin, Cursor, _user
from leanhub import policy
from leanhub.models import Organisation, Place, Site, Team
from metrics import forms as metrics_forms
from metrics import queries as metrics_queries

# --- The list -----------------------------------------------------------------------------------


class DashboardRef(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=list(metrics_queries.KINDS))
    id = serializers.IntegerField(help_text=_("0 for the dashboard of everything."))
    name = serializers.CharField()
    url = serializers.CharField(help_text=_("The dashboard's page in LeanHub."))
    figures = serializers.CharField(help_text=_("Where the API gives its figures."))


class DashboardPage(serializers.Serializer[Any]):
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = DashboardRef(many=True)


def _ref(kind: str, pk: int, name: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "id": pk,
        "name": name,
        "url": reverse("metrics:dashboard-scope", args=[kind, pk]),
        "figures": reverse("api:dashboard", args=[kind, pk]),
    }


class DashboardList(ApiMixin, generics.GenericAPIView[Any]):
    """Everything first (administrators), then teams, sites, organisations and places, each by
    id. The cursor is the last (kind, id) given, so a page costs one query per kind however far
    into the list it is."""

    query_parameters = frozenset({"kind"})
    ORDER = ("all", "team", "site", "organisation", "place")
    MODELS: dict[str, type[Team] | type[Site] | type[Organisation] | type[Place]] = {
        "team": Team,
        "site": Site,
        "organisation": Organisation,
        "place": Place,
    }

    @extend_schema(
        operation_id="dashboards_list",
        summary=_("Dashboards the caller may open"),
        parameters=[
            OpenApiParameter("kind", str, enum=list(ORDER), description=_("Only this kind.")),
            OpenApiParameter("cursor", str, description=_("The next link's cursor.")),
            OpenApiParameter("page_size", int, description=_("At most 200; 50 unless told.")),
        ],
        responses={200: DashboardPage, **READ_ERRORS, 400: ERRORS[400]},
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        size = self._page_size(request)
        after_kind, after_pk = self._cursor(request)
        only = request.query_params.get("kind")
        if only is not None and only not in self.ORDER:
            raise exceptions.ValidationError(
                {"kind": [gettext("Must be one of %(kinds)s.") % {"kinds": ", ".join(self.ORDER)}]}
            )
        rows: list[dict[str, Any]] = []
        more = False
        start = self.ORDER.index(after_kind) if after_kind else 0
        for kind in self.ORDER[start:]:
            if (only and kind != only) or more:
                continue
            after = after_pk if kind == after_kind else None
            if kind == "all":
                if after is None and policy.scope_of(user).is_admin:
                    rows.append(_ref("all", 0, gettext("Everything")))
                continue
            model = self.MODELS[kind]
            found: QuerySet[Any] = model.objects.filter(policy.dashboard_q(user, kind))
            if after is not None:
                found = found.filter(pk__gt=after)
            wanted = size + 1 - len(rows)
            for pk, name in found.order_by("pk").values_list("pk", "name")[:wanted]:
                rows.append(_ref(kind, pk, name))
            more = len(rows) > size
        next_link = None
        if more:
            rows = rows[:size]
            last = rows[-1]
            cursor = base64.urlsafe_b64encode(f"{last['kind']}.{last['id']}".encode()).decode()
            next_link = replace_query_param(request.build_absolute_uri(), "cursor", cursor)
        return Response({"next": next_link, "previous": None, "results": rows})

    @staticmethod
    def _page_size(request: Request) -> int:
        value = request.query_params.get("page_size")
        if value is None:
            return int(Cursor.page_size)
        if not value.isdigit() or not 1 <= int(value) <= int(Cursor.max_page_size):
            raise exceptions.ValidationError(
                {"page_size": [gettext("A whole number from 1 to 200.")]}
            )
        return int(value)

    def _cursor(self, request: Request) -> tuple[str | None, int | None]:
        value = request.query_params.get("cursor")
        if value is None:
            return None, None
        try:
            kind, _dot, pk = base64.urlsafe_b64decode(value.encode()).decode().partition(".")
            if kind not in self.ORDER or not pk.isdigit():
                raise ValueError(kind)
        except ValueError:
            raise exceptions.NotFound(_("Invalid cursor")) from None
        return kind, int(pk)


# --- One dashboard's figures --------------------------------------------------------------------


def _money() -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=16, decimal_places=2)


class IdeaFigures(serializers.Serializer[Any]):
    total = serializers.IntegerField(help_text=_("Ideas raised in the period."))
    implemented = serializers.IntegerField()
    implementation_percent = serializers.DecimalField(
        max_digits=6, decimal_places=1, allow_null=True
    )
    ideas_per_person_year = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True
    )
    headcount = serializers.IntegerField()
    participants = serializers.IntegerField(help_text=_("People in scope who raised an idea."))
    participation_percent = serializers.DecimalField(
        max_digits=6, decimal_places=1, allow_null=True
    )
    median_first_response_days = serializers.DecimalField(
        max_digits=12, decimal_places=1, allow_null=True
    )
    median_to_implemented_days = serializers.DecimalField(
        max_digits=12, decimal_places=1, allow_null=True
    )
    stop_doing = serializers.IntegerField()
    stop_doing_hours_proposed = serializers.DecimalField(max_digits=16, decimal_places=0)
    stop_doing_hours_realised = serializers.DecimalField(max_digits=16, decimal_places=0)
    overdue = serializers.IntegerField(help_text=_("Overdue a first response, now."))


class AdoptedIdea(serializers.Serializer[Any]):
    idea = serializers.IntegerField(source="adopted_from")
    title = serializers.CharField(source="adopted_from__title")
    team_name = serializers.CharField(source="adopted_from__team__name")
    copies = serializers.IntegerField()


class SpreadFigures(serializers.Serializer[Any]):
    copies = serializers.IntegerField(help_text=_("Times other teams adopted ideas from here."))
    ideas = serializers.IntegerField()
    teams = serializers.IntegerField()
    most = AdoptedIdea(many=True, help_text=_("Adopted most: only ideas the caller may open."))


class SavingTotals(serializers.Serializer[Any]):
    projected = _money()
    realised = _money()
    verified = _money()
    cashable = _money()
    non_cashable = _money()
    hours_projected = _money()
    hours_realised = _money()
    hours_verified = _money()


class SavingFigures(serializers.Serializer[Any]):
    a_year = SavingTotals(help_text=_("Recurring savings, at their full-year effect."))
    one_off = SavingTotals(help_text=_("One-off savings. Never added to the recurring ones."))
    awaiting = serializers.IntegerField(help_text=_("Claims awaiting verification."))


def _gain() -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=1, allow_null=True)


class TeamGainList(serializers.ListSerializer[Any]):
    """A place's or everything's hundreds of teams, each written as :class:`TeamGain` writes
    it (the same keys, in order, and values) without a field's call for each value."""

    gain = _gain()

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        gain = self.gain
        return [
            {
                "team": int(row["team_id"]),
                "team_name": str(row["team__name"]),
                "outcomes": int(row["outcomes"]),
                "gain": None if row["gain"] is None else gain.to_representation(row["gain"]),
                "band": str(row["band"]),
            }
            for row in data
        ]


class TeamGain(serializers.Serializer[Any]):
    team = serializers.IntegerField(source="team_id")
    team_name = serializers.CharField(source="team__name")
    outcomes = serializers.IntegerField()
    gain = _gain()
    band = serializers.CharField()

    class Meta:
        list_serializer_class = TeamGainList


class GainFigures(serializers.Serializer[Any]):
    band_low = serializers.DecimalField(max_digits=5, decimal_places=1)
    band_high = serializers.DecimalField(max_digits=5, decimal_places=1)
    within = serializers.IntegerField()
    above = serializers.IntegerField()
    below = serializers.IntegerField()
    unknown = serializers.IntegerField()
    teams = TeamGain(many=True, help_text=_("Highest gain first."))


class Latest(serializers.Serializer[Any]):
    date = serializers.DateField()
    value = serializers.FloatField()


class SurveyTrendFigures(serializers.Serializer[Any]):
    survey = serializers.IntegerField(source="survey.pk")
    title = serializers.CharField(source="survey.title")
    kind = serializers.CharField(source="survey.kind")
    measure = serializers.IntegerField(source="measure.pk")
    responses = serializers.IntegerField(help_text=_("Answers in the period."))
    latest = Latest(allow_null=True, help_text=_("The latest mean score in the period."))
    enough_data = serializers.BooleanField(source="result.enough_data")
    variation = serializers.CharField(source="result.variation", allow_null=True)
    assurance = serializers.CharField(source="result.assurance", allow_null=True)


class SatisfactionFigures(serializers.Serializer[Any]):
    customer_mean = serializers.FloatField(allow_null=True)
    customer_n = serializers.IntegerField()
    staff_mean = serializers.FloatField(
        allow_null=True,
        help_text=_("Mean of finished weeks with enough answers; null when too few."),
    )
    staff_weeks = serializers.IntegerField()
    staff_n = serializers.IntegerField()
    responded_surveys = serializers.IntegerField()
    trends = SurveyTrendFigures(many=True)


class SpendLine(serializers.Serializer[Any]):
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    amount = _money()


class Flow(serializers.Serializer[Any]):
    invested_by_name = serializers.CharField(source="invested_by__name")
    benefits_name = serializers.CharField(source="benefits__name")
    count = serializers.IntegerField()
    a_year = _money()
    one_off = _money()


class PlaceFigures(serializers.Serializer[Any]):
    spend = serializers.DecimalField(max_digits=20, decimal_places=2)
    per_head = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    one_percent = serializers.DecimalField(max_digits=20, decimal_places=2)
    realised_a_year = _money()
    realised_one_off = _money()
    realised_percent_of_spend = serializers.DecimalField(
        max_digits=20, decimal_places=4, allow_null=True
    )
    spend_lines = SpendLine(many=True)
    flows = Flow(many=True)


class IdeaRef(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(source="get_absolute_url")


class Period(serializers.Serializer[Any]):
    start = serializers.DateField()
    end = serializers.DateField()


class DashboardFigures(serializers.Serializer[Any]):
    scope = DashboardRef()
    period = Period()
    ideas = IdeaFigures()
    stalled_cards = serializers.IntegerField(
        help_text=_("Open kaizen cards that have not moved for their board's threshold.")
    )
    spread = SpreadFigures()
    savings = SavingFigures()
    gains = GainFigures()
    satisfaction = SatisfactionFigures()
    place = PlaceFigures(required=False, help_text=_("A place's dashboard only."))
    awaiting_outcome = IdeaRef(
        many=True,
        required=False,
        help_text=_(
            "A team's dashboard, for its leads and managers: implemented ideas whose outcome "
            "is not yet measured."
        ),
    )


def figures(context: dict[str, Any]) -> dict[str, Any]:
    """The dashboard page's context as the API gives it."""
    scope = context["scope"]
    period = context["period"]
    low, high = context["band"]
    satisfaction = context["satisfaction"]
    body: dict[str, Any] = {
        "scope": _ref(scope.kind, scope.pk, str(scope.title)),
        "period": {"start": period.start, "end": period.end},
        "ideas": context["ideas"],
        "stalled_cards": context["stalled_cards"],
        "spread": context["spread"],
        "savings": context["savings"],
        "gains": {
            "band_low": low,
            "band_high": high,
            **context["band_counts"],
            "teams": context["team_gains"],
        },
        "satisfaction": {
            **satisfaction,
            "trends": [
                {
                    "survey": t.survey,
                    "measure": t.measure,
                    "responses": t.responses,
                    "latest": None
                    if t.latest is None
                    else {"date": t.latest.date, "value": t.latest.value},
                    "result": t.result,
                }
                for t in satisfaction["trends"]
            ],
        },
    }
    if "place" in context:
        body["place"] = context["place"]
    if "awaiting_outcome" in context:
        body["awaiting_outcome"] = list(context["awaiting_outcome"])
    return body


class DashboardDetail(ApiMixin, generics.GenericAPIView[Any]):
    serializer_class = DashboardFigures
    query_parameters = frozenset({"start", "end"})

    @extend_schema(
        summary=_("One dashboard's figures, as its page shows them to the caller"),
        description=_(
            "kind is team, site, organisation, place or all (id 0: administrators). The period "
            "is the last year unless start and end name another. Each figure is the one the "
            "dashboard page shows the same person for the same period."
        ),
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE),
            OpenApiParameter("end", OpenApiTypes.DATE),
        ],
        responses={
            200: DashboardFigures,
            403: ERRORS[403],
            **READ_ERRORS,
            400: ERRORS[400],
        },
    )
    def get(self, request: Request, kind: str, pk: int) -> Response:
        user = _user(request)
        scope = metrics_queries.get_scope_for_user(user, kind, pk)
        form = metrics_forms.PeriodForm(request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError(
                {name: [str(e) for e in errors] for name, errors in form.errors.items()}
            )
        period = metrics_queries.default_period()
        period = metrics_queries.Period(
            form.cleaned_data.get("start") or period.start,
            form.cleaned_data.get("end") or period.end,
        )
        context = metrics_queries.dashboard(scope, period, user)
        if isinstance(scope.obj, Team) and policy.can(user, "claim_saving", scope.obj):
            context["awaiting_outcome"] = metrics_queries.awaiting_outcome(scope.obj)
        body = DashboardFigures(figures(context), context={"request": request})
        return Response(body.data)
