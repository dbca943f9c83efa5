"""Sign-in and sign-out, taking over /accounts/login/ and /accounts/logout/ from leanhub's
account URLs (included before them in leanhub/urls.py), and the provider round trip."""

from __future__ import annotations

from django.urls import path

from signon import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout, name="logout"),
    path("sign-on/callback/", views.callback, name="signon-callback"),
    path("sign-on/<slug:key>/", views.StartView.as_view(), name="signon-start"),
]
