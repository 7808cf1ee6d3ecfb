import datetime
import itertools

import factory

from accounts.tests.factories import UserFactory
from audits.models import AnswerKind, Cycle, Question, ToolkitVersion
from audits.tests.factories import (
    CaseFactory,
    CycleFactory,
    QuestionFactory,
    SectionFactory,
    ToolkitFactory,
    ToolkitVersionFactory,
)
from reviews.models import Answer, Review

# Toolkits and cycles come from audits' factories: one sequence of names, never a clash.
__all__ = [
    "AnswerFactory",
    "CycleFactory",
    "QuestionFactory",
    "ReviewFactory",
    "SectionFactory",
    "ToolkitFactory",
    "ToolkitVersionFactory",
    "complete_answers",
    "complete_findings",
    "published_version",
]


# The kinds a toolkit mixes, in turn: graded, yes/partly/no, free text.
KINDS = (AnswerKind.GRADED, AnswerKind.YES_PARTLY_NO, AnswerKind.FREE_TEXT)


def published_version(questions: int = 6, *, sections: int = 3, **version_fields):
    """A published toolkit version with `questions` required questions spread over `sections`,
    their answer kinds in turn, and every third question open to 'not applicable'."""
    version = ToolkitVersionFactory(published=True, **version_fields)
    section_rows = [
        SectionFactory(
            version=version, position=s, title=f"Section {s}", guidance="What good looks like here."
        )
        for s in range(1, sections + 1)
    ]
    kinds = itertools.cycle(KINDS)
    Question.objects.bulk_create(
        Question(
            section=section_rows[n % sections],
            position=n,
            text=f"Question {n + 1}?",
            guidance=f"Guidance for question {n + 1}.",
            answer_kind=next(kinds),
            allow_not_applicable=n % 3 == 2,
            required=True,
        )
        for n in range(questions)
    )
    return version


class ReviewFactory(factory.django.DjangoModelFactory):
    """An assigned review. Pass `case__practitioner=...`, `case__team=...` to place it."""

    class Meta:
        model = Review

    cycle = factory.SubFactory(CycleFactory, status=Cycle.Status.REVIEW)
    case = factory.SubFactory(CaseFactory)
    toolkit_version = factory.SubFactory(ToolkitVersionFactory, published=True)
    reviewer = factory.SubFactory(UserFactory)
    status = Review.Status.ASSIGNED
    due_on = factory.LazyAttribute(lambda o: o.cycle.review_ends_on)


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    review = factory.SubFactory(ReviewFactory)
    question = factory.SubFactory(QuestionFactory)
    grade = "good"


def complete_findings() -> dict:
    """Every finding submit requires, filled in."""
    return {
        "discussion_on": datetime.date(2026, 1, 20),
        "discussion_participants": "The social worker, their team manager and the reviewer",
        "practitioner_reflections": "The plan needs to be clearer about timescales.",
        "child_seen": True,
        "views_obtained_how": "A home visit with the child and their mother.",
        "child_and_family_views": "The child said their worker listens to them.",
        "working_well": "Regular, purposeful visits and direct work.",
        "needs_to_improve": "Contingency planning.",
        "recommendations": "Review the plan with the family within four weeks.",
        "grade": "good",
        "grade_rationale": "Good support that is improving the child's outcomes.",
    }


def complete_answers(version: ToolkitVersion) -> dict[int, dict]:
    """An answer to every question of `version`, by question id."""
    values = {
        AnswerKind.GRADED: {"grade": "good"},
        AnswerKind.YES_PARTLY_NO: {"choice": "yes"},
        AnswerKind.FREE_TEXT: {"text": "Seen alone and listened to."},
    }
    questions = Question.objects.filter(section__version=version)
    return {q.pk: {**values[q.answer_kind], "not_applicable": False} for q in questions}
