from django.urls import path

from recognition import views

app_name = "recognition"

urlpatterns = [
    path("ideas/<int:idea_id>/thanks/", views.idea_thanks, name="idea-thanks"),
    path("cards/<int:card_id>/thanks/", views.card_thanks, name="card-thanks"),
    path("library/entries/<int:entry_id>/thanks/", views.entry_thanks, name="entry-thanks"),
    path("teams/<int:team_id>/honour/", views.team_roll, name="team-roll"),
    path("sites/<int:site_id>/honour/", views.site_roll, name="site-roll"),
    path("places/<slug:slug>/honour/", views.place_roll, name="place-roll"),
]
