"""The figures of a cycle's QA report (issue 6, point 1): how much was reviewed, the grades,
moderation, escalations, actions, the Good-or-better trend, the child's voice and the feedback
received. A pure read: every figure is counted by the database, in a constant number of
queries however many reviews the cycle has."""

import datetime
import math
import statistics
from dataclasses import dataclass, field

from django.db.models import Case as SqlCase
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.utils import timezone

from accounts.models import ServiceArea
from audits.models import AnswerKind, Cycle, Grade
from feedback.models import ComplaintCompliment, FamilyFeedback, IROFeedback
from feedback.triangulation import theme_counts
from qaf.dates import within_days
from reviews.models import Action, Answer, Escalation, Review, ReviewTheme

# Worst to best: "up" is a moderated grade better than the reviewer's.
GRADE_ORDER = (
    Grade.INADEQUATE,
    Grade.REQUIRES_IMPROVEMENT,
    Grade.GOOD,
    Grade.OUTSTANDING,
)
GOOD_OR_BETTER = (Grade.GOOD, Grade.OUTSTANDING)
TREND_CYCLES = 6
MODERATION_KEYS = ("submitted", "moderated", "agreed", "regraded_up", "regraded_down")


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by."""
    return part / whole if whole else None


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion (95% by default); None for an empty sample."""
    if n == 0:
        return None
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - margin), min(1.0, centre + margin))


def _grade_counts(prefix: str = "") -> dict:
    """Count(...) per grade of `<prefix>grade`, keyed by the grade's value."""
    return {g.value: Count("pk", filter=Q(**{f"{prefix}grade": g.value})) for g in Grade}


def _distribution(row: dict) -> dict:
    """{"total": n, "grades": {grade: {"label", "count", "share"}}} from a row of grade counts."""
    total = sum(row.get(g.value, 0) for g in Grade)
    return {
        "total": total,
        "grades": {
            g.value: {
                "label": g.label,
                "count": row.get(g.value, 0),
                "share": share(row.get(g.value, 0), total),
            }
            for g in GRADE_ORDER[::-1]
        },
    }


def _rank(field_name: str) -> SqlCase:
    return SqlCase(
        *(When(**{field_name: g.value}, then=Value(i)) for i, g in enumerate(GRADE_ORDER)),
        default=Value(None),
        output_field=IntegerField(),
    )


@dataclass
class CycleFigures:
    cycle: Cycle
    service_area: ServiceArea | None
    volume: dict = field(default_factory=dict)
    grades: dict = field(default_factory=dict)
    grades_by_area: dict = field(default_factory=dict)
    grades_by_section: dict = field(default_factory=dict)
    moderation: dict = field(default_factory=dict)
    moderation_by_reviewer: list = field(default_factory=list)
    escalations: dict = field(default_factory=dict)
    actions: dict = field(default_factory=dict)
    trend: dict = field(default_factory=dict)
    childs_voice: dict = field(default_factory=dict)
    feedback: dict = field(default_factory=dict)
    practice_themes: dict = field(default_factory=dict)


def _volume_and_grades(reviews) -> tuple[dict, dict, dict]:
    submitted = Q(submitted_at__isnull=False)
    area_rows = (
        reviews.values(area=F("service_area__name"))
        .annotate(
            planned=Count("pk"),
            completed=Count("pk", filter=submitted),
            **{g.value: Count("pk", filter=submitted & Q(final_grade=g.value)) for g in Grade},
        )
        .order_by("area")
    )
    team_rows = (
        reviews.values(area=F("service_area__name"), team=F("case__team__name"))
        .annotate(planned=Count("pk"), completed=Count("pk", filter=submitted))
        .order_by("area", "team")
    )
    area_rows = list(area_rows)
    volume = {
        "planned": sum(r["planned"] for r in area_rows),
        "completed": sum(r["completed"] for r in area_rows),
        "by_area": [
            {"area": r["area"], "planned": r["planned"], "completed": r["completed"]}
            for r in area_rows
        ],
        "by_team": [dict(r) for r in team_rows],
    }
    volume["completed_share"] = share(volume["completed"], volume["planned"])
    totals = {g.value: sum(r[g.value] for r in area_rows) for g in Grade}
    by_area = {r["area"]: _distribution(r) for r in area_rows}
    return volume, _distribution(totals), by_area


def _grades_by_section(reviews) -> dict:
    rows = (
        Answer.objects.filter(
            review__in=reviews.filter(submitted_at__isnull=False),
            question__answer_kind=AnswerKind.GRADED,
            not_applicable=False,
        )
        .exclude(grade="")
        .values(section=F("question__section__title"))
        .annotate(**_grade_counts())
        .order_by("section")
    )
    return {r["section"]: _distribution(r) for r in rows}


def _moderation(reviews) -> tuple[dict, list]:
    moderated = Q(moderated_grade__gt="")
    rows = (
        reviews.filter(submitted_at__isnull=False)
        .alias(reviewer_rank=_rank("grade"), moderated_rank=_rank("moderated_grade"))
        .values(
            "reviewer_id",
            first_name=F("reviewer__first_name"),
            last_name=F("reviewer__last_name"),
        )
        .annotate(
            submitted=Count("pk"),
            moderated=Count("pk", filter=moderated),
            agreed=Count("pk", filter=moderated & Q(moderated_grade=F("grade"))),
            regraded_up=Count("pk", filter=moderated & Q(moderated_rank__gt=F("reviewer_rank"))),
            regraded_down=Count("pk", filter=moderated & Q(moderated_rank__lt=F("reviewer_rank"))),
        )
        .order_by("last_name", "first_name", "reviewer_id")
    )
    by_reviewer = [
        {
            "reviewer_id": r["reviewer_id"],
            "reviewer": f"{r['first_name']} {r['last_name']}".strip(),
            **{k: r[k] for k in MODERATION_KEYS},
        }
        for r in rows
    ]
    totals = {k: sum(r[k] for r in by_reviewer) for k in MODERATION_KEYS}
    totals["share_moderated"] = share(totals["moderated"], totals["submitted"])
    totals["share_agreed"] = share(totals["agreed"], totals["moderated"])
    return totals, by_reviewer


def _escalations(reviews, today: datetime.date) -> dict:
    escalations = Escalation.objects.filter(review__in=reviews)
    figures = escalations.aggregate(
        raised=Count("pk"),
        closed=Count("pk", filter=Q(status=Escalation.Status.CLOSED)),
        overdue=Count("pk", filter=Q(status=Escalation.Status.RAISED, deadline__lt=today)),
    )
    days = [
        (assured - raised).total_seconds() / 86400
        for raised, assured in escalations.filter(assured_at__isnull=False).values_list(
            "raised_at", "assured_at"
        )
    ]
    figures["assured"] = len(days)
    figures["days_to_assurance_median"] = statistics.median(days) if days else None
    figures["days_to_assurance_longest"] = max(days) if days else None
    return figures


def _actions(reviews, today: datetime.date) -> dict:
    return Action.objects.filter(review__in=reviews).aggregate(
        agreed=Count("pk"),
        completed_on_time=Count("pk", filter=Q(done_at__date__lte=F("due_on"))),
        overdue=Count("pk", filter=Q(status=Action.Status.OPEN, due_on__lt=today)),
        verified=Count("pk", filter=Q(status=Action.Status.VERIFIED)),
    )


def _trend(cycle: Cycle, service_area: ServiceArea | None) -> dict:
    """{"cycles": [names, oldest first], "areas": {area: [point per cycle]}}."""
    cycles = list(
        Cycle.objects.filter(review_starts_on__lte=cycle.review_starts_on).order_by(
            "-review_starts_on", "-pk"
        )[:TREND_CYCLES]
    )[::-1]
    reviews = Review.objects.filter(
        cycle__in=cycles, submitted_at__isnull=False, benchmark__isnull=True
    )
    if service_area is not None:
        reviews = reviews.filter(service_area=service_area)
    rows = (
        reviews.values("cycle_id", area=F("service_area__name"))
        .annotate(n=Count("pk"), good=Count("pk", filter=Q(final_grade__in=GOOD_OR_BETTER)))
        .order_by()
    )
    found = {(r["area"], r["cycle_id"]): r for r in rows}
    areas = sorted({area for area, _ in found})
    points = {}
    for area in areas:
        points[area] = []
        for c in cycles:
            row = found.get((area, c.pk), {"n": 0, "good": 0})
            points[area].append(
                {
                    "cycle": c.name,
                    "n": row["n"],
                    "good_or_better": row["good"],
                    "share": share(row["good"], row["n"]),
                    "interval": wilson_interval(row["good"], row["n"]),
                }
            )
    return {"cycles": [c.name for c in cycles], "areas": points}


def _childs_voice(reviews, start: datetime.date, end: datetime.date) -> dict:
    family_feedback = FamilyFeedback.objects.filter(
        case=OuterRef("case"), **within_days("submitted_at", start, end)
    )
    submitted = Q(submitted_at__isnull=False)
    figures = reviews.alias(has_family_feedback=Exists(family_feedback)).aggregate(
        cases=Count("pk"),
        submitted=Count("pk", filter=submitted),
        child_seen=Count("pk", filter=submitted & Q(child_seen=True)),
        views_recorded=Count("pk", filter=submitted & Q(child_and_family_views__gt="")),
        cases_with_family_feedback=Count("pk", filter=Q(has_family_feedback=True)),
    )
    figures["child_seen_share"] = share(figures["child_seen"], figures["submitted"])
    figures["views_recorded_share"] = share(figures["views_recorded"], figures["submitted"])
    figures["family_feedback_share"] = share(
        figures["cases_with_family_feedback"], figures["cases"]
    )
    return figures


def _feedback(cycle: Cycle, service_area: ServiceArea | None, start, end) -> dict:
    iro = IROFeedback.objects.filter(meeting_on__range=(start, end))
    family = FamilyFeedback.objects.filter(**within_days("submitted_at", start, end))
    entries = ComplaintCompliment.objects.filter(received_on__range=(start, end))
    if service_area is not None:
        iro = iro.filter(case__service_area=service_area)
        family = family.filter(case__service_area=service_area)
        entries = entries.filter(service_area=service_area)
    return {
        "iro": iro.count(),
        "family": family.count(),
        **entries.aggregate(
            complaints=Count("pk", filter=Q(kind=ComplaintCompliment.Kind.COMPLAINT)),
            compliments=Count("pk", filter=Q(kind=ComplaintCompliment.Kind.COMPLIMENT)),
        ),
        "themes": theme_counts(cycle=cycle, service_area=service_area),
    }


def _practice_themes(reviews) -> dict:
    """How many submitted reviews tag each practice theme as a strength and as an area for
    development: {"reviews_tagged": n, "themes": [{"theme", "strengths", "development"}]},
    the themes most often tagged first."""
    tags = ReviewTheme.objects.filter(review__in=reviews.filter(submitted_at__isnull=False))
    strength, development = ReviewTheme.Kind.STRENGTH, ReviewTheme.Kind.DEVELOPMENT
    rows = (
        tags.values(name=F("theme__name"))
        .annotate(
            strengths=Count("review_id", filter=Q(kind=strength), distinct=True),
            development=Count("review_id", filter=Q(kind=development), distinct=True),
        )
        .order_by("name")
    )
    themes = [
        {"theme": r["name"], "strengths": r["strengths"], "development": r["development"]}
        for r in rows
    ]
    themes.sort(key=lambda t: -(t["strengths"] + t["development"]))  # stable: names in a tie
    tagged = tags.aggregate(n=Count("review_id", distinct=True))["n"]
    return {"reviews_tagged": tagged, "themes": themes}


def cycle_figures(*, cycle: Cycle, service_area: ServiceArea | None = None) -> CycleFigures:
    """Every figure of the cycle's report, for one service area if given."""
    today = timezone.localdate()
    # Feedback and family feedback count from the review start to the reporting end, as
    # feedback.triangulation.theme_counts does.
    start, end = cycle.review_starts_on, cycle.reporting_ends_on
    # Benchmarking Reviews (issue 6 point 6) review one case several times: not counted here.
    reviews = Review.objects.filter(cycle=cycle, benchmark__isnull=True)
    if service_area is not None:
        reviews = reviews.filter(service_area=service_area)
    volume, grades, grades_by_area = _volume_and_grades(reviews)
    moderation, by_reviewer = _moderation(reviews)
    return CycleFigures(
        cycle=cycle,
        service_area=service_area,
        volume=volume,
        grades=grades,
        grades_by_area=grades_by_area,
        grades_by_section=_grades_by_section(reviews),
        moderation=moderation,
        moderation_by_reviewer=by_reviewer,
        escalations=_escalations(reviews, today),
        actions=_actions(reviews, today),
        trend=_trend(cycle, service_area),
        childs_voice=_childs_voice(reviews, start, end),
        feedback=_feedback(cycle, service_area, start, end),
        practice_themes=_practice_themes(reviews),
    )
