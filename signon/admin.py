from __future__ import annotations

from django.contrib import admin

from signon.models import OrganisationSignOn, SignOnIdentity, SignOnRule


@admin.register(SignOnRule)
class SignOnRuleAdmin(admin.ModelAdmin):
    list_display = ["organisation", "match", "claim", "value", "provider", "role", "site", "team"]
    list_filter = ["organisation", "match", "role", "provider"]
    search_fields = ["value", "claim", "organisation__name"]
    autocomplete_fields = ["organisation", "site", "team"]


@admin.register(OrganisationSignOn)
class OrganisationSignOnAdmin(admin.ModelAdmin):
    list_display = ["organisation", "local_passwords_allowed"]
    list_filter = ["local_passwords_allowed"]
    autocomplete_fields = ["organisation"]


@admin.register(SignOnIdentity)
class SignOnIdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "provider", "subject", "created_at", "last_signed_in_at"]
    list_filter = ["provider"]
    search_fields = ["user__username", "user__email", "subject"]
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at", "last_signed_in_at"]
