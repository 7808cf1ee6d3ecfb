from django.urls import path

from . import views, views_actions, views_escalations, views_moderation
from .themes import PRACTICE_THEMES

app_name = "reviews"

urlpatterns = [
    path("", views.review_list, name="list"),
    path("mine/", views.my_reviews, name="mine"),
    path("<int:pk>/", views.review_detail, name="detail"),
    path("<int:pk>/autosave/", views.review_autosave, name="autosave"),
    path("moderation/", views_moderation.moderation_queue, name="moderation"),
    path("moderation/<int:pk>/", views_moderation.moderate, name="moderate"),
    path("moderation/<int:pk>/return/", views_moderation.return_to_reviewer, name="return"),
    path("escalations/", views_escalations.escalation_list, name="escalations"),
    path("escalations/<int:pk>/", views_escalations.escalation_detail, name="escalation"),
    path(
        "escalations/<int:pk>/assurance/",
        views_escalations.escalation_assure,
        name="escalation_assure",
    ),
    path(
        "escalations/<int:pk>/decision/",
        views_escalations.escalation_decision,
        name="escalation_decide",
    ),
    # Agreed actions and closing the loop (reviews/views_actions.py).
    path("actions/", views_actions.action_list, name="actions"),
    path("actions/<int:pk>/change/", views_actions.action_edit, name="action_edit"),
    path("actions/<int:pk>/delete/", views_actions.action_delete, name="action_delete"),
    path("actions/<int:pk>/done/", views_actions.action_done, name="action_done"),
    path("actions/<int:pk>/verify/", views_actions.action_verify, name="action_verify"),
    path("actions/<int:pk>/reopen/", views_actions.action_reopen, name="action_reopen"),
    path("<int:pk>/actions/add/", views_actions.action_add, name="action_add"),
    path("<int:pk>/follow-up/", views_actions.review_follow_up, name="follow_up"),
    path("close-the-loop/", views_actions.close_the_loop, name="close_the_loop"),
    # The practice themes reviews are tagged with (qaf.taxonomy's pages).
    *PRACTICE_THEMES.urlpatterns("practice-themes"),
]
