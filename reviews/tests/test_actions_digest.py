"""The weekly digest of overdue actions: one notification per owner and per Service Manager per
ISO week, however often the job runs."""

import datetime

import pytest

from accounts.models import Notification, Role
from accounts.tests.factories import UserFactory
from audits.tasks import run_job
from reviews.actions import actions_send_overdue_digest, iso_week
from reviews.models import Action

from .factories import ActionFactory, ReviewFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)  # ISO week 2026-W48


@pytest.fixture
def review(service_area):
    return ReviewFactory(case__team__service_area=service_area)


@pytest.fixture
def elsewhere(other_service_area):
    return ReviewFactory(case__team__service_area=other_service_area)


def overdue(review, owner, days=3, **fields):
    return ActionFactory(
        review=review, owner=owner, due_on=MONDAY - datetime.timedelta(days=days), **fields
    )


def digests(kind="actions_overdue_digest"):
    return list(Notification.objects.filter(kind=kind).order_by("recipient_id", "id"))


def test_the_week_is_named_as_iso_weeks_are():
    assert iso_week(MONDAY) == "2026-W48"
    assert iso_week(datetime.date(2027, 1, 1)) == "2026-W53"  # a Friday: still 2026's last week


def test_each_owner_of_overdue_actions_is_told_once_with_how_many(review, practitioner):
    overdue(review, practitioner, days=10)
    overdue(review, practitioner, days=2)

    sent = actions_send_overdue_digest(today=MONDAY)

    [digest] = digests()
    assert sent == 1
    assert digest.recipient == practitioner
    assert digest.summary == ("You have 2 overdue actions: the oldest was due by 13 November 2026")
    assert digest.url == "/reviews/actions/?whose=mine&status=overdue"
    assert digest.key.endswith(":2026-W48:" + str(practitioner.pk))


def test_running_the_digest_twice_in_a_week_tells_each_owner_once(review, practitioner):
    overdue(review, practitioner)

    first = actions_send_overdue_digest(today=MONDAY)
    again = actions_send_overdue_digest(today=MONDAY)
    later_that_week = actions_send_overdue_digest(today=MONDAY + datetime.timedelta(days=4))

    assert (first, again, later_that_week) == (1, 0, 0)
    assert len(digests()) == 1


def test_the_next_week_tells_the_owner_again(review, practitioner):
    overdue(review, practitioner)
    actions_send_overdue_digest(today=MONDAY)

    next_week = actions_send_overdue_digest(today=MONDAY + datetime.timedelta(days=7))

    assert next_week == 1
    assert [d.key.split(":")[3] for d in digests()] == ["2026-W48", "2026-W49"]


def test_done_verified_and_not_yet_due_actions_are_left_out(review, practitioner):
    overdue(review, practitioner, status=Action.Status.DONE)
    overdue(review, practitioner, status=Action.Status.VERIFIED)
    overdue(review, practitioner, days=0)  # due today: not overdue yet
    ActionFactory(review=review, owner=practitioner, due_on=MONDAY + datetime.timedelta(days=3))

    assert actions_send_overdue_digest(today=MONDAY) == 0
    assert not Notification.objects.exists()


def test_the_service_managers_of_the_actions_services_are_told_once_a_week(
    review, elsewhere, practitioner, service_manager, outsider
):
    everywhere = UserFactory(roles=[(Role.SERVICE_MANAGER, None)])
    UserFactory(roles=[(Role.SERVICE_MANAGER, review.case.service_area)], is_active=False)
    overdue(review, practitioner)
    overdue(review, UserFactory())

    actions_send_overdue_digest(today=MONDAY)
    actions_send_overdue_digest(today=MONDAY)

    told = digests("actions_overdue_digest_services")
    assert {d.recipient for d in told} == {service_manager, everywhere}  # not the outsider
    assert all(d.summary == "2 agreed actions in your services are overdue" for d in told)
    assert len(told) == 2


def test_a_manager_of_several_services_gets_one_digest_counting_them_all(
    review, elsewhere, service_area, other_service_area
):
    both = UserFactory(
        roles=[(Role.SERVICE_MANAGER, service_area), (Role.SERVICE_MANAGER, other_service_area)]
    )
    overdue(review, UserFactory())
    overdue(elsewhere, UserFactory())

    actions_send_overdue_digest(today=MONDAY)

    [digest] = digests("actions_overdue_digest_services")
    assert digest.recipient == both
    assert digest.summary == "2 agreed actions in your services are overdue"


def test_an_owner_who_is_also_a_manager_gets_both_digests(review, service_manager):
    overdue(review, service_manager)

    assert actions_send_overdue_digest(today=MONDAY) == 2
    assert [d.recipient for d in digests()] == [service_manager]
    assert [d.recipient for d in digests("actions_overdue_digest_services")] == [service_manager]


def test_an_owner_who_has_left_is_not_told(review):
    overdue(review, UserFactory(is_active=False))

    assert actions_send_overdue_digest(today=MONDAY) == 0


def test_the_beat_task_runs_the_digest_once_per_week(review, practitioner, time_machine):
    overdue(review, practitioner)
    time_machine.move_to(datetime.datetime(2026, 11, 23, 8, 0, tzinfo=datetime.UTC))

    assert run_job.delay("send-overdue-actions-digest").get() == "1 done."
    assert run_job.delay("send-overdue-actions-digest").get() == "Nothing was due."
    assert len(digests()) == 1


def test_the_digest_links_to_the_actions_page_or_to_my_work_for_owners_without_it(
    review, service_manager
):
    reviewer_only = UserFactory(roles=[(Role.REVIEWER, review.case.service_area)])
    overdue(review, reviewer_only)

    actions_send_overdue_digest(today=MONDAY)

    assert [d.url for d in digests()] == ["/"]
    assert [d.url for d in digests("actions_overdue_digest_services")] == [
        "/reviews/actions/?status=overdue"
    ]
