from django.contrib import admin

from places.models import BurdenOwner, InvestCase, ReferenceGroup, ServiceTheme, SpendLine


@admin.register(ReferenceGroup)
class ReferenceGroupAdmin(admin.ModelAdmin):
    list_display = ["name"]
    filter_horizontal = ["places", "members"]


@admin.register(ServiceTheme)
class ServiceThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "place", "position"]
    list_filter = ["place"]


@admin.register(SpendLine)
class SpendLineAdmin(admin.ModelAdmin):
    list_display = ["place", "organisation", "theme", "year", "amount"]
    list_filter = ["place", "year"]


@admin.register(InvestCase)
class InvestCaseAdmin(admin.ModelAdmin):
    list_display = ["title", "place", "status", "version"]
    list_filter = ["place", "status"]


@admin.register(BurdenOwner)
class BurdenOwnerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation", "reply_days"]
    filter_horizontal = ["members"]
