"""Reviews and their answers, moderation, escalations of Inadequate grades, and actions."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import ServiceArea
from audits.models import Case, Choice, Cycle, Grade, Question, ToolkitVersion
from qaf.models import StatusEvent, Theme


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
    # The case's service area, copied onto the review so that lists filter and count reviews by
    # area with an index of their own instead of joining every review to its case (issue 9: a
    # large authority's ten years). Who may see a review follows it, so it is never set by hand:
    # save() copies it from a new review's case, and a case that moves area moves its reviews
    # (Case.save(), audits.services.cases, both through sync_service_area()).
    service_area = models.ForeignKey(
        ServiceArea, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
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
    # Set by the QA calendar when the review phase closed with this review unfinished.
    overdue_marked_at = models.DateTimeField(null=True, blank=True)

    # Moderation (seed 003): the moderated grade is final; both grades are kept and shown.
    moderated_grade = models.CharField(max_length=32, choices=Grade.choices, blank=True)
    moderation_rationale = models.TextField(blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    # The grade lists, dashboards and reports use: the reviewer's at submit, then the
    # moderator's. Stored (set only by the submit and moderate services) so figures aggregate it.
    final_grade = models.CharField(max_length=32, choices=Grade.choices, blank=True, db_index=True)
    benchmark = models.ForeignKey(
        "BenchmarkExercise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        help_text="Set when the review is one of a benchmarking exercise's.",
    )
    # A follow-up re-review in a later cycle of a Requires Improvement or Inadequate review.
    follow_up_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "case__reference"]
        constraints = [
            # One review of a case per cycle, except in a benchmarking exercise, where several
            # reviewers review the same case with the same tool (seed 003), once each.
            models.UniqueConstraint(
                fields=["cycle", "case"],
                condition=models.Q(benchmark__isnull=True),
                name="one_review_per_case_per_cycle",
            ),
            models.UniqueConstraint(
                fields=["benchmark", "reviewer"],
                condition=models.Q(benchmark__isnull=False),
                name="one_benchmark_review_per_reviewer",
            ),
            models.CheckConstraint(
                condition=models.Q(status="unassigned") | models.Q(reviewer__isnull=False),
                name="assigned_review_has_reviewer",
            ),
        ]
        indexes = [
            models.Index(fields=["reviewer", "status"]),
            models.Index(fields=["cycle", "status"]),
            models.Index(fields=["service_area", "final_grade"]),
            models.Index(fields=["service_area", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.toolkit_version.toolkit.name}: {self.case.reference} ({self.cycle.name})"

    def save(self, *args, **kwargs):
        if self.service_area_id is None and self.case_id is not None:
            self.service_area_id = self.case.service_area_id
        super().save(*args, **kwargs)

    @property
    def is_overdue(self) -> bool:
        """Past its due date and not yet submitted (the reviewer's part ends at submit)."""
        still_open = self.status in (self.Status.ASSIGNED, self.Status.IN_PROGRESS)
        return still_open and self.due_on < timezone.localdate()


def follow_cases_to_their_areas(case_ids) -> int:
    """Move the reviews of these cases into their case's service area (Review.service_area);
    for a case list import that changed cases in bulk. Returns how many reviews moved."""
    area = Case.objects.filter(pk=models.OuterRef("case_id")).values("service_area_id")[:1]
    moved = 0
    case_ids = list(case_ids)
    for start in range(0, len(case_ids), 500):  # within every database's parameter limit
        reviews = Review.objects.filter(case_id__in=case_ids[start : start + 500])
        moved += reviews.update(service_area_id=models.Subquery(area))
    return moved


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

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"Answer to question {self.question_id} of review {self.review_id}"


class PracticeTheme(Theme):
    """A practice theme from the QA Manager's taxonomy (e.g. management oversight, the child's
    lived experience). Reviewers tag a review's strengths and areas for development with them, so
    the report can count which themes recur across a cycle (seed 000: themes feed the
    Workforce Development Plan)."""


class ReviewTheme(models.Model):
    """A practice theme tagged on a review, as a strength or as an area for development."""

    class Kind(models.TextChoices):
        STRENGTH = "strength", "Strength"
        DEVELOPMENT = "development", "Area for development"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="themes")
    theme = models.ForeignKey(PracticeTheme, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "theme", "kind"], name="one_tag_per_theme_and_kind"
            )
        ]
        indexes = [models.Index(fields=["theme", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.theme_id} on review {self.review_id}"


class ReviewEvent(StatusEvent):
    """A change of a review's status: who, when, from, to, and why."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, choices=Review.Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Review.Status.choices)


class Moderation(models.Model):
    """One moderation of a review: agreed, regraded or returned to the reviewer."""

    class Decision(models.TextChoices):
        AGREED = "agreed", "Agreed the grade"
        REGRADED = "regraded", "Regraded"
        RETURNED = "returned", "Returned to the reviewer"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="moderations")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=16, choices=Decision.choices)
    reviewer_grade = models.CharField(max_length=32, choices=Grade.choices, blank=True)
    moderated_grade = models.CharField(max_length=32, choices=Grade.choices, blank=True)
    rationale = models.TextField(blank=True)
    feedback_to_reviewer = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Moderation of review {self.review_id}: {self.get_decision_display()}"


class Escalation(models.Model):
    """Raised by an Inadequate grade (seed 003, "Escalations"): the service manager records
    assurance on the child's safety by the deadline; a dispute goes to the Head of Service."""

    class Status(models.TextChoices):
        RAISED = "raised", "Waiting for assurance"
        DISPUTED = "disputed", "Disputed: waiting for the Head of Service"
        CLOSED = "closed", "Closed"

    class Source(models.TextChoices):
        SUBMIT = "submit", "The reviewer's grade"
        MODERATION = "moderation", "The moderator's grade"

    review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="escalation")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RAISED)
    source = models.CharField(max_length=16, choices=Source.choices)
    raised_at = models.DateTimeField(auto_now_add=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    deadline = models.DateField(help_text="Assurance is due by the end of this working day.")
    safety_assurance = models.TextField("assurance on the child's safety", blank=True)
    mitigation = models.TextField("what is in place to mitigate the risk", blank=True)
    actions_needed = models.TextField("the actions needed", blank=True)
    urgent = models.BooleanField("an action is urgent", default=False)
    assured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assured_at = models.DateTimeField(null=True, blank=True)
    dispute_reason = models.TextField("why the level of concern is disputed", blank=True)
    decision = models.TextField("the Head of Service's decision", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # Claimed by the overdue job with a conditional UPDATE, so it reminds and raises once.
    reminded_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"Escalation of review {self.review_id}"

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.RAISED and self.deadline < timezone.localdate()


class EscalationEvent(StatusEvent):
    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, choices=Escalation.Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Escalation.Status.choices)


class Action(models.Model):
    """An improvement action agreed in the discussion with the practitioner (seed 000: 3-way
    agreed actions), tracked until a Practice Lead verifies it ("close the loop", seed 003)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done, waiting for verification"
        VERIFIED = "verified", "Verified"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField("what is to be done")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="actions_owned"
    )
    due_on = models.DateField("by when")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    evidence = models.TextField("evidence of completion", blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["status", "due_on"]),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_on < timezone.localdate()


class ActionEvent(StatusEvent):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, choices=Action.Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Action.Status.choices)


class BenchmarkExercise(models.Model):
    """A benchmarking review (seed 003): several reviewers review the same case with the same
    tool, and their grades are compared for consistency."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="benchmarks")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="benchmarks")
    toolkit_version = models.ForeignKey(ToolkitVersion, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title
