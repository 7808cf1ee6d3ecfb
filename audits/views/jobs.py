"""The QA Manager's Jobs page (issue 7, point 4): every timed job of qaf/jobs.py with its last run
(when, outcome, what it did, who asked), the recent runs, and a "Run now" button that queues the
same task beat sends, so a run from here takes the same idempotent code path."""

import logging

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST
from kombu.exceptions import OperationalError as KombuOperationalError

from accounts.permissions import require
from qaf.jobs import JOBS_BY_NAME

from ..services.jobs import RECENT_RUNS, jobs_with_last_run, recent_runs
from ..tasks import run_job

logger = logging.getLogger(__name__)

QUEUED = "{title} has been queued; its run appears below when it has finished."
NOT_QUEUED = (
    "{title} could not be queued: the task queue cannot be reached. Try again in a few minutes; "
    "the job still runs at its usual time once the queue is back."
)


@require("jobs.manage")
def jobs(request):
    runs = list(recent_runs())
    for run in runs:  # a job since removed from qaf/jobs.py keeps its runs, named by their key
        run.job_title = JOBS_BY_NAME[run.job].title if run.job in JOBS_BY_NAME else run.job
    context = {
        "jobs": jobs_with_last_run(),
        "runs": runs,
        "recent_runs": RECENT_RUNS,
    }
    return render(request, "audits/jobs.html", context)


@require("jobs.manage")
@require_POST
def job_run(request, name: str):
    job = JOBS_BY_NAME.get(name)
    if job is None:
        raise Http404
    try:
        # Outside a transaction (no ATOMIC_REQUESTS) this queues at once, so a broker that
        # cannot be reached is caught here rather than becoming an error page.
        run_job.delay_on_commit(job.name, request.user.pk)
    except KombuOperationalError:
        logger.exception("The job %s could not be queued.", job.name)
        messages.error(request, NOT_QUEUED.format(title=job.title))
    else:
        messages.success(request, QUEUED.format(title=job.title))
    return redirect("audits:jobs")


urlpatterns = [
    path("cycles/jobs/", jobs, name="jobs"),
    path("cycles/jobs/<slug:name>/run/", job_run, name="job_run"),
]
