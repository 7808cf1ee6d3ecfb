"""Leadership opens the reports page and downloads a published QA report as a PDF."""

import io

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from accounts.models import Role
from accounts.tests.factories import TEST_PASSWORD, ServiceAreaFactory, UserFactory
from audits.tests.factories import CycleFactory
from reporting.reports import report_draft, report_publish
from reporting.tasks import build_report_pdf
from reviews.tests.factories import submitted_review
from tests.browser.conftest import assert_accessible, login


def test_leadership_downloads_a_published_report(
    page: Page, live_server, transactional_db, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    qa_manager = UserFactory(roles=[(Role.QA_MANAGER, None)])
    leadership = UserFactory(roles=[(Role.LEADERSHIP, None)])
    cycle = CycleFactory(name="Autumn review", status="reporting")
    submitted_review(service_area=ServiceAreaFactory(name="Children in Need"), cycle=cycle)
    version = report_publish(report=report_draft(cycle=cycle, actor=qa_manager), actor=qa_manager)
    build_report_pdf(version.pk)  # what the worker does after commit

    login(page, live_server, leadership.email, TEST_PASSWORD)
    page.get_by_test_id("main-nav").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").first.click()

    with open(download_info.value.path(), "rb") as downloaded:
        pdf = PdfReader(io.BytesIO(downloaded.read()))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Autumn review" in text
    assert "OFFICIAL-SENSITIVE" in text
