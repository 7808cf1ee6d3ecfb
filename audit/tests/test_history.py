"""The audit trail: every change to reviews, answers, grades, escalations, actions, themes and
feedback keeps who, when, before and after (django-simple-history, issue 8)."""

import datetime
from contextlib import contextmanager

import pytest
from django.test import RequestFactory
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.tests.factories import UserFactory
from audit.history import TIMED_JOB, history_user_label
from audits.models import AnswerKind, Question
from audits.tests.factories import CaseFactory
from audits.toolkit_library import install_standard_toolkits
from feedback.complaints import complaint_update
from feedback.iro import iro_feedback_submit, iro_toolkit_version
from feedback.models import IROFeedbackAnswer
from feedback.tests.factories import ComplaintComplimentFactory
from reviews.actions import action_mark_done, action_verify
from reviews.escalations import escalation_record_assurance, escalations_remind_overdue
from reviews.models import Answer, Review, ReviewTheme
from reviews.services import review_moderate, review_save, review_submit
from reviews.tests.factories import (
    ActionFactory,
    EscalationFactory,
    ReviewFactory,
    complete_answers,
    complete_findings,
    published_version,
    submitted_review,
)
from reviews.themes import PRACTICE_THEMES, install_default_practice_themes

pytestmark = pytest.mark.django_db


@contextmanager
def request_of(user):
    """What HistoryRequestMiddleware does for a request: its user becomes `history_user`."""
    request = RequestFactory().post("/")
    request.user = user
    HistoricalRecords.context.request = request
    try:
        yield
    finally:
        del HistoricalRecords.context.request


def last_change(obj) -> tuple:
    """(latest record, {field: (before, after)}) between the two latest history rows of `obj`."""
    latest, previous = obj.history.order_by("-history_date", "-history_id")[:2]
    delta = latest.diff_against(previous)
    return latest, {change.field: (change.old, change.new) for change in delta.changes}


def assert_recent(record) -> None:
    assert timezone.now() - record.history_date < datetime.timedelta(minutes=1)


# The review page: autosave through the web, with the request's user.


def autosave(client, review, data):
    return client.post(f"/reviews/{review.pk}/autosave/", data, headers={"HX-Request": "true"})


def test_an_autosaved_finding_keeps_who_when_and_the_old_and_new_words(client, reviewer):
    review = ReviewFactory(reviewer=reviewer, status=Review.Status.IN_PROGRESS)
    client.force_login(reviewer)
    assert (
        autosave(client, review, {"lock_version": 0, "working_well": "Visits."}).status_code == 200
    )
    assert (
        autosave(client, review, {"lock_version": 1, "working_well": "Visits weekly."}).status_code
        == 200
    )

    record, changes = last_change(review)

    assert record.history_user == reviewer
    assert record.history_type == "~"
    assert_recent(record)
    assert changes["working_well"] == ("Visits.", "Visits weekly.")
    assert changes["lock_version"] == (1, 2)


def test_an_answer_created_then_changed_keeps_both_versions_by_the_reviewer(client, reviewer):
    review = ReviewFactory(
        reviewer=reviewer, status=Review.Status.IN_PROGRESS, toolkit_version=published_version(6)
    )
    question = Question.objects.filter(
        section__version=review.toolkit_version, answer_kind=AnswerKind.GRADED
    ).first()
    client.force_login(reviewer)
    autosave(client, review, {"lock_version": 0, f"q-{question.pk}": "good"})
    autosave(client, review, {"lock_version": 1, f"q-{question.pk}": "outstanding"})

    answer = Answer.objects.get(review=review, question=question)
    created, changed = answer.history.order_by("history_date", "history_id")
    _, changes = last_change(answer)

    assert (created.history_type, created.history_user, created.grade) == ("+", reviewer, "good")
    assert (changed.history_type, changed.history_user) == ("~", reviewer)
    assert changes["grade"] == ("good", "outstanding")


def test_the_first_save_of_an_assigned_review_is_one_history_row_with_the_move(reviewer):
    review = ReviewFactory(reviewer=reviewer, status=Review.Status.ASSIGNED)
    before = review.history.count()

    review_save(
        review=review, actor=reviewer, based_on_version=0, findings={"recommendations": "A"}
    )

    assert review.history.count() == before + 1
    record = review.history.latest()
    assert (record.history_user, record.status, record.recommendations) == (
        reviewer,
        "in_progress",
        "A",
    )


def test_submitting_a_review_keeps_the_reviewers_grade_and_who_submitted(reviewer):
    review = ReviewFactory(
        reviewer=reviewer, status=Review.Status.IN_PROGRESS, toolkit_version=published_version(6)
    )
    review = review_save(
        review=review,
        actor=reviewer,
        based_on_version=0,
        answers=complete_answers(review.toolkit_version),
        findings=complete_findings(),
    )

    review_submit(review=review, actor=reviewer, based_on_version=review.lock_version)

    record, changes = last_change(review)
    assert record.history_user == reviewer
    assert changes["status"] == ("in_progress", "submitted")
    assert changes["final_grade"] == ("", complete_findings()["grade"])


def test_a_moderators_regrade_keeps_both_grades_and_the_moderator(moderator, service_area):
    review = submitted_review(service_area=service_area, grade="good")

    with request_of(moderator):
        review_moderate(
            review=review,
            actor=moderator,
            decision="regraded",
            grade="requires_improvement",
            rationale="The plan has no timescales.",
        )

    record, changes = last_change(review)
    assert record.history_user == moderator
    assert changes["moderated_grade"] == ("", "requires_improvement")
    assert changes["final_grade"] == ("good", "requires_improvement")
    assert record.grade == "good"  # the reviewer's grade is kept beside it
    moderation = review.moderations.get()
    assert moderation.history.get().history_user == moderator


def test_an_escalation_assurance_keeps_the_service_managers_words(service_manager, service_area):
    escalation = EscalationFactory(
        review=submitted_review(service_area=service_area, grade="inadequate")
    )

    # No request here: the workflow's move names its actor itself.
    escalation_record_assurance(
        escalation=escalation,
        actor=service_manager,
        safety_assurance="Seen today; safe.",
        mitigation="Daily visits.",
        actions_needed="Strategy meeting.",
        urgent=False,
    )

    record, changes = last_change(escalation)
    assert record.history_user == service_manager
    assert changes["safety_assurance"] == ("", "Seen today; safe.")
    assert changes["status"] == ("raised", "closed")


def test_the_overdue_job_claims_with_an_update_and_still_writes_a_history_row(service_area):
    escalation = EscalationFactory(
        review=submitted_review(service_area=service_area, grade="inadequate"),
        deadline=timezone.localdate() - datetime.timedelta(days=3),
    )

    assert escalations_remind_overdue() == 1

    record, changes = last_change(escalation)
    assert record.history_user is None
    assert history_user_label(record) == TIMED_JOB
    assert changes["reminded_at"][0] is None
    assert changes["reminded_at"][1] is not None


def test_an_action_marked_done_then_verified_keeps_each_person(
    practitioner, practice_lead, reviewer, service_area
):
    review = ReviewFactory(
        reviewer=reviewer,
        status=Review.Status.SUBMITTED,
        grade="requires_improvement",
        submitted_at=timezone.now(),
        case__team__service_area=service_area,
        case__practitioner=practitioner,
    )
    action = ActionFactory(review=review, owner=practitioner)

    action_mark_done(action=action, actor=practitioner, evidence="Plan updated on 3 May.")
    record, changes = last_change(action)
    assert record.history_user == practitioner
    assert changes["status"] == ("open", "done")
    assert changes["evidence"] == ("", "Plan updated on 3 May.")

    action_verify(action=action, actor=practice_lead)
    record, changes = last_change(action)
    assert record.history_user == practice_lead
    assert changes["status"] == ("done", "verified")


def test_iro_feedback_and_each_of_its_answers_are_in_the_trail(reviewer, service_area):
    install_standard_toolkits()
    version = iro_toolkit_version()
    case = CaseFactory(team__service_area=service_area)
    values = {AnswerKind.GRADED: "good", AnswerKind.YES_PARTLY_NO: "partly"}
    answers = {
        q.pk: values.get(q.answer_kind, "Some words.")
        for q in Question.objects.filter(section__version=version)
    }

    feedback = iro_feedback_submit(
        case=case,
        actor=reviewer,
        meeting_type="cp_conference",
        meeting_on=timezone.localdate() - datetime.timedelta(days=1),
        participation="too_young",
        answers=answers,
    )

    assert feedback.history.get().history_type == "+"
    rows = IROFeedbackAnswer.history.filter(feedback_id=feedback.pk)
    assert rows.count() == len(answers) > 0
    assert {row.history_user_id for row in rows} == {reviewer.pk}


def test_a_complaint_updated_keeps_the_old_and_new_outcome(qa_manager):
    entry = ComplaintComplimentFactory(outcome="")

    with request_of(qa_manager):
        complaint_update(entry=entry, themes=[], actor=qa_manager, outcome="Apology given.")

    record, changes = last_change(entry)
    assert record.history_user == qa_manager
    assert changes["outcome"] == ("", "Apology given.")


def test_tagging_and_untagging_a_theme_keeps_who_and_when(client, reviewer):
    install_default_practice_themes()
    theme = PRACTICE_THEMES.model.objects.first()
    review = ReviewFactory(reviewer=reviewer, status=Review.Status.IN_PROGRESS)
    client.force_login(reviewer)

    autosave(client, review, {"lock_version": 0, "strength_themes": [theme.pk]})
    autosave(client, review, {"lock_version": 1})

    added, removed = ReviewTheme.history.filter(review_id=review.pk).order_by("history_id")
    assert (added.history_type, added.history_user, added.theme_id) == ("+", reviewer, theme.pk)
    assert (removed.history_type, removed.history_user) == ("-", reviewer)
    assert_recent(removed)


def test_a_change_outside_any_request_names_no_user(reviewer):
    review = ReviewFactory(reviewer=UserFactory(), status=Review.Status.IN_PROGRESS)
    review.overdue_marked_at = timezone.now()
    review.save()

    assert history_user_label(review.history.latest()) == TIMED_JOB
