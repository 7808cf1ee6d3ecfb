"""Issue 7's fault tests: notification e-mails survive a worker killed mid-job, a Redis restart
that loses its queue, a rolled-back transaction and a mail server that fails, each e-mail
delivered once. Every test runs real processes of its own (tests/faults.py): a redis-server on a
spare loopback port and Celery workers on it and on the test's PostgreSQL database.

The database, not the broker, is the record of what must go out: where a task is lost, the
sweeper (the job "send-unsent-notifications", sent through the broker as beat sends it) queues
the e-mail again. Redis's own redelivery (after its visibility timeout, an hour) plays no part.
"""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import Notification
from accounts.notifications import SWEEP_AFTER, notify
from accounts.tests.factories import NotificationFactory, ServiceAreaFactory, UserFactory
from audits.models import JobRun

from .faults import FaultLab, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.celery_worker]

RUN_JOB = "audits.tasks.run_job"
SWEEPER = "send-unsent-notifications"


@pytest.fixture
def lab(tmp_path, transactional_db):
    """The test's own Redis, workers and mail folder; every process is killed at the end, before
    the database is emptied."""
    lab = FaultLab(tmp_path)
    try:
        yield lab
    finally:
        lab.close()


def backdate_past_the_sweep(notifications=None) -> None:
    """As if the sweeper's few minutes had passed since the notifications were written."""
    rows = Notification.objects.all()
    if notifications is not None:
        rows = rows.filter(pk__in=[n.pk for n in notifications])
    rows.update(created_at=timezone.now() - SWEEP_AFTER - datetime.timedelta(minutes=1))


def notify_reminder(person, area) -> Notification | None:
    return notify(
        recipient=person,
        kind="review_phase_closing",
        obj=area,
        summary="The review phase of the QA cycle closes in 3 days",
        url="/reviews/",
    )


def sweep_and_wait(lab: FaultLab) -> None:
    """Send the sweeper through the broker and wait for its run to finish. The worker takes tasks
    in order, so every task queued before it has been taken by then."""
    runs = JobRun.objects.filter(job=SWEEPER, finished_at__isnull=False)
    before = runs.count()
    lab.send_task(RUN_JOB, SWEEPER)
    assert wait_until(lambda: runs.count() > before), lab.logs()


def all_sent() -> bool:
    return not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_a_worker_killed_mid_job_leaves_every_email_sent_once_after_a_new_worker_starts(lab):
    notifications = NotificationFactory.create_batch(60)
    backdate_past_the_sweep()
    lab.start_redis()
    # A slow mail server; the 25th e-mail never finishes, so the kill lands mid-job, while that
    # e-mail's row is locked and its attempt not yet committed.
    first = lab.start_worker(QAF_FAULT_SEND_DELAY="0.1", QAF_FAULT_HANG_AT="25")
    # The sweeper sent twice (two beats, or a run retried): each run queues all 60, and the
    # second runs before any e-mail is sent, so every e-mail's task is queued twice.
    lab.send_task(RUN_JOB, SWEEPER)
    lab.send_task(RUN_JOB, SWEEPER)
    assert wait_until(lambda: (lab.fault_dir / "hanging").exists()), lab.logs()

    lab.kill(first)

    assert Notification.objects.filter(emailed_at__isnull=False).count() == 24, lab.logs()
    assert sum(lab.emails_by_recipient().values()) == 24, lab.logs()

    # A new worker takes what is still queued; the sweeper re-queues the e-mail whose task died
    # with the first worker (Celery had acknowledged it) and those the first worker had reserved.
    lab.start_worker()
    sweep_and_wait(lab)
    assert wait_until(all_sent), lab.logs()
    sweep_and_wait(lab)  # and once more: nothing is sent again

    received = lab.emails_by_recipient()
    assert received == {n.recipient.email: 1 for n in notifications}, lab.logs()
    assert set(Notification.objects.values_list("email_attempts", flat=True)) == {1}


def test_a_redis_restart_that_loses_100_queued_reminders_delivers_all_100_once(lab):
    area = ServiceAreaFactory()
    people = UserFactory.create_batch(100)
    redis = lab.start_redis()
    with lab.qaf_sending_here(), transaction.atomic():
        for person in people:
            notify_reminder(person, area)  # each queued on commit
    assert redis.queued() == 100
    # No worker consumes them; Redis restarts, keeping nothing.

    redis.restart()

    assert redis.queued() == 0
    backdate_past_the_sweep()
    # Beat fired the sweeper twice while no worker ran: the second run also comes before any
    # e-mail is sent, so every e-mail's task is queued twice.
    lab.send_task(RUN_JOB, SWEEPER)
    lab.send_task(RUN_JOB, SWEEPER)
    lab.start_worker()
    assert wait_until(all_sent), lab.logs()
    sweep_and_wait(lab)
    assert lab.emails_by_recipient() == {person.email: 1 for person in people}, lab.logs()
    assert set(Notification.objects.values_list("email_attempts", flat=True)) == {1}

    # Later jobs still run on the restarted Redis.
    lab.send_task(RUN_JOB, "qa-calendar")
    calendar_ran = JobRun.objects.filter(job="qa-calendar", outcome=JobRun.Outcome.SUCCEEDED)
    assert wait_until(calendar_ran.exists), lab.logs()


def test_a_transaction_rolled_back_after_notify_sends_nothing(lab):
    area = ServiceAreaFactory()
    rolled_back, committed = UserFactory(), UserFactory()
    redis = lab.start_redis()
    lab.start_worker()

    def a_change_that_fails_after_notifying():
        with transaction.atomic():
            notify_reminder(rolled_back, area)
            raise RuntimeError("the change failed after notify()")

    with lab.qaf_sending_here():
        with pytest.raises(RuntimeError):
            a_change_that_fails_after_notifying()
        with transaction.atomic():  # a change that commits, notified after the failed one
            notify_reminder(committed, area)

    # The worker takes tasks in order: once the later e-mail has arrived, an earlier one would
    # have too. A few seconds more, to be sure.
    assert wait_until(lambda: lab.emails_by_recipient()[committed.email] == 1), lab.logs()
    assert not wait_until(lambda: rolled_back.email in lab.emails_by_recipient(), timeout=3)
    assert not Notification.objects.filter(recipient=rolled_back).exists()
    assert redis.queued() == 0
    backdate_past_the_sweep()
    sweep_and_wait(lab)
    assert lab.emails_by_recipient() == {committed.email: 1}, lab.logs()


def test_a_mail_server_failing_three_times_then_working_delivers_the_email_once(lab):
    """Through the task's own retries with backoff (shortened to 1 s here), not the sweeper: the
    notification is new, and nothing sends the sweeper."""
    lab.start_redis()
    worker_log_before = len(lab.workers)
    lab.start_worker(QAF_FAULT_FAIL_FIRST="3", QAF_EMAIL_RETRY_BACKOFF="1")
    person = UserFactory()

    with lab.qaf_sending_here(), transaction.atomic():
        notification = notify_reminder(person, ServiceAreaFactory())

    sent = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=False)
    assert wait_until(sent.exists), lab.logs()
    notification.refresh_from_db()
    assert notification.email_attempts == 4
    assert notification.last_error == ""
    assert lab.emails_by_recipient() == {person.email: 1}, lab.logs()
    _, log = lab.workers[worker_log_before]
    assert log.read_text().count("retry: Retry in") == 3, lab.logs()
