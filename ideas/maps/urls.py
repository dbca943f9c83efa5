"""Value-stream map URLs: namespace ``maps``, mounted at /ideas/maps/ (leanhub/urls.py), the paths
they have always had, so bookmarks keep working."""

from __future__ import annotations

from django.urls import path

from ideas.maps import views

app_name = "maps"

urlpatterns = [
    path("", views.map_list, name="list"),
    path("new/", views.map_new, name="new"),
    path("import/", views.map_import, name="import"),
    path("<int:map_id>/", views.map_detail, name="detail"),
    path("<int:map_id>/edit/", views.map_edit, name="edit"),
    path("<int:map_id>/delete/", views.map_delete, name="delete"),
    path("<int:map_id>/steps/", views.step_add, name="step-add"),
    path("<int:map_id>/steps/<int:step_id>/", views.step_edit, name="step-edit"),
    path("<int:map_id>/steps/<int:step_id>/move/", views.step_move, name="step-move"),
    path("<int:map_id>/steps/<int:step_id>/delete/", views.step_delete, name="step-delete"),
    path("<int:map_id>/steps/<int:step_id>/ideas/", views.step_link_idea, name="step-link-idea"),
    path("<int:map_id>/clone/", views.map_clone, name="clone"),
    path("<int:map_id>/target/", views.map_target, name="target"),
    path("<int:map_id>/compare/", views.map_compare, name="compare"),
    path("<int:map_id>/map.svg", views.map_svg, name="svg"),
    path("<int:map_id>/map.png", views.map_png, name="png"),
    path("<int:map_id>/print/", views.map_print, name="print"),
    path("<int:map_id>/export.json", views.map_export, name="export"),
]
