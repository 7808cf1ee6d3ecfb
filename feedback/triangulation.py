"""Triangulation: everything said about one case, side by side on its review page, and feedback
themes counted per cycle and service for the cycle's report (issue 5, point 6)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils.text import Truncator

from accounts.models import ServiceArea
from audits.models import Case, Cycle
from qaf.dates import within_days

from .models import ComplaintCompliment, FamilyFeedback, FeedbackTheme, IROFeedback, YouSaidWeDid

# The words of the family form's five-point scales (feedback/forms_family.py), never numbers.
SCALE_WORDS = {1: "No, not at all", 2: "Not really", 3: "A bit", 4: "Mostly", 5: "Yes, a lot"}
SUMMARY_WORDS = 30


@dataclass(frozen=True)
class CaseFeedback:
    kind: str
    on: datetime.date
    summary: str


def _iro_item(feedback: IROFeedback) -> CaseFeedback:
    # Only the meeting, how the child took part and the child's own words: the IRO's other
    # answers stay on the IRO form.
    parts = [feedback.get_meeting_type_display(), feedback.get_participation_display()]
    if feedback.child_words:
        words = Truncator(feedback.child_words).words(SUMMARY_WORDS)
        parts.append(f"In their words: “{words}”")
    return CaseFeedback("IRO / CP chair feedback", feedback.meeting_on, ". ".join(parts))


def _family_item(feedback: FamilyFeedback) -> CaseFeedback:
    summary = (
        f"{feedback.get_respondent_display()}. "
        f"Felt listened to: {SCALE_WORDS.get(feedback.listened_to, '')}. "
        f"The help made things better: {SCALE_WORDS.get(feedback.helped, '')}."
    )
    return CaseFeedback("Family feedback", feedback.submitted_at.date(), summary)


def _complaint_item(entry: ComplaintCompliment) -> CaseFeedback:
    summary = f"From: {entry.get_from_whom_display()}. {Truncator(entry.summary).words(20)}"
    return CaseFeedback(entry.get_kind_display(), entry.received_on, summary)


def feedback_for_case(case: Case) -> list[CaseFeedback]:
    """IRO feedback, family feedback, complaints and compliments about the case, oldest first:
    one query per source, however many there are."""
    items = [
        *(_iro_item(f) for f in IROFeedback.objects.filter(case=case)),
        *(_family_item(f) for f in FamilyFeedback.objects.filter(case=case)),
        *(_complaint_item(e) for e in ComplaintCompliment.objects.filter(case=case)),
    ]
    return sorted(items, key=lambda item: item.on)


def theme_counts(*, cycle: Cycle, service_area: ServiceArea | None = None) -> dict[str, dict]:
    """{service area name: {theme name: count}} across complaints and compliments, IRO feedback
    and family feedback dated within the cycle (its review start to its reporting end).

    Counted by the database (one grouped query per source); areas and themes sorted by name.
    """
    start, end = cycle.review_starts_on, cycle.reporting_ends_on
    sources = (
        ComplaintCompliment.objects.filter(received_on__range=(start, end)),
        IROFeedback.objects.filter(meeting_on__range=(start, end)),
        FamilyFeedback.objects.filter(**within_days("submitted_at", start, end)),
    )
    area_paths = ("service_area", "case__service_area", "case__service_area")
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for queryset, area in zip(sources, area_paths, strict=True):
        if service_area is not None:
            queryset = queryset.filter(**{area: service_area})
        rows = (
            queryset.filter(themes__isnull=False)
            .values(area_name=F(f"{area}__name"), theme=F("themes__name"))
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            counts[row["area_name"]][row["theme"]] += row["n"]
    return {area: dict(sorted(themes.items())) for area, themes in sorted(counts.items())}


def feedback_counts() -> dict[str, int]:
    """How much of each kind of feedback there is, for the feedback hub: four queries."""
    kinds = ComplaintCompliment.objects.aggregate(
        complaints=Count("pk", filter=Q(kind=ComplaintCompliment.Kind.COMPLAINT)),
        compliments=Count("pk", filter=Q(kind=ComplaintCompliment.Kind.COMPLIMENT)),
    )
    return {
        "iro": IROFeedback.objects.count(),
        "family": FamilyFeedback.objects.count(),
        **kinds,
        "you_said_we_did": YouSaidWeDid.objects.count(),
        "themes": FeedbackTheme.objects.filter(active=True).count(),
    }
