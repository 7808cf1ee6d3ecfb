"""Agreed actions: reviews/actions.py's services, the action's transitions table and its rules."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Notification, Role
from accounts.permissions import can
from accounts.tests.factories import UserFactory
from qaf.workflow import TransitionRefused
from reviews.actions import (
    ACTION_TRANSITIONS,
    action_add,
    action_delete,
    action_mark_done,
    action_reopen,
    action_transition,
    action_update,
    action_verify,
)
from reviews.models import Action, ActionEvent, Review

from .factories import ActionFactory, ReviewFactory, in_days

pytestmark = pytest.mark.django_db

A = Action.Status
S = Review.Status


@pytest.fixture
def good_review(reviewer, practitioner, service_area):
    return ReviewFactory(
        reviewer=reviewer,
        status=S.SUBMITTED,
        grade="good",
        submitted_at=timezone.now(),
        case__team__service_area=service_area,
        case__practitioner=practitioner,
    )


def add(review, actor, **changes):
    fields = {
        "description": "Update the child's plan with clear timescales.",
        "owner": review.case.practitioner,
        "due_on": in_days(14),
    }
    return action_add(review=review, actor=actor, **(fields | changes))


def notifications(kind: str):
    return list(Notification.objects.filter(kind=kind).order_by("recipient_id"))


def done_action(review, owner, **fields) -> Action:
    return ActionFactory(
        review=review, owner=owner, status=A.DONE, evidence="The plan was updated.", **fields
    )


# Agreeing an action.


def test_the_reviewer_agrees_an_action_which_opens_with_an_event_and_tells_its_owner(
    review, reviewer, practitioner
):
    action = add(review, reviewer)

    assert action.status == A.OPEN
    assert (action.owner, action.due_on, action.created_by) == (practitioner, in_days(14), reviewer)
    [event] = ActionEvent.objects.filter(action=action)
    assert (event.from_status, event.to_status, event.actor) == ("", A.OPEN, reviewer)
    [told] = notifications("action_agreed")
    assert told.recipient == practitioner
    assert told.url == "/reviews/actions/?whose=mine&status=open"
    assert "Children in Need" in told.summary
    assert "timescales" not in told.summary  # free text never travels by e-mail


@pytest.mark.parametrize("status", [S.ASSIGNED, S.IN_PROGRESS, S.SUBMITTED])
def test_actions_are_agreed_during_or_after_the_discussion_until_moderation(
    review, reviewer, status
):
    Review.objects.filter(pk=review.pk).update(status=status)

    assert add(review, reviewer).status == A.OPEN


@pytest.mark.parametrize("status", [S.UNASSIGNED, S.MODERATED, S.FINALISED])
def test_actions_are_refused_before_the_review_is_assigned_or_once_it_is_moderated(
    review, reviewer, status
):
    Review.objects.filter(pk=review.pk).update(status=status)

    with pytest.raises(PermissionDenied):
        add(review, reviewer)
    assert not Action.objects.exists()


@pytest.mark.parametrize("person", ["moderator", "practitioner", "practice_lead", "qa_manager"])
def test_only_the_reviewer_agrees_actions(request, review, person):
    with pytest.raises(PermissionDenied):
        add(review, request.getfixturevalue(person))
    assert not Action.objects.exists()


@pytest.mark.parametrize("days", [0, -1, -30])
def test_an_action_due_today_or_in_the_past_is_refused(review, reviewer, days):
    with pytest.raises(ValidationError) as refusal:
        add(review, reviewer, due_on=in_days(days))

    assert refusal.value.message_dict == {
        "due_on": ["The date the action is due by must be in the future."]
    }
    assert not Action.objects.exists()
    assert not Notification.objects.exists()


def test_an_action_needs_a_description_and_a_current_member_of_staff_as_owner(review, reviewer):
    with pytest.raises(ValidationError) as blank:
        add(review, reviewer, description="   ")
    with pytest.raises(ValidationError) as gone:
        add(review, reviewer, owner=UserFactory(is_active=False))

    assert set(blank.value.message_dict) == {"description"}
    assert set(gone.value.message_dict) == {"owner"}
    assert not Action.objects.exists()


def test_a_reviewer_who_owns_the_action_is_not_told_about_it(review, reviewer):
    add(review, reviewer, owner=reviewer)

    assert not notifications("action_agreed")


# Changing and deleting an open action.


def test_the_reviewer_changes_an_open_action_and_the_change_is_recorded(
    review, reviewer, practitioner
):
    action = add(review, reviewer)
    manager = UserFactory()

    changed = action_update(
        action=action,
        actor=reviewer,
        description="Hold a family network meeting.",
        owner=manager,
        due_on=in_days(21),
    )

    assert (changed.description, changed.owner, changed.due_on) == (
        "Hold a family network meeting.",
        manager,
        in_days(21),
    )
    event = ActionEvent.objects.filter(action=action).last()
    assert (event.from_status, event.to_status, event.actor) == (A.OPEN, A.OPEN, reviewer)
    assert event.note == "Changed: what is to be done, owner, due date."
    assert [n.recipient for n in notifications("action_agreed")] == [practitioner, manager]


def test_an_overdue_action_keeps_its_date_when_only_its_description_changes(
    review, reviewer, practitioner
):
    action = ActionFactory(review=review, owner=practitioner, due_on=in_days(-3))

    changed = action_update(
        action=action, actor=reviewer, description="Clearer words.", owner=practitioner,
        due_on=in_days(-3),
    )  # fmt: skip

    assert changed.description == "Clearer words."
    with pytest.raises(ValidationError):
        action_update(
            action=action, actor=reviewer, description="Clearer words.", owner=practitioner,
            due_on=in_days(-1),
        )  # fmt: skip


def test_a_change_that_changes_nothing_records_nothing(review, reviewer):
    action = add(review, reviewer)

    action_update(
        action=action, actor=reviewer, description=action.description, owner=action.owner,
        due_on=action.due_on,
    )  # fmt: skip

    assert ActionEvent.objects.filter(action=action).count() == 1


def test_a_done_action_cannot_be_changed_or_deleted(review, reviewer, practitioner):
    action = done_action(review, practitioner)

    with pytest.raises(TransitionRefused, match="cannot be changed"):
        action_update(
            action=action, actor=reviewer, description="x", owner=practitioner, due_on=in_days(5)
        )
    with pytest.raises(TransitionRefused, match="cannot be deleted"):
        action_delete(action=action, actor=reviewer)
    assert Action.objects.filter(pk=action.pk, description=action.description).exists()


def test_the_reviewer_deletes_an_open_action(review, reviewer):
    action = add(review, reviewer)

    action_delete(action=action, actor=reviewer)

    assert not Action.objects.exists()


@pytest.mark.parametrize("person", ["practitioner", "moderator", "practice_lead"])
def test_only_the_reviewer_changes_or_deletes_an_action(request, review, reviewer, person):
    action = add(review, reviewer)
    someone = request.getfixturevalue(person)

    with pytest.raises(PermissionDenied):
        action_update(
            action=action, actor=someone, description="x", owner=someone, due_on=in_days(5)
        )
    with pytest.raises(PermissionDenied):
        action_delete(action=action, actor=someone)
    assert Action.objects.get(pk=action.pk).description == action.description


# Done.


def test_the_owner_marks_an_action_done_with_the_evidence(review, reviewer, practitioner):
    action = add(review, reviewer)

    done = action_mark_done(action=action, actor=practitioner, evidence="  Plan updated.  ")

    assert done.status == A.DONE
    assert done.evidence == "Plan updated."
    assert done.done_at is not None
    event = ActionEvent.objects.filter(action=action).last()
    assert (event.from_status, event.to_status, event.actor) == (A.OPEN, A.DONE, practitioner)


def test_marking_done_needs_the_evidence(review, practitioner):
    action = ActionFactory(review=review, owner=practitioner)

    with pytest.raises(ValidationError) as refusal:
        action_mark_done(action=action, actor=practitioner, evidence=" ")

    assert set(refusal.value.message_dict) == {"evidence"}
    assert Action.objects.get(pk=action.pk).status == A.OPEN


@pytest.mark.parametrize("person", ["reviewer", "practice_lead", "service_manager", "qa_manager"])
def test_only_the_owner_marks_an_action_done(request, review, practitioner, person):
    action = ActionFactory(review=review, owner=practitioner)

    with pytest.raises(PermissionDenied):
        action_mark_done(action=action, actor=request.getfixturevalue(person), evidence="Done.")
    assert Action.objects.get(pk=action.pk).status == A.OPEN


def test_an_action_already_done_cannot_be_marked_done_again(review, practitioner):
    action = done_action(review, practitioner)

    with pytest.raises(TransitionRefused, match="cannot be marked done"):
        action_mark_done(action=action, actor=practitioner, evidence="Again.")


@pytest.mark.parametrize("grade", ["requires_improvement", "inadequate"])
def test_a_done_action_of_a_ri_or_inadequate_review_asks_the_practice_leads_to_verify(
    review, practitioner, practice_lead, outsider, grade
):
    Review.objects.filter(pk=review.pk).update(final_grade=grade)
    everywhere = UserFactory(roles=[(Role.PRACTICE_LEAD, None)])
    UserFactory(roles=[(Role.PRACTICE_LEAD, review.case.service_area)], is_active=False)
    action = ActionFactory(review=review, owner=practitioner)

    action_mark_done(action=action, actor=practitioner, evidence="Plan updated.")

    told = notifications("action_done")
    assert {n.recipient for n in told} == {practice_lead, everywhere}  # not the outsider
    assert all(n.url == f"/reviews/actions/{action.pk}/verify/" for n in told)
    assert all("verify it to close the loop" in n.summary for n in told)
    assert all("Plan updated" not in n.summary for n in told)


def test_the_reviewers_grade_decides_until_the_review_is_moderated(
    review, practitioner, practice_lead
):
    Review.objects.filter(pk=review.pk).update(final_grade="", grade="inadequate")
    action = ActionFactory(review=review, owner=practitioner)

    action_mark_done(action=action, actor=practitioner, evidence="Plan updated.")

    assert [n.recipient for n in notifications("action_done")] == [practice_lead]


def test_a_moderated_grade_of_good_asks_for_no_verification(review, practitioner, practice_lead):
    Review.objects.filter(pk=review.pk).update(grade="inadequate", final_grade="good")
    action = ActionFactory(review=review, owner=practitioner)

    action_mark_done(action=action, actor=practitioner, evidence="Plan updated.")

    assert not notifications("action_done")


def test_a_done_action_of_a_good_review_stays_done_and_nobody_is_asked_to_verify(
    good_review, practitioner, practice_lead
):
    action = ActionFactory(review=good_review, owner=practitioner)

    done = action_mark_done(action=action, actor=practitioner, evidence="Plan updated.")

    assert done.status == A.DONE
    assert not notifications("action_done")
    with pytest.raises(TransitionRefused, match="verification is needed only for"):
        action_verify(action=done, actor=practice_lead)
    assert Action.objects.get(pk=action.pk).status == A.DONE


def test_done_again_after_a_reopening_asks_again_but_a_retry_does_not(
    review, practitioner, practice_lead
):
    action = ActionFactory(review=review, owner=practitioner)
    action_mark_done(action=action, actor=practitioner, evidence="First.")
    with pytest.raises(TransitionRefused):
        action_mark_done(action=action, actor=practitioner, evidence="Double click.")
    action_reopen(action=action, actor=practice_lead, reason="The plan has no dates.")
    action_mark_done(action=action, actor=practitioner, evidence="Dates added.")

    assert len(notifications("action_done")) == 2


# Verify and reopen.


def test_a_practice_lead_of_the_service_verifies_a_done_action(review, practitioner, practice_lead):
    action = done_action(review, practitioner)

    verified = action_verify(action=action, actor=practice_lead)

    assert verified.status == A.VERIFIED
    assert verified.verified_by == practice_lead
    assert verified.verified_at is not None
    event = ActionEvent.objects.filter(action=action).last()
    assert (event.from_status, event.to_status, event.actor) == (A.DONE, A.VERIFIED, practice_lead)


def test_an_organisation_wide_practice_lead_verifies_in_every_service(review, practitioner):
    everywhere = UserFactory(roles=[(Role.PRACTICE_LEAD, None)])

    assert action_verify(action=done_action(review, practitioner), actor=everywhere).status == (
        A.VERIFIED
    )


@pytest.mark.parametrize("person", ["outsider", "reviewer", "service_manager", "qa_manager"])
def test_only_a_practice_lead_of_the_service_verifies_or_reopens(
    request, review, practitioner, person
):
    action = done_action(review, practitioner)
    someone = request.getfixturevalue(person)

    with pytest.raises(PermissionDenied):
        action_verify(action=action, actor=someone)
    with pytest.raises(PermissionDenied):
        action_reopen(action=action, actor=someone, reason="Not enough.")
    assert Action.objects.get(pk=action.pk).status == A.DONE


def test_a_practice_lead_cannot_verify_an_action_they_own(review, practice_lead):
    action = done_action(review, practice_lead)

    with pytest.raises(PermissionDenied):
        action_verify(action=action, actor=practice_lead)


@pytest.mark.parametrize("status", [A.OPEN, A.VERIFIED])
def test_only_a_done_action_is_verified_or_reopened(review, practitioner, practice_lead, status):
    action = ActionFactory(review=review, owner=practitioner, status=status)

    with pytest.raises(TransitionRefused):
        action_verify(action=action, actor=practice_lead)
    with pytest.raises(TransitionRefused):
        action_reopen(action=action, actor=practice_lead, reason="Not enough.")
    assert Action.objects.get(pk=action.pk).status == status


def test_a_practice_lead_reopens_a_done_action_with_the_reason_and_the_owner_is_told(
    review, practitioner, practice_lead
):
    action = done_action(review, practitioner, done_at=timezone.now())

    reopened = action_reopen(
        action=action, actor=practice_lead, reason="The plan still has no timescales."
    )

    assert reopened.status == A.OPEN
    assert reopened.done_at is None
    assert reopened.evidence == "The plan was updated."  # kept, for the owner to add to
    event = ActionEvent.objects.filter(action=action).last()
    assert (event.from_status, event.to_status, event.actor) == (A.DONE, A.OPEN, practice_lead)
    assert event.note == "The plan still has no timescales."
    [told] = notifications("action_reopened")
    assert told.recipient == practitioner
    assert "timescales" not in told.summary


def test_reopening_needs_a_reason(review, practitioner, practice_lead):
    action = done_action(review, practitioner)

    with pytest.raises(ValidationError) as refusal:
        action_reopen(action=action, actor=practice_lead, reason="")

    assert set(refusal.value.message_dict) == {"reason"}
    assert Action.objects.get(pk=action.pk).status == A.DONE


# The transitions table.

ALL_MOVES = [(a, b) for a, b in itertools.product(A.values, A.values) if a != b]


def test_the_table_holds_the_designed_workflow():
    designed = {(A.OPEN, A.DONE), (A.DONE, A.VERIFIED), (A.DONE, A.OPEN)}
    assert designed == ACTION_TRANSITIONS


@pytest.mark.parametrize(("from_status", "to_status"), ALL_MOVES)
def test_each_move_is_made_if_in_the_table_and_refused_otherwise(
    review, practitioner, from_status, to_status
):
    action = ActionFactory(review=review, owner=practitioner, status=from_status)

    if (from_status, to_status) in ACTION_TRANSITIONS:
        moved = action_transition(action=action, to_status=to_status, actor=practitioner)
        assert moved.status == to_status
        assert ActionEvent.objects.filter(
            action=action, from_status=from_status, to_status=to_status
        ).exists()
    else:
        with pytest.raises(TransitionRefused):
            action_transition(action=action, to_status=to_status, actor=practitioner)
        assert Action.objects.get(pk=action.pk).status == from_status
        assert not ActionEvent.objects.filter(action=action).exists()


# The rules.


def test_action_add_is_the_reviewers_while_the_review_is_open_to_actions(
    review, reviewer, moderator
):
    assert can(reviewer, "action.add", review)
    assert not can(moderator, "action.add", review)
    assert can(reviewer, "action.add")  # without a review: any reviewer
    assert not can(moderator, "action.add")
    review.status = S.MODERATED
    assert not can(reviewer, "action.add", review)


def test_action_complete_is_the_owners_only(review, practitioner, reviewer):
    action = ActionFactory(review=review, owner=practitioner)

    assert can(practitioner, "action.complete", action)
    assert not can(reviewer, "action.complete", action)
    assert not can(practitioner, "action.complete")  # only ever about one action


def test_action_verify_is_a_practice_lead_of_the_service_but_not_the_owner(
    review, practitioner, practice_lead, outsider
):
    action = ActionFactory(review=review, owner=practitioner)
    own = ActionFactory(review=review, owner=practice_lead)

    assert can(practice_lead, "action.verify", action)
    assert not can(practice_lead, "action.verify", own)
    assert not can(outsider, "action.verify", action)
    assert not can(practitioner, "action.verify", action)
    assert can(outsider, "action.verify")  # without an action: any Practice Lead


def test_action_view_is_the_owner_and_whoever_reads_the_review(
    review, practitioner, practice_lead, service_manager, outsider
):
    owner_elsewhere = UserFactory()
    action = ActionFactory(review=review, owner=owner_elsewhere)

    for person in (owner_elsewhere, practitioner, practice_lead, service_manager):
        assert can(person, "action.view", action)
    assert not can(outsider, "action.view", action)
    assert not can(UserFactory(), "action.view", action)


def test_the_close_the_loop_board_is_for_practice_leads(practice_lead, practitioner, outsider):
    assert can(practice_lead, "actions.verify_board")
    assert can(outsider, "actions.verify_board")
    assert not can(practitioner, "actions.verify_board")
