"""The QA report of a cycle (issue 6, point 4): the QA Manager's draft beside the live figures,
then published versions whose figures, narrative and PDF never change. Services (writes) and
selectors (reads) of the report."""

import dataclasses
import json
from types import SimpleNamespace

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Max, QuerySet
from django.urls import reverse

from accounts.models import Role, User
from accounts.notifications import notify
from audits.models import Cycle

from .benchmarks import cycle_benchmarks_for_report
from .dashboard import dashboard_charts
from .data_version import cached_figures
from .figures import cycle_figures
from .models import ActionPlanItem, Report, ReportVersion

# The narrative sections, in the report's order: (field, heading).
NARRATIVE_SECTIONS = (
    ("key_findings", "Key findings"),
    ("strengths", "Strengths"),
    ("areas_for_development", "Areas for development"),
    ("learning", "Learning and dissemination"),
)


# Selectors


def live_figures(cycle: Cycle, *, cached: bool = False) -> dict:
    """The whole organisation's figures of the cycle as plain JSON data: exactly what a publish
    freezes (the cycle and service area objects are left out; the report names the cycle),
    with the cycle's Benchmarking Reviews and their consistency under "benchmarks". Pages that
    show them may take them `cached` for the same data (reporting/data_version.py); a publish
    computes them."""
    if cached:
        return cached_figures(("report", cycle.pk), lambda: live_figures(cycle))
    figures = cycle_figures(cycle=cycle)
    data = {
        f.name: getattr(figures, f.name)
        for f in dataclasses.fields(figures)
        if f.name not in ("cycle", "service_area")
    }
    data["benchmarks"] = cycle_benchmarks_for_report(cycle)
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def report_charts(figures: dict) -> list:
    """The dashboard's charts (grades, trend, grades by service area) drawn from a figures dict,
    live or frozen."""
    if not figures.get("volume", {}).get("planned"):
        return []
    view = SimpleNamespace(service_area=None, **figures)
    return list(dashboard_charts(view, by_service=True).values())


def report_narrative(report: Report) -> dict:
    return {name: getattr(report, name) for name, _ in NARRATIVE_SECTIONS}


def report_plan(report: Report) -> list[dict]:
    return [
        {"action": item.action, "owner": item.owner, "due_on": item.due_on.isoformat()}
        for item in report.plan_items.all()
    ]


def report_body_context(report: Report, version: ReportVersion | None = None) -> dict:
    """The context of templates/reporting/reports/report_body.html (the preview and the PDF):
    the version's frozen figures and narrative, or the draft's live ones when version is None."""
    if version is not None:
        figures = version.figures
        narrative = {k: v for k, v in version.narrative.items() if k != "plan"}
        plan = version.narrative.get("plan", [])
    else:
        figures = live_figures(report.cycle, cached=True)
        narrative = report_narrative(report)
        plan = report_plan(report)
    return {
        "report": report,
        "version": version,
        "figures": figures,
        "charts": report_charts(figures),
        "narrative": narrative,
        "plan": plan,
    }


def published_versions() -> QuerySet[ReportVersion]:
    """Every published version, newest cycle first and newest version first within it."""
    return ReportVersion.objects.select_related("report__cycle").order_by(
        "-report__cycle__review_starts_on", "-report__cycle__pk", "-number"
    )


# Services


@transaction.atomic
def report_draft(*, cycle: Cycle, actor: User | None) -> Report:
    """The cycle's report, started if it has none yet (a second call changes nothing)."""
    report, _ = Report.objects.get_or_create(
        cycle=cycle, defaults={"created_by": actor, "updated_by": actor}
    )
    return report


def reports_draft_for_reporting_cycles() -> int:
    """Start a report for every cycle in its reporting phase without one. Returns how many."""
    cycles = Cycle.objects.filter(status=Cycle.Status.REPORTING, report__isnull=True)
    drafted = 0
    for cycle in cycles:
        report_draft(cycle=cycle, actor=None)
        drafted += 1
    return drafted


@transaction.atomic
def report_update(*, report: Report, actor: User, **narrative: str) -> Report:
    """Save the narrative sections given (key_findings, strengths, areas_for_development,
    learning)."""
    allowed = {name for name, _ in NARRATIVE_SECTIONS}
    unknown = set(narrative) - allowed
    if unknown:
        raise ValueError(f"Not a section of the report: {sorted(unknown)}")
    for name, value in narrative.items():
        setattr(report, name, value.strip())
    report.updated_by = actor
    report.save(update_fields=[*narrative, "updated_by", "updated_at"])
    return report


@transaction.atomic
def plan_item_add(*, report: Report, action: str, owner: str, due_on, actor: User):
    position = (report.plan_items.aggregate(m=Max("position"))["m"] or 0) + 1
    item = ActionPlanItem.objects.create(
        report=report, action=action.strip(), owner=owner.strip(), due_on=due_on, position=position
    )
    report.updated_by = actor
    report.save(update_fields=["updated_by", "updated_at"])
    return item


@transaction.atomic
def plan_item_remove(*, item: ActionPlanItem, actor: User) -> None:
    report = item.report
    item.delete()
    report.updated_by = actor
    report.save(update_fields=["updated_by", "updated_at"])


@transaction.atomic
def report_publish(*, report: Report, actor: User) -> ReportVersion:
    """Issue a new version: the figures and narrative frozen as they are now, the PDF built by a
    task after commit; Leadership is told once per version. Earlier versions are kept."""
    report = Report.objects.select_for_update().select_related("cycle").get(pk=report.pk)
    number = (report.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = ReportVersion.objects.create(
        report=report,
        number=number,
        published_by=actor,
        figures=live_figures(report.cycle),
        narrative={**report_narrative(report), "plan": report_plan(report)},
        pdf_status=ReportVersion.PdfStatus.PENDING,
    )
    from .tasks import build_report_pdf

    build_report_pdf.delay_on_commit(version.pk)
    url = reverse("reporting:reports")
    leaders = User.objects.filter(is_active=True, memberships__role=Role.LEADERSHIP).distinct()
    for leader in leaders:
        notify(
            recipient=leader,
            kind="report_published",
            obj=version,
            summary=f"The QA report for {report.cycle.name} (version {number}) has been published",
            url=url,
        )
    return version
