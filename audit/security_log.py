"""The "qaf.security" log: one line per log-in, failed log-in, log-out and refused request.

Lines carry ids, the method, the path without its query string and the status: never a case
reference, free text, a password or the address someone typed (a failed log-in logs a keyed
hash of it, enough to see repeated attempts on one account without writing it down).
"""

import hashlib
import hmac
import logging

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

logger = logging.getLogger("qaf.security")


def attempted_username_hash(username: str) -> str:
    key = settings.SECRET_KEY.encode()
    digest = hmac.new(key, username.strip().lower().encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR", "-") if request is not None else "-"


def _logged_in(sender, request, user, **kwargs):
    logger.info("login_succeeded user=%s ip=%s", user.pk, _address(request))


def _login_failed(sender, credentials, request=None, **kwargs):
    # Django passes credentials with the password already masked; only the username is used.
    username = str(credentials.get("username") or credentials.get("email") or "")
    logger.warning(
        "login_failed username_hash=%s ip=%s", attempted_username_hash(username), _address(request)
    )


def _logged_out(sender, request, user, **kwargs):
    logger.info("logout user=%s ip=%s", getattr(user, "pk", None) or "-", _address(request))


def loggable_path(request) -> str:
    """The path without its query string, and without what could be secret or case text: the
    text arguments of a matched URL (e.g. a family feedback link's token) are replaced by their
    names, and an unmatched path keeps only its first segment (someone may have typed anything)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        first = request.path.strip("/").split("/", 1)[0]
        return f"/{first}/…" if request.path.strip("/") != first else request.path[:100]
    path = request.path
    for name, value in match.kwargs.items():
        if isinstance(value, str) and value:
            path = path.replace(f"/{value}/", f"/<{name}>/", 1)
    return path[:200]


def log_refused(request, status: int) -> None:
    user = getattr(request, "user", None)
    user_id = user.pk if user is not None and user.is_authenticated else "anonymous"
    logger.warning(
        "refused status=%s user=%s method=%s path=%s ip=%s",
        status,
        user_id,
        request.method,
        loggable_path(request),
        _address(request),
    )


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="qaf.security.logged_in")
    user_login_failed.connect(_login_failed, dispatch_uid="qaf.security.login_failed")
    user_logged_out.connect(_logged_out, dispatch_uid="qaf.security.logged_out")
