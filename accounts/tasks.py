import logging
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Notification
from .notifications import MAX_EMAIL_ATTEMPTS, absolute_url

logger = logging.getLogger(__name__)


@shared_task(ignore_result=False)
def ping() -> str:
    """Health check: answers "pong" once a worker has taken it from the broker."""
    return "pong"


@shared_task(
    autoretry_for=(OSError, SMTPException),
    retry_backoff=settings.QAF_EMAIL_RETRY_BACKOFF,
    retry_backoff_max=30 * 60,
    # The database's attempt count is the real limit (the sweeper starts new chains of retries).
    max_retries=MAX_EMAIL_ATTEMPTS - 1,
)
def send_notification_email(notification_id: int) -> None:
    """Send one notification's e-mail, once: the row is locked while sending and marked sent.

    Two deliveries of this task (a retry, the sweeper, a broker delivering twice) send one
    e-mail: the second finds the row locked (PostgreSQL: skipped) or already marked sent.
    """
    failure = None
    with transaction.atomic():
        notification = (
            # of=("self",): lock the notification, not its recipient's user row.
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(
                pk=notification_id,
                emailed_at__isnull=True,
                email_attempts__lt=MAX_EMAIL_ATTEMPTS,
            )
            .first()
        )
        if notification is None:
            return  # already sent, given up on, gone, or being sent by another worker
        notification.email_attempts += 1
        try:
            _send(notification)
        except Exception as exc:  # any failure is recorded, or the sweeper retries it forever
            failure = exc
            notification.last_error = f"{type(exc).__name__}: {exc}"[:300]
            notification.save(update_fields=["email_attempts", "last_error"])
        else:
            notification.emailed_at = timezone.now()
            notification.last_error = ""
            notification.save(update_fields=["email_attempts", "emailed_at", "last_error"])
    if failure is not None:
        # Raised only now, after the attempt and its error are committed (raising inside the
        # transaction would roll them back). Celery retries OSError and SMTPException.
        raise failure


def _send(notification: Notification) -> None:
    # The link and the one-line summary only: case details never travel by e-mail.
    send_mail(
        subject=f"QAF: {notification.summary}",
        message=render_to_string(
            "emails/notification.txt",
            {"summary": notification.summary, "link": absolute_url(notification.url)},
        ),
        from_email=None,
        recipient_list=[notification.recipient.email],
    )
