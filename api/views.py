"""The REST API, version 1. Each view is one call thin, as the pages are: it finds the object
through the same ``get_<thing>_for_user`` the pages use (404 outside the caller's reach), checks
the input, calls the same action, and answers. Reads carry an ETag (a conditional GET with
``If-None-Match`` answers 304); lists are cursor-paginated."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import actions as api_actions
from api import serializers as s
from api.errors import Conflict, Error
from api.models import ObservationBatch
from ideas import actions as idea_actions
from ideas import queries as idea_queries
from ideas.filters import IdeaFilter
from ideas.models import Idea
from kaizen import actions as kaizen_actions
from kaizen import queries as kaizen_queries
from kaizen.models import Board, Card, Column
from leanhub import policy
from leanhub import queries as leanhub_queries
from leanhub.models import User
from metrics import actions as metrics_actions
from metrics import forms as metrics_forms
from metrics import queries as metrics_queries
from metrics.models import Measure, Observation, Saving, Survey

ERRORS = {
    400: OpenApiResponse(Error, description=_("Bad input: nothing was changed.")),
    401: OpenApiResponse(
        Error, description=_("No credentials, or a bad, expired or revoked token.")
    ),
    403: OpenApiResponse(Error, description=_("Seen, but not the caller's to change.")),
    404: OpenApiResponse(Error, description=_("Not found, or outside the caller's reach.")),
    413: OpenApiResponse(Error, description=_("The request body is too large.")),
    429: OpenApiResponse(Error, description=_("Too many requests: see Retry-After.")),
}
READ_ERRORS = {k: v for k, v in ERRORS.items() if k in (401, 404, 429)}


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: ERRORS[code] for code in codes}


class Cursor(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-pk",)


class ApiMixin:
    """ETags for reads, and refusal of query parameters a view does not know."""

    query_parameters: frozenset[str] = frozenset()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if request.method in ("GET", "HEAD"):
            allowed = self.query_parameters | {"cursor", "page_size", "format"}
            unknown = sorted(set(request.query_params) - allowed)
            if unknown:
                raise exceptions.ValidationError(
                    {name: [gettext("Unknown query parameter.")] for name in unknown}
                )

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and isinstance(response, Response)
            and response.data is not None
        ):
            body = json.dumps(response.data, sort_keys=True, cls=DjangoJSONEncoder)
            etag = f'"{hashlib.sha256(body.encode()).hexdigest()[:32]}"'
            response["ETag"] = etag
            response["Cache-Control"] = "private, no-cache"
            matches = {t.strip() for t in request.headers.get("If-None-Match", "").split(",")}
            if etag in matches or "*" in matches:
                response.status_code = status.HTTP_304_NOT_MODIFIED
                response.data = None
        response.setdefault("Vary", "Authorization, Cookie, Accept-Language")
        return response


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # TokenScope lets no one else in
    return user


# --- Ideas --------------------------------------------------------------------------------------


class IdeaCursor(Cursor):
    """Newest first, or in the order ``sort`` names (the web list's sorts)."""

    SORTS = {
        "-created": ("-created_at", "-pk"),
        "created": ("created_at", "pk"),
        "-support": ("-support_count", "-created_at", "-pk"),
        "title": ("title", "pk"),
    }

    def get_ordering(self, request: Request, queryset: Any, view: Any) -> tuple[str, ...]:
        return self.SORTS.get(request.query_params.get("sort", ""), self.SORTS["-created"])


IDEA_FILTERS = [
    OpenApiParameter("q", str, description=_("Words in the title or problem.")),
    OpenApiParameter("status", str, enum=Idea.Status.values),
    OpenApiParameter("kind", str, enum=Idea.Kind.values),
    OpenApiParameter("waste", str, enum=Idea.Waste.values),
    OpenApiParameter("team", int),
    OpenApiParameter("site", int),
    OpenApiParameter("organisation", int),
    OpenApiParameter("raised_from", OpenApiTypes.DATE),
    OpenApiParameter("raised_to", OpenApiTypes.DATE),
    OpenApiParameter("mine", bool, description=_("Raised by the caller.")),
    OpenApiParameter("following", bool, description=_("Followed by the caller.")),
    OpenApiParameter("overdue", bool, description=_("Overdue for a first response.")),
    OpenApiParameter("sort", str, enum=list(IdeaCursor.SORTS)),
]


class IdeaList(ApiMixin, generics.ListCreateAPIView[Idea]):
    serializer_class = s.IdeaSerializer
    pagination_class = IdeaCursor
    query_parameters = frozenset(p.name for p in IDEA_FILTERS)

    def get_queryset(self) -> QuerySet[Idea]:
        user = _user(self.request)
        data = self.request.query_params.copy()
        data.pop("sort", None)
        filterset = IdeaFilter(
            data,
            queryset=idea_queries.list_queryset(user),
            user=user,
            organisations=idea_queries.organisations_for_overdue(user),
        )
        if not filterset.is_valid():
            raise exceptions.ValidationError(
                {name: [str(e) for e in errors] for name, errors in filterset.errors.items()}
            )
        return filterset.qs  # type: ignore[no-any-return]

    @extend_schema(
        summary=_("Ideas the caller may see, with the web list's filters"),
        parameters=IDEA_FILTERS,
        responses={200: s.IdeaSerializer(many=True), **READ_ERRORS, 400: ERRORS[400]},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary=_("Raise an idea for a team the caller works in"),
        request=s.IdeaInput,
        responses={201: s.IdeaSerializer, **_errors(400, 401, 403, 413, 429)},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.IdeaInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        team = fields.pop("team")
        idea, _created = idea_actions.submit_idea(
            idea_actions.NewIdea(team=team, **fields), token=None, by=_user(request)
        )
        idea = idea_queries.get_idea_for_user(request.user, idea.pk)
        body = s.IdeaSerializer(idea, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class IdeaDetail(ApiMixin, generics.GenericAPIView[Idea]):
    serializer_class = s.IdeaSerializer

    @extend_schema(summary=_("One idea"), responses={200: s.IdeaSerializer, **READ_ERRORS})
    def get(self, request: Request, idea_id: int) -> Response:
        idea = idea_queries.get_idea_for_user(request.user, idea_id)
        return Response(self.get_serializer(idea).data)


class IdeaRespond(ApiMixin, generics.GenericAPIView[Idea]):
    serializer_class = s.RespondInput

    @extend_schema(
        summary=_("Respond: change the idea's status (its team's leads and managers)"),
        request=s.RespondInput,
        responses={200: s.IdeaSerializer, **_errors(400, 401, 403, 404, 413, 429)},
    )
    def post(self, request: Request, idea_id: int) -> Response:
        user = _user(request)
        idea = idea_queries.get_idea_for_user(user, idea_id, action="respond_to_idea")
        data = s.RespondInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        duplicate_of = None
        if fields.get("duplicate_of") is not None:
            try:
                duplicate_of = idea_queries.get_idea_for_user(user, fields["duplicate_of"])
            except Http404:
                raise exceptions.ValidationError(
                    {"duplicate_of": [gettext("No such idea.")]}
                ) from None
        idea_actions.change_status(
            idea,
            to=fields["status"],
            note=fields["note"],
            revisit_on=fields.get("revisit_on"),
            duplicate_of=duplicate_of,
            by=user,
        )
        idea = idea_queries.get_idea_for_user(user, idea_id)
        return Response(s.IdeaSerializer(idea, context={"request": request}).data)


class IdeaSupportView(ApiMixin, generics.GenericAPIView[Idea]):
    serializer_class = s.SupportSerializer

    def _set(self, request: Request, idea_id: int, *, on: bool) -> Response:
        user = _user(request)
        idea = idea_queries.get_idea_for_user(user, idea_id, action="engage_with_idea")
        count = idea_actions.set_support(idea, on=on, by=user)
        return Response({"supported": on, "support_count": count})

    @extend_schema(
        summary=_("Support the idea (once per person; again changes nothing)"),
        request=None,
        responses={200: s.SupportSerializer, **_errors(401, 403, 404, 429)},
    )
    def post(self, request: Request, idea_id: int) -> Response:
        return self._set(request, idea_id, on=True)

    @extend_schema(
        summary=_("Stop supporting the idea"),
        responses={200: s.SupportSerializer, **_errors(401, 403, 404, 429)},
    )
    def delete(self, request: Request, idea_id: int) -> Response:
        return self._set(request, idea_id, on=False)


# --- Boards and cards ---------------------------------------------------------------------------


def _boards() -> QuerySet[Board]:
    return Board.objects.select_related("team").prefetch_related(
        Prefetch("columns", queryset=Column.objects.order_by("position", "pk"))
    )


def _cards() -> QuerySet[Card]:
    return Card.objects.select_related("idea__team__site", "board").prefetch_related("owners")


class BoardList(ApiMixin, generics.ListAPIView[Board]):
    serializer_class = s.BoardSerializer
    pagination_class = Cursor

    def get_queryset(self) -> QuerySet[Board]:
        return _boards().filter(pk__in=Board.objects.visible_to(self.request.user).values("pk"))

    @extend_schema(
        summary=_("Boards the caller may see, with their columns"),
        responses={200: s.BoardSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class BoardDetail(ApiMixin, generics.GenericAPIView[Board]):
    serializer_class = s.BoardSerializer

    @extend_schema(summary=_("One board"), responses={200: s.BoardSerializer, **READ_ERRORS})
    def get(self, request: Request, board_id: int) -> Response:
        board = kaizen_queries.get_board_for_user(request.user, board_id)
        board = _boards().get(pk=board.pk)
        return Response(self.get_serializer(board).data)


class BoardCards(ApiMixin, generics.ListAPIView[Card]):
    serializer_class = s.CardSerializer
    pagination_class = Cursor

    def get_queryset(self) -> QuerySet[Card]:
        board = kaizen_queries.get_board_for_user(self.request.user, self.kwargs["board_id"])
        return _cards().filter(board=board)

    @extend_schema(
        summary=_("The cards of a board"),
        responses={200: s.CardSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class CardDetail(ApiMixin, generics.GenericAPIView[Card]):
    serializer_class = s.CardSerializer

    @extend_schema(summary=_("One card"), responses={200: s.CardSerializer, **READ_ERRORS})
    def get(self, request: Request, card_id: int) -> Response:
        card = kaizen_queries.get_card_for_user(request.user, card_id)
        return Response(self.get_serializer(_cards().get(pk=card.pk)).data)


class CardMove(ApiMixin, generics.GenericAPIView[Card]):
    serializer_class = s.MoveInput

    @extend_schema(
        summary=_("Move a card (with its version: a stale move is refused with 409)"),
        request=s.MoveInput,
        responses={
            200: s.CardSerializer,
            409: OpenApiResponse(Error, description=_("The card changed since it was read.")),
            **_errors(400, 401, 403, 404, 413, 429),
        },
    )
    def post(self, request: Request, card_id: int) -> Response:
        user = _user(request)
        card = kaizen_queries.get_card_for_user(user, card_id, action="edit_card")
        data = s.MoveInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        column = Column.objects.filter(pk=fields["column"], board_id=card.board_id).first()
        if column is None:
            raise exceptions.ValidationError(
                {"column": [gettext("No such column on the card's board.")]}
            )
        kaizen_actions.move_card(
            card,
            to=column,
            position=fields["position"],
            expected_version=fields["version"],
            wip_reason=fields["wip_reason"],
            by=user,
        )
        card = _cards().get(pk=card.pk)
        return Response(s.CardSerializer(card, context={"request": request}).data)


# --- Measures and observations ------------------------------------------------------------------


def _measures() -> QuerySet[Measure]:
    return Measure.objects.select_related("team__site", "site", "organisation", "place")


class MeasureList(ApiMixin, generics.ListAPIView[Measure]):
    serializer_class = s.MeasureSerializer
    pagination_class = Cursor

    def get_queryset(self) -> QuerySet[Measure]:
        return _measures().filter(pk__in=Measure.objects.visible_to(self.request.user).values("pk"))

    @extend_schema(
        summary=_("Measures the caller may see"),
        responses={200: s.MeasureSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class MeasureDetail(ApiMixin, generics.GenericAPIView[Measure]):
    serializer_class = s.MeasureDetailSerializer

    @extend_schema(
        summary=_("One measure, with its SPC reading (its own rules; the engine's version)"),
        description=_(
            "The reading is of every point; the answer carries the latest points only (see "
            "“points”), so it stays small however long the measure. Every figure is on the "
            "measure's observations endpoint, a page at a time."
        ),
        responses={200: s.MeasureDetailSerializer, **READ_ERRORS},
    )
    def get(self, request: Request, measure_id: int) -> Response:
        measure = metrics_queries.get_measure_for_user(request.user, measure_id)
        result = metrics_queries.spc_reading(measure)
        body = s.MeasureDetailSerializer(measure, context={"request": request, "spc": result})
        return Response(body.data)


class ObservationCursor(Cursor):
    ordering = ("-date",)  # one observation per date of a measure


class MeasureObservations(ApiMixin, generics.ListCreateAPIView[Observation]):
    serializer_class = s.ObservationSerializer
    pagination_class = ObservationCursor

    def get_queryset(self) -> QuerySet[Observation]:
        measure = metrics_queries.get_measure_for_user(self.request.user, self.kwargs["measure_id"])
        return Observation.objects.filter(measure=measure)

    @extend_schema(
        summary=_("A measure's observations, newest first"),
        responses={200: s.ObservationSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary=_("Record one observation (the measure's leads and managers)"),
        request=s.ObservationInput,
        responses={
            201: s.ObservationSerializer,
            409: OpenApiResponse(Error, description=_("The measure has a figure for that date.")),
            **_errors(400, 401, 403, 404, 413, 429),
        },
    )
    def post(self, request: Request, measure_id: int) -> Response:
        user = _user(request)
        measure = metrics_queries.get_measure_for_user(user, measure_id, action="edit_measure")
        data = s.ObservationInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        if measure.observations.filter(date=fields["date"]).exists():
            raise Conflict(
                gettext("The measure already has a figure for %(date)s.")
                % {"date": fields["date"].isoformat()},
                code="observation_exists",
            )
        try:
            with transaction.atomic():
                observation = metrics_actions.record_observation(
                    measure, on=fields["date"], value=fields["value"], note=fields["note"], by=user
                )
        except IntegrityError:  # the same date, recorded at the same moment by someone else
            raise Conflict(
                gettext("The measure already has a figure for %(date)s.")
                % {"date": fields["date"].isoformat()},
                code="observation_exists",
            ) from None
        return Response(s.ObservationSerializer(observation).data, status=status.HTTP_201_CREATED)


# --- Savings and surveys ------------------------------------------------------------------------


def _savings() -> QuerySet[Saving]:
    # The idea and card a saving came from are read in a query each, not joined: joined, the
    # list's query had thirteen tables, and PostgreSQL spent longer planning it than running it.
    return Saving.objects.select_related("team__site", "claimed_by").prefetch_related(
        Prefetch("idea", queryset=Idea.objects.select_related("team__site")),
        Prefetch("card", queryset=Card.objects.select_related("board__team__site")),
    )


class SavingList(ApiMixin, generics.ListCreateAPIView[Saving]):
    serializer_class = s.SavingSerializer
    pagination_class = Cursor

    def get_queryset(self) -> QuerySet[Saving]:
        return _savings().filter(policy.saving_q(self.request.user))

    @extend_schema(
        summary=_("Savings the caller may see"),
        responses={200: s.SavingSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary=_("Claim a saving for a team (its leads and managers); a manager verifies it"),
        request=s.SavingInput,
        responses={201: s.SavingSerializer, **_errors(400, 401, 403, 404, 413, 429)},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = _user(request)
        data = s.SavingInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        team = leanhub_queries.get_team_for_user(user, fields.pop("team"), action="claim_saving")
        # As the form offers them: the team's own organisation invests and benefits, unless told.
        fields.setdefault("invested_by", team.site.organisation_id)
        fields.setdefault("benefits", team.site.organisation_id)
        # The claim form checks the rest as it does on the page: the team's own cards, ideas
        # and measures, the organisations of its place.
        form = metrics_forms.SavingForm(
            {k: "" if v is None else str(v) for k, v in fields.items()}, team=team, user=user
        )
        form.fields.pop("evidence_file")
        if not form.is_valid():
            raise exceptions.ValidationError(
                {name: [str(e) for e in errors] for name, errors in form.errors.items()}
            )
        saving = metrics_actions.claim_saving(team, fields=form.cleaned_data, by=user)
        body = s.SavingSerializer(_savings().get(pk=saving.pk), context={"request": request})
        return Response(body.data, status=status.HTTP_201_CREATED)


class SavingDetail(ApiMixin, generics.GenericAPIView[Saving]):
    serializer_class = s.SavingSerializer

    @extend_schema(summary=_("One saving"), responses={200: s.SavingSerializer, **READ_ERRORS})
    def get(self, request: Request, saving_id: int) -> Response:
        saving = metrics_queries.get_saving_for_user(request.user, saving_id)
        return Response(self.get_serializer(saving).data)


class SurveyList(ApiMixin, generics.ListAPIView[Survey]):
    serializer_class = s.SurveySerializer
    pagination_class = Cursor

    def get_queryset(self) -> QuerySet[Survey]:
        return Survey.objects.visible_to(self.request.user)

    @extend_schema(
        summary=_("Surveys the caller may see"),
        responses={200: s.SurveySerializer(many=True), **READ_ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class SurveyDetail(ApiMixin, generics.GenericAPIView[Survey]):
    serializer_class = s.SurveyDetailSerializer

    @extend_schema(
        summary=_("One survey and its answers added up (never an answer or who gave it)"),
        responses={200: s.SurveyDetailSerializer, **READ_ERRORS},
    )
    def get(self, request: Request, survey_id: int) -> Response:
        survey = metrics_queries.get_survey_for_user(request.user, survey_id)
        answers = metrics_queries.survey_answers(survey)
        aggregates = {"count": answers.count, "by_score": answers.by_score}
        body = s.SurveyDetailSerializer(
            survey, context={"request": request, "aggregates": aggregates}
        )
        return Response(body.data)


class BulkObservations(ApiMixin, generics.GenericAPIView[Observation]):
    serializer_class = s.BulkObservationsInput

    @extend_schema(
        summary=_("Append many observations at once, all or nothing, once per key"),
        description=_(
            "Every row is checked before anything is written: if any row is refused, nothing is "
            "appended and the 400 names each refused row by its index (fields.observations). "
            "The same batch sent again with the same key changes nothing and answers 200 with "
            "replayed true; a different batch under a key already used is 409."
        ),
        request=s.BulkObservationsInput,
        responses={
            201: s.BulkObservationsResult,
            200: s.BulkObservationsResult,
            409: OpenApiResponse(Error, description=_("The key was used for another batch.")),
            **_errors(400, 401, 403, 413, 429),
        },
    )
    def post(self, request: Request) -> Response:
        user = _user(request)
        data = s.BulkObservationsInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        key, rows = data.validated_data["key"], data.validated_data["observations"]
        sent = ObservationBatch.objects.filter(user=user, key=key).first()
        if sent is not None:  # a resend: answered before its rows are checked against the data
            if sent.digest != api_actions.batch_digest(rows):
                raise self._key_reused()
            return Response({"key": sent.key, "created": sent.rows, "replayed": True})
        measures = self._measures_for(user, rows)
        try:
            batch, now = api_actions.append_observations(
                rows, key=key, measures=list(measures.values()), by=user
            )
        except api_actions.KeyReused:
            raise self._key_reused() from None
        except IntegrityError:
            # The same key sent twice at once (the other copy won), or a date another caller
            # filled meanwhile: nothing of this batch was written.
            winner = ObservationBatch.objects.filter(user=user, key=key).first()
            if winner is None:
                raise Conflict(
                    gettext("A measure received a figure for one of these dates meanwhile."),
                    code="observation_exists",
                ) from None
            if winner.digest != api_actions.batch_digest(rows):
                raise self._key_reused() from None
            batch, now = winner, False
        body = {"key": batch.key, "created": batch.rows, "replayed": not now}
        return Response(body, status=status.HTTP_201_CREATED if now else status.HTTP_200_OK)

    @staticmethod
    def _key_reused() -> Conflict:
        return Conflict(
            gettext("This key was used for a different batch: choose a new key for each batch."),
            code="key_reused",
        )

    @staticmethod
    def _measures_for(user: User, rows: list[dict[str, Any]]) -> dict[int, Measure]:
        """The measures the rows name, each one ``user`` may record figures for; else a 400
        naming every refused row (nothing is written)."""
        wanted = {row["measure"] for row in rows}
        measures = {m.pk: m for m in _measures().filter(pk__in=wanted)}
        taken = set(
            Observation.objects.filter(measure_id__in=wanted)
            .filter(date__in={row["date"] for row in rows})
            .values_list("measure_id", "date")
        )
        errors: dict[str, dict[str, list[str]]] = {}
        seen: set[tuple[int, Any]] = set()
        for n, row in enumerate(rows):
            measure = measures.get(row["measure"])
            if measure is None or not policy.can(user, "view_measure", measure):
                errors[str(n)] = {"measure": [gettext("No such measure.")]}
            elif not policy.can(user, "edit_measure", measure):
                errors[str(n)] = {
                    "measure": [gettext("You may not record figures for this measure.")]
                }
            elif (row["measure"], row["date"]) in taken:
                errors[str(n)] = {
                    "date": [gettext("The measure already has a figure for this date.")]
                }
            elif (row["measure"], row["date"]) in seen:
                errors[str(n)] = {"date": [gettext("The batch has this measure and date twice.")]}
            seen.add((row["measure"], row["date"]))
        if errors:
            raise exceptions.ValidationError({"observations": errors})
        return measures


class Root(ApiMixin, APIView):
    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        from django.urls import reverse

        return Response(
            {
                "ideas": reverse("api:ideas"),
                "boards": reverse("api:boards"),
                "measures": reverse("api:measures"),
                "schema": reverse("api:schema"),
                "docs": reverse("api:docs"),
            }
        )
