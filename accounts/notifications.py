"""
Notifications: in-app, and e-mail through an outbox in the database.

`notify()` writes the row inside the caller's transaction; the e-mail task is queued only after
that transaction commits, so a rolled-back change notifies nobody, and the sweeper
(notifications_send_unsent, a job on beat) re-queues anything still unsent. The database,
not the broker, is the record of what must go out.
"""

import datetime
import logging

from django.conf import settings
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from .models import Notification, User

logger = logging.getLogger(__name__)

# After this many failed attempts an e-mail is given up on (last_error says why); the in-app
# notification stays. Both the task and the sweeper stop here.
MAX_EMAIL_ATTEMPTS = 8


def notification_key(*, kind: str, obj: models.Model, recipient: User, period: str = "") -> str:
    """One notification per kind, object, period and recipient: a second write is a no-op."""
    return f"{kind}:{obj._meta.label_lower}:{obj.pk}:{period}:{recipient.pk}"


def notify(
    *, recipient: User, kind: str, obj: models.Model, summary: str, url: str, period: str = ""
) -> Notification | None:
    """Notify `recipient` (in-app and by e-mail) unless this notification already exists.

    `summary` is one line without case details or free text: it travels by e-mail (line breaks
    are folded, so it can also be the e-mail's subject). `url` is the local path of the page to
    open (e.g. reverse("reviews:escalation", args=[pk])). Returns the new notification, or None
    when it had already been written.
    """
    if not url.startswith("/") or url.startswith("//"):
        raise ValueError(f"A notification links to a path of QAF, not {url!r}.")
    notification, created = Notification.objects.get_or_create(
        key=notification_key(kind=kind, obj=obj, recipient=recipient, period=period),
        defaults={
            "recipient": recipient,
            "kind": kind,
            "summary": " ".join(summary.split())[:200],
            "url": url,
        },
    )
    if not created:
        return None
    # robust: the change has committed by then, so a broker that cannot be reached must not turn
    # it into an error page; the row is still unsent and the sweeper queues it again.
    transaction.on_commit(lambda: _queue_email(notification.pk), robust=True)
    return notification


def _queue_email(notification_id: int) -> None:
    from .tasks import send_notification_email

    send_notification_email.delay(notification_id)


def absolute_url(path: str) -> str:
    return settings.QAF_BASE_URL.rstrip("/") + path


# In-app reads and writes: a person only ever sees and changes their own notifications.


def notifications_of(user: User) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_mark_read(*, notification: Notification, actor: User) -> None:
    """Mark one of the actor's notifications read; reading it again keeps the first time."""
    if notification.recipient_id != actor.pk:
        raise PermissionError("A notification can only be marked read by its recipient.")
    now = timezone.now()
    if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now):
        notification.read_at = now


def notifications_mark_all_read(*, actor: User) -> int:
    """Mark every unread notification of the actor read; returns how many there were."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# The sweeper (the job "send-unsent-notifications" in qaf/jobs.py).

# Queued again by the sweeper: unsent for longer than a task normally takes to run.
SWEEP_AFTER = datetime.timedelta(minutes=2)
SWEEP_BATCH = 500


def notifications_send_unsent() -> int:
    """Queue again every e-mail still unsent two minutes after it was written (its task lost
    with the broker, or failed) that has attempts left.

    Idempotent: the task sends each e-mail once however often it is queued. Returns how many
    were queued.
    """
    from .tasks import send_notification_email

    unsent = (
        Notification.objects.filter(
            emailed_at__isnull=True,
            email_attempts__lt=MAX_EMAIL_ATTEMPTS,
            created_at__lt=timezone.now() - SWEEP_AFTER,
        )
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    queued = 0
    for notification_id in list(unsent):
        try:
            send_notification_email.delay(notification_id)
        except KombuOperationalError:
            logger.exception("The broker cannot be reached; the next sweep will try again.")
            break
        except Exception:  # run eagerly (development): one bad e-mail must not stop the rest
            logger.exception("Notification %s could not be sent.", notification_id)
        else:
            queued += 1
    return queued
