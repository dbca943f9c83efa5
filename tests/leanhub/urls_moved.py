"""A URLconf where the accessibility statement has moved, for tests of reversed URLs."""

from django.urls import path

from leanhub import views

urlpatterns = [path("moved/accessibility/", views.accessibility_statement, name="accessibility")]
