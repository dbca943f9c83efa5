from __future__ import annotations

from django.urls import path

from ideas import box_views, views

app_name = "ideas"

urlpatterns = [
    path("", views.idea_list, name="list"),
    path("new/", views.idea_new, name="new"),
    path("similar/", views.idea_similar, name="similar"),
    path("export.csv", views.idea_export, name="export"),
    path("red-tape/", views.burden_queue, name="burden-queue"),
    path("teams/<int:team_id>/import/", views.idea_import, name="import"),
    path("teams/<int:team_id>/box/", box_views.box_page, name="box"),
    path("teams/<int:team_id>/box/link/", box_views.box_link, name="box-link"),
    path("teams/<int:team_id>/box/print/", box_views.box_print, name="box-print"),
    path(
        "box/submissions/<int:submission_id>/decide/",
        box_views.submission_decide,
        name="box-decide",
    ),
    path(
        "box/submissions/<int:submission_id>/photo/<str:size>/",
        box_views.submission_photo,
        name="box-photo",
    ),
    path("<int:idea_id>/", views.idea_detail, name="detail"),
    path("<int:idea_id>/respond/", views.idea_respond, name="respond"),
    path("<int:idea_id>/support/", views.idea_support, name="support"),
    path("<int:idea_id>/follow/", views.idea_follow, name="follow"),
    path("<int:idea_id>/comments/", views.comment_add, name="comment"),
    path(
        "<int:idea_id>/comments/<int:comment_id>/edit/",
        views.comment_edit,
        name="comment-edit",
    ),
    path("<int:idea_id>/adopt/", views.idea_adopt, name="adopt"),
    path("<int:idea_id>/route/", views.idea_route, name="route"),
    path("<int:idea_id>/public/", views.idea_publication, name="publication"),
    path("<int:idea_id>/photos/<int:photo_id>/<str:size>/", views.idea_photo, name="photo"),
    path("new/photos/<int:photo_id>/<str:size>/", views.pending_photo, name="pending-photo"),
]
