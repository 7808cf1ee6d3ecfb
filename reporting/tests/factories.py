"""Test data for the reporting app: a Benchmarking Review whose statistics are worked by hand."""

from accounts.tests.factories import UserFactory
from audits.models import AnswerKind
from audits.tests.factories import CaseFactory, QuestionFactory, SectionFactory
from reporting.benchmarks import benchmark_create
from reviews.models import Review
from reviews.tests.factories import AnswerFactory, ToolkitVersionFactory


def a_reviewer(service_area, first_name, last_name="X"):
    return UserFactory(
        roles=[("reviewer", service_area)], first_name=first_name, last_name=last_name
    )


def submit(review, grade, answers):
    Review.objects.filter(pk=review.pk).update(
        status=Review.Status.SUBMITTED, grade=grade, final_grade=grade
    )
    for question, answer_grade in answers.items():
        AnswerFactory(review=review, question=question, grade=answer_grade)


def a_toolkit():
    """A published toolkit with two graded questions (Plan, Voice) and a free-text one."""
    version = ToolkitVersionFactory(published=True)
    section = SectionFactory(version=version, position=1)
    plan = QuestionFactory(section=section, position=1, text="Plan", answer_kind=AnswerKind.GRADED)
    voice = QuestionFactory(
        section=section, position=2, text="Voice", answer_kind=AnswerKind.GRADED
    )
    QuestionFactory(section=section, position=3, text="Notes", answer_kind=AnswerKind.FREE_TEXT)
    return version, plan, voice


def a_benchmark(cycle, service_area, qa_manager, title, names=("Ann", "Ben", "Cal", "Dee")):
    """Ann, Ben and Cal have submitted; Dee has not (her answer does not count).
    Plan: Good, Good, Requires Improvement. Voice: Outstanding, Good, Good. Overall: all Good."""
    version, plan, voice = a_toolkit()
    exercise = benchmark_create(
        cycle=cycle,
        case=CaseFactory(reference=f"BR-{title.split()[-1].upper()}"),
        toolkit_version=version,
        title=title,
        reviewers=[a_reviewer(service_area, name) for name in names],
        actor=qa_manager,
    )
    by_name = {r.reviewer.first_name: r for r in exercise.reviews.select_related("reviewer")}
    submit(by_name[names[0]], "good", {plan: "good", voice: "outstanding"})
    submit(by_name[names[1]], "good", {plan: "good", voice: "good"})
    submit(by_name[names[2]], "good", {plan: "requires_improvement", voice: "good"})
    if len(names) > 3:
        AnswerFactory(review=by_name[names[3]], question=plan, grade="inadequate")
    exercise.plan = plan
    exercise.by_name = by_name
    return exercise
