"""Value-stream map URLs, part of the ``ideas`` namespace (see ideas/urls.py)."""

from __future__ import annotations

from django.urls import path

from ideas import vsm_views as v

urlpatterns: list = [
    path("maps/", v.vsm_list, name="vsm-list"),
    path("maps/new/", v.vsm_new, name="vsm-new"),
    path("maps/import/", v.vsm_import, name="vsm-import"),
    path("maps/<int:map_id>/", v.vsm_detail, name="vsm-detail"),
    path("maps/<int:map_id>/edit/", v.vsm_edit, name="vsm-edit"),
    path("maps/<int:map_id>/delete/", v.vsm_delete, name="vsm-delete"),
    path("maps/<int:map_id>/steps/", v.vsm_step_add, name="vsm-step-add"),
    path("maps/<int:map_id>/steps/<int:step_id>/", v.vsm_step_edit, name="vsm-step-edit"),
    path("maps/<int:map_id>/steps/<int:step_id>/move/", v.vsm_step_move, name="vsm-step-move"),
    path(
        "maps/<int:map_id>/steps/<int:step_id>/delete/", v.vsm_step_delete, name="vsm-step-delete"
    ),
    path(
        "maps/<int:map_id>/steps/<int:step_id>/ideas/",
        v.vsm_step_link_idea,
        name="vsm-step-link-idea",
    ),
    path("maps/<int:map_id>/clone/", v.vsm_clone, name="vsm-clone"),
    path("maps/<int:map_id>/target/", v.vsm_target, name="vsm-target"),
    path("maps/<int:map_id>/compare/", v.vsm_compare, name="vsm-compare"),
    path("maps/<int:map_id>/map.svg", v.vsm_svg, name="vsm-svg"),
    path("maps/<int:map_id>/map.png", v.vsm_png, name="vsm-png"),
    path("maps/<int:map_id>/print/", v.vsm_print, name="vsm-print"),
    path("maps/<int:map_id>/export.json", v.vsm_export, name="vsm-export"),
]
