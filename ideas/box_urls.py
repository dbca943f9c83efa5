"""The public page of a team's idea box, for anyone holding its link (no sign-in)."""

from __future__ import annotations

from django.urls import path

from ideas import box_views

app_name = "box"

urlpatterns = [
    path("<str:box_token>/", box_views.submit, name="submit"),
]
