"""Moderation (reviews/services.py): agree or regrade with a rationale, return to the reviewer;
the final grade; and the escalation an Inadequate grade raises at submit or at moderation."""

import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from accounts.models import Notification
from accounts.permissions import can
from accounts.tests.factories import UserFactory
from qaf.workflow import TransitionRefused
from reviews.models import Escalation, Moderation, Review, ReviewEvent
from reviews.services import review_moderate, review_return, review_save, review_submit

from .factories import (
    ReviewFactory,
    complete_answers,
    complete_findings,
    published_version,
    submitted_review,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(service_area, reviewer):
    return submitted_review(service_area=service_area, reviewer=reviewer, grade="good")


def regrade(review, moderator, grade="inadequate", rationale="The plan does not protect."):
    return review_moderate(
        review=review, actor=moderator, decision="regraded", grade=grade, rationale=rationale
    )


def submit_graded(reviewer, service_area, grade) -> Review:
    """A review completed and submitted through the services, with `grade` as its overall grade."""
    version = published_version(3)
    review = ReviewFactory(
        reviewer=reviewer,
        toolkit_version=version,
        case__team__service_area=service_area,
    )
    saved = review_save(
        review=review,
        actor=reviewer,
        based_on_version=0,
        answers=complete_answers(version),
        findings=complete_findings() | {"grade": grade},
    )
    return review_submit(review=saved, actor=reviewer, based_on_version=saved.lock_version)


# Submit


def test_submit_makes_the_reviewers_grade_the_final_grade(reviewer, service_area):
    submitted = submit_graded(reviewer, service_area, "requires_improvement")

    assert submitted.final_grade == "requires_improvement"
    assert not Escalation.objects.exists()


def test_an_inadequate_grade_at_submit_raises_one_escalation_in_the_same_transaction(
    reviewer, service_area, service_manager, head_of_service
):
    submitted = submit_graded(reviewer, service_area, "inadequate")

    escalation = Escalation.objects.get(review=submitted)
    assert (escalation.source, escalation.raised_by) == ("submit", reviewer)
    assert set(Notification.objects.values_list("recipient", "kind")) == {
        (service_manager.pk, "escalation_raised"),
        (head_of_service.pk, "escalation_raised"),
    }


def test_a_failed_submit_raises_no_escalation(reviewer, service_area):
    version = published_version(3)
    review = ReviewFactory(
        reviewer=reviewer, toolkit_version=version, case__team__service_area=service_area
    )
    review_save(review=review, actor=reviewer, based_on_version=0, findings={"grade": "inadequate"})

    with pytest.raises(Exception, match="missing"):
        review_submit(review=review, actor=reviewer, based_on_version=1)

    assert not Escalation.objects.exists()


# Agree and regrade


def test_agreeing_keeps_the_reviewers_grade_as_final_and_records_the_moderation(review, moderator):
    moderated = review_moderate(
        review=review, actor=moderator, decision="agreed", feedback_to_reviewer="Well evidenced."
    )

    assert moderated.status == Review.Status.MODERATED
    assert (moderated.grade, moderated.moderated_grade, moderated.final_grade) == ("good",) * 3
    assert (moderated.moderated_by, moderated.moderated_at) == (moderator, moderated.moderated_at)
    assert moderated.moderated_at is not None
    row = Moderation.objects.get(review=review)
    assert (row.decision, row.reviewer_grade, row.moderated_grade) == ("agreed", "good", "good")
    assert row.feedback_to_reviewer == "Well evidenced."
    event = ReviewEvent.objects.filter(review=review).last()
    assert (event.from_status, event.to_status, event.actor) == (
        "submitted",
        "moderated",
        moderator,
    )
    assert event.note == "Moderated: agreed the grade (Good)."


def test_regrading_keeps_both_grades_and_makes_the_moderators_final(review, moderator):
    moderated = regrade(review, moderator, "requires_improvement", "Plans lack timescales.")

    assert (moderated.grade, moderated.moderated_grade) == ("good", "requires_improvement")
    assert moderated.final_grade == "requires_improvement"
    assert moderated.moderation_rationale == "Plans lack timescales."
    assert ReviewEvent.objects.filter(review=review).last().note == (
        "Moderated: regraded from Good to Requires Improvement."
    )


def test_a_regrade_needs_a_rationale(review, moderator):
    with pytest.raises(ValidationError) as refusal:
        regrade(review, moderator, "requires_improvement", rationale="  ")

    assert refusal.value.message_dict == {
        "rationale": ["Enter the rationale for the moderated grade"]
    }
    review.refresh_from_db()
    assert (review.status, review.final_grade) == ("submitted", "good")
    assert not Moderation.objects.exists()


def test_a_regrade_to_the_reviewers_own_grade_is_refused(review, moderator):
    with pytest.raises(ValidationError) as refusal:
        regrade(review, moderator, "good")

    assert "already Good" in refusal.value.message_dict["grade"][0]


def test_a_regrade_needs_a_grade_and_a_decision_is_needed(review, moderator):
    with pytest.raises(ValidationError) as no_grade:
        regrade(review, moderator, "")
    with pytest.raises(ValidationError) as no_decision:
        review_moderate(review=review, actor=moderator, decision="", grade="good")

    assert no_grade.value.message_dict == {"grade": ["Select the moderated grade"]}
    assert list(no_decision.value.message_dict) == ["decision"]


def test_agreeing_with_another_grade_is_refused_as_a_regrade_in_disguise(review, moderator):
    with pytest.raises(ValidationError) as refusal:
        review_moderate(review=review, actor=moderator, decision="agreed", grade="inadequate")

    assert list(refusal.value.message_dict) == ["grade"]


def test_the_reviewer_is_notified_of_the_moderation(review, moderator):
    regrade(review, moderator, "requires_improvement")

    notification = Notification.objects.get(recipient=review.reviewer)
    assert notification.kind == "review_moderated"
    assert notification.url == f"/reviews/{review.pk}/"
    assert review.case.reference not in notification.summary


# Escalation at moderation


def test_a_regrade_to_inadequate_creates_one_escalation(
    review, moderator, service_manager, head_of_service
):
    regrade(review, moderator)

    escalation = Escalation.objects.get(review=review)
    assert (escalation.status, escalation.source, escalation.raised_by) == (
        "raised",
        "moderation",
        moderator,
    )
    assert escalation.events.get().to_status == "raised"
    assert Notification.objects.filter(kind="escalation_raised").count() == 2


def test_moderating_twice_still_creates_one_escalation(
    review, moderator, service_manager, head_of_service
):
    regrade(review, moderator)

    with pytest.raises(TransitionRefused, match="only a submitted review can be moderated"):
        regrade(review, moderator)

    assert Escalation.objects.filter(review=review).count() == 1
    assert Moderation.objects.filter(review=review).count() == 1
    assert Notification.objects.filter(kind="escalation_raised").count() == 2


def test_agreeing_a_reviewers_inadequate_keeps_the_one_escalation_raised_at_submit(
    reviewer, service_area, moderator
):
    submitted = submit_graded(reviewer, service_area, "inadequate")

    review_moderate(review=submitted, actor=moderator, decision="agreed")

    escalation = Escalation.objects.get(review=submitted)
    assert escalation.source == "submit"
    assert escalation.events.count() == 1


def test_a_regrade_from_inadequate_keeps_the_escalation(reviewer, service_area, moderator):
    submitted = submit_graded(reviewer, service_area, "inadequate")

    regrade(submitted, moderator, "requires_improvement")

    assert Escalation.objects.filter(review=submitted, status="raised").exists()


def test_a_rolled_back_moderation_sends_no_notification_and_leaves_no_escalation(
    review, moderator, service_manager, head_of_service, django_capture_on_commit_callbacks
):
    def regrade_then_fail():
        with transaction.atomic():
            regrade(review, moderator)
            raise RuntimeError("something after the grade failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        regrade_then_fail()

    assert callbacks == []
    assert not Notification.objects.exists()
    assert mail.outbox == []
    assert not Escalation.objects.exists()
    review.refresh_from_db()
    assert (review.status, review.final_grade) == ("submitted", "good")


def test_a_committed_escalation_is_emailed_to_the_service_manager_and_head_of_service(
    review, moderator, service_manager, head_of_service, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        regrade(review, moderator)

    emailed = {message.to[0] for message in mail.outbox}
    assert {service_manager.email, head_of_service.email} <= emailed
    for message in mail.outbox:
        assert review.case.reference not in message.subject + message.body
        assert "The plan does not protect." not in message.body


# Who may moderate


def test_a_moderator_cannot_moderate_a_review_they_wrote(service_area, moderator):
    own = submitted_review(service_area=service_area, reviewer=moderator)

    assert not can(moderator, "review.moderate", own)
    with pytest.raises(PermissionDenied, match="You wrote this review"):
        review_moderate(review=own, actor=moderator, decision="agreed")
    assert Review.objects.get(pk=own.pk).status == Review.Status.SUBMITTED


def test_a_moderator_of_another_service_cannot_moderate(review, outsider):
    assert not can(outsider, "review.moderate", review)
    with pytest.raises(PermissionDenied, match="Only a moderator of Children in Need"):
        review_moderate(review=review, actor=outsider, decision="agreed")


@pytest.mark.parametrize("person", ["reviewer", "service_manager", "head_of_service", "qa_manager"])
def test_other_roles_cannot_moderate(request, review, person):
    user = request.getfixturevalue(person)

    assert not can(user, "review.moderate", review)
    with pytest.raises(PermissionDenied):
        review_moderate(review=review, actor=user, decision="agreed")


def test_an_organisation_wide_moderator_may_moderate_any_service(review):
    everywhere = UserFactory(roles=[("moderator", None)])

    assert can(everywhere, "review.moderate", review)
    assert can(everywhere, "review.moderate")


@pytest.mark.parametrize("status", ["assigned", "in_progress", "moderated", "finalised"])
def test_only_a_submitted_review_can_be_moderated(service_area, moderator, status):
    review = ReviewFactory(status=status, grade="good", case__team__service_area=service_area)

    with pytest.raises(TransitionRefused, match="only a submitted review can be moderated"):
        review_moderate(review=review, actor=moderator, decision="agreed")


# Return to the reviewer


def test_returning_sends_the_review_back_in_progress_with_the_reason(review, moderator):
    returned = review_return(review=review, actor=moderator, reason="Please add the child's views.")

    assert returned.status == Review.Status.IN_PROGRESS
    assert returned.final_grade == ""
    row = Moderation.objects.get(review=review)
    assert (row.decision, row.feedback_to_reviewer, row.reviewer_grade) == (
        "returned",
        "Please add the child's views.",
        "good",
    )
    event = ReviewEvent.objects.filter(review=review).last()
    assert (event.from_status, event.to_status, event.actor) == (
        "submitted",
        "in_progress",
        moderator,
    )
    notification = Notification.objects.get(recipient=review.reviewer)
    assert notification.kind == "review_returned"
    assert "child's views" not in notification.summary


def test_returning_needs_a_reason(review, moderator):
    with pytest.raises(ValidationError) as refusal:
        review_return(review=review, actor=moderator, reason=" ")

    assert list(refusal.value.message_dict) == ["reason"]
    assert Review.objects.get(pk=review.pk).status == Review.Status.SUBMITTED


def test_a_moderator_cannot_return_their_own_review(service_area, moderator):
    own = submitted_review(service_area=service_area, reviewer=moderator)

    with pytest.raises(PermissionDenied):
        review_return(review=own, actor=moderator, reason="Not mine to return.")


def test_a_returned_review_can_be_changed_and_submitted_again_and_is_notified_each_time(
    reviewer, service_area, moderator
):
    submitted = submit_graded(reviewer, service_area, "good")
    review_return(review=submitted, actor=moderator, reason="First return.")
    assert can(reviewer, "review.edit", Review.objects.get(pk=submitted.pk))

    again = review_submit(
        review=submitted,
        actor=reviewer,
        based_on_version=Review.objects.get(pk=submitted.pk).lock_version,
    )
    review_return(review=again, actor=moderator, reason="Second return.")

    assert again.final_grade == "good"
    assert Notification.objects.filter(kind="review_returned").count() == 2


@pytest.mark.postgres
def test_two_moderations_at_once_make_one_moderation_and_one_escalation(transactional_db):
    # A double click: two requests (two threads, two connections) at the same moment. The row
    # lock makes the second wait for the first, then find the review moderated and be refused.
    moderator = UserFactory(roles=[("moderator", None)])
    review = submitted_review(grade="good")
    barrier = threading.Barrier(2)
    outcomes = []

    def moderate():
        try:
            barrier.wait()
            regrade(review, moderator)
            outcomes.append("moderated")
        except TransitionRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=moderate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["moderated", "refused"]
    assert Escalation.objects.filter(review=review).count() == 1
    assert Moderation.objects.filter(review=review).count() == 1
