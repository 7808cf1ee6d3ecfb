from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as account_views
from accounts.forms import LoginForm, PasswordResetForm

admin.site.site_header = "QAF administration"
admin.site.site_title = "QAF administration"
admin.site.index_title = "Set up the organisation"

auth_patterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(form_class=PasswordResetForm),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("password-change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password-change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]

urlpatterns = [
    path("", account_views.home, name="home"),
    *auth_patterns,
    # One log-in page for everyone: the admin's own form would bypass later log-in protections.
    path("admin/login/", account_views.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("audits.urls")),
    path("reviews/", include("reviews.urls")),
    path("feedback/", include("feedback.urls")),
    path("reporting/", include("reporting.urls")),
    path("audit/", include("audit.urls")),
]

if settings.QAF_BENCH_FLOOR:  # the load benchmark's floor page (bench/load.py), never otherwise
    from qaf.views_bench import bench_floor

    urlpatterns.append(path("bench/floor/", bench_floor, name="bench_floor"))
