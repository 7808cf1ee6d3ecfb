"""Escalations (reviews/escalations.py): raised once per review, who is told, the Service
Manager's assurance, a disputed level of concern and the Head of Service's decision, the
transitions table, and the overdue job."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Notification
from accounts.permissions import can
from accounts.tests.factories import UserFactory
from audits.tasks import run_job
from qaf.workflow import TransitionRefused
from reviews.escalations import (
    TRANSITIONS,
    escalation_decide,
    escalation_raise,
    escalation_record_assurance,
    escalation_transition,
    escalations_remind_overdue,
)
from reviews.models import Escalation, EscalationEvent

from .factories import EscalationFactory, submitted_review

pytestmark = pytest.mark.django_db

E = Escalation.Status
LONDON = datetime.UTC


@pytest.fixture
def review(service_area):
    return submitted_review(service_area=service_area, grade="inadequate")


@pytest.fixture
def escalation(review):
    return EscalationFactory(review=review, deadline=datetime.date(2026, 11, 25))


ASSURANCE = {
    "safety_assurance": "Visited today: the child is safe at home with their father.",
    "mitigation": "Daily visits; a safety plan agreed with the family.",
    "actions_needed": "A strategy discussion by Friday.",
    "urgent": True,
}


def assure(escalation, actor, **overrides):
    return escalation_record_assurance(escalation=escalation, actor=actor, **ASSURANCE | overrides)


def kinds_for(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


# Raising


@time_machine.travel(datetime.datetime(2026, 11, 19, 10, tzinfo=datetime.UTC), tick=False)
def test_raising_records_the_escalation_its_deadline_and_its_first_event(review, reviewer):
    escalation = escalation_raise(review=review, source="submit", actor=reviewer)

    assert (escalation.status, escalation.source, escalation.raised_by) == (
        "raised",
        "submit",
        reviewer,
    )
    assert escalation.deadline == datetime.date(2026, 11, 23)  # Thursday + 2 working days
    event = escalation.events.get()
    assert (event.from_status, event.to_status, event.actor) == ("", "raised", reviewer)


def test_raising_twice_makes_one_escalation_one_event_and_one_set_of_notifications(
    review, reviewer, moderator, service_manager, head_of_service
):
    first = escalation_raise(review=review, source="submit", actor=reviewer)
    second = escalation_raise(review=review, source="moderation", actor=moderator)

    assert first == second
    assert Escalation.objects.count() == 1
    assert EscalationEvent.objects.count() == 1
    assert Notification.objects.count() == 2
    assert Escalation.objects.get().source == "submit"


def test_the_service_managers_and_heads_of_service_of_the_service_are_told_at_once(
    review, reviewer, service_manager, head_of_service, moderator, outsider, other_service_area
):
    everywhere = UserFactory(roles=[("head_of_service", None)])
    left = UserFactory(roles=[("service_manager", review.case.service_area)], is_active=False)
    elsewhere = UserFactory(roles=[("service_manager", other_service_area)])

    escalation = escalation_raise(review=review, source="submit", actor=reviewer)

    told = set(Notification.objects.values_list("recipient", flat=True))
    assert told == {service_manager.pk, head_of_service.pk, everywhere.pk}
    assert not {moderator.pk, outsider.pk, left.pk, elsewhere.pk} & told
    notification = Notification.objects.get(recipient=service_manager)
    assert notification.kind == "escalation_raised"
    assert notification.url == f"/reviews/escalations/{escalation.pk}/"
    assert "Children in Need" in notification.summary
    assert "record your assurance by" in notification.summary
    assert review.case.reference not in notification.summary


def test_a_person_who_is_service_manager_and_head_of_service_is_told_once(review, reviewer):
    both = UserFactory(
        roles=[("service_manager", review.case.service_area), ("head_of_service", None)]
    )

    escalation_raise(review=review, source="submit", actor=reviewer)

    assert kinds_for(both) == ["escalation_raised"]


# Assurance


def test_the_service_managers_assurance_closes_the_escalation(escalation, service_manager):
    closed = assure(escalation, service_manager)

    assert closed.status == E.CLOSED
    assert closed.safety_assurance == ASSURANCE["safety_assurance"]
    assert (closed.urgent, closed.assured_by) == (True, service_manager)
    assert closed.assured_at is not None
    event = closed.events.get()
    assert (event.from_status, event.to_status, event.actor) == (
        "raised",
        "closed",
        service_manager,
    )
    assert event.note == "Assurance recorded: an action is urgent."


def test_assurance_needs_the_assurance_the_mitigation_and_the_actions(escalation, service_manager):
    with pytest.raises(ValidationError) as refusal:
        assure(escalation, service_manager, safety_assurance=" ", mitigation="", actions_needed="")

    assert set(refusal.value.message_dict) == {"safety_assurance", "mitigation", "actions_needed"}
    assert Escalation.objects.get(pk=escalation.pk).status == E.RAISED


def test_only_a_service_manager_of_the_cases_service_can_record_assurance(
    escalation, outsider, head_of_service, moderator
):
    for person in (outsider, head_of_service, moderator):
        assert not can(person, "escalation.assure", escalation)
        with pytest.raises(PermissionDenied):
            assure(escalation, person)
    assert Escalation.objects.get(pk=escalation.pk).status == E.RAISED


def test_an_organisation_wide_service_manager_may_record_assurance(escalation):
    everywhere = UserFactory(roles=[("service_manager", None)])

    assert assure(escalation, everywhere).status == E.CLOSED


def test_assurance_recorded_twice_is_refused(escalation, service_manager):
    assure(escalation, service_manager)

    with pytest.raises(TransitionRefused, match="already been recorded"):
        assure(escalation, service_manager, safety_assurance="Again.")

    assert (
        Escalation.objects.get(pk=escalation.pk).safety_assurance == ASSURANCE["safety_assurance"]
    )


# Dispute and decision


def test_a_disputed_level_of_concern_goes_to_the_head_of_service(
    escalation, service_manager, head_of_service
):
    disputed = assure(escalation, service_manager, disputed=True, dispute_reason="Not Inadequate.")

    assert disputed.status == E.DISPUTED
    assert disputed.dispute_reason == "Not Inadequate."
    assert kinds_for(head_of_service) == ["escalation_disputed"]
    assert kinds_for(service_manager) == []


def test_a_dispute_needs_a_reason(escalation, service_manager):
    with pytest.raises(ValidationError) as refusal:
        assure(escalation, service_manager, disputed=True, dispute_reason="")

    assert list(refusal.value.message_dict) == ["dispute_reason"]


def test_a_dispute_reason_without_a_dispute_is_not_kept(escalation, service_manager):
    closed = assure(escalation, service_manager, disputed=False, dispute_reason="Left over.")

    assert closed.dispute_reason == ""


def test_the_head_of_services_decision_closes_a_disputed_escalation(
    escalation, service_manager, head_of_service
):
    assure(escalation, service_manager, disputed=True, dispute_reason="Not Inadequate.")

    closed = escalation_decide(escalation=escalation, actor=head_of_service, decision="It stands.")

    assert closed.status == E.CLOSED
    assert (closed.decision, closed.decided_by) == ("It stands.", head_of_service)
    assert closed.decided_at is not None
    assert kinds_for(service_manager) == ["escalation_decided"]


def test_only_the_head_of_service_of_the_cases_service_decides(
    escalation, service_manager, outsider
):
    assure(escalation, service_manager, disputed=True, dispute_reason="Not Inadequate.")

    for person in (service_manager, outsider):
        with pytest.raises(PermissionDenied):
            escalation_decide(escalation=escalation, actor=person, decision="Mine.")


def test_a_decision_needs_words_and_a_disputed_escalation(
    escalation, service_manager, head_of_service
):
    with pytest.raises(TransitionRefused, match="only a disputed escalation"):
        escalation_decide(escalation=escalation, actor=head_of_service, decision="Early.")
    assure(escalation, service_manager, disputed=True, dispute_reason="Not Inadequate.")
    with pytest.raises(ValidationError):
        escalation_decide(escalation=escalation, actor=head_of_service, decision=" ")


# The transitions table


@pytest.mark.parametrize(("start", "end"), sorted(TRANSITIONS))
def test_every_move_in_the_table_is_allowed(review, start, end, head_of_service):
    escalation = EscalationFactory(review=review, status=start)

    moved = escalation_transition(escalation=escalation, to_status=end, actor=head_of_service)

    assert moved.status == end
    assert moved.events.get().from_status == start


REFUSED = [
    (start, end) for start in E.values for end in E.values if (start, end) not in TRANSITIONS
]


@pytest.mark.parametrize(("start", "end"), REFUSED)
def test_every_other_move_is_refused(review, start, end, head_of_service):
    escalation = EscalationFactory(review=review, status=start)

    with pytest.raises(TransitionRefused):
        escalation_transition(escalation=escalation, to_status=end, actor=head_of_service)

    assert Escalation.objects.get(pk=escalation.pk).status == start


# The overdue job

AFTER_THE_DEADLINE = datetime.datetime(2026, 11, 26, 8, tzinfo=datetime.UTC)


def test_an_overdue_escalation_is_reminded_and_raised_to_the_head_of_service_once(
    escalation, service_manager, head_of_service
):
    first = escalations_remind_overdue(now=AFTER_THE_DEADLINE)
    second = escalations_remind_overdue(now=AFTER_THE_DEADLINE + datetime.timedelta(hours=1))

    assert (first, second) == (1, 0)
    assert kinds_for(service_manager) == ["escalation_overdue"]
    assert kinds_for(head_of_service) == ["escalation_overdue"]
    assert "raised to you" in Notification.objects.get(recipient=head_of_service).summary
    assert Escalation.objects.get(pk=escalation.pk).reminded_at == AFTER_THE_DEADLINE
    assert escalation.events.filter(note__startswith="No assurance by the deadline").count() == 1


def test_an_escalation_due_today_is_not_yet_overdue(escalation, service_manager):
    on_the_day = datetime.datetime(2026, 11, 25, 16, tzinfo=datetime.UTC)

    assert escalations_remind_overdue(now=on_the_day) == 0
    assert kinds_for(service_manager) == []


def test_assured_and_disputed_escalations_are_not_reminded(review, service_area):
    EscalationFactory(review=review, status=E.CLOSED)
    EscalationFactory(review=submitted_review(service_area=service_area), status=E.DISPUTED)

    assert escalations_remind_overdue(now=AFTER_THE_DEADLINE) == 0


def test_an_escalation_claimed_by_another_run_is_left_alone(escalation):
    Escalation.objects.filter(pk=escalation.pk).update(reminded_at=AFTER_THE_DEADLINE)

    assert escalations_remind_overdue(now=AFTER_THE_DEADLINE) == 0
    assert not Notification.objects.exists()


@time_machine.travel(AFTER_THE_DEADLINE, tick=False)
def test_the_beat_task_runs_the_job_and_running_it_twice_reminds_once(escalation, service_manager):
    assert run_job.delay("remind-overdue-escalations").get() == "1 done."
    assert run_job.delay("remind-overdue-escalations").get() == "Nothing was due."
    assert kinds_for(service_manager) == ["escalation_overdue"]


# The rules


def test_service_managers_and_heads_of_service_of_the_cases_service_see_the_escalation(
    escalation, service_manager, head_of_service, moderator, reviewer, outsider
):
    assert can(service_manager, "escalation.view", escalation)
    assert can(head_of_service, "escalation.view", escalation)
    for person in (moderator, reviewer, outsider):
        assert not can(person, "escalation.view", escalation)
    assert can(outsider, "escalation.view")  # the list, which its selector narrows


def test_only_a_head_of_service_of_the_cases_service_may_decide(
    escalation, service_manager, head_of_service, outsider
):
    assert can(head_of_service, "escalation.decide", escalation)
    assert not can(service_manager, "escalation.decide", escalation)
    assert not can(outsider, "escalation.decide", escalation)
