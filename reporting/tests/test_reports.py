"""The QA report's services and tasks: drafting (idempotent, and on beat for cycles in their
reporting phase), publishing numbered versions that freeze the figures and narrative, telling
Leadership once, and producing the PDF of a version once."""

import datetime
import sys
import types

import pytest

from accounts.models import Notification, Role
from accounts.permissions import can
from accounts.tests.factories import UserFactory
from audits.models import Cycle
from audits.tasks import run_job
from audits.tests.factories import CycleFactory
from reporting.models import Report, ReportVersion
from reporting.reports import (
    plan_item_add,
    report_draft,
    report_publish,
    report_update,
    reports_draft_for_reporting_cycles,
)
from reporting.tasks import build_report_pdf
from reviews.tests.factories import submitted_review

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 test"


@pytest.fixture
def fake_pdf(monkeypatch):
    """reporting.pdf.render_report_pdf replaced: returns PDF and records the versions given."""
    calls = []

    def render_report_pdf(version):
        calls.append(version.pk)
        return PDF

    module = types.ModuleType("reporting.pdf")
    module.render_report_pdf = render_report_pdf
    monkeypatch.setitem(sys.modules, "reporting.pdf", module)
    return calls


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def cycle(service_area):
    cycle = CycleFactory(name="Autumn review", status=Cycle.Status.REPORTING)
    submitted_review(service_area=service_area, cycle=cycle, grade="good")
    return cycle


def publish(report, actor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return report_publish(report=report, actor=actor)


# Rules


@pytest.mark.parametrize(
    ("person", "manage", "view"),
    [
        ("qa_manager", True, True),
        ("leadership", False, True),
        ("head_of_service", False, True),
        ("service_manager", False, True),
        ("reviewer", False, False),
        ("moderator", False, False),
        ("practitioner", False, False),
        ("practice_lead", False, False),
    ],
)
def test_only_the_qa_manager_manages_reports_and_readers_view_them(request, person, manage, view):
    user = request.getfixturevalue(person)

    assert can(user, "reports.manage") is manage
    assert can(user, "reports.view") is view


# Drafting


def test_drafting_a_report_twice_gives_the_same_report(cycle, qa_manager):
    first = report_draft(cycle=cycle, actor=qa_manager)
    second = report_draft(cycle=cycle, actor=qa_manager)

    assert first == second
    assert Report.objects.filter(cycle=cycle).count() == 1
    assert first.created_by == qa_manager


def test_the_daily_task_drafts_reports_only_for_cycles_in_their_reporting_phase():
    reporting = CycleFactory(status=Cycle.Status.REPORTING)
    already = CycleFactory(status=Cycle.Status.REPORTING)
    existing = report_draft(cycle=already, actor=None)
    for status in (Cycle.Status.PLANNED, Cycle.Status.REVIEW, Cycle.Status.CLOSED):
        CycleFactory(status=status)

    drafted = run_job.delay("draft-reports").get()

    assert drafted == "1 done."
    assert set(Report.objects.values_list("cycle", flat=True)) == {reporting.pk, already.pk}
    assert Report.objects.get(cycle=already) == existing
    assert reports_draft_for_reporting_cycles() == 0


# Publishing


def test_publishing_numbers_versions_and_freezes_the_narrative_and_plan(
    cycle, qa_manager, fake_pdf, django_capture_on_commit_callbacks
):
    report = report_draft(cycle=cycle, actor=qa_manager)
    report_update(report=report, actor=qa_manager, key_findings="Plans are clearer.")
    plan_item_add(
        report=report,
        action="Audit contingency plans",
        owner="Head of Service, CiN",
        due_on=datetime.date(2031, 1, 31),
        actor=qa_manager,
    )

    first = publish(report, qa_manager, django_capture_on_commit_callbacks)
    second = publish(report, qa_manager, django_capture_on_commit_callbacks)

    assert (first.number, second.number) == (1, 2)
    assert first.narrative["key_findings"] == "Plans are clearer."
    assert first.narrative["plan"] == [
        {
            "action": "Audit contingency plans",
            "owner": "Head of Service, CiN",
            "due_on": "2031-01-31",
        }
    ]
    assert first.figures["volume"]["completed"] == 1
    assert first.published_by == qa_manager


def test_publishing_tells_every_leadership_member_once_per_version_without_figures(
    cycle, qa_manager, leadership, reviewer, fake_pdf, django_capture_on_commit_callbacks
):
    inactive = UserFactory(roles=[(Role.LEADERSHIP, None)], is_active=False)
    report = report_draft(cycle=cycle, actor=qa_manager)

    version = publish(report, qa_manager, django_capture_on_commit_callbacks)

    notes = Notification.objects.filter(kind="report_published")
    assert [n.recipient for n in notes] == [leadership]
    assert notes[0].url == "/reporting/reports/"
    assert notes[0].summary == ("The QA report for Autumn review (version 1) has been published")
    assert not Notification.objects.filter(recipient__in=[reviewer, inactive]).exists()
    assert version.pk


def test_publishing_queues_the_pdf_after_commit_and_stores_it(
    cycle, qa_manager, fake_pdf, django_capture_on_commit_callbacks
):
    report = report_draft(cycle=cycle, actor=qa_manager)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        version = report_publish(report=report, actor=qa_manager)
    assert fake_pdf == []  # nothing before commit
    for callback in callbacks:
        callback()

    version.refresh_from_db()
    assert fake_pdf == [version.pk]
    assert version.pdf_status == ReportVersion.PdfStatus.READY
    assert version.pdf.name.startswith(f"reports/qa-report-{cycle.pk}-v1")
    with version.pdf.open("rb") as f:
        assert f.read() == PDF


def test_building_a_ready_pdf_again_does_nothing(
    cycle, qa_manager, fake_pdf, django_capture_on_commit_callbacks
):
    version = publish(
        report_draft(cycle=cycle, actor=qa_manager), qa_manager, django_capture_on_commit_callbacks
    )

    build_report_pdf(version.pk)

    assert fake_pdf == [version.pk]


def test_a_pdf_that_cannot_be_rendered_is_marked_failed_and_the_error_raised(
    cycle, qa_manager, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(version):
        raise RuntimeError("no fonts")

    module = types.ModuleType("reporting.pdf")
    module.render_report_pdf = broken
    monkeypatch.setitem(sys.modules, "reporting.pdf", module)
    with django_capture_on_commit_callbacks(execute=False):
        version = report_publish(
            report=report_draft(cycle=cycle, actor=qa_manager), actor=qa_manager
        )

    with pytest.raises(RuntimeError):
        build_report_pdf(version.pk)

    version.refresh_from_db()
    assert version.pdf_status == ReportVersion.PdfStatus.FAILED
    assert version.pdf_error == "no fonts"


# Acceptance


def test_regrading_a_review_after_publishing_leaves_the_published_reports_figures_and_file_unchanged(  # noqa: E501
    cycle, service_area, qa_manager, fake_pdf, django_capture_on_commit_callbacks
):
    review = cycle.reviews.get()
    report = report_draft(cycle=cycle, actor=qa_manager)
    version = publish(report, qa_manager, django_capture_on_commit_callbacks)
    version.refresh_from_db()
    figures_before = version.figures
    with version.pdf.open("rb") as f:
        file_before = f.read()
    assert figures_before["grades"]["grades"]["good"]["count"] == 1

    review.final_grade = review.moderated_grade = "inadequate"
    review.save(update_fields=["final_grade", "moderated_grade"])

    version.refresh_from_db()
    assert version.figures == figures_before
    with version.pdf.open("rb") as f:
        assert f.read() == file_before == PDF
    republished = publish(report, qa_manager, django_capture_on_commit_callbacks)
    assert republished.number == 2
    assert republished.figures["grades"]["grades"]["inadequate"]["count"] == 1
    assert republished.figures["grades"]["grades"]["good"]["count"] == 0
    assert list(report.versions.values_list("number", flat=True)) == [2, 1]
    version.refresh_from_db()
    assert version.figures == figures_before
