"""Access records: who opened which case's review or feedback, when, on which page (issue 8).

Written once by `record_access()` and never changed: the app has no view that edits or deletes
them, and the admin shows them read-only (UK GDPR accountability; subject access requests).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from audits.models import Case


class AccessRecord(models.Model):
    class Page(models.TextChoices):
        REVIEW = "review", "Review"
        MODERATION = "moderation", "Moderation"
        ESCALATION = "escalation", "Escalation"
        IRO_FEEDBACK = "iro_feedback", "IRO / CP chair feedback"
        FAMILY_FEEDBACK = "family_feedback", "Family feedback"
        PRACTITIONER_FEEDBACK = "practitioner_feedback", "Practitioner feedback"
        COMPLAINT = "complaint", "Complaint or compliment"
        CASE_FEEDBACK = "case_feedback", "Case feedback"

    # SET_NULL and a copy of the address: the record outlives the account it names.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    user_email = models.CharField(max_length=254)
    at = models.DateTimeField(default=timezone.now)
    # PROTECT: a case somebody has looked at cannot vanish from under its access records.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="access_records")
    case_reference = models.CharField(max_length=50)
    page = models.CharField(max_length=32, choices=Page.choices)
    object_id = models.PositiveBigIntegerField()
    path = models.CharField(max_length=300, help_text="Without the query string.")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["case_reference", "at"]),
            models.Index(fields=["user_email", "at"]),
            models.Index(fields=["at"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_email} opened {self.get_page_display()} of {self.case_reference}"
