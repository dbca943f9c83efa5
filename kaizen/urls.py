from __future__ import annotations

from django.urls import path

from kaizen import views

app_name = "kaizen"

urlpatterns = [
    path("", views.my_board, name="my-board"),
    path("boards/", views.board_list, name="boards"),
    path("teams/<int:team_id>/board/", views.team_board, name="team-board"),
    path("boards/<int:board_id>/", views.board, name="board"),
    path("boards/<int:board_id>/flow/", views.board_flow, name="board-flow"),
    path("boards/<int:board_id>/settings/", views.board_settings, name="board-settings"),
    path("boards/<int:board_id>/cards/new/", views.new_card, name="new-card"),
    path("boards/<int:board_id>/import/", views.board_import, name="board-import"),
    path("cards/<int:card_id>/", views.card_detail, name="card"),
    path("cards/<int:card_id>/move/", views.move_card, name="move-card"),
    path("cards/<int:card_id>/block/", views.block_card, name="block-card"),
    path("cards/<int:card_id>/unblock/", views.unblock_card, name="unblock-card"),
    path("cards/<int:card_id>/a3/", views.card_a3, name="card-a3"),
    path("cards/<int:card_id>/cycles/new/", views.new_cycle, name="new-cycle"),
    path("ideas/<int:idea_id>/card/", views.card_from_idea, name="card-from-idea"),
    path("cycles/<int:cycle_id>/", views.cycle_detail, name="cycle"),
    path("cycles/<int:cycle_id>/plan/", views.cycle_plan, name="cycle-plan"),
    path("cycles/<int:cycle_id>/check/", views.cycle_check, name="cycle-check"),
    path("cycles/<int:cycle_id>/actions/", views.cycle_action, name="cycle-action"),
    path("cycles/<int:cycle_id>/photos/", views.cycle_photo, name="cycle-photo"),
    path("cycles/<int:cycle_id>/decide/", views.cycle_decide, name="cycle-decide"),
    path("actions/<int:action_id>/done/", views.cycle_action_done, name="cycle-action-done"),
    path("photos/<int:photo_id>/", views.photo_file, name="photo"),
    path("maps/<int:map_id>/cards/", views.map_cards, name="map-cards"),
]

# The cards working on an idea: a fragment the idea's page loads (ideas cannot read cards).
urlpatterns += [
    path("ideas/<int:idea_id>/cards/", views.idea_cards, name="idea-cards"),
]
