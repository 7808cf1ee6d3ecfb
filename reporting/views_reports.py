"""The QA report pages: the QA Manager's draft beside the live figures, its preview and
publishing; the published versions and their PDFs for those who read reports."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from accounts.permissions import require
from audits.models import Cycle

from . import reports as svc
from .forms_reports import PlanItemForm, ReportNarrativeForm
from .models import ActionPlanItem, Report, ReportVersion


@require("reports.view")
def reports(request):
    return render(request, "reporting/reports/list.html", {"versions": svc.published_versions()})


@require("reports.manage")
def report_edit(request, cycle_pk):
    cycle = get_object_or_404(Cycle, pk=cycle_pk)
    report = Report.objects.filter(cycle=cycle).first()
    if request.method == "POST" and report is None:
        svc.report_draft(cycle=cycle, actor=request.user)
        messages.success(request, "The report has been started.")
        return redirect("reporting:report_edit", cycle_pk=cycle.pk)
    form = ReportNarrativeForm(request.POST or None, instance=report)
    if report is not None and request.method == "POST" and form.is_valid():
        svc.report_update(report=report, actor=request.user, **form.cleaned_data)
        messages.success(request, "The report has been saved.")
        return redirect("reporting:report_edit", cycle_pk=cycle.pk)
    context = {"cycle": cycle, "report": report, "form": form, "plan_form": PlanItemForm()}
    if report is not None:
        figures = svc.live_figures(cycle, cached=True)
        context.update(figures=figures, plan_items=report.plan_items.all())
        context["versions"] = report.versions.all()
    return render(request, "reporting/reports/edit.html", context)


@require("reports.manage")
def report_preview(request, cycle_pk):
    report = get_object_or_404(Report.objects.select_related("cycle"), cycle__pk=cycle_pk)
    context = svc.report_body_context(report)
    return render(request, "reporting/reports/preview.html", context)


@require("reports.manage")
def plan_item_add(request, cycle_pk):
    report = get_object_or_404(Report.objects.select_related("cycle"), cycle__pk=cycle_pk)
    form = PlanItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        svc.plan_item_add(report=report, actor=request.user, **form.cleaned_data)
        messages.success(request, "The action has been added to the plan.")
        return redirect("reporting:report_edit", cycle_pk=cycle_pk)
    return render(
        request, "reporting/reports/plan_item_form.html", {"report": report, "form": form}
    )


@require("reports.manage")
def plan_item_remove(request, pk):
    item = get_object_or_404(ActionPlanItem.objects.select_related("report__cycle"), pk=pk)
    if request.method == "POST":
        svc.plan_item_remove(item=item, actor=request.user)
        messages.success(request, "The action has been removed from the plan.")
        return redirect("reporting:report_edit", cycle_pk=item.report.cycle.pk)
    return render(request, "reporting/reports/plan_item_remove.html", {"item": item})


@require("reports.manage")
def report_publish(request, cycle_pk):
    report = get_object_or_404(Report.objects.select_related("cycle"), cycle__pk=cycle_pk)
    if request.method == "POST":
        version = svc.report_publish(report=report, actor=request.user)
        messages.success(
            request, f"Version {version.number} has been published; its PDF is being produced."
        )
        return redirect("reporting:reports")
    next_number = report.versions.count() + 1
    return render(
        request, "reporting/reports/publish.html", {"report": report, "next_number": next_number}
    )


@require("reports.view")
def version_pdf(request, pk):
    version = get_object_or_404(ReportVersion.objects.select_related("report__cycle"), pk=pk)
    if version.pdf_status != ReportVersion.PdfStatus.READY or not version.pdf:
        raise Http404("The PDF of this version is not ready.")
    name = f"qa-report-{version.report.cycle.pk}-v{version.number}.pdf"
    response = FileResponse(
        version.pdf.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )
    response["Cache-Control"] = "no-store"
    return response
