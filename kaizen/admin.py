from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from kaizen.models import Board, Card, CardMove, Column, Cycle


class ColumnInline(admin.TabularInline):
    model = Column
    extra = 0
    fields = ["name", "position", "kind", "wip_limit"]


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    """Administrators set up joint boards here: member teams, organisations and people."""

    list_display = ["name", "team", "stale_after_days"]
    search_fields = ["name", "team__name"]
    autocomplete_fields = ["members"]
    filter_horizontal = ["member_teams", "member_organisations"]
    inlines = [ColumnInline]


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    list_display = ["title", "board", "column", "blocked", "version", "moved_at"]
    list_filter = ["blocked"]
    search_fields = ["title"]
    raw_id_fields = ["board", "column", "idea", "owners", "created_by"]
    readonly_fields = ["version", "created_at", "moved_at", "started_at", "done_at"]


@admin.register(CardMove)
class CardMoveAdmin(admin.ModelAdmin):
    list_display = ["card", "from_column", "to_column", "by", "at"]
    raw_id_fields = ["card", "from_column", "to_column", "by"]

    def has_change_permission(self, request: HttpRequest, obj: CardMove | None = None) -> bool:
        return False  # the move history is the record flow figures are traced to


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["card", "number", "decision", "decided_at"]
    raw_id_fields = ["card"]
