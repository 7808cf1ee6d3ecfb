"""The QA report pages: who may open them, the draft beside the live figures, the plan lines,
the preview, publishing with confirmation, the reports list and the PDF download."""

import sys
import types

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.models import Cycle
from audits.tests.factories import CycleFactory
from reporting.models import ActionPlanItem, Report, ReportVersion
from reporting.reports import report_draft, report_publish
from reviews.tests.factories import submitted_review

pytestmark = pytest.mark.django_db

READERS = ["leadership", "qa_manager", "head_of_service", "service_manager"]
NOT_READERS = ["reviewer", "moderator", "practitioner", "practice_lead"]
NOT_MANAGERS = ["leadership", "head_of_service", "service_manager", "reviewer"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def fake_pdf(monkeypatch):
    module = types.ModuleType("reporting.pdf")
    module.render_report_pdf = lambda version: b"%PDF-1.4 test"
    monkeypatch.setitem(sys.modules, "reporting.pdf", module)


@pytest.fixture
def cycle(service_area):
    cycle = CycleFactory(name="Autumn review", status=Cycle.Status.REPORTING)
    submitted_review(service_area=service_area, cycle=cycle, grade="good")
    return cycle


@pytest.fixture
def report(cycle, qa_manager):
    return report_draft(cycle=cycle, actor=qa_manager)


@pytest.fixture
def version(report, qa_manager):
    """Published; its PDF still being produced (the task has not run)."""
    return report_publish(report=report, actor=qa_manager)


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


# The reports page


@pytest.mark.parametrize("person", READERS)
def test_readers_see_the_published_versions_and_that_the_pdf_is_being_produced(
    client, request, person, version
):
    response = get(client, request.getfixturevalue(person), "/reporting/reports/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "Autumn review" in content
    assert "Version 1" in content
    assert "The PDF is being produced." in content


@pytest.mark.parametrize("person", NOT_READERS)
def test_others_may_not_open_the_reports_page(client, request, person):
    assert get(client, request.getfixturevalue(person), "/reporting/reports/").status_code == 403


def test_the_reports_page_asks_anonymous_people_to_log_in(client):
    response = client.get("/reporting/reports/")

    assert response.status_code == 302
    assert response.url == "/login/?next=/reporting/reports/"


def test_the_reports_page_lists_newest_first_and_has_an_empty_state(
    client, leadership, report, qa_manager
):
    assert (
        "No QA report has been published yet."
        in get(client, leadership, "/reporting/reports/").content.decode()
    )
    report_publish(report=report, actor=qa_manager)
    report_publish(report=report, actor=qa_manager)

    response = client.get("/reporting/reports/")

    assert [v.number for v in response.context["versions"]] == [2, 1]


def test_the_reports_page_makes_the_same_number_of_queries_however_many_versions(
    client, leadership, report, qa_manager
):
    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get("/reporting/reports/").status_code == 200
        return len(context)

    report_publish(report=report, actor=qa_manager)
    client.force_login(leadership)
    client.get("/reporting/reports/")  # warm the session
    one = queries()
    for _ in range(4):
        report_publish(report=report, actor=qa_manager)
    other = report_draft(cycle=CycleFactory(), actor=qa_manager)
    report_publish(report=other, actor=qa_manager)

    assert queries() == one


# Download


def test_the_pdf_is_not_found_while_it_is_being_produced(client, leadership, version):
    response = get(client, leadership, f"/reporting/reports/versions/{version.pk}/pdf/")

    assert response.status_code == 404


def test_a_ready_pdf_downloads_as_an_attachment_not_cached(client, leadership, version):
    version.pdf.save("qa-report.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    version.pdf_status = ReportVersion.PdfStatus.READY
    version.save()

    response = get(client, leadership, f"/reporting/reports/versions/{version.pk}/pdf/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert response["Content-Disposition"].startswith("attachment")
    assert f"qa-report-{version.report.cycle.pk}-v1.pdf" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"


def test_people_who_do_not_read_reports_may_not_download_them(client, reviewer, version):
    response = get(client, reviewer, f"/reporting/reports/versions/{version.pk}/pdf/")

    assert response.status_code == 403


def test_an_unknown_version_is_not_found(client, leadership):
    assert get(client, leadership, "/reporting/reports/versions/999/pdf/").status_code == 404


# The edit page


def test_the_qa_manager_edits_the_narrative_beside_the_live_figures(client, qa_manager, report):
    url = f"/reporting/reports/{report.cycle.pk}/"
    response = get(client, qa_manager, url)

    content = response.content.decode()
    assert response.status_code == 200
    assert "Live figures, whole organisation" in content
    assert "Reviews completed: 1 of 1 planned" in content

    response = client.post(url, {"key_findings": "Plans are clearer.", "strengths": "Visits."})

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.key_findings, report.strengths) == ("Plans are clearer.", "Visits.")
    assert report.updated_by == qa_manager


def test_a_cycle_without_a_report_offers_to_start_one(client, qa_manager, cycle):
    url = f"/reporting/reports/{cycle.pk}/"
    assert "Start the report" in get(client, qa_manager, url).content.decode()
    assert not Report.objects.exists()

    client.post(url)
    client.post(url)

    assert Report.objects.filter(cycle=cycle).count() == 1


@pytest.mark.parametrize("person", NOT_MANAGERS)
def test_only_the_qa_manager_may_open_the_report_pages(client, request, person, report):
    user = request.getfixturevalue(person)
    pk = report.cycle.pk
    for url in (
        f"/reporting/reports/{pk}/",
        f"/reporting/reports/{pk}/preview/",
        f"/reporting/reports/{pk}/publish/",
        f"/reporting/reports/{pk}/plan/",
    ):
        assert get(client, user, url).status_code == 403, url


def test_the_report_pages_ask_anonymous_people_to_log_in(client, report):
    url = f"/reporting/reports/{report.cycle.pk}/"

    response = client.get(url)

    assert response.url == f"/login/?next={url}"


def test_an_unknown_cycle_is_not_found(client, qa_manager):
    assert get(client, qa_manager, "/reporting/reports/999/").status_code == 404
    assert client.get("/reporting/reports/999/preview/").status_code == 404


def test_the_qa_manager_adds_and_removes_plan_lines(client, qa_manager, report):
    client.force_login(qa_manager)
    pk = report.cycle.pk

    response = client.post(
        f"/reporting/reports/{pk}/plan/",
        {"action": "Audit contingency plans", "owner": "Head of Service", "due_on": "2031-01-31"},
    )

    assert response.status_code == 302
    item = ActionPlanItem.objects.get(report=report)
    confirm = client.get(f"/reporting/reports/plan/{item.pk}/remove/")
    assert "Remove the action" in confirm.content.decode()
    assert ActionPlanItem.objects.exists()
    client.post(f"/reporting/reports/plan/{item.pk}/remove/")
    assert not ActionPlanItem.objects.exists()


def test_an_incomplete_plan_line_is_shown_again_with_the_input_kept(client, qa_manager, report):
    client.force_login(qa_manager)

    response = client.post(
        f"/reporting/reports/{report.cycle.pk}/plan/", {"action": "Audit plans", "owner": ""}
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert "Audit plans" in content


def test_the_preview_renders_the_report_body_with_the_four_questions(client, qa_manager, report):
    report.key_findings = "Plans are clearer."
    report.save()

    response = get(client, qa_manager, f"/reporting/reports/{report.cycle.pk}/preview/")

    content = response.content.decode()
    assert response.status_code == 200
    for heading in (
        "How much did we do?",
        "How well did we do it?",
        "What difference did it make?",
        "How are we improving?",
    ):
        assert heading in content
    assert "Plans are clearer." in content
    assert "Draft: not published" in content
    assert response.context["version"] is None


def test_publishing_asks_for_confirmation_then_publishes_and_produces_the_pdf(
    client, qa_manager, report, django_capture_on_commit_callbacks
):
    url = f"/reporting/reports/{report.cycle.pk}/publish/"
    assert "Publish version 1" in get(client, qa_manager, url).content.decode()
    assert not ReportVersion.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert response.status_code == 302
    assert response.url == "/reporting/reports/"
    version = ReportVersion.objects.get()
    assert version.pdf_status == ReportVersion.PdfStatus.READY
    page = client.get("/reporting/reports/").content.decode()
    assert f"/reporting/reports/versions/{version.pk}/pdf/" in page
