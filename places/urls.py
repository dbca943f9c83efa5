from django.urls import path

from places import views

app_name = "places"

urlpatterns = [
    path("<slug:slug>/spend/", views.spend_map, name="spend"),
    path("<slug:slug>/spend/lines/", views.spend_lines, name="lines"),
    path("<slug:slug>/spend/lines/new/", views.line_edit, name="line-new"),
    path("<slug:slug>/spend/lines/<int:pk>/", views.line_edit, name="line-edit"),
    path("<slug:slug>/spend/import/", views.spend_import, name="spend-import"),
    path(
        "<slug:slug>/spend/import/<int:pk>/",
        views.spend_import_preview,
        name="spend-import-preview",
    ),
    path("<slug:slug>/spend/themes/", views.themes, name="themes"),
    path("<slug:slug>/spend/themes/<int:pk>/delete/", views.theme_delete, name="theme-delete"),
]
