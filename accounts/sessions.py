"""Log-in sessions: their limits (30 minutes idle, 12 hours at most), the "Your sessions" list
and the housekeeping job that deletes expired ones (Django does not).

The idle limit is Django's own (SESSION_COOKIE_AGE, renewed by every request). The rest keeps
three values in the session itself, so a request costs no extra query but once a minute.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from .models import UserSession

LOGGED_IN_AT = "qaf_logged_in_at"  # epoch seconds: the 12-hour cap counts from here
SEEN_AT = "qaf_seen_at"  # epoch seconds of the last update of UserSession.last_seen_at
TRACKED_KEY = "qaf_tracked_key"  # the key UserSession knows: a cycled key needs a new row
SEEN_EVERY_SECONDS = 60


def _client(request) -> dict:
    return {
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        "ip_address": request.META.get("REMOTE_ADDR") or None,
    }


def session_started(*, request, user) -> None:
    """At log-in (Django has just given the session a new key): start the clocks and the row."""
    now = timezone.now()
    request.session[LOGGED_IN_AT] = now.timestamp()
    _track(request, user, now, created_at=now)


def session_seen(*, request, now: datetime) -> None:
    """On each request of a logged-in person: refresh "last seen", at most once a minute."""
    session = request.session
    fresh = now.timestamp() - session.get(SEEN_AT, 0) < SEEN_EVERY_SECONDS
    if fresh and session.get(TRACKED_KEY) == session.session_key:
        return
    started = datetime.fromtimestamp(session.get(LOGGED_IN_AT, now.timestamp()), tz=UTC)
    _track(request, request.user, now, created_at=started)


def _track(request, user, now: datetime, *, created_at: datetime) -> None:
    session = request.session
    if session.session_key is None or not Session.objects.filter(pk=session.session_key).exists():
        session.save()  # a session not yet written (a test client's force_login writes it later)
    key = session.session_key
    values = {"user": user, "last_seen_at": now, **_client(request)}
    if not UserSession.objects.filter(session_id=key).update(**values):
        try:
            with transaction.atomic():  # two first requests at once: the second updates
                UserSession.objects.create(session_id=key, created_at=created_at, **values)
        except IntegrityError:
            UserSession.objects.filter(session_id=key).update(**values)
    session[SEEN_AT] = now.timestamp()
    session[TRACKED_KEY] = key


def session_is_past_cap(session, now: datetime) -> bool:
    """Has this session lasted longer than QAF_SESSION_MAX_SECONDS since log-in?"""
    logged_in_at = session.get(LOGGED_IN_AT)
    if logged_in_at is None:  # logged in before the cap existed: count from now
        session[LOGGED_IN_AT] = logged_in_at = now.timestamp()
    return now.timestamp() - logged_in_at > settings.QAF_SESSION_MAX_SECONDS


def session_ends_at(session) -> float | None:
    """Epoch seconds at which the 12-hour cap ends this session (for the page's warning)."""
    logged_in_at = session.get(LOGGED_IN_AT)
    return None if logged_in_at is None else logged_in_at + settings.QAF_SESSION_MAX_SECONDS


def sessions_of(user) -> QuerySet[UserSession]:
    """The person's sessions that have not expired, most recently used first."""
    return UserSession.objects.filter(user=user, session__expire_date__gt=timezone.now())


def session_end(*, user, pk: int | str, current_key: str) -> bool:
    """End one of the person's other sessions: its session row goes, and with it its log-in."""
    return bool(_delete_sessions(user, current_key, pk=pk))


def sessions_end_others(*, user, current_key: str) -> int:
    """End every session of the person but this one; returns how many there were."""
    return _delete_sessions(user, current_key)


def _delete_sessions(user, current_key: str, pk: int | str | None = None) -> int:
    rows = UserSession.objects.filter(user=user).exclude(session_id=current_key)
    if pk is not None:
        rows = rows.filter(pk=pk)
    keys = list(rows.values_list("session_id", flat=True))
    Session.objects.filter(pk__in=keys).delete()  # cascades to the UserSession rows
    return len(keys)


def sessions_clear_expired() -> int:
    """Delete every expired session; returns how many there were."""
    # The count of sessions alone: their UserSession rows go with them.
    _, deleted = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted.get("sessions.Session", 0)
