"""Notification e-mails go through an outbox in the database: written with the change, sent after
commit, swept up if their task is lost, sent once, and never carrying more than a link and one
line."""

import datetime
import threading
from smtplib import SMTPException
from unittest import mock

import pytest
from django.db import connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

import accounts.tasks
from accounts.models import Notification, ServiceArea
from accounts.notifications import MAX_EMAIL_ATTEMPTS, notifications_send_unsent, notify
from accounts.tasks import send_notification_email
from qaf.celery import app

from .factories import NotificationFactory, ServiceAreaFactory, UserFactory

pytestmark = pytest.mark.django_db

SUMMARY = "A review in Children in Need was graded Inadequate: record your assurance by 25 November"


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.QAF_BASE_URL = "https://qaf.example.gov.uk/"


def notify_about(area: ServiceArea, recipient, **extra) -> Notification | None:
    fields = {"kind": "escalation_raised", "summary": SUMMARY, "url": "/reviews/12/"} | extra
    return notify(recipient=recipient, obj=area, **fields)


def aged(notification: Notification, minutes: int = 3) -> Notification:
    """As if written `minutes` ago: the sweeper leaves younger ones to their own task."""
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )
    notification.refresh_from_db()
    return notification


def test_notify_writes_the_row_and_sends_the_email_after_commit(
    django_capture_on_commit_callbacks, mailoutbox
):
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify_about(ServiceAreaFactory(), person)
        assert mailoutbox == []  # nothing goes out before the change commits

    notification.refresh_from_db()
    assert [m.to for m in mailoutbox] == [[person.email]]
    assert notification.emailed_at is not None
    assert notification.email_attempts == 1


def test_notifying_twice_about_the_same_thing_writes_one_row_and_sends_one_email(
    django_capture_on_commit_callbacks, mailoutbox
):
    person, area = UserFactory(), ServiceAreaFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = notify_about(area, person)
        second = notify_about(area, person)

    assert first is not None
    assert second is None
    assert Notification.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_rolled_back_transaction_that_notified_leaves_no_row_and_sends_nothing(
    django_capture_on_commit_callbacks, mailoutbox
):
    def a_change_that_fails_after_notifying():
        with transaction.atomic():
            notify_about(ServiceAreaFactory(), UserFactory())
            raise RuntimeError("the change failed after notify()")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        a_change_that_fails_after_notifying()

    assert callbacks == []
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_an_email_whose_task_never_ran_is_sent_by_the_sweeper_exactly_once(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False):  # the broker lost the task
        notification = notify_about(ServiceAreaFactory(), UserFactory())
    aged(notification)

    notifications_send_unsent()
    notifications_send_unsent()

    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert notification.email_attempts == 1


def test_the_sweeper_leaves_an_email_written_under_two_minutes_ago_to_its_own_task(mailoutbox):
    NotificationFactory()

    assert notifications_send_unsent() == 0
    assert mailoutbox == []


def test_the_sweeper_does_not_send_an_email_again_once_sent(mailoutbox):
    notification = aged(NotificationFactory())
    send_notification_email(notification.pk)

    assert notifications_send_unsent() == 0
    assert len(mailoutbox) == 1


def test_running_the_email_task_twice_sends_one_email(mailoutbox):
    notification = NotificationFactory()

    send_notification_email(notification.pk)
    send_notification_email(notification.pk)

    assert len(mailoutbox) == 1


def test_the_email_task_of_a_deleted_notification_does_nothing(mailoutbox):
    send_notification_email(987654)

    assert mailoutbox == []


def test_a_failing_mail_server_records_the_error_and_the_attempt_and_leaves_it_unsent(mailoutbox):
    notification = NotificationFactory()
    failure = SMTPException("Connection unexpectedly closed")

    with mock.patch("accounts.tasks.send_mail", side_effect=failure), pytest.raises(SMTPException):
        send_notification_email(notification.pk)

    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert notification.email_attempts == 1
    assert notification.last_error == "SMTPException: Connection unexpectedly closed"
    assert mailoutbox == []


def test_the_sweeper_sends_a_failed_email_once_the_mail_server_is_back(mailoutbox):
    notification = aged(NotificationFactory())
    down = mock.patch("accounts.tasks.send_mail", side_effect=SMTPException("down"))
    with down, pytest.raises(SMTPException):
        send_notification_email(notification.pk)

    notifications_send_unsent()

    notification.refresh_from_db()
    assert len(mailoutbox) == 1
    assert notification.emailed_at is not None
    assert notification.email_attempts == 2
    assert notification.last_error == ""


def test_an_email_that_keeps_failing_is_given_up_after_eight_attempts(mailoutbox):
    notification = aged(NotificationFactory())

    with mock.patch("accounts.tasks.send_mail", side_effect=SMTPException("down")) as send:
        for _ in range(MAX_EMAIL_ATTEMPTS + 2):
            notifications_send_unsent()  # a sweep every five minutes: one attempt each

    notification.refresh_from_db()
    assert send.call_count == MAX_EMAIL_ATTEMPTS == 8
    assert notification.email_attempts == 8
    assert notification.emailed_at is None
    assert notifications_send_unsent() == 0


def test_a_broker_that_cannot_be_reached_leaves_the_change_committed_and_the_email_to_the_sweeper(
    django_capture_on_commit_callbacks, mailoutbox
):
    broker_down = OperationalError("Error 111 connecting to redis:6379. Connection refused.")
    unreachable = mock.patch.object(send_notification_email, "delay", side_effect=broker_down)
    with unreachable, django_capture_on_commit_callbacks(execute=True):
        notification = notify_about(ServiceAreaFactory(), UserFactory())
    assert mailoutbox == []

    notifications_send_unsent()  # two minutes later: not yet aged, left alone
    assert mailoutbox == []
    aged(notification)
    notifications_send_unsent()

    assert len(mailoutbox) == 1


def test_the_email_carries_the_absolute_link_and_the_one_line_summary_only(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        notify_about(
            ServiceAreaFactory(),
            UserFactory(),
            summary="A review in Children in Need was graded Inadequate:\n record your assurance",
        )

    (email,) = mailoutbox
    one_line = "A review in Children in Need was graded Inadequate: record your assurance"
    assert email.subject == f"QAF: {one_line}"
    assert email.body == (
        f"{one_line}\n\n"
        "Open it in QAF: https://qaf.example.gov.uk/reviews/12/\n\n"
        "For the details, log in to QAF: this e-mail carries no case details, by design.\n"
    )


def test_notify_refuses_a_link_that_is_not_a_path_of_qaf():
    for url in ("https://elsewhere.example/", "//elsewhere.example/", "reviews/12/"):
        with pytest.raises(ValueError, match="links to a path of QAF"):
            notify_about(ServiceAreaFactory(), UserFactory(), url=url)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_email_being_sent_by_one_worker_is_skipped_by_another(mailoutbox):
    notification = NotificationFactory()
    locked, release = threading.Event(), threading.Event()

    def first_worker():  # holds the row's lock, as a worker does while its e-mail is sent
        try:
            with transaction.atomic():
                Notification.objects.select_for_update().get(pk=notification.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    worker = threading.Thread(target=first_worker)
    worker.start()
    assert locked.wait(10)
    try:
        send_notification_email(notification.pk)  # the second worker: skips, does not wait
    finally:
        release.set()
        worker.join()

    assert mailoutbox == []
    notification.refresh_from_db()
    assert notification.email_attempts == 0


def test_a_mail_server_failing_three_times_then_working_delivers_the_email_once(mailoutbox):
    """The task's own retries with backoff (run at once here, eagerly); tests/test_faults.py
    proves the same with a real worker."""
    notification = NotificationFactory()
    real_send_mail = accounts.tasks.send_mail
    failures = [SMTPException("down")] * 3

    def down_three_times(*args, **kwargs):
        if failures:
            raise failures.pop()
        return real_send_mail(*args, **kwargs)

    # Failures not propagated: eager Celery then runs each retry at once, where a worker would
    # wait out the backoff (conftest's _eager_celery restores the setting).
    app.conf.task_eager_propagates = False
    with mock.patch("accounts.tasks.send_mail", side_effect=down_three_times) as send:
        send_notification_email.delay(notification.pk)

    notification.refresh_from_db()
    assert send.call_count == 4
    assert len(mailoutbox) == 1
    assert notification.emailed_at is not None
    assert notification.email_attempts == 4
    assert notification.last_error == ""
