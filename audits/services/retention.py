"""
Retention (UK GDPR storage limitation): once a record is older than QAF_RETENTION_MONTHS, its free
text is deleted and, when nothing newer is left about the case, the case reference is replaced by
"ANON-<id>". Grades, statuses, dates, themes and who did what stay, so every figure and trend of
past cycles is unchanged.

How old a record is:
- a review, and everything hanging off it (answers, moderations, escalation, actions, events,
  the practitioner's feedback): its cycle's reporting phase end (`Cycle.reporting_ends_on`);
- IRO feedback: the meeting date; family feedback: when it was given; a complaint or
  compliment: when it was received; a feedback link: when it was made.

It is run weekly by the "apply-retention" job (qaf/jobs.py) and by
`manage.py apply_retention [--dry-run]`. Each step only touches records that still have text
(or a case still with its reference), so a second run changes nothing. The dry run counts the
same querysets and changes nothing.

When a model keeps a history (django-simple-history), the same text is blanked in its history
rows too: a deleted text kept in an audit table would not be deleted.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, Model, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone

from audit.models import AccessRecord
from audits.models import Case
from feedback.models import (
    ComplaintCompliment,
    FamilyFeedback,
    FamilyFeedbackLink,
    IROFeedback,
    IROFeedbackAnswer,
    PractitionerFeedback,
)
from qaf.dates import start_of
from reviews.models import (
    Action,
    ActionEvent,
    Answer,
    BenchmarkExercise,
    Escalation,
    EscalationEvent,
    Moderation,
    Review,
    ReviewEvent,
)

logger = logging.getLogger(__name__)

ANONYMOUS_PREFIX = "ANON-"

# Every free-text field deleted, by kind. Grades, statuses, dates and links stay.
REVIEW_TEXT = (
    "discussion_participants",
    "practitioner_reflections",
    "views_obtained_how",
    "child_and_family_views",
    "working_well",
    "needs_to_improve",
    "recommendations",
    "grade_rationale",
    "moderation_rationale",
)


@dataclass
class RetentionResult:
    cutoff: datetime.date
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)  # records (to be) changed, per kind
    case_ids: list[int] = field(default_factory=list)  # cases (to be) anonymised

    @property
    def changed(self) -> int:
        return sum(self.counts.values()) + len(self.case_ids)

    def __str__(self) -> str:
        verb = "Would change" if self.dry_run else "Changed"
        if not self.changed:
            return f"Nothing older than {self.cutoff:%-d %B %Y} is left to anonymise."
        kinds = ", ".join(f"{kind} {count}" for kind, count in self.counts.items() if count)
        cases = f"; anonymise {len(self.case_ids)} case reference(s)" if self.case_ids else ""
        return f"{verb} records older than {self.cutoff:%-d %B %Y}: {kinds or 'no text'}{cases}."


def retention_cutoff(*, today: datetime.date | None = None) -> datetime.date:
    """Records whose date is before this day are past the retention period."""
    today = today or timezone.localdate()
    return today - relativedelta(months=settings.QAF_RETENTION_MONTHS)


def _with_text(queryset: QuerySet, fields: tuple[str, ...]) -> QuerySet:
    """The records of `queryset` with text left in any of `fields`."""
    has_text = Q()
    for name in fields:
        has_text |= ~Q(**{name: ""})
    return queryset.filter(has_text)


def _blank(queryset: QuerySet, fields: tuple[str, ...], *, dry_run: bool) -> int:
    """Delete the text of `fields` in the records that still have some; how many there were."""
    targets = _with_text(queryset, fields)
    if dry_run:
        return targets.count()
    ids = list(targets.values_list("pk", flat=True))
    blank = dict.fromkeys(fields, "")
    model: type[Model] = queryset.model
    model.objects.filter(pk__in=ids).update(**blank)
    history = getattr(model, "history", None)
    if history is not None:  # django-simple-history: the old text is in its rows too
        history.model.objects.filter(**{f"{model._meta.pk.attname}__in": ids}).update(**blank)
    return len(ids)


def _steps(cutoff: datetime.date):
    """(kind, queryset of records past the period, their free-text fields)."""
    since = start_of(cutoff)
    old_review = Q(cycle__reporting_ends_on__lt=cutoff)
    reviews = Review.objects.filter(old_review)
    by_review = {"review__cycle__reporting_ends_on__lt": cutoff}
    return (
        ("reviews", reviews, REVIEW_TEXT),
        ("answers", Answer.objects.filter(**by_review), ("text",)),
        (
            "moderations",
            Moderation.objects.filter(**by_review),
            ("rationale", "feedback_to_reviewer"),
        ),
        (
            "escalations",
            Escalation.objects.filter(**by_review),
            ("safety_assurance", "mitigation", "actions_needed", "dispute_reason", "decision"),
        ),
        ("actions", Action.objects.filter(**by_review), ("description", "evidence")),
        ("review events", ReviewEvent.objects.filter(**by_review), ("note",)),
        (
            "escalation events",
            EscalationEvent.objects.filter(escalation__review__cycle__reporting_ends_on__lt=cutoff),
            ("note",),
        ),
        (
            "action events",
            ActionEvent.objects.filter(action__review__cycle__reporting_ends_on__lt=cutoff),
            ("note",),
        ),
        (
            "practitioner feedback",
            PractitionerFeedback.objects.filter(**by_review),
            ("what_helped", "what_could_be_better"),
        ),
        ("IRO feedback", IROFeedback.objects.filter(meeting_on__lt=cutoff), ("child_words",)),
        (
            "IRO feedback answers",
            IROFeedbackAnswer.objects.filter(feedback__meeting_on__lt=cutoff),
            ("text",),
        ),
        (
            "family feedback",
            FamilyFeedback.objects.filter(submitted_at__lt=since),
            ("went_well", "could_be_better"),
        ),
        (
            "complaints and compliments",
            ComplaintCompliment.objects.filter(received_on__lt=cutoff),
            ("summary", "outcome", "learning"),
        ),
    )


def _cases_to_anonymise(cutoff: datetime.date) -> QuerySet:
    """Cases with a record past the period and none newer, still with their reference."""
    since = start_of(cutoff)
    case = OuterRef("pk")
    newer = (
        Exists(Review.objects.filter(case=case, cycle__reporting_ends_on__gte=cutoff))
        | Exists(BenchmarkExercise.objects.filter(case=case, cycle__reporting_ends_on__gte=cutoff))
        | Exists(IROFeedback.objects.filter(case=case, meeting_on__gte=cutoff))
        | Exists(FamilyFeedback.objects.filter(case=case, submitted_at__gte=since))
        | Exists(FamilyFeedbackLink.objects.filter(case=case, created_at__gte=since))
        | Exists(ComplaintCompliment.objects.filter(case=case, received_on__gte=cutoff))
    )
    older = (
        Exists(Review.objects.filter(case=case, cycle__reporting_ends_on__lt=cutoff))
        | Exists(IROFeedback.objects.filter(case=case, meeting_on__lt=cutoff))
        | Exists(FamilyFeedback.objects.filter(case=case, submitted_at__lt=since))
        | Exists(ComplaintCompliment.objects.filter(case=case, received_on__lt=cutoff))
    )
    return (
        Case.objects.exclude(reference__startswith=ANONYMOUS_PREFIX)
        .filter(older)
        .exclude(newer)
        .order_by("pk")
    )


@transaction.atomic
def retention_apply(*, dry_run: bool = False, today: datetime.date | None = None):
    """Delete the free text of every record past the retention period and anonymise the
    references of cases with nothing newer; with dry_run, only say what that would change."""
    cutoff = retention_cutoff(today=today)
    result = RetentionResult(cutoff=cutoff, dry_run=dry_run)
    for kind, queryset, fields in _steps(cutoff):
        result.counts[kind] = _blank(queryset, fields, dry_run=dry_run)
    cases = _cases_to_anonymise(cutoff)
    result.case_ids = list(cases.values_list("pk", flat=True))
    if not dry_run and result.case_ids:
        anonymous = Concat(Value(ANONYMOUS_PREFIX), F("pk"))
        Case.objects.filter(pk__in=result.case_ids).update(reference=anonymous)
        history = getattr(Case, "history", None)
        if history is not None:
            history.model.objects.filter(id__in=result.case_ids).update(
                reference=Concat(Value(ANONYMOUS_PREFIX), F("id"))
            )
        # Access records keep a copy of the reference (for subject access requests): it goes too.
        AccessRecord.objects.filter(case_id__in=result.case_ids).update(
            case_reference=Concat(Value(ANONYMOUS_PREFIX), F("case_id"))
        )
    # Counts and ids only: never a case reference or any of the deleted text.
    logger.info("retention %s: %s cases=%s", "dry run" if dry_run else "applied", result,
                result.case_ids)  # fmt: skip
    return result


def run_retention() -> str | int:
    """The weekly "apply-retention" job (qaf/jobs.py): what it changed, in words; 0 (the Jobs
    page's "Nothing was due.") when there was nothing left to change."""
    result = retention_apply()
    return str(result) if result.changed else 0
