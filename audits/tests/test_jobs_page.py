"""The QA Manager's Jobs page (issue 7, point 4): every timed job with its last run, the recent
runs, and "Run now", which queues the same task beat sends."""

import re
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from kombu.exceptions import OperationalError

from audits.models import JobRun
from audits.tasks import run_job
from qaf.jobs import JOBS

JOBS_URL = "/cycles/jobs/"


def run_url(name):
    return f"/cycles/jobs/{name}/run/"


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def runs_of_every_job(count, *, requested_by=None):
    """`count` finished runs, spread over the jobs in turn."""
    return JobRun.objects.bulk_create(
        JobRun(
            job=JOBS[n % len(JOBS)].name,
            outcome=JobRun.Outcome.SUCCEEDED,
            summary=f"{n} done.",
            requested_by=requested_by if n % 2 else None,
        )
        for n in range(count)
    )


def test_the_urls_are_named():
    assert reverse("audits:jobs") == JOBS_URL
    assert reverse("audits:job_run", args=["qa-calendar"]) == run_url("qa-calendar")


# ---- who may open it ---------------------------------------------------------------------


def test_the_qa_manager_sees_every_job_with_a_run_now_button_named_after_it(client, qa_manager):
    client.force_login(qa_manager)

    response = client.get(JOBS_URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("<h1") == 1
    for job in JOBS:
        assert job.title in content
        assert job.when in content
        assert f'action="{run_url(job.name)}"' in content
        assert f'Run now<span class="visually-hidden">: {job.title}</span>' in content
    assert "<caption" in content
    assert 'scope="col"' in content
    assert 'scope="row"' in content


def test_with_no_runs_yet_the_page_says_so(client, qa_manager):
    client.force_login(qa_manager)

    content = client.get(JOBS_URL).content.decode()

    assert "No job has run yet." in content
    assert content.count("Not run yet") == len(JOBS)


def test_the_page_shows_each_jobs_last_run_its_outcome_and_who_asked(client, qa_manager):
    JobRun.objects.create(job="qa-calendar", outcome="succeeded", summary="Earlier.")
    JobRun.objects.create(job="qa-calendar", outcome="succeeded", summary="Reviewers reminded: 3.")
    JobRun.objects.create(
        job="expire-feedback-links",
        outcome="failed",
        error="OperationalError: database is locked",
        requested_by=qa_manager,
    )
    client.force_login(qa_manager)

    response = client.get(JOBS_URL)

    content = response.content.decode()
    calendar_row = re.search(r'data-testid="job-qa-calendar">(.*?)</tr>', content, re.S).group(1)
    assert "Reviewers reminded: 3." in calendar_row
    assert "Earlier." not in calendar_row
    assert "Succeeded" in calendar_row
    assert "Celery beat" in calendar_row
    links_row = re.search(
        r'data-testid="job-expire-feedback-links">(.*?)</tr>', content, re.S
    ).group(1)
    assert "Failed" in links_row
    assert "OperationalError: database is locked" in links_row
    assert qa_manager.get_full_name() in links_row
    recent = re.search(r'data-testid="recent-runs">(.*?)</table>', content, re.S).group(1)
    assert recent.count("<tr>") == 1 + 3  # the head, and three runs
    assert "The QA calendar" in recent
    assert "Family feedback links" in recent


def test_the_recent_runs_are_the_last_twenty(client, qa_manager):
    runs_of_every_job(25)
    client.force_login(qa_manager)

    content = client.get(JOBS_URL).content.decode()

    recent = re.search(r'data-testid="recent-runs">(.*?)</table>', content, re.S).group(1)
    assert recent.count("<tr>") == 1 + 20
    assert "<td>24 done.</td>" in recent
    assert "<td>5 done.</td>" in recent
    assert "<td>4 done.</td>" not in recent


def test_the_page_makes_as_many_queries_with_thirty_runs_as_with_one(
    client, qa_manager, django_assert_num_queries
):
    client.force_login(qa_manager)
    runs_of_every_job(1, requested_by=qa_manager)
    with CaptureQueriesContext(connection) as one_run:
        assert client.get(JOBS_URL).status_code == 200
    JobRun.objects.all().delete()
    runs_of_every_job(30, requested_by=qa_manager)

    with django_assert_num_queries(len(one_run)):
        response = client.get(JOBS_URL)

    assert response.content.decode().count(qa_manager.get_full_name()) > len(JOBS)


@pytest.mark.parametrize("person", ["reviewer", "leadership", "service_manager", "nobody"])
def test_everyone_but_the_qa_manager_is_refused_the_page_and_run_now(client, request, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(JOBS_URL).status_code == 403
    assert client.post(run_url("qa-calendar")).status_code == 403
    assert client.get(run_url("qa-calendar")).status_code == 403
    assert not JobRun.objects.exists()


@pytest.mark.django_db
def test_anonymous_people_are_sent_to_log_in(client):
    for response in (client.get(JOBS_URL), client.post(run_url("qa-calendar"))):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert not JobRun.objects.exists()


def test_the_cycles_page_links_to_the_jobs_page(client, qa_manager):
    client.force_login(qa_manager)

    assert f'href="{JOBS_URL}"' in client.get("/cycles/").content.decode()


# ---- Run now -------------------------------------------------------------------------------


def test_run_now_runs_the_job_and_records_who_asked(
    client, qa_manager, django_capture_on_commit_callbacks
):
    client.force_login(qa_manager)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(run_url("qa-calendar"))

    assert len(callbacks) == 1  # queued after commit, not during the request's work
    assert response.status_code == 302
    assert response.url == JOBS_URL
    assert messages_of(response) == [
        "The QA calendar has been queued; its run appears below when it has finished."
    ]
    run = JobRun.objects.get()
    assert (run.job, run.outcome, run.requested_by) == ("qa-calendar", "succeeded", qa_manager)
    assert run.summary == "Nothing was due."
    assert run.finished_at is not None
    content = client.get(JOBS_URL).content.decode()
    assert "Nothing was due." in content
    assert qa_manager.get_full_name() in content


def test_run_now_queues_the_task_beat_sends_with_the_job_and_the_person(client, qa_manager):
    client.force_login(qa_manager)

    with mock.patch.object(run_job, "delay_on_commit") as queue:
        client.post(run_url("expire-feedback-links"))

    queue.assert_called_once_with("expire-feedback-links", qa_manager.pk)


def test_run_now_of_an_unknown_job_is_not_found(client, qa_manager):
    client.force_login(qa_manager)

    assert client.post(run_url("make-tea")).status_code == 404
    assert not JobRun.objects.exists()


def test_run_now_only_answers_a_post(client, qa_manager):
    client.force_login(qa_manager)

    assert client.get(run_url("qa-calendar")).status_code == 405
    assert not JobRun.objects.exists()


def test_a_broker_that_cannot_be_reached_is_an_error_message_not_an_error_page(
    client, qa_manager, transactional_db
):
    # transactional_db: the request runs outside a transaction, as in production, so the task is
    # queued (and the broker reached) during the request.
    client.force_login(qa_manager)
    broker_down = OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    with mock.patch.object(run_job, "delay", side_effect=broker_down):
        response = client.post(run_url("qa-calendar"))

    assert response.status_code == 302
    assert response.url == JOBS_URL
    assert messages_of(response) == [
        "The QA calendar could not be queued: the task queue cannot be reached. Try again in a "
        "few minutes; the job still runs at its usual time once the queue is back."
    ]
    assert not JobRun.objects.exists()
