from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from leanhub import dataviews, i18n, mail_views, service, views
from leanhub.forms import RecipientLanguagePasswordResetForm, ThrottleClearingSetPasswordForm

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
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(form_class=RecipientLanguagePasswordResetForm),
        name="password_reset",
    ),
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
    path("email/", mail_views.email_preferences, name="email-preferences"),
]

urlpatterns = [
    path("", views.home, name="home"),
    # Sign-on's login and logout come first and take over leanhub's (signon is the top layer).
    path("accounts/", include("signon.account_urls")),
    path("healthz", service.healthz, name="healthz"),
    path("readyz", service.readyz, name="readyz"),
    path("accounts/", include(account_patterns)),
    path("sign-on/", include("signon.urls")),
    path("teams/<int:team_id>/", views.team_detail, name="team"),
    path("places/<slug:slug>/", views.place_detail, name="place"),
    path("language/", i18n.set_language, name="set_language"),
    path("email/unsubscribe/<str:token>/", mail_views.unsubscribe, name="email-unsubscribe"),
    path("organisations/", dataviews.organisation_list, name="organisations"),
    path("organisations/<slug:slug>/data/", dataviews.organisation_data, name="organisation-data"),
    path(
        "organisations/<slug:slug>/data/export.zip",
        dataviews.organisation_export,
        name="organisation-export",
    ),
    path("people/<int:user_id>/erase/", dataviews.person_erase, name="person-erase"),
    path("notifications/", views.notification_list, name="notifications"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("search/", views.search_page, name="search"),
    path("notifications/count/", views.notification_count, name="notification-count"),
    path("notifications/read/", views.notifications_mark_read, name="notifications-read"),
    # Value-stream maps have their own namespace under the ideas paths they always had; before
    # ideas/ so that include never sees them.
    path("ideas/maps/", include("ideas.maps.urls")),
    path("ideas/", include("ideas.urls")),
    path("kaizen/", include("kaizen.urls")),
    path("metrics/", include("metrics.urls")),
    path("places/", include("places.urls")),
    # Thank-yous and rolls of honour (recognition, the top app).
    path("recognition/", include("recognition.urls")),
    path("library/", include("library.urls")),
    # Public reporting: a place's and a site's public pages, for anyone (places.public).
    path("public/", include("places.public_urls")),
    path("api/v1/", include("api.urls")),
    path("", include("api.token_urls")),
    path("", include("api.webhook_urls")),
    # A team's idea box, for anyone holding its link (ideas.box_views.submit).
    path("box/", include("ideas.box_urls")),
    path("admin/", admin.site.urls),
]
