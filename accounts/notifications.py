"""
Notifications: in-app, and e-mail through an outbox in the database.

`notify()` writes the row inside the caller's transaction; the e-mail task is queued only after
that transaction commits (`delay_on_commit`), so a rolled-back change notifies nobody, and the
sweeper (accounts.tasks.send_unsent_notifications, on beat) re-queues anything still unsent.
"""

from django.conf import settings
from django.db import models

from .models import Notification, User


def notification_key(*, kind: str, obj: models.Model, recipient: User, period: str = "") -> str:
    """One notification per kind, object, period and recipient: a second write is a no-op."""
    return f"{kind}:{obj._meta.label_lower}:{obj.pk}:{period}:{recipient.pk}"


def notify(
    *, recipient: User, kind: str, obj: models.Model, summary: str, url: str, period: str = ""
) -> Notification | None:
    """Notify `recipient` (in-app and by e-mail) unless this notification already exists.

    `summary` is one line without case details or free text: it travels by e-mail. `url` is the
    path of the page to open (e.g. reverse("reviews:escalation", args=[pk])). Returns the new
    notification, or None when it had already been written.
    """
    from .tasks import send_notification_email

    notification, created = Notification.objects.get_or_create(
        key=notification_key(kind=kind, obj=obj, recipient=recipient, period=period),
        defaults={"recipient": recipient, "kind": kind, "summary": summary[:200], "url": url},
    )
    if not created:
        return None
    send_notification_email.delay_on_commit(notification.pk)
    return notification


def absolute_url(path: str) -> str:
    return settings.QAF_BASE_URL.rstrip("/") + path
