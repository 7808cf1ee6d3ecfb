"""Benchmarking Reviews (issue 6, point 6; seed 003): several reviewers review the same case
with the same tool, and their grades are set side by side to see how consistently they grade.

Benchmark reviews are ordinary reviews with `benchmark` set; the cycle's figures leave them out
(reporting.figures) so the one case is not counted several times."""

import dataclasses
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from accounts.models import Role
from accounts.permissions import can, has_role
from audits.models import AnswerKind, Cycle, Grade, Question
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


def _graded_questions_of(version_ids) -> dict[int, list[tuple[int, str]]]:
    """{toolkit version id: [(question id, label), ...]} of the versions' graded questions, in
    toolkit order, numbered from 1 within each version: one query."""
    questions = Question.objects.filter(
        section__version__in=version_ids, answer_kind=AnswerKind.GRADED
    ).order_by("section__version_id", "section__position", "section_id", "position", "id")
    by_version: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for question in questions.values("pk", "text", version_id=F("section__version_id")):
        labels = by_version[question["version_id"]]
        labels.append((question["pk"], f"{len(labels) + 1}. {question['text']}"))
    return by_version


def graded_questions(exercise: BenchmarkExercise) -> list[tuple[int, str]]:
    """(question id, label) of the exercise's graded questions, in toolkit order."""
    return _graded_questions_of([exercise.toolkit_version_id]).get(exercise.toolkit_version_id, [])


def benchmark_reviews(exercise: BenchmarkExercise) -> list[Review]:
    """Every review of the exercise, with its reviewer, in reviewer name order."""
    return list(
        exercise.reviews.select_related("reviewer").order_by(
            "reviewer__last_name", "reviewer__first_name", "pk"
        )
    )


def reviewer_label(review: Review) -> str:
    return str(review.reviewer) if review.reviewer_id else f"Review {review.pk}"


def _answer_grades(reviews: list[Review], question_ids) -> dict[tuple[int, int], str]:
    """{(review id, question id): grade} of the reviews' answers to the questions: one query."""
    return {
        (a["review_id"], a["question_id"]): a["grade"]
        for a in Answer.objects.filter(
            review__in=[r.pk for r in reviews], question_id__in=list(question_ids)
        ).values("review_id", "question_id", "grade")
    }


def _review_grades(review: Review, questions, answers) -> dict[str, str]:
    """{question label or OVERALL: grade} of one review ("" where a question is not graded)."""
    row = {label: answers.get((review.pk, pk), "") for pk, label in questions}
    row[OVERALL] = review.final_grade or review.grade
    return row


def benchmark_grades(exercise: BenchmarkExercise) -> dict[str, dict[str, str]]:
    """{reviewer: {question label or OVERALL: grade}} from the submitted reviews only: each
    graded question's grade ("" if not graded) and the review's final overall grade."""
    questions = graded_questions(exercise)
    reviews = [r for r in benchmark_reviews(exercise) if r.status in GRADED_STATUSES]
    answers = _answer_grades(reviews, [pk for pk, _ in questions])
    return {reviewer_label(r): _review_grades(r, questions, answers) for r in reviews}


def benchmark_summary(exercise: BenchmarkExercise) -> dict:
    """agreement_summary of the exercise's submitted grades."""
    return agreement_summary(benchmark_grades(exercise))


def cycle_benchmarks_for_report(cycle: Cycle) -> list[dict]:
    """The cycle's Benchmarking Reviews as plain JSON data for the QA report (frozen when a
    version is published), ordered by title: for each, its case, toolkit, how many reviewers
    have submitted and how many have not, the submitted grades side by side (as grade labels)
    and the consistency statistics (each Agreement as a dict).

    Four queries however many exercises and reviewers (one when the cycle has none)."""
    exercises = list(
        BenchmarkExercise.objects.filter(cycle=cycle)
        .select_related("case", "toolkit_version__toolkit")
        .order_by("title", "pk")
    )
    if not exercises:
        return []
    reviews_of: dict[int, list[Review]] = defaultdict(list)
    for review in (
        Review.objects.filter(benchmark__in=exercises)
        .select_related("reviewer")
        .order_by("reviewer__last_name", "reviewer__first_name", "pk")
    ):
        reviews_of[review.benchmark_id].append(review)
    questions_of = _graded_questions_of({e.toolkit_version_id for e in exercises})
    graded = [r for reviews in reviews_of.values() for r in reviews if r.status in GRADED_STATUSES]
    answers = _answer_grades(
        graded, {pk for questions in questions_of.values() for pk, _ in questions}
    )
    names = dict(Grade.choices)
    report = []
    for exercise in exercises:
        reviews = reviews_of[exercise.pk]
        submitted = [r for r in reviews if r.status in GRADED_STATUSES]
        questions = questions_of.get(exercise.toolkit_version_id, [])
        # Keyed by review, not by name: two reviewers may share a name.
        grades = {r.pk: _review_grades(r, questions, answers) for r in submitted}
        summary = agreement_summary(grades)
        version = exercise.toolkit_version
        report.append(
            {
                "title": exercise.title,
                "case": exercise.case.reference,
                "toolkit": f"{version.toolkit.name} (version {version.number})",
                "reviewers": len(submitted),
                "pending": len(reviews) - len(submitted),
                "grades": {
                    "reviewers": [reviewer_label(r) for r in submitted],
                    "rows": [
                        [label, [names.get(grades[r.pk][label], "") for r in submitted]]
                        for _pk, label in questions
                    ],
                    "overall": [names.get(grades[r.pk][OVERALL], "") for r in submitted],
                },
                "agreement": {
                    "questions": [dataclasses.asdict(row) for row in summary["questions"]],
                    "all_questions": dataclasses.asdict(summary["all_questions"]),
                    "overall": (
                        dataclasses.asdict(summary["overall"]) if summary["overall"] else None
                    ),
                },
            }
        )
    return report
