import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.tests.factories import UserFactory
from audits.models import AnswerKind, Cycle
from audits.tests.factories import CaseFactory, CycleFactory, QuestionFactory, SectionFactory
from reporting.agreement import OVERALL
from reporting.benchmarks import benchmark_create, benchmark_grades, benchmark_summary
from reporting.figures import cycle_figures
from reviews.models import BenchmarkExercise, Review, ReviewEvent
from reviews.tests.factories import AnswerFactory, ToolkitVersionFactory, submitted_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(service_area):
    """A toolkit with two graded questions and one free-text question, a cycle and a case."""
    version = ToolkitVersionFactory(published=True)
    section = SectionFactory(version=version, position=1)
    q1 = QuestionFactory(section=section, position=1, text="Plan", answer_kind=AnswerKind.GRADED)
    q2 = QuestionFactory(section=section, position=2, text="Voice", answer_kind=AnswerKind.GRADED)
    QuestionFactory(section=section, position=3, text="Notes", answer_kind=AnswerKind.FREE_TEXT)
    return {
        "version": version,
        "q1": q1,
        "q2": q2,
        "cycle": CycleFactory(status=Cycle.Status.REVIEW),
        "case": CaseFactory(),
    }


def a_reviewer(service_area, first_name):
    return UserFactory(roles=[("reviewer", service_area)], first_name=first_name, last_name="X")


def create(setting, reviewers, actor, title="Benchmarking Review, March"):
    return benchmark_create(
        cycle=setting["cycle"],
        case=setting["case"],
        toolkit_version=setting["version"],
        title=title,
        reviewers=reviewers,
        actor=actor,
    )


def submit(review, grade, answers):
    Review.objects.filter(pk=review.pk).update(
        status=Review.Status.SUBMITTED, grade=grade, final_grade=grade
    )
    for question, answer_grade in answers.items():
        AnswerFactory(review=review, question=question, grade=answer_grade)


def test_creating_a_benchmark_assigns_one_review_to_each_reviewer(
    setting, service_area, qa_manager
):
    ann, ben = a_reviewer(service_area, "Ann"), a_reviewer(service_area, "Ben")
    exercise = create(setting, [ann, ben], qa_manager)
    reviews = exercise.reviews.order_by("reviewer__first_name")
    assert [r.reviewer for r in reviews] == [ann, ben]
    assert {r.status for r in reviews} == {Review.Status.ASSIGNED}
    assert {r.due_on for r in reviews} == {setting["cycle"].review_ends_on}
    assert {r.case for r in reviews} == {setting["case"]}
    assert exercise.created_by == qa_manager
    events = ReviewEvent.objects.filter(to_status=Review.Status.ASSIGNED)
    assert events.count() == 2


def test_a_case_already_sampled_in_the_cycle_can_also_be_benchmarked(
    setting, service_area, qa_manager
):
    submitted_review(cycle=setting["cycle"], case=setting["case"])
    exercise = create(
        setting, [a_reviewer(service_area, "Ann"), a_reviewer(service_area, "Ben")], qa_manager
    )
    assert exercise.reviews.count() == 2


def test_a_benchmark_needs_at_least_two_reviewers(setting, service_area, qa_manager):
    with pytest.raises(ValidationError) as refused:
        create(setting, [a_reviewer(service_area, "Ann")], qa_manager)
    assert "reviewers" in refused.value.message_dict
    assert not BenchmarkExercise.objects.exists()


def test_a_benchmark_refuses_someone_without_the_reviewer_role(
    setting, service_area, qa_manager, practitioner
):
    with pytest.raises(ValidationError) as refused:
        create(setting, [a_reviewer(service_area, "Ann"), practitioner], qa_manager)
    assert "reviewers" in refused.value.message_dict
    assert not Review.objects.exists()


def test_only_the_qa_manager_sets_up_a_benchmark(setting, service_area, reviewer):
    with pytest.raises(PermissionDenied):
        create(setting, [reviewer, a_reviewer(service_area, "Ann")], reviewer)


@pytest.fixture
def three_reviewers(setting, service_area, qa_manager):
    """Ann, Ben and Cal have submitted; Dee has not.
    Plan: Good, Good, Requires Improvement. Voice: Outstanding, Good, Good. Overall: all Good."""
    people = [a_reviewer(service_area, name) for name in ("Ann", "Ben", "Cal", "Dee")]
    exercise = create(setting, people, qa_manager)
    by_name = {r.reviewer.first_name: r for r in exercise.reviews.select_related("reviewer")}
    q1, q2 = setting["q1"], setting["q2"]
    submit(by_name["Ann"], "good", {q1: "good", q2: "outstanding"})
    submit(by_name["Ben"], "good", {q1: "good", q2: "good"})
    submit(by_name["Cal"], "good", {q1: "requires_improvement", q2: "good"})
    AnswerFactory(review=by_name["Dee"], question=q1, grade="inadequate")
    return exercise


def test_grades_are_side_by_side_from_submitted_reviews_only(
    three_reviewers, django_assert_num_queries
):
    with django_assert_num_queries(3):
        grades = benchmark_grades(three_reviewers)
    assert grades == {
        "Ann X": {"1. Plan": "good", "2. Voice": "outstanding", OVERALL: "good"},
        "Ben X": {"1. Plan": "good", "2. Voice": "good", OVERALL: "good"},
        "Cal X": {"1. Plan": "requires_improvement", "2. Voice": "good", OVERALL: "good"},
    }


def test_the_summary_matches_the_figures_worked_by_hand(three_reviewers):
    summary = benchmark_summary(three_reviewers)
    pooled = summary["all_questions"]
    # Pairs: Plan (G,G) (G,RI) (G,RI); Voice (O,G) (O,G) (G,G): 2 of 6 the same, all within one.
    assert pooled.exact == pytest.approx(1 / 3)
    assert pooled.within_one == 1
    # Coincidences o(2,3)=o(3,2)=o(3,4)=o(4,3)=1, o(3,3)=2; n2=1, n3=4, n4=1, n=6.
    # Ordinal delta²: (2,3) and (3,4) 6.25, (2,4) 25. Observed 25, expected 150.
    # alpha = 1 - 5 * 25 / 150 = 1/6.
    assert pooled.alpha == pytest.approx(1 / 6)
    assert [q.exact for q in summary["questions"]] == [pytest.approx(1 / 3)] * 2
    assert summary["overall"].exact == 1
    assert summary["overall"].alpha is None


def test_the_cycle_figures_leave_benchmark_reviews_out(setting, three_reviewers):
    submitted_review(cycle=setting["cycle"])
    volume = cycle_figures(cycle=setting["cycle"]).volume
    assert (volume["planned"], volume["completed"]) == (1, 1)


# Pages.


def test_the_qa_manager_sees_the_list(client, qa_manager, three_reviewers):
    client.force_login(qa_manager)
    response = client.get(reverse("reporting:benchmarks"))
    assert response.status_code == 200
    assert "Benchmarking Review, March" in response.content.decode()


def test_the_qa_manager_sees_the_grades_and_agreement(client, qa_manager, three_reviewers):
    client.force_login(qa_manager)
    response = client.get(reverse("reporting:benchmark", args=[three_reviewers.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Requires Improvement" in page
    assert "Outstanding" in page
    assert "33%" in page
    assert "0.17" in page
    assert "1 of 4 reviews not yet submitted" in page
    assert "no data" in page  # alpha for the overall grade


def test_the_qa_manager_sets_up_a_benchmark_through_the_form(
    client, qa_manager, setting, service_area
):
    ann, ben = a_reviewer(service_area, "Ann"), a_reviewer(service_area, "Ben")
    client.force_login(qa_manager)
    assert client.get(reverse("reporting:benchmark_add")).status_code == 200
    response = client.post(
        reverse("reporting:benchmark_add"),
        {
            "title": "Benchmarking Review, March",
            "cycle": setting["cycle"].pk,
            "case_reference": setting["case"].reference,
            "toolkit": setting["version"].toolkit.pk,
            "reviewers": [ann.pk, ben.pk],
        },
    )
    exercise = BenchmarkExercise.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reporting:benchmark", args=[exercise.pk])
    assert exercise.toolkit_version == setting["version"]
    assert exercise.reviews.count() == 2


def test_the_form_refuses_one_reviewer_and_keeps_the_input(
    client, qa_manager, setting, service_area
):
    client.force_login(qa_manager)
    response = client.post(
        reverse("reporting:benchmark_add"),
        {
            "title": "Kept title",
            "cycle": setting["cycle"].pk,
            "case_reference": setting["case"].reference,
            "toolkit": setting["version"].toolkit.pk,
            "reviewers": [a_reviewer(service_area, "Ann").pk],
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose at least two reviewers" in page
    assert "Kept title" in page
    assert not BenchmarkExercise.objects.exists()


@pytest.mark.parametrize("name", ["benchmarks", "benchmark_add", "benchmark"])
def test_a_reviewer_is_refused_the_pages(client, reviewer, three_reviewers, name):
    client.force_login(reviewer)
    args = [three_reviewers.pk] if name == "benchmark" else []
    assert client.get(reverse(f"reporting:{name}", args=args)).status_code == 403


def test_anonymous_people_are_sent_to_log_in(client, three_reviewers):
    url = reverse("reporting:benchmark", args=[three_reviewers.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"/login/?next={url}"


def test_an_unknown_benchmark_is_not_found(client, qa_manager):
    client.force_login(qa_manager)
    assert client.get(reverse("reporting:benchmark", args=[999999])).status_code == 404
