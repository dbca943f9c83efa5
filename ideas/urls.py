from __future__ import annotations

from django.urls import path

from ideas import views, vsm_urls

app_name = "ideas"

urlpatterns = [
    path("<int:idea_id>/", views.idea_detail, name="detail"),
    *vsm_urls.urlpatterns,
]
