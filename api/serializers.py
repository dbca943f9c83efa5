"""What the API reads and writes. Output serializers name people only through
:func:`leanhub.policy.shown_name` (as ``{% person_name %}`` does on the pages), so a hidden name
is never in an answer. Input serializers refuse fields they do not know."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ideas.models import Idea
from kaizen.models import Board, Card, Column
from leanhub import policy
from leanhub.models import Team, User
from metrics.models import Measure
from metrics.spc import SPCResult


def _viewer(serializer: serializers.Serializer[Any]) -> User | None:
    request = serializer.context.get("request")
    user = getattr(request, "user", None)
    return user if isinstance(user, User) else None


# A number no object has, reversed once in its URL's place and then swapped for each row's id.
_SENTINEL = 987654321


def link(serializer: serializers.Serializer[Any], name: str, pk: int) -> str:
    """``reverse(name, args=[pk])``, reversed once per answer rather than once per row: a page
    of 50 rows would otherwise spend more on reversing URLs than on its queries. The pattern is
    kept in the root serializer's context, so it lives as long as one answer."""
    patterns = serializer.context.setdefault("url_patterns", {})
    pattern = patterns.get(name)
    if pattern is None:
        pattern = patterns[name] = reverse(name, args=[_SENTINEL])
    return str(pattern).replace(str(_SENTINEL), str(pk))


class StrictSerializer(serializers.Serializer[Any]):
    """Refuses a field it does not know (a typo is an error, not silently ignored)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)


# --- Ideas --------------------------------------------------------------------------------------


class TeamRef(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class IdeaSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField(help_text=_("The idea's page in LeanHub."))
    title = serializers.CharField()
    problem = serializers.CharField()
    proposal = serializers.CharField()
    kind = serializers.ChoiceField(choices=Idea.Kind.choices)
    status = serializers.ChoiceField(choices=Idea.Status.choices)
    wastes = serializers.SerializerMethodField()
    team = TeamRef()
    author_name = serializers.SerializerMethodField(
        help_text=_("Who raised it, as the caller may read it: a hidden name is never given.")
    )
    shared_with_partners = serializers.BooleanField()
    support_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    first_response_at = serializers.DateTimeField(allow_null=True)

    def get_url(self, idea: Idea) -> str:
        return link(self, "ideas:detail", idea.pk)

    def get_wastes(self, idea: Idea) -> list[str]:
        return [w for w in idea.wastes.split(",") if w]

    def get_author_name(self, idea: Idea) -> str:
        return idea.author_shown_to(_viewer(self) or AnonymousUser())


class IdeaInput(StrictSerializer):
    team = serializers.IntegerField(help_text=_("The team the idea is for (one you work in)."))
    title = serializers.CharField(max_length=140)
    problem = serializers.CharField(max_length=5000)
    proposal = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Idea.Kind.choices, default=Idea.Kind.IMPROVEMENT)
    wastes = serializers.ListField(
        child=serializers.ChoiceField(choices=Idea.Waste.choices), required=False, max_length=8
    )
    minutes_per_occurrence = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=Decimal(0), required=False, allow_null=True
    )
    occurrences_per_year = serializers.IntegerField(
        min_value=0, max_value=10_000_000, required=False, allow_null=True
    )
    money_per_year = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal(0), required=False, allow_null=True
    )
    quality_benefit = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    customer_benefit = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    burden_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    burden_owner = serializers.ChoiceField(
        choices=Idea.BurdenOwner.choices, required=False, allow_blank=True
    )
    hide_name = serializers.BooleanField(default=False)
    shared_with_partners = serializers.BooleanField(default=False)

    def validate_team(self, value: int) -> Team:
        user = _viewer(self)
        team = (
            Team.objects.filter(policy.team_q(user, "view"))
            .select_related("site__organisation")
            .filter(pk=value)
            .first()
            if user is not None
            else None
        )
        if team is None:
            raise serializers.ValidationError(_("No such team."))
        return team


class RespondInput(StrictSerializer):
    status = serializers.ChoiceField(choices=Idea.Status.choices)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    revisit_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("Parking only: when to look again.")
    )
    duplicate_of = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("Duplicates only: the other idea.")
    )


class SupportSerializer(serializers.Serializer[Any]):
    supported = serializers.BooleanField()
    support_count = serializers.IntegerField()


# --- Boards and cards ---------------------------------------------------------------------------


class ColumnSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Column.Kind.choices)
    position = serializers.IntegerField()
    wip_limit = serializers.IntegerField(allow_null=True)


class BoardSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    url = serializers.SerializerMethodField()
    team = TeamRef(allow_null=True)
    columns = serializers.SerializerMethodField()

    def get_url(self, board: Board) -> str:
        return link(self, "kaizen:board", board.pk)

    @extend_schema_field(ColumnSerializer(many=True))
    def get_columns(self, board: Board) -> list[dict[str, Any]]:
        columns = sorted(board.columns.all(), key=lambda c: (c.position, c.pk))
        # Plain dicts of the documented fields: a serializer made per board costs more than
        # the board's query.
        return [
            {"id": c.pk, "name": c.name, "kind": c.kind, "position": c.position,
             "wip_limit": c.wip_limit}
            for c in columns
        ]  # fmt: skip


class CardSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    board = serializers.IntegerField(source="board_id")
    column = serializers.IntegerField(source="column_id")
    position = serializers.IntegerField()
    version = serializers.IntegerField(
        help_text=_("Send it back when moving the card: a stale version is refused with 409.")
    )
    title = serializers.CharField()
    description = serializers.CharField()
    blocked = serializers.BooleanField()
    blocked_reason = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    idea = serializers.SerializerMethodField(
        help_text=_("The idea the card was made from, when the caller may open it.")
    )
    owner_names = serializers.SerializerMethodField(
        help_text=_("Its owners, as the caller may read them: a hidden name is never given.")
    )
    created_at = serializers.DateTimeField()
    moved_at = serializers.DateTimeField()

    def get_url(self, card: Card) -> str:
        return link(self, "kaizen:card", card.pk)

    def get_idea(self, card: Card) -> int | None:
        viewer = _viewer(self)
        if card.idea is None or viewer is None or not policy.can(viewer, "view_idea", card.idea):
            return None
        return card.idea.pk

    def get_owner_names(self, card: Card) -> list[str]:
        viewer = _viewer(self)
        return [
            policy.shown_name(viewer, owner, hidden=policy.hides_name(card.idea, owner))
            for owner in card.owners.all()
        ]


class MoveInput(StrictSerializer):
    column = serializers.IntegerField(help_text=_("A column of the card's own board."))
    position = serializers.IntegerField(min_value=0, help_text=_("0 is the top."))
    version = serializers.IntegerField(min_value=1, help_text=_("The card's version as last read."))
    wip_reason = serializers.CharField(
        max_length=280,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Why the card may go over the column's work-in-progress limit."),
    )


# --- Measures -----------------------------------------------------------------------------------


class ScopeRef(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=["team", "site", "organisation", "place"])
    id = serializers.IntegerField()
    name = serializers.CharField()


class MeasureSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    name = serializers.CharField()
    unit = serializers.CharField()
    improvement = serializers.ChoiceField(choices=Measure.Improvement.choices)
    frequency = serializers.ChoiceField(choices=Measure.Frequency.choices)
    chart_type = serializers.ChoiceField(choices=Measure.ChartType.choices)
    rules = serializers.CharField(help_text=_("The SPC rule preset the measure is judged by."))
    target = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True)
    scope = serializers.SerializerMethodField()

    def get_url(self, measure: Measure) -> str:
        return link(self, "metrics:measure", measure.pk)

    @extend_schema_field(ScopeRef)
    def get_scope(self, measure: Measure) -> dict[str, Any]:
        for kind in ("team", "site", "organisation", "place"):
            obj = getattr(measure, kind)
            if obj is not None:
                return {"kind": kind, "id": obj.pk, "name": obj.name}
        return {}


class SegmentSerializer(serializers.Serializer[Any]):
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    lower_limit = serializers.FloatField(allow_null=True)
    upper_limit = serializers.FloatField(allow_null=True)
    provisional = serializers.BooleanField()


class PointSerializer(serializers.Serializer[Any]):
    index = serializers.IntegerField(
        help_text=_("The point's place on the chart, from 0: what a segment's start and end count.")
    )
    date = serializers.DateField(allow_null=True)
    value = serializers.FloatField()
    segment = serializers.IntegerField()
    point_type = serializers.CharField(
        help_text=_("common_cause, improvement, concern, neutral, or no_limits")
    )
    direction = serializers.IntegerField(help_text=_("+1 special cause high, -1 low, 0 none"))
    rule = serializers.CharField()
    ghost = serializers.BooleanField()


# A measure's answer carries its latest points up to this many: a measure may have thousands,
# and each of its figures is on its own paginated endpoint (api:measure-observations).
DETAIL_POINTS = 100


class SPCSerializer(serializers.Serializer[Any]):
    engine_version = serializers.CharField(
        help_text=_("Which code and which rules drew this, as on the measure's page.")
    )
    rules = serializers.CharField(source="rules_label")
    variation = serializers.CharField(allow_null=True)
    assurance = serializers.CharField(allow_null=True)
    enough_data = serializers.BooleanField()
    message = serializers.CharField()
    warnings = serializers.ListField(child=serializers.CharField())
    segments = SegmentSerializer(many=True)
    point_count = serializers.SerializerMethodField(
        help_text=_("How many points the chart has (a T chart's first event is not one).")
    )
    points = serializers.SerializerMethodField(
        help_text=format_lazy(
            _(
                "The chart's latest points, oldest first: all of them up to {n}, else the latest "
                "{n}. Every figure is on the measure's observations endpoint (“observations”)."
            ),
            n=DETAIL_POINTS,
        )
    )

    def get_point_count(self, result: SPCResult) -> int:
        return len(result.points)

    @extend_schema_field(PointSerializer(many=True))
    def get_points(self, result: SPCResult) -> list[Any]:
        return list(PointSerializer(result.points[-DETAIL_POINTS:], many=True).data)


class MeasureDetailSerializer(MeasureSerializer):
    observations = serializers.SerializerMethodField(
        help_text=_("The measure's figures, newest first, a page at a time.")
    )
    spc = serializers.SerializerMethodField()

    def get_observations(self, measure: Measure) -> str:
        return link(self, "api:measure-observations", measure.pk)

    @extend_schema_field(SPCSerializer)
    def get_spc(self, measure: Measure) -> dict[str, Any]:
        return dict(SPCSerializer(self.context["spc"]).data)


class ObservationSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    date = serializers.DateField()
    value = serializers.DecimalField(max_digits=14, decimal_places=4)
    note = serializers.CharField()
    ghost = serializers.BooleanField()


class ObservationInput(StrictSerializer):
    date = serializers.DateField()
    value = serializers.DecimalField(max_digits=14, decimal_places=4)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class BulkObservationRow(StrictSerializer):
    measure = serializers.IntegerField()
    date = serializers.DateField()
    value = serializers.DecimalField(max_digits=14, decimal_places=4)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class BulkObservationsInput(StrictSerializer):
    key = serializers.CharField(
        max_length=100,
        help_text=_(
            "Chosen by the caller, one per batch: sending the same batch with the same key again "
            "changes nothing."
        ),
    )
    observations = serializers.ListField(
        child=BulkObservationRow(), min_length=1, max_length=10_000
    )


class BulkObservationsResult(serializers.Serializer[Any]):
    key = serializers.CharField()
    created = serializers.IntegerField(help_text=_("Observations the batch appended."))
    replayed = serializers.BooleanField(
        help_text=_("True when this key's batch had already been appended: nothing changed now.")
    )


# --- Savings and surveys ------------------------------------------------------------------------


class SavingSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    title = serializers.CharField()
    team = TeamRef()
    kind = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    recurrence = serializers.CharField()
    start_date = serializers.DateField()
    stage = serializers.CharField()
    status = serializers.CharField()
    version = serializers.IntegerField()
    invested_by = serializers.IntegerField(source="invested_by_id")
    benefits = serializers.IntegerField(source="benefits_id")
    idea = serializers.SerializerMethodField(
        help_text=_("The idea it comes from, when the caller may open it.")
    )
    card = serializers.SerializerMethodField(
        help_text=_("The kaizen card it comes from, when the caller may open it.")
    )
    claimed_by_name = serializers.SerializerMethodField()
    claimed_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)

    def get_url(self, saving: Any) -> str:
        return link(self, "metrics:saving", saving.pk)

    def get_idea(self, saving: Any) -> int | None:
        viewer = _viewer(self)
        idea = saving.idea
        if idea is None or viewer is None or not policy.can(viewer, "view_idea", idea):
            return None
        return int(idea.pk)

    def get_card(self, saving: Any) -> int | None:
        viewer = _viewer(self)
        card = saving.card
        if card is None or viewer is None or not policy.can(viewer, "view_card", card):
            return None
        return int(card.pk)

    def get_claimed_by_name(self, saving: Any) -> str:
        person = saving.claimed_by
        return policy.shown_name(
            _viewer(self), person, hidden=policy.hides_name(saving.idea, person)
        )


class SavingInput(StrictSerializer):
    """What the claim form takes (bar the evidence file), checked by the same form."""

    team = serializers.IntegerField(help_text=_("A team the caller leads or manages."))
    title = serializers.CharField()
    kind = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    recurrence = serializers.CharField()
    start_date = serializers.DateField()
    stage = serializers.CharField()
    evidence = serializers.CharField()
    invested_by = serializers.IntegerField(
        required=False, help_text=_("An organisation of the team's place; its own by default.")
    )
    benefits = serializers.IntegerField(
        required=False, help_text=_("An organisation of the team's place; its own by default.")
    )
    card = serializers.IntegerField(required=False, allow_null=True)
    idea = serializers.IntegerField(required=False, allow_null=True)
    measure = serializers.IntegerField(required=False, allow_null=True)


class ScoreCount(serializers.Serializer[Any]):
    score = serializers.IntegerField()
    n = serializers.IntegerField()


class SurveySerializer(serializers.Serializer[Any]):
    """A survey and what its answers add up to: never an answer, a comment or who gave it."""

    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    kind = serializers.CharField()
    title = serializers.CharField()
    question = serializers.CharField()
    site = serializers.IntegerField(source="site_id")
    team = serializers.IntegerField(source="team_id", allow_null=True)
    is_open = serializers.BooleanField()
    created_at = serializers.DateTimeField()

    def get_url(self, survey: Any) -> str:
        return link(self, "metrics:survey", survey.pk)


class SurveyDetailSerializer(SurveySerializer):
    responses = serializers.SerializerMethodField(help_text=_("Answers received in all."))
    by_score = serializers.SerializerMethodField(
        help_text=_(
            "Answers by score. A staff pulse counts only finished weeks with enough answers "
            "that none can be singled out, as its page does."
        )
    )

    def get_responses(self, survey: Any) -> int:
        return int(self.context["aggregates"]["count"])

    @extend_schema_field(ScoreCount(many=True))
    def get_by_score(self, survey: Any) -> list[dict[str, int]]:
        return list(self.context["aggregates"]["by_score"])
