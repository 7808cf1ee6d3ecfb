from smtplib import SMTPException

from celery import shared_task
from django.core import management
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Notification
from .notifications import absolute_url


@shared_task(ignore_result=False)
def ping() -> str:
    """Health check: answers "pong" once a worker has taken it from the broker."""
    return "pong"


@shared_task
def clear_expired_sessions() -> None:
    management.call_command("clearsessions")


@shared_task(
    autoretry_for=(OSError, SMTPException),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    max_retries=8,
)
def send_notification_email(notification_id: int) -> None:
    """Send one notification's e-mail, once: the row is locked while sending and marked sent."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return  # already sent, gone, or being sent by another worker
        notification.email_attempts += 1
        try:
            send_mail(
                subject=f"QAF: {notification.summary}",
                message=render_to_string(
                    "emails/notification.txt",
                    {"notification": notification, "link": absolute_url(notification.url)},
                ),
                from_email=None,
                recipient_list=[notification.recipient.email],
            )
        except (OSError, SMTPException) as exc:
            notification.last_error = str(exc)[:300]
            notification.save(update_fields=["email_attempts", "last_error"])
            raise
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["email_attempts", "emailed_at", "last_error"])
