"""Saving, checking and submitting a review: reviews/services.py."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from accounts.tests.factories import UserFactory
from audits.models import AnswerKind, Question
from qaf.workflow import TransitionRefused
from reviews.models import Answer, Review, ReviewEvent
from reviews.services import (
    ReviewIncomplete,
    StaleReview,
    review_missing_items,
    review_save,
    review_submit,
)

from .factories import (
    QuestionFactory,
    ReviewFactory,
    SectionFactory,
    ToolkitVersionFactory,
    complete_answers,
    complete_findings,
    published_version,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def review(reviewer):
    return ReviewFactory(reviewer=reviewer, toolkit_version=published_version(6))


def questions_of(review, kind=None):
    questions = Question.objects.filter(section__version=review.toolkit_version).order_by(
        "section__position", "position"
    )
    return list(questions.filter(answer_kind=kind) if kind else questions)


def first_graded(review):
    return questions_of(review, AnswerKind.GRADED)[0]


def test_a_save_stores_the_answers_and_findings_and_moves_the_version_on(review, reviewer):
    question = first_graded(review)

    saved = review_save(
        review=review,
        actor=reviewer,
        based_on_version=0,
        answers={question.pk: {"grade": "good"}},
        findings={"working_well": "Purposeful visits."},
    )

    assert saved.lock_version == 1
    assert saved.updated_by == reviewer
    assert saved.working_well == "Purposeful visits."
    answer = Answer.objects.get(review=review, question=question)
    assert (answer.grade, answer.updated_by) == ("good", reviewer)


def test_the_first_save_starts_the_review_and_records_who_and_when(review, reviewer):
    review_save(
        review=review,
        actor=reviewer,
        based_on_version=0,
        findings={"recommendations": "Update the plan."},
    )

    review.refresh_from_db()
    assert review.status == Review.Status.IN_PROGRESS
    event = ReviewEvent.objects.get(review=review)
    assert (event.from_status, event.to_status, event.actor) == (
        "assigned",
        "in_progress",
        reviewer,
    )


def test_a_later_save_updates_the_stored_answer_in_place(review, reviewer):
    question = first_graded(review)
    review_save(
        review=review, actor=reviewer, based_on_version=0, answers={question.pk: {"grade": "good"}}
    )

    review_save(
        review=review,
        actor=reviewer,
        based_on_version=1,
        answers={question.pk: {"grade": "inadequate"}},
    )

    assert list(Answer.objects.filter(review=review).values_list("grade", flat=True)) == [
        "inadequate"
    ]
    assert ReviewEvent.objects.filter(review=review).count() == 1


def test_a_save_that_changes_nothing_writes_nothing(review, reviewer):
    question = first_graded(review)

    saved = review_save(
        review=review,
        actor=reviewer,
        based_on_version=0,
        answers={question.pk: {"grade": ""}},
        findings={"working_well": ""},
    )

    assert saved.lock_version == 0
    assert saved.status == Review.Status.ASSIGNED
    assert not Answer.objects.filter(review=review).exists()


def test_a_stale_save_is_refused_naming_who_saved_and_when_and_changes_nothing(review, reviewer):
    question = first_graded(review)
    with time_machine.travel(datetime.datetime(2026, 11, 23, 14, 32, tzinfo=LONDON)):
        review_save(
            review=review,
            actor=reviewer,
            based_on_version=0,
            answers={question.pk: {"grade": "good"}},
            findings={"working_well": "First tab."},
        )

    with pytest.raises(StaleReview) as refusal:
        review_save(
            review=review,
            actor=reviewer,
            based_on_version=0,  # the second tab was opened before the first one saved
            answers={question.pk: {"grade": "inadequate"}},
            findings={"working_well": "Second tab."},
        )

    assert str(refusal.value) == (
        "You saved this review in another tab or window at 14:32 on 23 November 2026, after "
        "this page was opened. The changes on this page were not saved: reload to see the latest "
        "version, then re-enter them."
    )
    review.refresh_from_db()
    assert (review.lock_version, review.working_well) == (1, "First tab.")
    assert Answer.objects.get(review=review, question=question).grade == "good"


def test_a_stale_save_after_another_person_saved_names_them(review, reviewer):
    # Aisha saved while the review was hers; it then came back to the first reviewer, whose
    # page still showed the version before Aisha's save.
    aisha = UserFactory(first_name="Aisha", last_name="Khan", roles=[("reviewer", None)])
    Review.objects.filter(pk=review.pk).update(reviewer=aisha)
    with time_machine.travel(datetime.datetime(2026, 11, 23, 14, 32, tzinfo=LONDON)):
        review_save(
            review=review, actor=aisha, based_on_version=0, findings={"working_well": "Aisha's."}
        )
    Review.objects.filter(pk=review.pk).update(reviewer=reviewer)

    with pytest.raises(StaleReview) as refusal:
        review_save(
            review=review, actor=reviewer, based_on_version=0, findings={"working_well": "Mine."}
        )

    assert str(refusal.value) == (
        "Aisha Khan saved this review at 14:32 on 23 November 2026, after you opened it. Your "
        "changes were not saved: reload to see theirs, then re-enter yours."
    )
    review.refresh_from_db()
    assert review.working_well == "Aisha's."


def test_only_the_assigned_reviewer_may_save(review, moderator, qa_manager):
    for person in (moderator, qa_manager, UserFactory(roles=[("reviewer", None)])):
        with pytest.raises(PermissionDenied):
            review_save(
                review=review, actor=person, based_on_version=0, findings={"working_well": "x"}
            )
    review.refresh_from_db()
    assert review.working_well == ""


def test_an_answer_to_a_question_of_another_toolkit_version_is_refused(review, reviewer):
    stranger = Question.objects.filter(section__version=published_version(3)).first()

    with pytest.raises(ValidationError):
        review_save(
            review=review,
            actor=reviewer,
            based_on_version=0,
            answers={stranger.pk: {"grade": "good"}},
        )

    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        (AnswerKind.GRADED, {"grade": "brilliant"}),
        (AnswerKind.YES_PARTLY_NO, {"choice": "maybe"}),
    ],
)
def test_a_value_the_answer_kind_does_not_offer_is_refused(review, reviewer, kind, values):
    question = questions_of(review, kind)[0]

    with pytest.raises(ValidationError):
        review_save(
            review=review, actor=reviewer, based_on_version=0, answers={question.pk: values}
        )


def test_a_value_of_another_kind_is_not_stored(review, reviewer):
    question = first_graded(review)

    review_save(
        review=review,
        actor=reviewer,
        based_on_version=0,
        answers={question.pk: {"grade": "good", "choice": "yes", "text": "stray"}},
    )

    answer = Answer.objects.get(question=question)
    assert (answer.grade, answer.choice, answer.text) == ("good", "", "")


def test_not_applicable_is_refused_where_the_question_does_not_allow_it(review, reviewer):
    question = first_graded(review)
    assert not question.allow_not_applicable

    with pytest.raises(ValidationError):
        review_save(
            review=review,
            actor=reviewer,
            based_on_version=0,
            answers={question.pk: {"not_applicable": True}},
        )


def test_not_applicable_replaces_the_value_where_allowed(review, reviewer):
    question = next(q for q in questions_of(review) if q.allow_not_applicable)

    review_save(
        review=review,
        actor=reviewer,
        based_on_version=0,
        answers={question.pk: {"text": "Something", "not_applicable": True}},
    )

    answer = Answer.objects.get(question=question)
    assert (answer.not_applicable, answer.text) == (True, "")


def test_an_invalid_overall_grade_is_refused(review, reviewer):
    with pytest.raises(ValidationError):
        review_save(review=review, actor=reviewer, based_on_version=0, findings={"grade": "ok"})


def test_missing_items_list_every_required_question_then_every_required_finding(review):
    questions = questions_of(review)
    ordered = sorted(questions, key=lambda q: (q.section.position, q.position))

    missing = review_missing_items(review)

    anchors = [anchor for anchor, _ in missing]
    assert anchors == [f"q-{q.pk}" for q in ordered] + [
        "id_discussion_on",
        "id_discussion_participants",
        "id_practitioner_reflections",
        "id_views_obtained_how",
        "id_child_and_family_views",
        "id_working_well",
        "id_needs_to_improve",
        "id_recommendations",
        "id_grade_0",
        "id_grade_rationale",
    ]
    messages = dict(missing)
    graded = first_graded(review)
    assert messages[f"q-{graded.pk}"] == f"Select a grade for question 1.1, “{graded.text}”"
    assert messages["id_grade_0"] == "Select an overall grade"
    assert messages["id_child_and_family_views"] == (
        "Enter what the child and family said, or the reason their views were not obtained"
    )


def test_not_applicable_counts_as_an_answer_only_where_allowed(review):
    allowed = next(q for q in questions_of(review) if q.allow_not_applicable)
    refused = first_graded(review)
    Answer.objects.create(review=review, question=allowed, not_applicable=True)
    Answer.objects.create(review=review, question=refused, not_applicable=True)

    anchors = [anchor for anchor, _ in review_missing_items(review)]

    assert f"q-{allowed.pk}" not in anchors
    assert f"q-{refused.pk}" in anchors


def test_an_optional_question_is_never_missing(review):
    optional = first_graded(review)
    Question.objects.filter(pk=optional.pk).update(required=False)

    anchors = [anchor for anchor, _ in review_missing_items(review)]

    assert f"q-{optional.pk}" not in anchors


def test_a_blank_free_text_answer_is_missing(review):
    question = questions_of(review, AnswerKind.FREE_TEXT)[0]
    Answer.objects.create(review=review, question=question, text="   ")

    assert f"q-{question.pk}" in [anchor for anchor, _ in review_missing_items(review)]


def save_everything(review, reviewer, *, leave_out=None):
    answers = complete_answers(review.toolkit_version)
    if leave_out:
        answers.pop(leave_out.pk)
    return review_save(
        review=review,
        actor=reviewer,
        based_on_version=review.lock_version,
        answers=answers,
        findings=complete_findings(),
    )


def test_submit_is_refused_with_every_missing_item_at_once(review, reviewer):
    left_out = first_graded(review)
    saved = save_everything(review, reviewer, leave_out=left_out)
    Review.objects.filter(pk=review.pk).update(recommendations="", grade="")

    with pytest.raises(ReviewIncomplete) as refusal:
        review_submit(review=saved, actor=reviewer, based_on_version=saved.lock_version)

    assert [anchor for anchor, _ in refusal.value.missing] == [
        f"q-{left_out.pk}",
        "id_recommendations",
        "id_grade_0",
    ]
    review.refresh_from_db()
    assert review.status == Review.Status.IN_PROGRESS
    assert review.submitted_at is None


def test_a_complete_review_is_submitted_with_who_and_when(review, reviewer):
    saved = save_everything(review, reviewer)

    with time_machine.travel(datetime.datetime(2026, 11, 24, 9, 0, tzinfo=LONDON), tick=False):
        submitted = review_submit(review=saved, actor=reviewer, based_on_version=saved.lock_version)

    assert submitted.status == Review.Status.SUBMITTED
    assert submitted.submitted_at == datetime.datetime(2026, 11, 24, 9, 0, tzinfo=LONDON)
    assert submitted.lock_version == saved.lock_version + 1
    # The latest event by id: the clock above is set back, before the event saving made.
    event = ReviewEvent.objects.filter(review=review).order_by("id").last()
    assert (event.from_status, event.to_status, event.actor) == (
        "in_progress",
        "submitted",
        reviewer,
    )


def test_a_submitted_review_cannot_be_saved_or_submitted_again(review, reviewer):
    saved = save_everything(review, reviewer)
    submitted = review_submit(review=saved, actor=reviewer, based_on_version=saved.lock_version)

    with pytest.raises(PermissionDenied):
        review_save(
            review=submitted,
            actor=reviewer,
            based_on_version=submitted.lock_version,
            findings={"working_well": "Changed afterwards."},
        )
    with pytest.raises(PermissionDenied):
        review_submit(review=submitted, actor=reviewer, based_on_version=submitted.lock_version)
    submitted.refresh_from_db()
    assert submitted.working_well == complete_findings()["working_well"]


def test_submit_of_a_stale_version_is_refused(review, reviewer):
    saved = save_everything(review, reviewer)

    with pytest.raises(StaleReview):
        review_submit(review=saved, actor=reviewer, based_on_version=saved.lock_version - 1)

    saved.refresh_from_db()
    assert saved.status == Review.Status.IN_PROGRESS


def test_a_review_never_saved_cannot_jump_from_assigned_to_submitted(review, reviewer):
    # Filled in behind the services' back: the transitions table still refuses the jump.
    Review.objects.filter(pk=review.pk).update(**complete_findings())
    for question_id, values in complete_answers(review.toolkit_version).items():
        Answer.objects.create(review=review, question_id=question_id, **values)

    with pytest.raises(TransitionRefused, match="assigned, so it cannot become submitted"):
        review_submit(review=review, actor=reviewer, based_on_version=0)


@pytest.mark.postgres
def test_two_saves_of_the_same_version_at_once_make_one_save_and_one_refusal(transactional_db):
    # Two tabs (two threads, two connections) save at the same moment: the row lock makes the
    # second wait for the first, then see its new version and refuse.
    reviewer = UserFactory(roles=[("reviewer", None)])
    review = ReviewFactory(reviewer=reviewer, toolkit_version=published_version(3))
    barrier = threading.Barrier(2)
    outcomes = []

    def save(text):
        try:
            barrier.wait()
            review_save(
                review=review, actor=reviewer, based_on_version=0, findings={"working_well": text}
            )
            outcomes.append("saved")
        except StaleReview:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(text,)) for text in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused", "saved"]
    review.refresh_from_db()
    assert review.lock_version == 1
    assert review.working_well in ("one", "two")


def test_missing_questions_are_numbered_as_the_page_numbers_them(reviewer):
    version = ToolkitVersionFactory(published=True)
    SectionFactory(version=version, position=1, title="Introduction, no questions")
    question = QuestionFactory(section=SectionFactory(version=version, position=2), text="Why?")
    review = ReviewFactory(reviewer=reviewer, toolkit_version=version)

    assert review_missing_items(review)[0] == (
        f"q-{question.pk}",
        "Select a grade for question 2.1, “Why?”",
    )
