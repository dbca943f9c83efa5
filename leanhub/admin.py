from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leanhub import mail
from leanhub.models import (
    AuditEvent,
    LoginFailure,
    Membership,
    Notification,
    Organisation,
    OutgoingEmail,
    Place,
    PlaceSpendLine,
    Site,
    Team,
    TeamAnnouncement,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["team", "site", "organisation", "place"]
    fields = ["role", "team", "site", "organisation", "place"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("LeanHub", {"fields": ("full_name", "language")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("LeanHub", {"fields": ("full_name", "email")}),
    )
    list_display = ["username", "full_name", "email", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "email"]
    inlines = [MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "first_response_days"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class SpendLineInline(admin.TabularInline):
    model = PlaceSpendLine
    extra = 1
    autocomplete_fields = ["organisation"]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "population", "annual_public_spend", "spend_year"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SpendLineInline]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "place"]
    list_filter = ["organisation", "place"]
    search_fields = ["name", "organisation__name"]
    list_select_related = ["organisation", "place"]
    autocomplete_fields = ["organisation", "place"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "organisation_name"]
    list_filter = ["site__organisation"]
    search_fields = ["name", "site__name", "site__organisation__name"]
    list_select_related = ["site__organisation"]
    autocomplete_fields = ["site"]

    @admin.display(description=_("Organisation"), ordering="site__organisation__name")
    def organisation_name(self, team: Team) -> str:
        return team.site.organisation.name


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "team", "site", "organisation", "place"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__full_name"]
    list_select_related = ["user", "team__site", "site__organisation", "organisation", "place"]
    autocomplete_fields = ["user", "team", "site", "organisation", "place"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """The trail must be trustworthy: nobody edits or deletes it, not even administrators."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "verb", "target_repr"]
    list_filter = ["verb", "target_type"]
    search_fields = ["verb", "target_repr", "actor__username"]
    list_select_related = ["actor", "target_type"]
    date_hierarchy = "at"


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "address"]
    search_fields = ["username", "address"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "message", "read_at"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__username", "message"]


@admin.register(TeamAnnouncement)
class TeamAnnouncementAdmin(admin.ModelAdmin):
    list_display = ["created_at", "team", "author", "message"]
    list_select_related = ["team__site", "author"]


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdmin):
    """The outbox: what waits, what was sent, what failed and why. A given-up e-mail can be
    tried again once the mail server is fixed."""

    list_display = ["created_at", "recipient", "kind", "status", "attempts", "last_error"]
    list_filter = ["status", "kind", "frequency"]
    search_fields = ["recipient__username", "recipient__email", "subject"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    actions = ["send_again"]

    @admin.action(description=_("Try the selected failed e-mails again"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutgoingEmail]) -> None:
        changed = queryset.filter(status=OutgoingEmail.Status.FAILED).update(
            status=OutgoingEmail.Status.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            claimed_until=None,
        )
        if changed:
            mail.request_delivery()
