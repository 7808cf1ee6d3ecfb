"""The page for a log-in refused by django-axes (AXES_LOCKOUT_CALLABLE)."""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone


def lockout_response(request, original_response=None, credentials=None):
    # The same words whether or not the address belongs to an account: a lockout must not
    # tell an attacker which addresses exist. Each further try restarts the cool-off
    # (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so "30 minutes from now" is right.
    cool_off = settings.AXES_COOLOFF_TIME
    context = {
        "cool_off_minutes": int(cool_off.total_seconds() // 60),
        "try_again_at": timezone.localtime() + cool_off,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "registration/locked_out.html", context, status=429)


def lockout_username(request, credentials=None) -> str | None:
    """The e-mail address a log-in attempt counts against (AXES_USERNAME_CALLABLE), folded to
    one case: "Alys@Example.org" and "alys@example.org" are one account, so one count."""
    source = credentials if credentials else getattr(request, "POST", {})
    username = source.get("username")
    return username.strip().casefold() if username else None
