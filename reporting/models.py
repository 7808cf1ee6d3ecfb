"""The bi-monthly QA report of a cycle: the QA Manager's narrative beside the live figures while
it is a draft, then issued versions that never change (figures, narrative and PDF as issued)."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from audits.models import Cycle


class Report(models.Model):
    """The working draft of a cycle's report (one per cycle)."""

    cycle = models.OneToOneField(Cycle, on_delete=models.PROTECT, related_name="report")
    # The narrative sections (seed 003: findings, strengths, areas for focus, learning, plan).
    key_findings = models.TextField(blank=True)
    strengths = models.TextField(blank=True)
    areas_for_development = models.TextField(blank=True)
    learning = models.TextField("learning and dissemination", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-cycle__review_starts_on"]

    def __str__(self) -> str:
        return f"QA report: {self.cycle.name}"


class ActionPlanItem(models.Model):
    """A line of the QA action plan: what, who owns it, by when."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="plan_items")
    action = models.TextField()
    owner = models.CharField(max_length=150)
    due_on = models.DateField()
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["report", "position", "id"]

    def __str__(self) -> str:
        return self.action[:60]


class ReportVersion(models.Model):
    """An issued version: frozen figures, narrative and PDF. Never changed after publishing; a
    republish makes a new version and keeps the old ones."""

    class PdfStatus(models.TextChoices):
        PENDING = "pending", "Being produced"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    figures = models.JSONField(encoder=DjangoJSONEncoder)
    narrative = models.JSONField(encoder=DjangoJSONEncoder)
    pdf = models.FileField(upload_to="reports/", blank=True)
    pdf_status = models.CharField(
        max_length=16, choices=PdfStatus.choices, default=PdfStatus.PENDING
    )
    pdf_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number"], name="report_version_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"


class DataVersion(models.Model):
    """One row counting the transactions that changed QAF's data (reporting/data_version.py):
    cached figures are kept under the count they were computed at, so a change makes the next
    page compute them afresh, in every process."""

    n = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Data version {self.n}"
