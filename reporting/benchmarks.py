"""Benchmarking Reviews (issue 6, point 6; seed 003): several reviewers review the same case
with the same tool, and their grades are set side by side to see how consistently they grade.

Benchmark reviews are ordinary reviews with `benchmark` set; the cycle's figures leave them out
(reporting.figures) so the one case is not counted several times."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import Role
from accounts.permissions import can, has_role
from audits.models import AnswerKind, Question
from reviews.models import Answer, BenchmarkExercise, Review
from reviews.services import review_transition

from .agreement import OVERALL, agreement_summary

# A review's grades count once the reviewer has submitted it.
GRADED_STATUSES = (Review.Status.SUBMITTED, Review.Status.MODERATED, Review.Status.FINALISED)
MIN_REVIEWERS = 2


@transaction.atomic
def benchmark_create(
    *, cycle, case, toolkit_version, title: str, reviewers, actor
) -> BenchmarkExercise:
    """Set up a Benchmarking Review: one review of `case` with `toolkit_version` for each
    reviewer, assigned to them and due when the cycle's review phase ends."""
    if not can(actor, "cycles.manage"):
        raise PermissionDenied("Only the QA Manager sets up a Benchmarking Review.")
    reviewers = list(dict.fromkeys(reviewers))
    errors = {}
    if len(reviewers) < MIN_REVIEWERS:
        errors["reviewers"] = "Choose at least two reviewers"
    elif any(not (r.is_active and has_role(r, Role.REVIEWER)) for r in reviewers):
        errors["reviewers"] = "Choose only active people with the Reviewer role"
    if toolkit_version.status != toolkit_version.Status.PUBLISHED:
        errors["toolkit_version"] = "Choose a published toolkit"
    if not title.strip():
        errors["title"] = "Enter a title"
    if errors:
        raise ValidationError(errors)
    exercise = BenchmarkExercise.objects.create(
        cycle=cycle,
        case=case,
        toolkit_version=toolkit_version,
        title=title.strip(),
        created_by=actor,
    )
    for reviewer in reviewers:
        review = Review.objects.create(
            cycle=cycle,
            case=case,
            toolkit_version=toolkit_version,
            benchmark=exercise,
            status=Review.Status.UNASSIGNED,
            due_on=cycle.review_ends_on,
        )
        review_transition(
            review=review,
            to_status=Review.Status.ASSIGNED,
            actor=actor,
            note=f"Benchmarking Review: {exercise.title}",
            reviewer=reviewer,
        )
    return exercise


def graded_questions(exercise: BenchmarkExercise) -> list[tuple[int, str]]:
    """(question id, label) of the exercise's graded questions, in toolkit order."""
    questions = Question.objects.filter(
        section__version=exercise.toolkit_version_id, answer_kind=AnswerKind.GRADED
    ).order_by("section__position", "section_id", "position", "id")
    return [(q.pk, f"{n}. {q.text}") for n, q in enumerate(questions, start=1)]


def benchmark_reviews(exercise: BenchmarkExercise) -> list[Review]:
    """Every review of the exercise, with its reviewer, in reviewer name order."""
    return list(
        exercise.reviews.select_related("reviewer").order_by(
            "reviewer__last_name", "reviewer__first_name", "pk"
        )
    )


def reviewer_label(review: Review) -> str:
    return str(review.reviewer) if review.reviewer_id else f"Review {review.pk}"


def benchmark_grades(exercise: BenchmarkExercise) -> dict[str, dict[str, str]]:
    """{reviewer: {question label or OVERALL: grade}} from the submitted reviews only: each
    graded question's grade ("" if not graded) and the review's final overall grade."""
    questions = graded_questions(exercise)
    reviews = [r for r in benchmark_reviews(exercise) if r.status in GRADED_STATUSES]
    answers = {
        (a["review_id"], a["question_id"]): a["grade"]
        for a in Answer.objects.filter(
            review__in=[r.pk for r in reviews], question_id__in=[pk for pk, _ in questions]
        ).values("review_id", "question_id", "grade")
    }
    grades = {}
    for review in reviews:
        row = {label: answers.get((review.pk, pk), "") for pk, label in questions}
        row[OVERALL] = review.final_grade or review.grade
        grades[reviewer_label(review)] = row
    return grades


def benchmark_summary(exercise: BenchmarkExercise) -> dict:
    """agreement_summary of the exercise's submitted grades."""
    return agreement_summary(benchmark_grades(exercise))
