"""Reviews and their answers (moderation, escalations and actions join them later)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from audits.models import Case, Choice, Cycle, Grade, Question, ToolkitVersion


class Review(models.Model):
    """One toolkit completed about one case in one cycle by one reviewer."""

    class Status(models.TextChoices):
        UNASSIGNED = "unassigned", "Sampled, no reviewer yet"
        ASSIGNED = "assigned", "Assigned"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"
        MODERATED = "moderated", "Moderated"
        FINALISED = "finalised", "Finalised"

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="reviews")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reviews")
    toolkit_version = models.ForeignKey(
        ToolkitVersion, on_delete=models.PROTECT, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews_to_do",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.UNASSIGNED)
    due_on = models.DateField()
    added_by_hand = models.BooleanField(default=False)

    # The reviewer's findings (seed 003: Practice Reviews; seed 000: the 3-way discussion).
    discussion_on = models.DateField(
        "date of the discussion with the practitioner", null=True, blank=True
    )
    discussion_participants = models.CharField("who took part", max_length=300, blank=True)
    practitioner_reflections = models.TextField("the practitioner's reflections", blank=True)
    child_seen = models.BooleanField("was the child seen?", null=True, blank=True)
    views_obtained_how = models.TextField(
        "how the child's and family's views were obtained", blank=True
    )
    child_and_family_views = models.TextField("what the child and family said", blank=True)
    working_well = models.TextField("what is working well", blank=True)
    needs_to_improve = models.TextField("what needs to improve", blank=True)
    recommendations = models.TextField(blank=True)
    grade = models.CharField("overall grade", max_length=32, choices=Grade.choices, blank=True)
    grade_rationale = models.TextField("rationale for the overall grade", blank=True)

    # Optimistic locking: every save of the review or its answers must name the version it
    # was based on; a save based on an older version is refused (never silently overwritten).
    lock_version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "case__reference"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "case"], name="one_review_per_case_per_cycle"),
            models.CheckConstraint(
                condition=models.Q(status="unassigned") | models.Q(reviewer__isnull=False),
                name="assigned_review_has_reviewer",
            ),
        ]
        indexes = [
            models.Index(fields=["reviewer", "status"]),
            models.Index(fields=["cycle", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.toolkit_version.toolkit.name}: {self.case.reference} ({self.cycle.name})"

    @property
    def is_overdue(self) -> bool:
        """Past its due date and not yet submitted (the reviewer's part ends at submit)."""
        still_open = self.status in (self.Status.ASSIGNED, self.Status.IN_PROGRESS)
        return still_open and self.due_on < timezone.localdate()


class Answer(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    grade = models.CharField(max_length=32, choices=Grade.choices, blank=True)
    choice = models.CharField(max_length=8, choices=Choice.choices, blank=True)
    text = models.TextField(blank=True)
    not_applicable = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"Answer to question {self.question_id} of review {self.review_id}"


class ReviewEvent(models.Model):
    """A change of a review's status: who, when, from, to, and why."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, choices=Review.Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Review.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Review {self.review_id}: {self.from_status or 'new'} -> {self.to_status}"
