"""Log-in protections applied to every request: the 12-hour session cap and the second factor."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django_otp import user_has_device

from .sessions import session_is_past_cap, session_seen


class SessionLimitsMiddleware:
    """End a session 12 hours after log-in however active it is (ASVS 3.3.4), and keep "Your
    sessions" up to date. Placed before the views' checks run (LoginRequiredMiddleware works in
    process_view), so a capped session meets the log-in page like any expired one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = timezone.now()
            if session_is_past_cap(request.session, now):
                logout(request)
                messages.info(
                    request,
                    "You have been logged out: a session lasts at most 12 hours. Log in again "
                    "to carry on; your drafts were saved.",
                )
            else:
                session_seen(request=request, now=now)
        return self.get_response(request)


# What a person who has given a password but not yet the second factor may open (besides the
# public pages, which are marked @login_not_required).
BEFORE_SECOND_FACTOR = frozenset({
    "logout",
    "accounts:two_factor_setup",
    "accounts:two_factor_verify",
    "accounts:session_keep_alive",
})  # fmt: skip


class TwoFactorRequiredMiddleware:
    """With QAF_REQUIRE_2FA on, every page but the second-factor steps and log-out waits for
    the second factor (ASVS 5.0 level 2: multi-factor authentication for every account)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not settings.QAF_REQUIRE_2FA or not user.is_authenticated or user.is_verified():
            return None
        if not getattr(view_func, "login_required", True):
            return None  # a public page
        if request.resolver_match.view_name in BEFORE_SECOND_FACTOR:
            return None
        step = "verify" if user_has_device(user) else "setup"
        url = reverse(f"accounts:two_factor_{step}")
        if request.method == "GET" and not getattr(request, "htmx", False):
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
