from django.urls import path

from library import views

app_name = "library"

urlpatterns = [
    path("", views.entry_list, name="list"),
    path("entries/<int:entry_id>/", views.entry_detail, name="entry"),
    path("entries/<int:entry_id>/edit/", views.entry_edit, name="entry-edit"),
    path("entries/<int:entry_id>/try/", views.entry_try, name="entry-try"),
    path("cycles/<int:cycle_id>/publish/", views.cycle_publish, name="publish"),
    # Fragments loaded into the cycle and card pages (kaizen sits below the library).
    path("cycles/<int:cycle_id>/", views.cycle_fragment, name="cycle-library"),
    path("cards/<int:card_id>/", views.card_fragment, name="card-library"),
]
