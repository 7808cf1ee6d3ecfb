"""Log-in sessions: the housekeeping job that deletes expired ones (Django does not)."""

from django.contrib.sessions.models import Session
from django.utils import timezone


def sessions_clear_expired() -> int:
    """Delete every expired session; returns how many there were."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
