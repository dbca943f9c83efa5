from django.urls import path

from places.views import cases, compare, redtape, spend, targets

app_name = "places"

urlpatterns = [
    path("", compare.compare_places, name="compare"),
    path("<slug:slug>/spend/", spend.spend_map, name="spend"),
    path("<slug:slug>/spend/lines/", spend.spend_lines, name="lines"),
    path("<slug:slug>/spend/lines/new/", spend.line_edit, name="line-new"),
    path("<slug:slug>/spend/lines/<int:pk>/", spend.line_edit, name="line-edit"),
    path("<slug:slug>/spend/import/", spend.spend_import, name="spend-import"),
    path(
        "<slug:slug>/spend/import/<int:pk>/",
        spend.spend_import_preview,
        name="spend-import-preview",
    ),
    path("<slug:slug>/spend/themes/", spend.themes, name="themes"),
    path("<slug:slug>/spend/themes/<int:pk>/delete/", spend.theme_delete, name="theme-delete"),
]

urlpatterns += [
    path("<slug:slug>/target/", targets.target, name="target"),
    path("<slug:slug>/target/theme/", targets.tag_saving, name="target-tag"),
    path("<slug:slug>/cases/", cases.case_list, name="cases"),
    path("<slug:slug>/cases/new/", cases.case_new, name="case-new"),
    path("<slug:slug>/cases/<int:pk>/", cases.case_detail, name="case"),
    path("<slug:slug>/cases/<int:pk>/sign-off/", cases.case_sign_off, name="case-sign-off"),
    path("<slug:slug>/cases/<int:pk>/<slug:what>/", cases.case_change, name="case-change"),
]

urlpatterns += [
    path("owners/inbox/", redtape.inbox, name="red-tape-inbox"),
    path("owners/items/<int:pk>/", redtape.item, name="red-tape-item"),
    path("ideas/<int:idea_id>/red-tape/", redtape.idea_fragment, name="idea-red-tape"),
    path("<slug:slug>/red-tape/", redtape.place_red_tape, name="red-tape"),
    path("<slug:slug>/red-tape/<int:idea_id>/route/", redtape.route, name="red-tape-route"),
]
