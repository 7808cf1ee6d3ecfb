"""Cycles, toolkits, cases, sampling and assignments."""

from django.conf import settings
from django.db import models

from accounts.models import ServiceArea, Team


class Case(models.Model):
    """A child's case as the case-management system knows it.

    Data minimisation: QAF keeps the case-management system's reference, never the child's name.
    """

    reference = models.CharField(max_length=50, unique=True)
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="cases")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="cases")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="allocated_cases",
        help_text="The allocated social worker or lead practitioner.",
    )
    case_type = models.CharField("legal status / case type", max_length=100, blank=True)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["reference"]
        indexes = [models.Index(fields=["service_area", "team"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(closed_on__gte=models.F("opened_on")),
                name="case_closed_after_opened",
                violation_error_message="A case cannot close before it opened.",
            )
        ]

    def __str__(self) -> str:
        return self.reference
