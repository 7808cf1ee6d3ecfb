"""Reviews' timed jobs (Celery beat, declared in qaf/settings.py CELERY_BEAT_SCHEDULE). Each calls
one service, which claims its work so that a second run changes nothing."""

from celery import shared_task

from .escalations import escalations_remind_overdue


@shared_task
def remind_overdue_escalations() -> int:
    """Remind the service managers of each escalation past its deadline without assurance, and
    raise it to the Head of Service, once. Returns how many were reminded."""
    return escalations_remind_overdue()


@shared_task
def send_overdue_actions_digest() -> int:
    """Weekly: tell each owner of overdue open actions, and the Service Managers of their
    services, once per ISO week (the notification's key holds the week). Returns how many
    notifications were written."""
    from .actions import actions_send_overdue_digest

    return actions_send_overdue_digest()
