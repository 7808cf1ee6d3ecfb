"""Running the timed jobs of qaf/jobs.py and recording each run (JobRun) for the QA Manager's Jobs
page. Beat and the page's "Run now" both come here, through the task audits.tasks.run_job."""

from django.db.models import Max
from django.utils import timezone

from qaf.jobs import JOBS, JOBS_BY_NAME, Job

from ..models import JobRun

RECENT_RUNS = 20


def job_run(name: str, *, requested_by=None) -> JobRun:
    """Run the job now and record the run: its outcome and what it did (or the error). The
    job's own claims make a second run at the same moment do nothing twice."""
    job = JOBS_BY_NAME[name]
    run = JobRun.objects.create(job=name, requested_by=requested_by)
    try:
        result = job.call()
    except Exception as error:
        run.outcome = JobRun.Outcome.FAILED
        run.error = f"{type(error).__name__}: {error}"[:300]
        run.finished_at = timezone.now()
        run.save(update_fields=["outcome", "error", "finished_at"])
        raise
    run.outcome = JobRun.Outcome.SUCCEEDED
    run.summary = describe(result)[:500]
    run.finished_at = timezone.now()
    run.save(update_fields=["outcome", "summary", "finished_at"])
    return run


def describe(result) -> str:
    """A job's return value in words: jobs return a sentence or a count."""
    if isinstance(result, str):
        return result
    if isinstance(result, int):
        return f"{result} done." if result else "Nothing was due."
    return "Done."


def jobs_with_last_run() -> list[tuple[Job, JobRun | None]]:
    """Every job with its latest run: two queries."""
    latest = JobRun.objects.values("job").annotate(last=Max("id")).values_list("last", flat=True)
    runs = {
        run.job: run
        for run in JobRun.objects.select_related("requested_by").filter(pk__in=list(latest))
    }
    return [(job, runs.get(job.name)) for job in JOBS]


def recent_runs():
    return JobRun.objects.select_related("requested_by")[:RECENT_RUNS]
