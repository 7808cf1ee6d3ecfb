"""The QA report's body (the preview and the PDF): every figure issue 6 lists, the cycle's
Benchmarking Reviews and their consistency, the practice themes; frozen at publish, and versions
frozen before a part existed still render."""

import datetime
import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import UserFactory
from audits.models import AnswerKind, Cycle
from audits.tests.factories import CycleFactory, QuestionFactory, SectionFactory
from feedback.tests.factories import (
    ComplaintComplimentFactory,
    FamilyFeedbackOnCaseFactory,
    FeedbackThemeFactory,
)
from reporting.benchmarks import cycle_benchmarks_for_report
from reporting.models import ReportVersion
from reporting.pdf import render_report_html
from reporting.reports import live_figures, report_body_context, report_draft, report_publish
from reviews.models import Action, Answer, Escalation, Review
from reviews.tests.factories import (
    ActionFactory,
    AnswerFactory,
    EscalationFactory,
    submitted_review,
)

from .factories import a_benchmark

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
PRACTICE_THEMES = {
    "reviews_tagged": 3,
    "themes": [
        {"theme": "Contingency planning", "strengths": 0, "development": 2},
        {"theme": "Direct work", "strengths": 3, "development": 1},
    ],
}


def squeeze(html: str) -> str:
    """The HTML with the whitespace between tags and runs of spaces taken out."""
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html))


@pytest.fixture
def cycle(service_area, qa_manager):
    """A cycle running now in Children in Need, counted by hand below.

    Rita Reed: A Good moderated up to Outstanding (child seen, family feedback); B Good, not
    moderated. Sam Stone: C Requires Improvement moderated down to Inadequate. Final grades:
    Outstanding, Good, Inadequate, so 2 of 3 Good or better (67%, Wilson 95%: 21% to 94%).
    Planning section: A Good, B Requires Improvement. Escalations assured after 1 and 4 days
    (median 2.5, longest 4.0) and one overdue; one action overdue; a complaint themed
    Communication. One Benchmarking Review (see a_benchmark)."""
    cycle = CycleFactory(
        name="March to April",
        status=Cycle.Status.REPORTING,
        review_starts_on=TODAY - 10 * DAY,
        review_ends_on=TODAY + 3 * DAY,
        reporting_ends_on=TODAY + 17 * DAY,
    )
    rita = UserFactory(first_name="Rita", last_name="Reed")
    sam = UserFactory(first_name="Sam", last_name="Stone")
    a = submitted_review(
        service_area=service_area,
        cycle=cycle,
        reviewer=rita,
        grade="good",
        moderated_grade="outstanding",
        final_grade="outstanding",
    )
    b = submitted_review(service_area=service_area, cycle=cycle, reviewer=rita, grade="good")
    c = submitted_review(
        service_area=service_area,
        cycle=cycle,
        reviewer=sam,
        grade="requires_improvement",
        moderated_grade="inadequate",
        final_grade="inadequate",
    )
    planning = SectionFactory(title="Planning")
    question = QuestionFactory(section=planning, answer_kind=AnswerKind.GRADED)
    AnswerFactory(review=a, question=question, grade="good")
    AnswerFactory(review=b, question=question, grade="requires_improvement")
    for review, days in ((a, 1), (b, 4)):
        escalation = EscalationFactory(review=review, status=Escalation.Status.CLOSED)
        Escalation.objects.filter(pk=escalation.pk).update(
            assured_at=escalation.raised_at + days * DAY
        )
    EscalationFactory(review=c, deadline=TODAY - DAY)
    ActionFactory(review=c, due_on=TODAY - DAY, status=Action.Status.OPEN)
    FamilyFeedbackOnCaseFactory(case=a.case)
    ComplaintComplimentFactory(
        team=a.case.team, themes=[FeedbackThemeFactory(name="Communication")]
    )
    a_benchmark(cycle, service_area, qa_manager, "Benchmarking Review, March")
    return cycle


def test_the_report_lists_each_benchmark_with_its_grades_and_consistency(cycle):
    [exercise] = live_figures(cycle)["benchmarks"]
    assert exercise["title"] == "Benchmarking Review, March"
    assert exercise["case"] == "BR-MARCH"
    version = cycle.benchmarks.get().toolkit_version
    assert exercise["toolkit"] == f"{version.toolkit.name} (version {version.number})"
    assert (exercise["reviewers"], exercise["pending"]) == (3, 1)
    assert exercise["grades"] == {
        "reviewers": ["Ann X", "Ben X", "Cal X"],
        "rows": [
            ["1. Plan", ["Good", "Good", "Requires Improvement"]],
            ["2. Voice", ["Outstanding", "Good", "Good"]],
        ],
        "overall": ["Good", "Good", "Good"],
    }
    agreement = exercise["agreement"]
    # Plan: (G,G) (G,RI) (G,RI): 1 of 3 pairs the same; every pair within one grade.
    assert agreement["questions"][0] == {
        "label": "1. Plan",
        "reviewers": 3,
        "exact": pytest.approx(1 / 3),
        "within_one": 1,
        "alpha": None,
    }
    # Pooled: 2 of 6 pairs the same; alpha 1/6 (worked in test_benchmarks).
    assert agreement["all_questions"]["exact"] == pytest.approx(1 / 3)
    assert agreement["all_questions"]["alpha"] == pytest.approx(1 / 6)
    assert agreement["overall"] == {
        "label": "Overall grade",
        "reviewers": 3,
        "exact": 1,
        "within_one": 1,
        "alpha": None,
    }


def test_a_cycle_without_benchmarks_reports_an_empty_list(service_area):
    assert live_figures(CycleFactory())["benchmarks"] == []


def test_the_preview_shows_every_figure_with_the_values_counted_by_hand(client, qa_manager, cycle):
    report = report_draft(cycle=cycle, actor=qa_manager)
    client.force_login(qa_manager)

    response = client.get(f"/reporting/reports/{report.cycle.pk}/preview/")

    assert response.status_code == 200
    page = squeeze(response.content.decode())
    # Grades per toolkit section: Outstanding, Good, Requires Improvement, Inadequate, total.
    assert "Grades by toolkit section" in page
    assert '<th scope="row">Planning</th><td>0</td><td>1</td><td>1</td><td>0</td><td>2</td>' in page
    # Moderation by reviewer: submitted, moderated, agreed, regraded up, regraded down.
    assert "Moderation by reviewer" in page
    cells = "".join(f"<td>{n}</td>" for n in (2, 1, 0, 1, 0))
    assert f'<th scope="row">Rita Reed</th>{cells}' in page
    cells = "".join(f"<td>{n}</td>" for n in (1, 1, 0, 0, 1))
    assert f'<th scope="row">Sam Stone</th>{cells}' in page
    # Escalations, actions, family feedback.
    assert "Escalations raised: 3; assured: 2; overdue: 1" in page
    assert "median 2.5 days; longest 4.0 days" in page
    assert "verified: 0; overdue: 1" in page
    assert "Cases with family feedback: 1 of 3 (33%)" in page
    # Feedback themes.
    assert "Feedback themes by service area" in page
    assert (
        '<td>Children in Need</td><th scope="row">Communication</th><td class="num">1</td>'
    ) in page
    # The trend per service area with its Wilson interval.
    assert "Reviews graded Good or better: Children in Need" in page
    assert (
        '<th scope="row">March to April</th><td class="num">3</td><td class="num">2</td>'
        '<td class="num">67%</td><td class="num">21% to 94%</td>'
    ) in page
    # Practice themes: the live figures have none yet.
    assert "No themes were tagged on this cycle's reviews." in page
    # Benchmarking Reviews.
    assert '<h2 id="benchmarking">Benchmarking Reviews: consistency of grading</h2>' in page
    assert "<h3>Benchmarking Review, March</h3>" in page
    assert "3 reviewers submitted; 1 not yet submitted." in page
    assert (
        '<tr><th scope="row">1. Plan</th><td>Good</td><td>Good</td>'
        "<td>Requires Improvement</td></tr>"
    ) in page
    assert (
        '<th scope="row">All questions</th><td class="num">3</td><td class="num">33%</td>'
        '<td class="num">100%</td><td class="num">0.17</td>'
    ) in page
    assert "Krippendorff's alpha corrects agreement for chance" in page
    # The report keeps its four questions, in order, with the benchmarks before the last.
    order = [
        page.index(h)
        for h in (
            "How much did we do?",
            "How well did we do it?",
            "What difference did it make?",
            "Benchmarking Reviews: consistency of grading",
            "How are we improving?",
        )
    ]
    assert order == sorted(order)


def test_a_cycle_without_benchmarks_says_so(client, qa_manager, service_area):
    report = report_draft(cycle=CycleFactory(), actor=qa_manager)
    client.force_login(qa_manager)

    page = client.get(f"/reporting/reports/{report.cycle.pk}/preview/").content.decode()

    assert "No Benchmarking Review in this cycle." in page
    assert "No completed reviews to show a trend." in page


def test_a_published_version_keeps_its_benchmark_statistics_after_a_regrade(
    cycle, qa_manager, django_capture_on_commit_callbacks
):
    report = report_draft(cycle=cycle, actor=qa_manager)
    with django_capture_on_commit_callbacks(execute=False):  # no PDF needed here
        version = report_publish(report=report, actor=qa_manager)
    frozen = ReportVersion.objects.get(pk=version.pk).figures["benchmarks"]
    exercise = cycle.benchmarks.get()
    cal = exercise.reviews.get(reviewer__first_name="Cal")
    dee = exercise.reviews.get(reviewer__first_name="Dee")

    # Cal regrades Plan to Good; Dee submits: now every Plan grade but Dee's agrees.
    Answer.objects.filter(review=cal, question__text="Plan").update(grade="good")
    Review.objects.filter(pk=dee.pk).update(
        status=Review.Status.SUBMITTED, grade="outstanding", final_grade="outstanding"
    )

    version = ReportVersion.objects.get(pk=version.pk)
    assert version.figures["benchmarks"] == frozen
    [live] = cycle_benchmarks_for_report(cycle)
    assert (live["reviewers"], live["pending"]) == (4, 0)
    assert live["agreement"] != frozen[0]["agreement"]
    html = squeeze(
        render_to_string("reporting/reports/report_body.html", report_body_context(report, version))
    )
    assert "3 reviewers submitted; 1 not yet submitted." in html
    assert "<td>Requires Improvement</td>" in html
    assert '<td class="num">33%</td><td class="num">100%</td><td class="num">0.17</td>' in html


def version_with(cycle, **figures) -> ReportVersion:
    report = report_draft(cycle=cycle, actor=None)
    number = report.versions.count() + 1
    return ReportVersion.objects.create(
        report=report, number=number, figures=figures, narrative={"plan": []}
    )


def test_a_version_frozen_before_benchmarks_and_practice_themes_still_renders(cycle):
    figures = live_figures(cycle)
    del figures["benchmarks"]
    figures.pop("practice_themes", None)
    version = version_with(cycle, **figures)

    body = render_to_string(
        "reporting/reports/report_body.html", report_body_context(version.report, version)
    )
    pdf_html = render_report_html(version)

    for html in (body, pdf_html):
        assert "No Benchmarking Review in this cycle." in html
        assert "No themes were tagged on this cycle's reviews." in html
        assert "Benchmarking Reviews: consistency of grading" in html


def test_practice_themes_are_shown_as_strengths_and_areas_for_development(cycle):
    version = version_with(cycle, **{**live_figures(cycle), "practice_themes": PRACTICE_THEMES})

    for html in (
        render_to_string(
            "reporting/reports/report_body.html", report_body_context(version.report, version)
        ),
        render_report_html(version),
    ):
        html = squeeze(html)
        assert "<caption>Strengths and areas for development by theme</caption>" in html
        assert "Strength in N reviews" in html
        assert "Area for development in N reviews" in html
        assert "3 reviews tagged with practice themes." in html
        assert (
            '<th scope="row">Direct work</th><td class="num">3</td><td class="num">1</td>' in html
        )
        assert "No themes were tagged" not in html


def test_practice_themes_with_no_theme_show_the_empty_state(cycle):
    figures = {**live_figures(cycle), "practice_themes": {"reviews_tagged": 0, "themes": []}}
    version = version_with(cycle, **figures)

    html = render_report_html(version)

    assert "No themes were tagged on this cycle's reviews." in html


def count_queries(func) -> int:
    with CaptureQueriesContext(connection) as queries:
        func()
    return len(queries)


def test_the_figures_take_as_many_queries_for_three_benchmarks_as_for_one(
    cycle, service_area, qa_manager
):
    one = count_queries(lambda: live_figures(cycle))
    a_benchmark(cycle, service_area, qa_manager, "Benchmarking Review, May", ("Eve", "Fay", "Gus"))
    a_benchmark(
        cycle, service_area, qa_manager, "Benchmarking Review, July", ("Hal", "Ida", "Jo", "Kit")
    )

    three = count_queries(lambda: live_figures(cycle))

    assert len(live_figures(cycle)["benchmarks"]) == 3
    assert three == one


def test_the_benchmarks_of_the_report_take_four_queries(cycle, django_assert_num_queries):
    with django_assert_num_queries(4):
        cycle_benchmarks_for_report(cycle)
