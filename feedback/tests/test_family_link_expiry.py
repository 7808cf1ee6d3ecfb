"""The job "expire-feedback-links" (feedback.family.links_expire_unused): a family feedback link
that expired unanswered is marked, and the person who made it is told, once."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Notification
from audits.models import JobRun
from audits.tasks import run_job
from feedback.family import links_expire_unused
from feedback.models import FamilyFeedbackLink
from feedback.tests.factories import FamilyFeedbackLinkFactory

LONDON = ZoneInfo("Europe/London")
# Made at half past midnight on 5 June 2031, London time (still 4 June in UTC).
MADE = datetime.datetime(2031, 6, 5, 0, 30, tzinfo=LONDON)
EXPIRES = MADE + datetime.timedelta(days=28)


@pytest.fixture
def link(qa_manager):
    with time_machine.travel(MADE, tick=False):
        return FamilyFeedbackLinkFactory(created_by=qa_manager, expires_at=EXPIRES)


def expire_at(moment: datetime.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return links_expire_unused()


def test_an_unused_expired_link_is_marked_and_its_maker_told_once(link, qa_manager):
    after = EXPIRES + datetime.timedelta(hours=1)

    assert expire_at(after) == 1
    assert expire_at(after + datetime.timedelta(days=1)) == 0

    link.refresh_from_db()
    assert link.expired_at == after
    told = Notification.objects.get()
    assert (told.kind, told.recipient, told.url) == (
        "feedback_link_expired",
        qa_manager,
        "/feedback/links/new/",
    )
    assert told.summary == (
        "A family feedback link you made on 5 June 2031 expired without an answer"
    )


def test_a_link_is_left_alone_until_it_has_expired(link):
    assert expire_at(EXPIRES - datetime.timedelta(seconds=1)) == 0

    link.refresh_from_db()
    assert link.expired_at is None
    assert not Notification.objects.exists()


def test_a_link_the_family_used_is_left_alone_after_it_expires(link):
    FamilyFeedbackLink.objects.filter(pk=link.pk).update(used_at=MADE + datetime.timedelta(days=2))

    assert expire_at(EXPIRES + datetime.timedelta(days=3)) == 0

    link.refresh_from_db()
    assert link.expired_at is None
    assert not Notification.objects.exists()


def test_only_the_expired_unused_links_among_many_are_marked(qa_manager, reviewer):
    with time_machine.travel(MADE, tick=False):
        expired = [
            FamilyFeedbackLinkFactory(created_by=person, expires_at=EXPIRES)
            for person in (qa_manager, reviewer)
        ]
        FamilyFeedbackLinkFactory(created_by=reviewer, expires_at=EXPIRES, used_at=timezone.now())
        FamilyFeedbackLinkFactory(created_by=reviewer, expires_at=EXPIRES + datetime.timedelta(7))

    assert expire_at(EXPIRES + datetime.timedelta(days=1)) == 2

    marked = set(FamilyFeedbackLink.objects.filter(expired_at__isnull=False))
    assert marked == set(expired)
    assert sorted(n.recipient_id for n in Notification.objects.all()) == sorted(
        [qa_manager.pk, reviewer.pk]
    )


def test_the_timed_job_records_what_it_did(link):
    with time_machine.travel(EXPIRES + datetime.timedelta(days=1), tick=False):
        assert run_job.delay("expire-feedback-links").get() == "1 done."
        assert run_job.delay("expire-feedback-links").get() == "Nothing was due."

    assert list(JobRun.objects.order_by("id").values_list("job", "outcome", "summary")) == [
        ("expire-feedback-links", "succeeded", "1 done."),
        ("expire-feedback-links", "succeeded", "Nothing was due."),
    ]
    assert Notification.objects.count() == 1
