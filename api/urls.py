"""/api/v1/: the REST API, its OpenAPI 3 schema and its documentation. Plain paths (no router),
so the conformance walk fills each argument from the segment before it."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import views, views_dashboards, views_maps

app_name = "api"

urlpatterns = [
    path("", views.Root.as_view(), name="root"),
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("ideas/", views.IdeaList.as_view(), name="ideas"),
    path("ideas/<int:idea_id>/", views.IdeaDetail.as_view(), name="idea"),
    path("ideas/<int:idea_id>/respond/", views.IdeaRespond.as_view(), name="idea-respond"),
    path("ideas/<int:idea_id>/support/", views.IdeaSupportView.as_view(), name="idea-support"),
    path("boards/", views.BoardList.as_view(), name="boards"),
    path("boards/<int:board_id>/", views.BoardDetail.as_view(), name="board"),
    path("boards/<int:board_id>/cards/", views.BoardCards.as_view(), name="board-cards"),
    path("cards/<int:card_id>/", views.CardDetail.as_view(), name="card"),
    path("cards/<int:card_id>/move/", views.CardMove.as_view(), name="card-move"),
    path("measures/", views.MeasureList.as_view(), name="measures"),
    path("measures/<int:measure_id>/", views.MeasureDetail.as_view(), name="measure"),
    path(
        "measures/<int:measure_id>/observations/",
        views.MeasureObservations.as_view(),
        name="measure-observations",
    ),
    path("savings/", views.SavingList.as_view(), name="savings"),
    path("savings/<int:saving_id>/", views.SavingDetail.as_view(), name="saving"),
    path("surveys/", views.SurveyList.as_view(), name="surveys"),
    path("surveys/<int:survey_id>/", views.SurveyDetail.as_view(), name="survey"),
    path("observations/bulk/", views.BulkObservations.as_view(), name="observations-bulk"),
    path("maps/", views_maps.MapList.as_view(), name="maps"),
    path("maps/<int:map_id>/", views_maps.MapDetail.as_view(), name="map"),
    path("dashboards/", views_dashboards.DashboardList.as_view(), name="dashboards"),
    path(
        "dashboards/<str:kind>/<int:pk>/",
        views_dashboards.DashboardDetail.as_view(),
        name="dashboard",
    ),
]
