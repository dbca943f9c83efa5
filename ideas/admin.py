from __future__ import annotations

from django.contrib import admin

from ideas.models import Idea, IdeaComment, IdeaEvent, IdeaPhoto


class IdeaEventInline(admin.TabularInline):
    model = IdeaEvent
    extra = 0
    readonly_fields = ["actor", "from_status", "to_status", "note", "at"]
    can_delete = False


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    """For administrators: read and correct ideas. Status changes belong to the response
    workflow (with its events and audit trail), so status is read-only here."""

    list_display = ["title", "team", "kind", "status", "created_at", "first_response_at"]
    list_filter = ["status", "kind", "team__site__organisation"]
    search_fields = ["title", "problem"]
    list_select_related = ["team__site"]
    raw_id_fields = ["team", "author", "merged_into", "adopted_from"]
    readonly_fields = ["status", "first_response_at", "implemented_at", "submission_token"]
    inlines = [IdeaEventInline]


@admin.register(IdeaComment)
class IdeaCommentAdmin(admin.ModelAdmin):
    list_display = ["idea", "author", "created_at", "edited_at"]
    raw_id_fields = ["idea", "author"]


@admin.register(IdeaPhoto)
class IdeaPhotoAdmin(admin.ModelAdmin):
    list_display = ["idea", "content_type", "width", "height", "created_at"]
    raw_id_fields = ["idea"]
