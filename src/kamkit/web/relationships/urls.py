from django.urls import path

from . import views

app_name = "relationships"
urlpatterns = [
    path("<int:pk>/timeline/", views.timeline, name="timeline"),
    path("<int:pk>/interactions/new/", views.log_interaction, name="log_interaction"),
    path("<int:pk>/pulses/new/", views.record_pulse, name="record_pulse"),
    path("<int:pk>/preferences/", views.preferences, name="preferences"),
    path("<int:pk>/phase/", views.phases, name="phases"),
    path("<int:pk>/decline-decision/", views.decline_decision, name="decline_decision"),
    path("<int:pk>/perception/", views.perception, name="perception"),
    path("<int:pk>/perception/share/", views.share_perception, name="share_perception"),
    path("<int:pk>/problems/new/", views.new_problem, name="new_problem"),
    path("<int:pk>/initiatives/new/", views.new_initiative, name="new_initiative"),
    path("interactions/<int:pk>/", views.interaction_edit, name="interaction_edit"),
    path("entries/<str:kind>/<int:pk>/", views.entry_edit, name="entry_edit"),
    path("entries/<str:kind>/<int:pk>/delete/", views.delete_entry, name="delete_entry"),
    path("entries/<str:kind>/<int:pk>/restore/", views.restore_entry, name="restore_entry"),
    path("problems/<int:pk>/", views.problem_edit, name="problem_edit"),
    path("problems/<int:pk>/comment/", views.comment_problem, name="comment_problem"),
    path("problems/<int:pk>/undo/", views.undo_stage, name="undo_stage"),
    path("problems/<int:pk>/agree/", views.agree_definition, name="agree_definition"),
    path("problems/<int:pk>/advance/", views.advance_problem, name="advance_problem"),
    path("initiatives/<int:pk>/", views.initiative_edit, name="initiative_edit"),
    path("<str:kind>/<int:pk>/internal-units/", views.internal_units, name="internal_units"),
    path("preferences/<int:pk>/", views.preference_edit, name="preference_edit"),
    path("<int:pk>/tasks/new/", views.new_task, name="new_task"),
    path("<int:pk>/plan/", views.account_plan, name="account_plan"),
    path("<int:pk>/review/", views.review_pack, name="review_pack"),
    path("objectives/<int:pk>/", views.objective_edit, name="objective_edit"),
    path("objectives/<int:pk>/review/", views.objective_review, name="objective_review"),
    path("objectives/<int:pk>/comment/", views.objective_comment, name="objective_comment"),
    path("<int:pk>/stakeholders/", views.stakeholders, name="stakeholders"),
    path("<int:pk>/stakeholders/<int:person>/", views.stakeholder_edit, name="stakeholder_edit"),
]
