"""The system "down" for three days, then started (issue 7): every timed job of qaf/jobs.py runs
as beat sends it after downtime (Celery beat runs an entry whose time has passed once when it
starts), and every effect that fell due while it was down happens once; running every job again
does nothing more."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core import mail

from accounts.models import Notification
from accounts.tests.factories import UserFactory
from audits.models import Cycle, CycleEvent, JobRun
from audits.tasks import run_job
from audits.tests.factories import CycleFactory
from feedback.models import FamilyFeedbackLink
from feedback.tests.factories import FamilyFeedbackLinkFactory
from qaf.jobs import JOBS
from reporting.models import Report
from reviews.models import Escalation
from reviews.tests.factories import (
    ActionFactory,
    EscalationFactory,
    ReviewFactory,
    submitted_review,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
D = datetime.date
# Down from Friday 7 March 2031 at 18:00 until Monday 10 March at 09:00: across the close of a
# review phase (Sunday 9th), an escalation deadline, a Monday digest and a link's expiry.
DOWN = datetime.datetime(2031, 3, 7, 18, tzinfo=LONDON)
BACK = datetime.datetime(2031, 3, 10, 9, tzinfo=LONDON)


def run_every_job() -> dict[str, str]:
    return {job.name: run_job.delay(job.name).get() for job in JOBS}


@pytest.fixture
def due_while_down(qa_manager, service_manager, service_area):
    with time_machine.travel(DOWN - datetime.timedelta(days=30), tick=False):
        cycle = CycleFactory(
            name="February\u2013March 2031",
            review_starts_on=D(2031, 2, 24),
            review_ends_on=D(2031, 3, 8),
            reporting_ends_on=D(2031, 4, 6),
            status=Cycle.Status.REVIEW,
        )
        reviewer = UserFactory(roles=[("reviewer", service_area)])
        ReviewFactory(cycle=cycle, reviewer=reviewer, case__team__service_area=service_area)
        link = FamilyFeedbackLinkFactory(
            created_by=qa_manager, expires_at=DOWN + datetime.timedelta(days=1)
        )
        action_owner = UserFactory()
        ActionFactory(owner=action_owner, due_on=D(2031, 3, 5))
    with time_machine.travel(DOWN - datetime.timedelta(hours=1), tick=False):
        escalation = EscalationFactory(
            review=submitted_review(service_area=service_area, grade="inadequate"),
            deadline=D(2031, 3, 7),
        )
        Session.objects.create(
            session_key="x" * 32, session_data="", expire_date=DOWN + datetime.timedelta(hours=1)
        )
    return {
        "cycle": cycle,
        "reviewer": reviewer,
        "link": link,
        "escalation": escalation,
        "action_owner": action_owner,
    }


def test_every_job_catches_up_once_after_three_days_down(
    due_while_down, qa_manager, django_capture_on_commit_callbacks
):
    cycle, reviewer = due_while_down["cycle"], due_while_down["reviewer"]
    mail.outbox.clear()

    with time_machine.travel(BACK, tick=False):
        with django_capture_on_commit_callbacks(execute=True):  # the e-mails, sent after commit
            first = run_every_job()
        kinds_after_first = sorted(Notification.objects.values_list("kind", "recipient"))
        with django_capture_on_commit_callbacks(execute=True):
            second = run_every_job()

    # The QA calendar: the review phase closed on the 9th, so the cycle is in reporting now.
    assert CycleEvent.objects.filter(cycle=cycle, to_status=Cycle.Status.REPORTING).count() == 1
    assert Report.objects.filter(cycle=cycle).count() == 1
    # The escalation past its deadline: reminded once.
    escalation = Escalation.objects.get(pk=due_while_down["escalation"].pk)
    assert escalation.reminded_at is not None
    # The link: marked expired once.
    assert FamilyFeedbackLink.objects.get(pk=due_while_down["link"].pk).expired_at is not None
    # The expired session: gone.
    assert not Session.objects.exists()
    kinds = [kind for kind, _ in kinds_after_first]
    for kind in (
        "review_overdue",
        "review_phase_closed",
        "escalation_overdue",
        "actions_overdue_digest",
        "feedback_link_expired",
    ):
        assert kind in kinds, f"{kind} missing from {kinds}"
    assert ("review_overdue", reviewer.pk) in kinds_after_first
    assert ("review_phase_closed", qa_manager.pk) in kinds_after_first
    # Each job did its work in the first run, and nothing in the second.
    assert all(summary != "Nothing was due." for name, summary in first.items() if name in {
        "qa-calendar", "remind-overdue-escalations", "send-overdue-actions-digest",
        "expire-feedback-links", "clear-expired-sessions",
    }), first  # fmt: skip
    assert set(second.values()) == {"Nothing was due."}, second
    assert sorted(Notification.objects.values_list("kind", "recipient")) == kinds_after_first
    # Every notification's e-mail went out once (sent after commit, eagerly here).
    sent = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert len(sent) == len(set(sent)) == Notification.objects.count()
    assert JobRun.objects.filter(outcome=JobRun.Outcome.SUCCEEDED).count() == 2 * len(JOBS)
