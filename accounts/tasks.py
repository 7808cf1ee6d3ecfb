from celery import shared_task
from django.core import management


@shared_task(ignore_result=False)
def ping() -> str:
    """Health check: answers "pong" once a worker has taken it from the broker."""
    return "pong"


@shared_task
def clear_expired_sessions() -> None:
    management.call_command("clearsessions")
