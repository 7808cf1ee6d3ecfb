"""Publishing a report builds the real PDF after commit: the figures frozen, the file stored,
and its text as leadership will read it."""

import io

import pytest
from pypdf import PdfReader

from audits.tests.factories import CycleFactory
from reporting.models import ReportVersion
from reporting.reports import report_draft, report_publish, report_update
from reviews.tests.factories import submitted_review

from .factories import a_benchmark

pytestmark = pytest.mark.django_db


def test_publishing_builds_and_stores_the_real_pdf(
    qa_manager, service_area, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    cycle = CycleFactory(status="reporting")
    for grade in ("good", "good", "inadequate"):
        submitted_review(service_area=service_area, grade=grade, cycle=cycle)
    a_benchmark(cycle, service_area, qa_manager, "Benchmarking Review, March")
    report = report_draft(cycle=cycle, actor=qa_manager)
    report_update(
        report=report,
        actor=qa_manager,
        key_findings="Plans are clearer.",
        strengths="Children are seen alone.",
        areas_for_development="Supervision records.",
        learning="Shared at the practice forum.",
    )

    with django_capture_on_commit_callbacks(execute=True):
        version = report_publish(report=report, actor=qa_manager)

    version = ReportVersion.objects.get(pk=version.pk)
    assert version.pdf_status == ReportVersion.PdfStatus.READY
    reader = PdfReader(io.BytesIO(version.pdf.read()))
    pages = [page.extract_text() for page in reader.pages]
    assert all("OFFICIAL-SENSITIVE" in text for text in pages)
    whole = "\n".join(pages)
    assert cycle.name in whole
    assert "Plans are clearer." in whole
    assert "How well did we do it" in whole
    for part in (
        "Benchmarking Reviews: consistency of grading",
        "Benchmarking Review, March",
        "Krippendorff",
        "Practice themes",
        "Feedback themes",
        "Good or better over time",
    ):
        assert part in whole, part
