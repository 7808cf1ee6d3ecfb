"""CSV and Excel exports of the reviews list: the rows the user's list shows (same permissions,
same filters), with their answers, grades, escalation, actions and feedback counts.

Data minimisation: the export holds the answers to the toolkit's questions and the figures
around them, but none of the reviewer's free-text findings (what is working well, what needs to
improve, the child's and family's views, rationales). Those stay on the review page, where
access is checked and recorded one review at a time. The data holds no child's name.
"""

import datetime
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from audits.models import Choice, Grade, Question, Section
from feedback.models import FamilyFeedback, IROFeedback
from qaf.spreadsheets import csv_safe
from reviews.filters import ReviewFilter
from reviews.models import Action, Answer, Review, ReviewTheme
from reviews.selectors import REVIEW_ORDER, reviews_visible_to

CHUNK_SIZE = 500

FIXED_HEADER = (
    "Case reference",
    "Cycle",
    "Service",
    "Team",
    "Toolkit",
    "Toolkit version",
    "Reviewer",
    "Status",
    "Reviewer's grade",
    "Moderated grade",
    "Final grade",
    "Submitted on",
    "Escalation",
    "Escalation deadline",
    "Actions open",
    "Actions done",
    "Actions verified",
    "IRO feedback on the case",
    "Family feedback on the case",
    "Strength themes",
    "Development themes",
)

# Until submitted, a review's grade and answers are the reviewer's working notes (the list does
# not show them either).
SUBMITTED_STATUSES = (Review.Status.SUBMITTED, Review.Status.MODERATED, Review.Status.FINALISED)
GRADE_LABELS = dict(Grade.choices)
CHOICE_LABELS = dict(Choice.choices)


@dataclass(frozen=True)
class QuestionColumn:
    question_id: int
    header: str


def _action_count(status: str) -> Coalesce:
    counted = (
        Action.objects.filter(review=OuterRef("pk"), status=status)
        .order_by()
        .values("review")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _case_count(model) -> Coalesce:
    counted = (
        model.objects.filter(case=OuterRef("case_id"))
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def reviews_for_export(user, params) -> QuerySet[Review]:
    """The reviews list's rows for `user` under the filters in `params` (request.GET), in the
    list's order, with everything a row needs fetched in a constant number of queries."""
    visible = reviews_visible_to(user)
    filtered = ReviewFilter(params or None, queryset=visible.order_by(*REVIEW_ORDER)).qs
    return (
        filtered.select_related("escalation")
        .annotate(
            actions_open=_action_count(Action.Status.OPEN),
            actions_done=_action_count(Action.Status.DONE),
            actions_verified=_action_count(Action.Status.VERIFIED),
            iro_feedback_count=_case_count(IROFeedback),
            family_feedback_count=_case_count(FamilyFeedback),
        )
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.filter(review__status__in=SUBMITTED_STATUSES).only(
                    "review_id", "question_id", "grade", "choice", "text", "not_applicable"
                ),
            ),
            Prefetch(
                "themes",
                queryset=ReviewTheme.objects.filter(review__status__in=SUBMITTED_STATUSES)
                .select_related("theme")
                .order_by("theme__name"),
            ),
        )
    )


def question_columns(reviews: QuerySet[Review]) -> list[QuestionColumn]:
    """One column per question of the toolkit versions the reviews use, numbered as the review
    page numbers them ("2.3"). With one version the header is the number and the question; with
    several, each header also names its toolkit and version. Two queries."""
    questions = Question.objects.order_by("position", "id")
    sections = (
        Section.objects.filter(version__in=reviews.order_by().values("toolkit_version"))
        .select_related("version__toolkit")
        .order_by("version__toolkit__name", "version__number", "version_id", "position", "id")
        .prefetch_related(Prefetch("questions", queryset=questions))
    )
    numbered: list[tuple] = []
    section_numbers: dict[int, int] = {}
    for section in sections:
        s_number = section_numbers[section.version_id] = (
            section_numbers.get(section.version_id, 0) + 1
        )
        for q_number, question in enumerate(section.questions.all(), start=1):
            numbered.append((section.version, f"{s_number}.{q_number}", question))
    several = len(section_numbers) > 1
    return [
        QuestionColumn(
            question.pk,
            (f"{version.toolkit.name} v{version.number} " if several else "")
            + f"{number} {question.text}",
        )
        for version, number, question in numbered
    ]


def answer_value(answer: Answer | None) -> str:
    if answer is None:
        return ""
    if answer.not_applicable:
        return "Not applicable"
    if answer.grade:
        return GRADE_LABELS.get(answer.grade, answer.grade)
    if answer.choice:
        return CHOICE_LABELS.get(answer.choice, answer.choice)
    return answer.text


def _escalation(review: Review):
    try:
        return review.escalation
    except Review.escalation.RelatedObjectDoesNotExist:
        return None


def _theme_cells(review: Review) -> tuple[str, str]:
    """The practice themes tagged as strengths and as areas for development, "; "-separated."""
    tags = list(review.themes.all())
    return tuple(
        "; ".join(tag.theme.name for tag in tags if tag.kind == kind)
        for kind in (ReviewTheme.Kind.STRENGTH, ReviewTheme.Kind.DEVELOPMENT)
    )


def review_row(review: Review, columns: list[QuestionColumn]) -> list:
    """One review as cells: text, whole numbers and dates (None for empty dates)."""
    submitted = review.status in SUBMITTED_STATUSES
    escalation = _escalation(review)
    answers = {answer.question_id: answer for answer in review.answers.all()} if submitted else {}
    return [
        review.case.reference,
        review.cycle.name,
        review.case.service_area.name,
        review.case.team.name,
        review.toolkit_version.toolkit.name,
        review.toolkit_version.number,
        str(review.reviewer) if review.reviewer else "Not assigned",
        review.get_status_display(),
        review.get_grade_display() if submitted else "",
        review.get_moderated_grade_display(),
        review.get_final_grade_display(),
        timezone.localdate(review.submitted_at) if review.submitted_at else None,
        escalation.get_status_display() if escalation else "",
        escalation.deadline if escalation else None,
        review.actions_open,
        review.actions_done,
        review.actions_verified,
        review.iro_feedback_count,
        review.family_feedback_count,
        *_theme_cells(review),
        *(answer_value(answers.get(column.question_id)) for column in columns),
    ]


def export_rows(user, params) -> Iterator[list]:
    """The header, then one row per review, fetched in chunks."""
    reviews = reviews_for_export(user, params)
    columns = question_columns(reviews)
    yield [*FIXED_HEADER, *(column.header for column in columns)]
    for review in reviews.iterator(chunk_size=CHUNK_SIZE):
        yield review_row(review, columns)


def _xlsx_cell(value):
    if isinstance(value, int | datetime.date) or value is None:
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", csv_safe(value))


def xlsx_bytes(rows: Iterable[list]) -> bytes:
    """A write-only workbook (rows are written out as they come, not kept as cell objects)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Reviews")
    for row in rows:
        sheet.append([_xlsx_cell(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
