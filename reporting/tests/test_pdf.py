import io
import json
from dataclasses import asdict

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from pypdf import PdfReader
from weasyprint import HTML

from accounts.tests.factories import ServiceAreaFactory
from audits.tests.factories import CycleFactory
from reporting.figures import cycle_figures
from reporting.models import Report, ReportVersion
from reporting.pdf import (
    NetworkRefused,
    NoNetworkFetcher,
    refuse_network,
    render_report_html,
    render_report_pdf,
)
from reporting.reports import live_figures
from reviews.tests.factories import submitted_review

from .factories import a_benchmark

pytestmark = pytest.mark.django_db

SECTIONS = (
    "How much did we do",
    "How well did we do it",
    "What difference did it make",
    "Benchmarking Reviews: consistency of grading",
    "How are we improving",
    "Key findings",
    "Strengths",
    "Areas for development",
    "Learning and dissemination",
    "QA action plan",
)


def frozen(figures) -> dict:
    """The figures as a published version keeps them: plain JSON."""
    data = asdict(figures)
    data["cycle"] = figures.cycle.name
    data["service_area"] = None
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def an_issued_version(**narrative) -> ReportVersion:
    cycle = CycleFactory(name="October to November 2026")
    area = ServiceAreaFactory(name="Children in Need")
    for grade in ("outstanding", "good", "good", "requires_improvement", "inadequate"):
        submitted_review(cycle=cycle, service_area=area, grade=grade)
    report = Report.objects.create(cycle=cycle)
    return ReportVersion.objects.create(
        report=report,
        number=1,
        figures=frozen(cycle_figures(cycle=cycle)),
        narrative={
            "key_findings": "Most plans were clear.\nChildren were seen alone.",
            "strengths": "Strong direct work with families.",
            "areas_for_development": "Contingency planning.",
            "learning": "Practice week in January.",
            "plan": [
                {
                    "action": "Run contingency planning workshops.",
                    "owner": "Priya Shah",
                    "due_on": "2027-01-31",
                }
            ],
            **narrative,
        },
    )


def pdf_pages(version) -> list[str]:
    reader = PdfReader(io.BytesIO(render_report_pdf(version)))
    return [page.extract_text() for page in reader.pages]


@pytest.fixture
def pages(settings):
    settings.QAF_AUTHORITY_NAME = "Exampleshire County Council"
    return pdf_pages(an_issued_version())


def test_the_pdf_has_a_cover_with_the_authority_title_cycle_and_issue_date(pages):
    cover = pages[0]
    assert "Exampleshire County Council" in cover
    assert "Quality Assurance Report" in cover
    assert "October to November 2026" in cover
    assert "Issued" in cover


def test_every_page_carries_the_protective_marking_in_its_header_and_footer(pages):
    assert len(pages) > 3
    for text in pages:
        assert text.count("OFFICIAL-SENSITIVE") >= 2


def test_pages_are_numbered_page_n_of_m(pages):
    total = len(pages)
    assert f"Page 1 of {total}" in pages[0]
    assert f"Page {total} of {total}" in pages[-1]


def test_the_contents_and_every_section_heading_are_present(pages):
    text = "\n".join(pages)
    assert "Contents" in pages[1]
    for heading in SECTIONS:
        assert heading in pages[1]  # in the contents
        assert text.count(heading) >= 2  # and as a heading further on


def test_the_frozen_figures_the_narrative_and_the_plan_are_printed(pages):
    text = "\n".join(pages)
    assert "5 of 5 planned reviews were completed (100%)" in " ".join(text.split())
    assert "Children in Need" in text
    assert "Most plans were clear." in text
    assert "Children were seen alone." in text
    assert "Strong direct work with families." in text
    assert "Run contingency planning workshops." in text
    assert "Priya Shah" in text
    assert "31 Jan 2027" in text


def test_the_pdf_shows_the_frozen_figures_not_the_live_ones():
    version = an_issued_version()
    submitted_review(cycle=version.report.cycle, grade="good")  # after issue
    text = "\n".join(pdf_pages(version))
    assert "5 of 5 planned" in text


def test_the_narrative_is_escaped_and_keeps_its_line_breaks():
    version = an_issued_version(strengths='<img src="http://example.com/x.png">\nSecond line')
    html = render_report_html(version)
    assert "&lt;img src=&quot;http://example.com/x.png&quot;&gt;<br>Second line" in html
    assert '<img src="http://example.com/x.png">' not in html


def test_the_fetcher_refuses_the_network_and_files():
    for url in ("http://example.com/x.png", "https://example.com/", "file:///etc/passwd"):
        with pytest.raises(NetworkRefused):
            refuse_network(url)


def test_the_fetcher_allows_data_urls():
    assert refuse_network("data:text/plain,hello").read() == b"hello"


def test_a_remote_image_in_the_html_is_not_fetched(monkeypatch):
    fetched = []
    monkeypatch.setattr(
        "urllib.request.OpenerDirector.open", lambda *a, **k: fetched.append(a) or None
    )
    html = '<p>x</p><img src="http://example.com/x.png"><img src="file:///etc/passwd">'
    pdf = HTML(string=html, base_url=None, url_fetcher=NoNetworkFetcher()).write_pdf()
    assert pdf.startswith(b"%PDF")
    assert fetched == []


def test_an_empty_cycle_still_renders():
    cycle = CycleFactory(name="Empty cycle")
    report = Report.objects.create(cycle=cycle)
    version = ReportVersion.objects.create(
        report=report,
        number=2,
        figures=frozen(cycle_figures(cycle=cycle)),
        narrative={"plan": []},
    )
    text = "\n".join(pdf_pages(version))
    assert "No reviews" in text
    assert "No actions in the plan." in text
    assert "None recorded." in text


def test_the_benchmarks_practice_themes_and_every_figure_are_in_the_pdf_text(qa_manager):
    cycle = CycleFactory(name="March to April 2027")
    area = ServiceAreaFactory(name="Children in Care")
    submitted_review(cycle=cycle, service_area=area, grade="good")
    submitted_review(cycle=cycle, service_area=area, grade="inadequate")
    a_benchmark(cycle, area, qa_manager, "Benchmarking Review, March")
    figures = live_figures(cycle)
    figures["practice_themes"] = {
        "reviews_tagged": 2,
        "themes": [{"theme": "Direct work with the child", "strengths": 2, "development": 0}],
    }
    report = Report.objects.create(cycle=cycle)
    version = ReportVersion.objects.create(
        report=report, number=1, figures=figures, narrative={"plan": []}
    )

    pages = pdf_pages(version)

    text = " ".join(" ".join(pages).split())
    assert "Benchmarking Reviews: consistency of grading" in pages[1]  # in the contents
    for part in (
        "Practice themes",
        "Strengths and areas for development by theme",
        "Direct work with the child",
        "Moderation by reviewer",
        "Longest days to assurance",
        "Actions overdue",
        "Cases with family feedback",
        "Feedback themes",
        "Benchmarking Review, March",
        "Case BR-MARCH",
        "3 reviewers submitted; 1 not yet submitted.",
        "Benchmarking Review, March: each reviewer's grades side by side",
        "Benchmarking Review, March: consistency of grading",
        "Krippendorff's alpha (ordinal)",
        "All questions 3 33% 100% 0.17",
        "Good or better over time",
        "Reviews graded Good or better: Children in Care",
        "March to April 2027 2 1 50% 9% to 91%",
    ):
        assert part in text, part
    assert "no data" not in text  # the screen-reader words are not printed
