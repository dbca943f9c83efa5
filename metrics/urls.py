from __future__ import annotations

from django.urls import path

from metrics.views import cycles, dashboards, measures, results, savings, surveys

app_name = "metrics"

urlpatterns = [
    path("", dashboards.dashboard, name="dashboard"),
    path("dashboard/<str:kind>/<int:pk>/", dashboards.dashboard_scope, name="dashboard-scope"),
    path("dashboard/<str:kind>/<int:pk>/rows/<str:what>/", dashboards.rows, name="rows"),
    path("dashboard/<str:kind>/<int:pk>/savings/", dashboards.savings_tile, name="savings-tile"),
    path(
        "dashboard/<str:kind>/<int:pk>/charts/", dashboards.survey_charts, name="dashboard-charts"
    ),
    path("measures/", measures.measure_list, name="measures"),
    path("measures/new/<str:kind>/<int:pk>/", measures.measure_new, name="measure-new"),
    path("measures/<int:pk>/", measures.measure_detail, name="measure"),
    path("measures/<int:pk>/annotate/", measures.measure_annotate, name="measure-annotate"),
    path("measures/<int:pk>/edit/", measures.measure_edit, name="measure-edit"),
    path("measures/<int:pk>/targets/", measures.measure_target_add, name="measure-target-add"),
    path(
        "measures/<int:pk>/targets/<int:target_id>/remove/",
        measures.measure_target_remove,
        name="measure-target-remove",
    ),
    path(
        "measures/<int:pk>/ghost/<int:observation_id>/",
        measures.measure_ghost,
        name="measure-ghost",
    ),
    path("measures/<int:pk>/marks/<int:mark_id>/", measures.measure_mark, name="measure-mark"),
    path("organisations/<int:pk>/spc/", measures.organisation_spc, name="organisation-spc"),
    path("import/<str:kind>/<int:pk>/", measures.import_observations, name="import"),
    path("savings/", savings.saving_list, name="savings"),
    path("savings/new/<int:team_id>/", savings.saving_new, name="saving-new"),
    path("savings/<int:pk>/", savings.saving_detail, name="saving"),
    path("savings/<int:pk>/edit/", savings.saving_edit, name="saving-edit"),
    path("savings/<int:pk>/decide/", savings.saving_decide, name="saving-decide"),
    path("savings/<int:pk>/evidence/", savings.saving_evidence, name="saving-evidence"),
    path("outcomes/new/idea/<int:idea_id>/", measures.outcome_new, name="outcome-new"),
    path(
        "outcomes/new/card/<int:card_id>/", measures.outcome_new_for_card, name="outcome-new-card"
    ),
    path("surveys/", surveys.survey_list, name="surveys"),
    path("surveys/new/<int:site_id>/", surveys.survey_new, name="survey-new"),
    path("surveys/<int:pk>/", surveys.survey_detail, name="survey"),
    path("surveys/<int:pk>/qr.<str:fmt>", surveys.survey_qr, name="survey-qr"),
    path("s/<str:token>/", surveys.respond, name="respond"),
]

# The measure a PDCA cycle should move: fragments the cycle page and the A3 load.
urlpatterns += [
    path("cycles/<int:cycle_id>/measure/", cycles.cycle_measure, name="cycle-measure"),
    path(
        "cycles/<int:cycle_id>/measure/summary/",
        cycles.cycle_measure_summary,
        name="cycle-measure-summary",
    ),
]

# What an idea or a card achieved: fragments the idea's and the card's pages load.
urlpatterns += [
    path("ideas/<int:idea_id>/results/", results.idea_results, name="idea-results"),
    path("cards/<int:card_id>/results/", results.card_results, name="card-results"),
]
