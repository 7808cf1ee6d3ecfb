"""Cycles, toolkits, cases, sampling and assignments."""

import re

from django.conf import settings
from django.db import models

from accounts.models import ServiceArea, Team
from qaf.models import StatusEvent


class LegalStatus(models.TextChoices):
    """The groups a sample is balanced across (seed 003's service areas of a child's journey)."""

    CHILD_IN_NEED = "child_in_need", "Child in need"
    CHILD_PROTECTION = "child_protection", "Child protection"
    CHILD_IN_CARE = "child_in_care", "Child in care"
    CARE_LEAVER = "care_leaver", "Care leaver"
    OTHER = "other", "Other"


# Words in the case-management system's case type that place a case in a group, checked in
# this order (a "child protection plan" also says "plan"; a care leaver was "in care").
_LEGAL_STATUS_WORDS = [
    (LegalStatus.CARE_LEAVER, ["care leaver", "relevant child", "staying close"]),
    (LegalStatus.CHILD_PROTECTION, ["child protection", "cp", "public law outline"]),
    (LegalStatus.CHILD_IN_CARE, [
        "looked after", "care order", "section 20", "s20", "s31", "placement order",
        "child in care", "children in care", "lac", "cla",
    ]),
    (LegalStatus.CHILD_IN_NEED, [
        "child in need", "children in need", "cin", "single assessment", "contact and referral",
        "early help",
    ]),
]  # fmt: skip


def legal_status_for(case_type: str) -> str:
    """The sampling group of a case, read from its case type as exported."""
    text = case_type.casefold()
    for status, words in _LEGAL_STATUS_WORDS:
        if any(re.search(rf"\b{re.escape(word)}\b", text) for word in words):
            return status
    return LegalStatus.OTHER


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
    legal_status = models.CharField(
        max_length=20,
        choices=LegalStatus.choices,
        default=LegalStatus.OTHER,
        help_text="Derived from the case type when imported; balances the sample.",
    )
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["reference"]
        indexes = [
            models.Index(fields=["service_area", "team"]),
            models.Index(fields=["team", "legal_status"]),
        ]
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

    def save(self, *args, **kwargs):
        existed = not self._state.adding
        super().save(*args, **kwargs)
        if existed:  # a case that moves area moves its reviews, and who may see them (issue 9)
            moved = self.reviews.exclude(service_area_id=self.service_area_id)
            moved.update(service_area_id=self.service_area_id)


class Grade(models.TextChoices):
    """The Ofsted ILACS scale, as the frameworks use it (seed 003)."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires Improvement"
    INADEQUATE = "inadequate", "Inadequate"


# Seed 003 (Sandwell), "Evaluating our practice": what each grade means for the child.
GRADE_DEFINITIONS = {
    Grade.OUTSTANDING: "There is consistently good and better support for the child or young "
    "person and family. This is protecting them from harm and resulting in significant and "
    "measurable improved outcomes for them.",
    Grade.GOOD: "There is good support for the child and their family, protecting the child from "
    "harm and resulting in measurable improved outcomes for them.",
    Grade.REQUIRES_IMPROVEMENT: "The child or young person is not being harmed or left at risk of "
    "being harmed. The impact of intervention is not yet consistently delivering support of a "
    "good standard that is improving the child or young person's outcomes.",
    Grade.INADEQUATE: "The planning and intervention are failing to protect the child from "
    "experiencing harm or continuing to be at risk of harm, or are not meeting the needs of the "
    "child or young person or improving their outcomes.",
}


class ToolkitKind(models.TextChoices):
    PRACTICE_REVIEW = "practice_review", "Practice Review"
    THEMATIC_REVIEW = "thematic_review", "Thematic Review"
    PRACTICE_OBSERVATION = "practice_observation", "Practice Observation"
    IRO_FEEDBACK = "iro_feedback", "IRO / CP chair case feedback"
    FAMILY_FEEDBACK = "family_feedback", "Child and family feedback"


class AnswerKind(models.TextChoices):
    GRADED = "graded", "Graded (Outstanding to Inadequate)"
    YES_PARTLY_NO = "yes_partly_no", "Yes / partly / no"
    FREE_TEXT = "free_text", "Free text"


class Choice(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


class Toolkit(models.Model):
    """A review template (e.g. "Practice Review"), whose content lives in numbered versions."""

    kind = models.CharField(max_length=32, choices=ToolkitKind.choices)
    name = models.CharField(max_length=150, unique=True)
    theme = models.CharField(
        max_length=150, blank=True, help_text="For a Thematic Review: its theme, e.g. Neglect."
    )
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class ToolkitVersion(models.Model):
    """One version of a toolkit. A published version never changes: reviews keep the version
    they were made with, and editing a published toolkit starts a new draft version."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    toolkit = models.ForeignKey(Toolkit, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    change_note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["toolkit", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["toolkit", "number"], name="toolkit_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["toolkit"],
                condition=models.Q(status="draft"),
                name="toolkit_has_one_draft",
                violation_error_message="This toolkit already has a draft version.",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="published_version_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.toolkit.name} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ToolkitVersionEvent(StatusEvent):
    """A toolkit version's move from draft to published: who, when, and the change note."""

    version = models.ForeignKey(ToolkitVersion, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, choices=ToolkitVersion.Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ToolkitVersion.Status.choices)


class Section(models.Model):
    version = models.ForeignKey(ToolkitVersion, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    guidance = models.TextField(blank=True)

    class Meta:
        ordering = ["version", "position", "id"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(max_length=500)
    guidance = models.TextField(
        blank=True, help_text="What to look for: shown beside the question."
    )
    answer_kind = models.CharField(
        max_length=16, choices=AnswerKind.choices, default=AnswerKind.GRADED
    )
    allow_not_applicable = models.BooleanField("may be answered 'not applicable'", default=False)
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["section", "position", "id"]

    def __str__(self) -> str:
        return self.text


class QACalendar(models.Model):
    """The QA calendar's settings, edited by the QA Manager. One row."""

    class ReviewPhase(models.TextChoices):
        FIRST_MONTH = "first_month", "The first month of the cycle"
        AUDIT_FORTNIGHT = "audit_fortnight", "An audit fortnight at the start of the cycle"

    review_months = models.CharField(
        max_length=40,
        default="1,3,5,7,9,11",
        help_text="The months in which a cycle's review phase starts, e.g. 1,3,5,7,9,11.",
    )
    review_phase = models.CharField(
        max_length=20, choices=ReviewPhase.choices, default=ReviewPhase.FIRST_MONTH
    )
    reminder_days = models.PositiveIntegerField(
        default=5, help_text="Remind reviewers this many days before the review phase closes."
    )
    escalation_deadline_working_days = models.PositiveIntegerField(default=2)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "QA calendar"
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="one_qa_calendar")]

    def __str__(self) -> str:
        return "QA calendar"

    @classmethod
    def load(cls) -> "QACalendar":
        return cls.objects.get_or_create(pk=1)[0]

    def month_numbers(self) -> list[int]:
        return sorted({int(part) for part in self.review_months.split(",") if part.strip()})


class Cycle(models.Model):
    """A bi-monthly QA cycle: a review phase, then a reporting and learning phase."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        REVIEW = "review", "Review phase"
        REPORTING = "reporting", "Reporting phase"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=100, unique=True)
    review_starts_on = models.DateField()
    review_ends_on = models.DateField()
    reporting_ends_on = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED)
    toolkit = models.ForeignKey(
        Toolkit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cycles",
        help_text="The tool for this cycle's reviews: the Practice Review, or a theme's tool.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["review_starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_ends_on__gte=models.F("review_starts_on")),
                name="cycle_review_phase_ends_after_start",
                violation_error_message="The review phase must end on or after its start.",
            ),
            models.CheckConstraint(
                condition=models.Q(reporting_ends_on__gt=models.F("review_ends_on")),
                name="cycle_reporting_after_review",
                violation_error_message="The reporting phase must end after the review phase.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CycleEvent(StatusEvent):
    """A change of a cycle's status: who, when, from, to."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, choices=Cycle.Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Cycle.Status.choices)


class JobRun(models.Model):
    """One run of a timed job (qaf/jobs.py): when, by whom (nobody: Celery beat), its outcome and
    what it did, for the QA Manager's Jobs page."""

    class Outcome(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    job = models.CharField(max_length=50)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.RUNNING)
    summary = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["job", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.job} at {self.started_at:%Y-%m-%d %H:%M}: {self.outcome}"
