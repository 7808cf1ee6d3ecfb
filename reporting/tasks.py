"""Reporting's background task: producing a published version's PDF (the timed job that drafts
reports is declared in qaf/jobs.py)."""

from celery import shared_task
from django.core.files.base import ContentFile

from .models import ReportVersion


@shared_task(time_limit=300, soft_time_limit=240)
def build_report_pdf(version_id: int) -> None:
    """Render the version's PDF from its frozen figures and narrative, once."""
    version = ReportVersion.objects.select_related("report__cycle").get(pk=version_id)
    if version.pdf_status == ReportVersion.PdfStatus.READY and version.pdf:
        return
    try:
        from .pdf import render_report_pdf

        content = render_report_pdf(version)
    except Exception as error:
        version.pdf_status = ReportVersion.PdfStatus.FAILED
        version.pdf_error = str(error)[:300]
        version.save(update_fields=["pdf_status", "pdf_error"])
        raise
    name = f"qa-report-{version.report.cycle.pk}-v{version.number}.pdf"
    version.pdf.save(name, ContentFile(content), save=False)
    version.pdf_status = ReportVersion.PdfStatus.READY
    version.pdf_error = ""
    version.save(update_fields=["pdf", "pdf_status", "pdf_error"])
