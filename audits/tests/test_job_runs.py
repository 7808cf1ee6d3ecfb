"""The registry of timed jobs (qaf/jobs.py), the beat schedule built from it, and job_run, which
runs a job and records the run for the Jobs page (audits/services/jobs.py)."""

from unittest import mock

import pytest
from celery.schedules import crontab
from django.conf import settings

from audits.models import JobRun
from audits.services.jobs import describe, job_run, jobs_with_last_run
from audits.tasks import run_job
from qaf.celery import app
from qaf.jobs import JOBS, JOBS_BY_NAME, RUN_JOB_TASK, Job, beat_schedule

BROKEN = Job(
    name="broken",
    function="audits.tests.test_job_runs:_fail",
    schedule=crontab(minute=0),
    title="Broken",
    when="Never",
    description="Fails.",
)


def _fail():
    raise RuntimeError("the mail server is down")


@pytest.fixture
def broken_job():
    with mock.patch.dict(JOBS_BY_NAME, {BROKEN.name: BROKEN}):
        yield BROKEN


# ---- the registry and the beat schedule --------------------------------------------------


@pytest.mark.parametrize("job", JOBS, ids=[job.name for job in JOBS])
def test_every_jobs_function_imports_and_is_callable(job):
    module, function = job.function.split(":")
    target = getattr(__import__(module, fromlist=[function]), function)

    assert callable(target)
    assert job.title
    assert job.when
    assert job.description


def test_job_names_are_unique_slugs():
    names = [job.name for job in JOBS]
    assert len(names) == len(set(names)) == len(JOBS_BY_NAME)
    assert all(name.replace("-", "").isalpha() and name == name.lower() for name in names)


def test_the_beat_schedule_has_one_entry_per_job_each_sending_run_job_with_its_name():
    schedule = beat_schedule()

    assert list(schedule) == [job.name for job in JOBS]
    for job in JOBS:
        assert schedule[job.name] == {
            "task": "audits.tasks.run_job",
            "schedule": job.schedule,
            "args": (job.name,),
        }


def test_settings_use_the_schedule_and_the_task_is_registered():
    assert beat_schedule() == settings.CELERY_BEAT_SCHEDULE
    assert run_job.name == RUN_JOB_TASK
    assert RUN_JOB_TASK in app.tasks


def test_the_task_is_acknowledged_only_after_the_job_and_redelivered_if_the_worker_dies():
    assert run_job.acks_late
    assert run_job.reject_on_worker_lost


# ---- job_run ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_run_is_recorded_with_what_the_job_did():
    run = job_run("qa-calendar")

    run.refresh_from_db()
    assert (run.job, run.outcome, run.summary, run.error) == (
        "qa-calendar",
        JobRun.Outcome.SUCCEEDED,
        "Nothing was due.",
        "",
    )
    assert run.requested_by is None
    assert run.finished_at >= run.started_at


@pytest.mark.django_db
def test_a_failed_run_is_recorded_with_its_error_and_the_error_raised_again(broken_job):
    with pytest.raises(RuntimeError, match="the mail server is down"):
        job_run("broken")

    run = JobRun.objects.get()
    assert (run.job, run.outcome, run.summary) == ("broken", JobRun.Outcome.FAILED, "")
    assert run.error == "RuntimeError: the mail server is down"
    assert run.finished_at is not None


@pytest.mark.django_db
def test_the_task_fails_as_the_job_does_so_celery_sees_it(broken_job, qa_manager):
    with pytest.raises(RuntimeError):
        run_job.delay("broken", qa_manager.pk)

    run = JobRun.objects.get()
    assert (run.outcome, run.requested_by) == (JobRun.Outcome.FAILED, qa_manager)


@pytest.mark.django_db
def test_the_task_records_who_asked_and_returns_the_summary(qa_manager):
    assert run_job.delay("clear-expired-sessions", qa_manager.pk).get() == "Nothing was due."

    assert JobRun.objects.get().requested_by == qa_manager


def test_an_unknown_job_is_an_error():
    with pytest.raises(KeyError):
        job_run("make-tea")


@pytest.mark.parametrize(
    ("result", "words"),
    [
        (0, "Nothing was due."),
        (1, "1 done."),
        (12, "12 done."),
        ("Reviewers reminded: 3.", "Reviewers reminded: 3."),
        ("", ""),
        (None, "Done."),
    ],
)
def test_a_jobs_return_value_is_described_in_words(result, words):
    assert describe(result) == words


@pytest.mark.django_db
def test_each_job_is_listed_with_its_latest_run(qa_manager, django_assert_num_queries):
    JobRun.objects.create(job="qa-calendar", summary="First.")
    latest = JobRun.objects.create(job="qa-calendar", summary="Second.", requested_by=qa_manager)

    with django_assert_num_queries(2):
        listed = {job.name: run for job, run in jobs_with_last_run()}
        assert listed["qa-calendar"].requested_by == qa_manager

    assert list(listed) == [job.name for job in JOBS]
    assert listed["qa-calendar"] == latest
    assert listed["expire-feedback-links"] is None
