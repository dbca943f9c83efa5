from __future__ import annotations

from django.urls import path

from metrics import views, views_cycle

app_name = "metrics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dashboard/<str:kind>/<int:pk>/", views.dashboard_scope, name="dashboard-scope"),
    path("dashboard/<str:kind>/<int:pk>/rows/<str:what>/", views.rows, name="rows"),
    path("dashboard/<str:kind>/<int:pk>/savings/", views.savings_tile, name="savings-tile"),
    path("measures/", views.measure_list, name="measures"),
    path("measures/new/<str:kind>/<int:pk>/", views.measure_new, name="measure-new"),
    path("measures/<int:pk>/", views.measure_detail, name="measure"),
    path("measures/<int:pk>/annotate/", views.measure_annotate, name="measure-annotate"),
    path("import/<str:kind>/<int:pk>/", views.import_observations, name="import"),
    path("savings/", views.saving_list, name="savings"),
    path("savings/new/<int:team_id>/", views.saving_new, name="saving-new"),
    path("savings/<int:pk>/", views.saving_detail, name="saving"),
    path("savings/<int:pk>/edit/", views.saving_edit, name="saving-edit"),
    path("savings/<int:pk>/decide/", views.saving_decide, name="saving-decide"),
    path("savings/<int:pk>/evidence/", views.saving_evidence, name="saving-evidence"),
    path("outcomes/new/idea/<int:idea_id>/", views.outcome_new, name="outcome-new"),
    path("outcomes/new/card/<int:card_id>/", views.outcome_new_for_card, name="outcome-new-card"),
    path("surveys/", views.survey_list, name="surveys"),
    path("surveys/new/<int:site_id>/", views.survey_new, name="survey-new"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey"),
    path("surveys/<int:pk>/qr.<str:fmt>", views.survey_qr, name="survey-qr"),
    path("s/<str:token>/", views.respond, name="respond"),
]

# The measure a PDCA cycle should move: fragments the cycle page and the A3 load.
urlpatterns += [
    path("cycles/<int:cycle_id>/measure/", views_cycle.cycle_measure, name="cycle-measure"),
    path(
        "cycles/<int:cycle_id>/measure/summary/",
        views_cycle.cycle_measure_summary,
        name="cycle-measure-summary",
    ),
]
