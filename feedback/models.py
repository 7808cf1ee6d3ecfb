"""Feedback: IRO / CP chair case feedback, children's and families' feedback through single-use
links, practitioners' feedback on their review, complaints and compliments, and "you said, we
did" (seeds 000, 002 and 003)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from accounts.models import ServiceArea, Team
from audits.models import Case, Choice, Cycle, Grade, Question, ToolkitVersion
from qaf.models import Theme
from reviews.models import Review


class FeedbackTheme(Theme):
    """A theme from the QA Manager's configurable list (e.g. communication, being listened to)."""


class IROFeedback(models.Model):
    """Short case feedback by the IRO or CP chair after a conference or looked-after review
    (seed 000). Its questions are a toolkit of kind "IRO / CP chair case feedback"."""

    class MeetingType(models.TextChoices):
        CP_CONFERENCE = "cp_conference", "Child protection conference"
        CP_REVIEW = "cp_review", "Child protection review conference"
        LAC_REVIEW = "lac_review", "Looked-after review"

    class Participation(models.TextChoices):
        ATTENDED_SPOKE = "attended_spoke", "Attended and spoke for themselves"
        ADVOCATE = "advocate", "Views shared through an advocate or worker"
        WRITTEN = "written", "Views shared in writing or by other means"
        NOT_SOUGHT = "not_sought", "Views not sought"
        TOO_YOUNG = "too_young", "Too young to share views"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="iro_feedback")
    toolkit_version = models.ForeignKey(ToolkitVersion, on_delete=models.PROTECT, related_name="+")
    meeting_type = models.CharField(max_length=20, choices=MeetingType.choices)
    meeting_on = models.DateField()
    participation = models.CharField(
        "how the child participated", max_length=20, choices=Participation.choices
    )
    child_words = models.TextField("the child's or family's own words", blank=True)
    management_alert = models.BooleanField(
        default=False, help_text="Alert the case's service manager at once."
    )
    themes = models.ManyToManyField(FeedbackTheme, blank=True, related_name="+")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-meeting_on", "-id"]

    def __str__(self) -> str:
        return f"IRO feedback on {self.case} ({self.meeting_on})"


class IROFeedbackAnswer(models.Model):
    feedback = models.ForeignKey(IROFeedback, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(max_length=32, choices=Grade.choices, blank=True)
    choice = models.CharField(max_length=8, choices=Choice.choices, blank=True)
    text = models.TextField(blank=True)
    not_applicable = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["feedback", "question"], name="one_iro_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"Answer to question {self.question_id}"


class FamilyFeedbackLink(models.Model):
    """A single-use link for a child, young person, parent or carer. Only a hash of its token is
    kept: the link itself is shown (and printed) once, when it is made."""

    class Version(models.TextChoices):
        STANDARD = "standard", "Young people and adults"
        YOUNGER = "younger", "Younger children (pictures and words)"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="feedback_links")
    token_hash = models.CharField(max_length=64, unique=True)
    version = models.CharField(max_length=16, choices=Version.choices, default=Version.STANDARD)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # Set by the timed job once the link has expired unused (and its maker has been told).
    expired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["expires_at", "used_at"])]

    def __str__(self) -> str:
        return f"Feedback link for {self.case}"


class FamilyFeedback(models.Model):
    """What a child, young person, parent or carer said through a link."""

    class Respondent(models.TextChoices):
        CHILD = "child", "A child or young person"
        PARENT = "parent", "A parent"
        CARER = "carer", "A carer"
        OTHER = "other", "Someone else in the family"

    link = models.OneToOneField(
        FamilyFeedbackLink, on_delete=models.PROTECT, related_name="feedback"
    )
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="family_feedback")
    respondent = models.CharField(max_length=16, choices=Respondent.choices)
    # 1 (not at all) to 5 (a lot): shown as words and pictures, never numbers only.
    listened_to = models.PositiveSmallIntegerField("I felt listened to")
    helped = models.PositiveSmallIntegerField("the help made things better")
    went_well = models.TextField("what went well", blank=True)
    could_be_better = models.TextField("what could be better", blank=True)
    themes = models.ManyToManyField(FeedbackTheme, blank=True, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    listened_to__gte=1, listened_to__lte=5, helped__gte=1, helped__lte=5
                ),
                name="family_feedback_scales_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"Family feedback on {self.case}"


class PublicSubmission(models.Model):
    """One submission (or attempt) through a public link, by a hash of the sender's address:
    the record the flood throttle counts, shared by every web process."""

    address_hash = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["address_hash", "at"])]

    def __str__(self) -> str:
        return f"Public submission at {self.at}"


class PractitionerFeedback(models.Model):
    """The practitioner's reflection on their review (seed 001: reflective tool)."""

    class Feeling(models.TextChoices):
        VERY_USEFUL = "very_useful", "Very useful: I learnt from it"
        USEFUL = "useful", "Useful"
        NEUTRAL = "neutral", "Neither useful nor unhelpful"
        UNHELPFUL = "unhelpful", "Unhelpful"

    review = models.OneToOneField(
        Review, on_delete=models.PROTECT, related_name="practitioner_feedback"
    )
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    how_it_felt = models.CharField(max_length=16, choices=Feeling.choices)
    what_helped = models.TextField(blank=True)
    what_could_be_better = models.TextField(blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Practitioner feedback on review {self.review_id}"


class ComplaintCompliment(models.Model):
    class Kind(models.TextChoices):
        COMPLAINT = "complaint", "Complaint"
        COMPLIMENT = "compliment", "Compliment"

    class From(models.TextChoices):
        CHILD = "child", "Child or young person"
        PARENT = "parent", "Parent"
        CARER = "carer", "Carer"
        PROFESSIONAL = "professional", "Professional"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    received_on = models.DateField()
    from_whom = models.CharField(max_length=16, choices=From.choices)
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints_compliments"
    )
    summary = models.TextField()
    themes = models.ManyToManyField(FeedbackTheme, blank=True, related_name="+")
    outcome = models.TextField(blank=True)
    learning = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["kind", "received_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} received {self.received_on}"


class YouSaidWeDid(models.Model):
    """The QA Manager's response to a feedback theme, listed per cycle and in the report."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="you_said_we_did")
    theme = models.ForeignKey(FeedbackTheme, on_delete=models.PROTECT, related_name="+")
    you_said = models.TextField()
    we_did = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["cycle", "theme__name"]

    def __str__(self) -> str:
        return f"You said, we did: {self.theme} ({self.cycle})"
