from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.review_list, name="list"),
    path("mine/", views.my_reviews, name="mine"),
    path("<int:pk>/", views.review_detail, name="detail"),
    path("<int:pk>/autosave/", views.review_autosave, name="autosave"),
    path("moderation/", views.moderation_queue, name="moderation"),
    path("escalations/", views.escalations, name="escalations"),
    path("actions/", views.actions, name="actions"),
]
