from django.urls import path

from . import views, views_notifications, views_sessions, views_two_factor

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
    # Log-in protection (issue 8): your sessions, two-factor authentication.
    path("account/sessions/", views_sessions.sessions, name="sessions"),
    path("account/sessions/<int:pk>/end/", views_sessions.session_end_view, name="session_end"),
    path(
        "account/sessions/end-others/",
        views_sessions.sessions_end_others_view,
        name="sessions_end_others",
    ),
    path(
        "account/sessions/keep-alive/",
        views_sessions.session_keep_alive,
        name="session_keep_alive",
    ),
    path("account/two-factor/", views_two_factor.two_factor, name="two_factor"),
    path("account/two-factor/set-up/", views_two_factor.two_factor_setup, name="two_factor_setup"),
    path(
        "account/two-factor/verify/", views_two_factor.two_factor_verify, name="two_factor_verify"
    ),
    path(
        "account/two-factor/recovery-codes/",
        views_two_factor.recovery_codes,
        name="recovery_codes",
    ),
    path(
        "account/two-factor/recovery-codes/new/",
        views_two_factor.recovery_codes_new,
        name="recovery_codes_new",
    ),
]
