"""Value-stream maps in the API: the maps a caller may see, one map as the JSON document the
map page exports (docs/vsm-format.md), and an import of such a document into a team.

The import reads the body as the map page reads an uploaded file (:mod:`ideas.maps.json_format`):
the same size limit, the same refusal of text that is not UTF-8 JSON or nests too deeply, the
same checks of every field, all named by JSON path, and nothing saved unless all is well. The web
has no way to replace a map from a file (an import always makes a new map), so neither has the
API."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.errors import PayloadTooLarge
from api.serializers import TeamRef, link
from api.views import ERRORS, READ_ERRORS, ApiMixin, Cursor, _errors, _user
from ideas.maps import json_format
from ideas.maps import queries as map_queries
from ideas.maps.models import ValueStreamMap, ValueStreamMapQuerySet, ValueStreamStep
from leanhub import policy
from leanhub.models import Team


class MapSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField(help_text=_("The map's page in LeanHub."))
    document = serializers.SerializerMethodField(
        help_text=_("Where the API gives the map as a JSON document (docs/vsm-format.md).")
    )
    name = serializers.CharField()
    process = serializers.CharField()
    customer = serializers.CharField()
    state = serializers.ChoiceField(choices=ValueStreamMap.State.choices)
    current = serializers.IntegerField(
        source="current_id",
        allow_null=True,
        help_text=_("A future state's current state; null for a current state."),
    )
    is_target = serializers.BooleanField()
    team = TeamRef()
    step_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_url(self, m: ValueStreamMap) -> str:
        return link(self, "maps:detail", m.pk)

    def get_document(self, m: ValueStreamMap) -> str:
        return link(self, "api:map", m.pk)


def _maps() -> ValueStreamMapQuerySet:
    # The steps are counted by a subquery per listed map rather than a GROUP BY over the join:
    # a page of 50 maps costs 50 index probes, whatever the number of maps in the caller's reach.
    steps = (
        ValueStreamStep.objects.filter(map=OuterRef("pk"))
        .order_by()
        .values("map")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return ValueStreamMap.objects.select_related("team").annotate(
        step_count=Coalesce(Subquery(steps, output_field=IntegerField()), 0)
    )


class MapList(ApiMixin, generics.ListCreateAPIView[ValueStreamMap]):
    serializer_class = MapSerializer
    pagination_class = Cursor
    query_parameters = frozenset({"team"})

    def get_queryset(self) -> QuerySet[ValueStreamMap]:
        maps = _maps().visible_to(self.request.user)
        team = self.request.query_params.get("team")
        if team is not None:
            if not team.isdigit():
                raise exceptions.ValidationError({"team": [gettext("Give a team's number.")]})
            maps = maps.filter(team_id=int(team))
        return maps

    @extend_schema(
        summary=_("Value-stream maps the caller may see, newest first"),
        parameters=[OpenApiParameter("team", int, description=_("Only this team's maps."))],
        responses={200: MapSerializer(many=True), **READ_ERRORS, 400: ERRORS[400]},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary=_("Import a map into a team the caller works in, from its JSON document"),
        description=_(
            "The body is a map document exactly as GET /api/v1/maps/{map_id}/ (or the map "
            "page's export) gives it, at most 2 MB of UTF-8 JSON. It is checked as the map "
            "page checks an uploaded file: a refusal is a 400 whose fields.document lists "
            "every problem by its JSON path (at most 100), and nothing is saved. The same key "
            "sent again by the same caller answers the map the first import made (200)."
        ),
        parameters=[
            OpenApiParameter("team", int, required=True, description=_("The team the map is for.")),
            OpenApiParameter(
                "key",
                str,
                description=_(
                    "Any text of up to 40 characters, new for each import: a resend with "
                    "the same key makes no second map."
                ),
            ),
        ],
        request={"application/json": OpenApiTypes.OBJECT},
        responses={
            201: MapSerializer,
            200: MapSerializer,
            **_errors(400, 401, 403, 413, 429),
        },
        examples=[
            OpenApiExample(
                "A refused document",
                status_codes=["400"],
                response_only=True,
                value={
                    "error": {
                        "status": 400,
                        "code": "invalid",
                        "message": "The request was not accepted: see the fields.",
                        "fields": {
                            "document": [
                                "$.steps[0].process_time.seconds: cannot be negative.",
                                "$.colour: is not a field of the format (check the spelling).",
                            ]
                        },
                    }
                },
            )
        ],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = _user(request)
        team = self._team(request)
        key = request.query_params.get("key", "")
        if len(key) > 40:
            raise exceptions.ValidationError({"key": [gettext("At most 40 characters.")]})
        raw = self._body(request)
        try:
            document = json_format.read_json(raw)
            again = bool(key) and (
                ValueStreamMap.objects.filter(created_by=user, submission_token=key).exists()
            )
            m = json_format.import_map(document, team=team, by=user, submission_token=key)
        except json_format.ImportRefused as refused:
            raise exceptions.ValidationError({"document": refused.problems}) from None
        body = MapSerializer(_maps().get(pk=m.pk), context={"request": request}).data
        response = Response(body, status=status.HTTP_200_OK if again else status.HTTP_201_CREATED)
        response["Location"] = reverse("api:map", args=[m.pk])
        return response

    @staticmethod
    def _team(request: Request) -> Team:
        """The team named by ``?team=``, if the caller may see it (400 otherwise: it is input,
        not the address of the thing asked for). Whether they may map for it is the import's
        to say (403 with its reason)."""
        value = request.query_params.get("team", "")
        team = None
        if value.isdigit():
            team = (
                Team.objects.filter(policy.team_q(request.user, "view"))
                .select_related("site__organisation")
                .filter(pk=int(value))
                .first()
            )
        if team is None:
            message = gettext("No such team.") if value else gettext("Name the team: ?team=<id>.")
            raise exceptions.ValidationError({"team": [message]})
        return team

    @staticmethod
    def _body(request: Request) -> bytes:
        """The body, read no further than the map format's limit: larger is 413, whatever
        Content-Length says."""
        limit = json_format.MAX_BYTES
        length = request.META.get("CONTENT_LENGTH")
        too_big = PayloadTooLarge(
            gettext("The request body is larger than %(limit)s bytes.") % {"limit": limit}
        )
        if length and str(length).isdigit() and int(length) > limit:
            raise too_big
        raw = request._request.read(limit + 1)
        if len(raw) > limit:
            raise too_big
        return raw


class MapDetail(ApiMixin, generics.GenericAPIView[ValueStreamMap]):
    @extend_schema(
        summary=_("One map, as the JSON document the map page exports (docs/vsm-format.md)"),
        responses={200: OpenApiTypes.OBJECT, **READ_ERRORS},
    )
    def get(self, request: Request, map_id: int) -> Response:
        m = map_queries.get_map_for_user(request.user, map_id)
        return Response(json_format.export_map(m, map_queries.steps_of(m)))
