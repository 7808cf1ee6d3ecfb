from django.urls import path

from . import views, views_notifications

app_name = "accounts"

urlpatterns = [
    path("organisation/", views.organisation, name="organisation"),
    path("notifications/", views_notifications.notification_list, name="notifications"),
    path(
        "notifications/<int:pk>/open/",
        views_notifications.notification_open,
        name="notification_open",
    ),
    path(
        "notifications/read-all/",
        views_notifications.notifications_read_all,
        name="notifications_read_all",
    ),
]
