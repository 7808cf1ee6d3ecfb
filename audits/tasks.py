"""The one task beat sends for every timed job (qaf/jobs.py), and the Jobs page's "Run now"."""

from celery import shared_task

from .services.jobs import job_run


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_job(name: str, requested_by_id: int | None = None) -> str:
    """Run the job `name`. Acknowledged only once it has finished, and given back to the broker
    if the worker dies mid-run: the job is idempotent, so running it again completes what the
    killed run left undone and repeats nothing."""
    from accounts.models import User

    requested_by = User.objects.filter(pk=requested_by_id).first() if requested_by_id else None
    return job_run(name, requested_by=requested_by).summary
