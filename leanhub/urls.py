from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from leanhub import views
from leanhub.forms import ThrottleClearingSetPasswordForm

handler403 = "leanhub.views.error_403"
handler404 = "leanhub.views.error_404"
handler500 = "leanhub.views.error_500"

account_patterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=ThrottleClearingSetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include(account_patterns)),
    path("teams/<int:team_id>/", views.team_detail, name="team"),
    path("places/<slug:slug>/", views.place_detail, name="place"),
    path("notifications/", views.notification_list, name="notifications"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("notifications/count/", views.notification_count, name="notification-count"),
    path("notifications/read/", views.notifications_mark_read, name="notifications-read"),
    # Value-stream maps have their own namespace under the ideas paths they always had; before
    # ideas/ so that include never sees them.
    path("ideas/maps/", include("ideas.maps.urls")),
    path("ideas/", include("ideas.urls")),
    path("kaizen/", include("kaizen.urls")),
    path("metrics/", include("metrics.urls")),
    path("admin/", admin.site.urls),
]
