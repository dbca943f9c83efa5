from __future__ import annotations

from django.urls import path

from ideas import views

app_name = "ideas"

urlpatterns = [
    path("", views.idea_list, name="list"),
    path("new/", views.idea_new, name="new"),
    path("similar/", views.idea_similar, name="similar"),
    path("export.csv", views.idea_export, name="export"),
    path("red-tape/", views.burden_queue, name="burden-queue"),
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
