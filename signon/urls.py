from __future__ import annotations

from django.urls import path

from signon import views

app_name = "signon"

urlpatterns = [
    path("", views.organisation_list, name="organisations"),
    path("<slug:slug>/", views.organisation_rules, name="organisation"),
    path("<slug:slug>/rules/<int:rule_id>/", views.rule_edit, name="rule"),
    path("<slug:slug>/rules/<int:rule_id>/delete/", views.rule_delete, name="rule-delete"),
]
