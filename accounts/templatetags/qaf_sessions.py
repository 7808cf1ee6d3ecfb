"""The numbers the page's session warning (static/qaf/session.js) works from."""

from django import template
from django.conf import settings

from accounts.sessions import session_ends_at

register = template.Library()

WARN_SECONDS = 5 * 60  # the warning comes 5 minutes before the session ends


@register.inclusion_tag("accounts/session_warning.html", takes_context=True)
def session_warning(context):
    request = context["request"]
    ends_at = session_ends_at(request.session)
    return {
        "idle_seconds": settings.SESSION_COOKIE_AGE,
        "warn_seconds": WARN_SECONDS,
        "ends_at_ms": int(ends_at * 1000) if ends_at else "",
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
