import datetime
import itertools

import factory
from django.utils import timezone

from accounts.tests.factories import TeamFactory, UserFactory
from audits.models import AnswerKind, Cycle, Question, ToolkitVersion
from audits.tests.factories import (
    CaseFactory,
    CycleFactory,
    QuestionFactory,
    SectionFactory,
    ToolkitFactory,
    ToolkitVersionFactory,
)
from reviews.models import Action, Answer, Escalation, Review

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


GRADED_STATUSES = (Review.Status.SUBMITTED, Review.Status.MODERATED, Review.Status.FINALISED)


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
    # As the services keep it: the reviewer's grade from submit, the moderator's once moderated.
    grade = ""
    moderated_grade = ""
    final_grade = factory.LazyAttribute(
        lambda o: (o.moderated_grade or o.grade) if o.status in GRADED_STATUSES else ""
    )


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


# Moderation and escalations (issue 4).


def submitted_review(*, service_area=None, grade: str = "good", **fields) -> Review:
    """A review as review_submit leaves it: submitted, graded, its final grade the reviewer's.
    Its case is in `service_area` (a new one if not given)."""
    team = TeamFactory(service_area=service_area) if service_area else TeamFactory()
    fields.setdefault("submitted_at", datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC))
    return ReviewFactory(
        status=Review.Status.SUBMITTED,
        grade=grade,
        case__team=team,
        needs_to_improve="Contingency planning.",
        **fields,
    )


class EscalationFactory(factory.django.DjangoModelFactory):
    """An escalation waiting for assurance. Pass `review=submitted_review(service_area=...)`."""

    class Meta:
        model = Escalation

    review = factory.LazyFunction(lambda: submitted_review(grade="inadequate"))
    source = Escalation.Source.SUBMIT
    deadline = datetime.date(2026, 11, 25)


# Agreed actions (issue 4).


class ActionFactory(factory.django.DjangoModelFactory):
    """An open action agreed from a review, due in two weeks. Pass `review=...`, `owner=...`."""

    class Meta:
        model = Action

    review = factory.SubFactory(ReviewFactory)
    description = factory.Sequence(lambda n: f"Update the child's plan with timescales ({n}).")
    owner = factory.SubFactory(UserFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    created_by = factory.SelfAttribute("review.reviewer")


def in_days(days: int) -> datetime.date:
    """A date `days` from today (due dates must lie in the future)."""
    return timezone.localdate() + datetime.timedelta(days=days)
