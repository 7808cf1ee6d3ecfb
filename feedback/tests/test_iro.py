"""IRO / CP chair case feedback: the service, its management alert, the look-up and who sees
what."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Notification
from accounts.permissions import can
from accounts.tests.factories import UserFactory
from audits.models import AnswerKind, Question, ToolkitKind
from audits.services.toolkits import question_add, toolkit_new_draft, toolkit_version_publish
from audits.tests.factories import CaseFactory
from audits.toolkit_library import install_standard_toolkits
from feedback.iro import (
    ALERT_KIND,
    case_by_reference,
    iro_feedback_listed_for,
    iro_feedback_submit,
    iro_feedback_visible_to,
    iro_toolkit_version,
)
from feedback.models import IROFeedback
from feedback.tests.factories import IROFeedbackFactory

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


@pytest.fixture
def version(db):
    install_standard_toolkits()
    return iro_toolkit_version()


@pytest.fixture
def case(service_area):
    return CaseFactory(team__service_area=service_area)


def full_answers(version) -> dict[int, str]:
    values = {AnswerKind.GRADED: "good", AnswerKind.YES_PARTLY_NO: "partly"}
    questions = Question.objects.filter(section__version=version)
    return {q.pk: values.get(q.answer_kind, "Some words.") for q in questions}


def submit(case, actor, version, **overrides):
    fields = {
        "case": case,
        "actor": actor,
        "meeting_type": IROFeedback.MeetingType.LAC_REVIEW,
        "meeting_on": YESTERDAY,
        "participation": IROFeedback.Participation.ADVOCATE,
        "child_words": "I want to stay with my nan.",
        "management_alert": False,
        "answers": full_answers(version),
    }
    return iro_feedback_submit(**(fields | overrides))


def alerts():
    return Notification.objects.filter(kind=ALERT_KIND)


def test_the_standard_iro_toolkit_asks_about_impact_the_plan_progress_and_the_childs_voice(
    version,
):
    assert version.toolkit.kind == ToolkitKind.IRO_FEEDBACK
    questions = Question.objects.filter(section__version=version).order_by("position")
    kinds = [q.answer_kind for q in questions]
    assert kinds == ["graded", "graded", "yes_partly_no", "yes_partly_no"]
    assert "lived experience" in questions[0].text


def test_a_submission_records_the_feedback_its_answers_and_the_toolkit_version(
    version, case, reviewer
):
    feedback = submit(case, reviewer, version)

    assert feedback.toolkit_version == version
    assert feedback.submitted_by == reviewer
    assert feedback.answers.count() == 4
    assert set(feedback.answers.values_list("grade", flat=True)) == {"good", ""}
    assert not alerts().exists()


def test_an_iro_form_with_the_alert_flag_notifies_the_service_manager_once_after_commit(
    version, case, reviewer, service_manager, django_capture_on_commit_callbacks
):
    elsewhere = UserFactory(roles=[("service_manager", CaseFactory().service_area)])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        feedback = submit(case, reviewer, version, management_alert=True)

    assert len(callbacks) == 1  # the e-mail is queued only once the feedback is committed
    alert = alerts().get()
    assert alert.recipient == service_manager
    assert alert.url == f"/feedback/iro/{feedback.pk}/"
    assert case.reference not in alert.summary
    assert "Children in Need" in alert.summary
    assert not alerts().filter(recipient=elsewhere).exists()


def test_submitting_twice_gives_two_forms_each_notifying_once_for_its_own_feedback(
    version, case, reviewer, service_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = submit(case, reviewer, version, management_alert=True)
        second = submit(case, reviewer, version, management_alert=True)

    assert len(callbacks) == 2
    assert IROFeedback.objects.count() == 2
    assert sorted(alerts().values_list("key", flat=True)) == sorted(
        f"{ALERT_KIND}:feedback.irofeedback:{f.pk}::{service_manager.pk}" for f in (first, second)
    )


def test_no_one_is_notified_when_the_submission_rolls_back(
    version, case, reviewer, service_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                submit(case, reviewer, version, management_alert=True)
                raise RuntimeError("the request failed after the feedback was written")
        except RuntimeError:
            pass

    assert callbacks == []
    assert not alerts().exists()
    assert not IROFeedback.objects.exists()


def test_a_meeting_date_in_the_future_is_refused(version, case, reviewer):
    with pytest.raises(ValidationError, match="cannot be in the future"):
        submit(case, reviewer, version, meeting_on=timezone.localdate() + datetime.timedelta(1))

    assert not IROFeedback.objects.exists()


def test_an_unanswered_required_question_is_refused(version, case, reviewer):
    answers = full_answers(version)
    answers.popitem()

    with pytest.raises(ValidationError, match="Answer the question"):
        submit(case, reviewer, version, answers=answers)


def test_a_grade_that_does_not_exist_is_refused(version, case, reviewer):
    answers = dict.fromkeys(full_answers(version), "excellent")

    with pytest.raises(ValidationError):
        submit(case, reviewer, version, answers=answers)


def test_without_a_published_iro_toolkit_nothing_can_be_submitted(case, reviewer):
    with pytest.raises(ValidationError, match="no published"):
        iro_feedback_submit(
            case=case,
            actor=reviewer,
            meeting_type="cp_conference",
            meeting_on=YESTERDAY,
            participation="too_young",
            answers={},
        )


def test_a_case_is_found_by_its_reference_whatever_the_case_and_spaces(case):
    assert case_by_reference(f"  {case.reference.lower()} ") == case
    assert case_by_reference("NOPE-1") is None
    assert case_by_reference("") is None


def test_reviewers_in_any_area_and_the_qa_manager_may_give_iro_feedback(
    reviewer, outsider, qa_manager, practitioner, service_manager
):
    assert can(reviewer, "feedback.iro.create")
    assert can(outsider, "feedback.iro.create")  # a reviewer of another area: chairs move about
    assert can(qa_manager, "feedback.iro.create")
    assert not can(practitioner, "feedback.iro.create")
    assert not can(service_manager, "feedback.iro.create")


def test_the_qa_manager_the_submitter_and_the_cases_area_roles_see_a_feedback(
    service_area, qa_manager, moderator, service_manager, head_of_service, practice_lead, outsider
):
    submitter = UserFactory(roles=[("reviewer", service_area)])
    feedback = IROFeedbackFactory(case__team__service_area=service_area, submitted_by=submitter)
    other_reviewer = UserFactory(roles=[("reviewer", service_area)])

    for user in (qa_manager, submitter, moderator, service_manager, head_of_service, practice_lead):
        assert can(user, "feedback.iro.view", feedback)
        assert feedback in iro_feedback_visible_to(user)
    for user in (outsider, other_reviewer):
        assert not can(user, "feedback.iro.view", feedback)
        assert feedback not in iro_feedback_visible_to(user)


def test_the_list_shows_the_qa_manager_everything_and_a_reviewer_their_own(qa_manager, reviewer):
    mine = IROFeedbackFactory(submitted_by=reviewer)
    theirs = IROFeedbackFactory()

    assert set(iro_feedback_listed_for(qa_manager)) == {mine, theirs}
    assert list(iro_feedback_listed_for(reviewer)) == [mine]


def test_the_list_is_for_reviewers_and_the_qa_manager(
    reviewer, qa_manager, service_manager, practitioner
):
    assert can(reviewer, "feedback.iro.list")
    assert can(qa_manager, "feedback.iro.list")
    assert not can(service_manager, "feedback.iro.list")
    assert not can(practitioner, "feedback.iro.list")


def test_the_qa_managers_newly_published_version_is_used_for_new_forms(
    version, case, reviewer, qa_manager
):
    draft, _ = toolkit_new_draft(toolkit=version.toolkit, actor=qa_manager)
    question_add(
        section=draft.sections.get(),
        text="Is the plan reviewed on time?",
        answer_kind=AnswerKind.YES_PARTLY_NO,
        actor=qa_manager,
    )
    toolkit_version_publish(version=draft, actor=qa_manager, change_note="One more question.")

    assert iro_toolkit_version() == draft
    feedback = submit(case, reviewer, draft)
    assert feedback.toolkit_version == draft
    assert feedback.answers.count() == 5
