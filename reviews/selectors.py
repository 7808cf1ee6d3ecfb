"""Reads of reviews, with their joins done so that pages never query per row."""

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import Role
from accounts.permissions import REVIEW_AREA_ROLES, has_role, service_area_scope
from audits.models import Question, Section

from .models import Answer, Escalation, EscalationEvent, Moderation, Review


def reviews_visible_to(user) -> QuerySet[Review]:
    """Every review the user may read: the query form of the "review.view" rule."""
    reviews = Review.objects.select_related(
        "cycle", "case__service_area", "case__team", "toolkit_version__toolkit", "reviewer"
    )
    if not user.is_authenticated or not user.is_active:
        return reviews.none()
    if has_role(user, Role.QA_MANAGER):
        return reviews
    visible = Q(reviewer=user) | Q(case__practitioner=user)
    scope = service_area_scope(user, *REVIEW_AREA_ROLES)
    if scope is None:
        visible |= Q(pk__isnull=False)
    elif scope:
        visible |= Q(service_area_id__in=scope)
    return reviews.filter(visible)


# Newest cycle first, then what is due soonest, then by case: the order reviewers and managers
# work through them.
REVIEW_ORDER = ("-cycle__review_starts_on", "-cycle_id", "due_on", "case__reference", "pk")


def as_listed(reviews: QuerySet[Review]) -> QuerySet[Review]:
    """Reviews as a list page shows them: the columns it shows, with the cycle and the case
    joined (the order needs them) and the small tables (service areas, teams, toolkits,
    reviewers) read once each for the page. Issue 9: with all eight tables joined, PostgreSQL
    spent longer planning the query (~17 ms) than running it, and read every long text column
    of every matching review only to sort it."""
    return (
        reviews.select_related(None)
        .select_related("cycle", "case")
        .only(
            "cycle__name",
            "cycle__review_starts_on",
            "cycle__review_ends_on",  # My reviews' headings show each cycle's review phase
            "case__reference",
            "case__service_area_id",
            "case__team_id",
            "toolkit_version_id",
            "reviewer_id",
            "status",
            "due_on",
            "submitted_at",
            "grade",
            "moderated_grade",
            "final_grade",
        )
        .prefetch_related(
            "case__service_area", "case__team", "toolkit_version__toolkit", "reviewer"
        )
    )


def reviews_assigned_to(user) -> QuerySet[Review]:
    """A reviewer's own reviews, for "My reviews"."""
    return reviews_visible_to(user).filter(reviewer=user).order_by(*REVIEW_ORDER)


def toolkit_sections(version_id: int) -> QuerySet[Section]:
    """A toolkit version's sections with their questions, in order: two queries, however many."""
    questions = Question.objects.order_by("position", "id")
    return (
        Section.objects.filter(version_id=version_id)
        .order_by("position", "id")
        .prefetch_related(Prefetch("questions", queryset=questions))
    )


def answers_by_question(review: Review) -> dict[int, Answer]:
    return {answer.question_id: answer for answer in Answer.objects.filter(review=review)}


def previous_reviews(review: Review) -> QuerySet[Review]:
    """The same case's reviews in other cycles, newest first: context for the reviewer."""
    return (
        Review.objects.filter(case_id=review.case_id)
        .exclude(pk=review.pk)
        .select_related("cycle", "toolkit_version__toolkit", "case")
        .order_by("-cycle__review_starts_on")
    )


# Moderation and escalations.


def moderation_queue_for(user) -> QuerySet[Review]:
    """Submitted reviews waiting for the user to moderate, oldest submitted first: those of the
    service areas they moderate, except the ones they wrote (a moderator never moderates their
    own review)."""
    reviews = (
        Review.objects.select_related(
            "cycle", "case__service_area", "case__team", "toolkit_version__toolkit", "reviewer"
        )
        .filter(status=Review.Status.SUBMITTED)
        .exclude(reviewer=user)
    )
    scope = service_area_scope(user, Role.MODERATOR)
    if scope is not None:
        reviews = reviews.filter(service_area_id__in=scope)
    return reviews.order_by("submitted_at", "pk")


def moderations_of(review: Review) -> QuerySet[Moderation]:
    return Moderation.objects.filter(review=review).select_related("moderator").order_by("at", "id")


def escalations_visible_to(user) -> QuerySet[Escalation]:
    """The escalations of the service areas where the user is a Service Manager or Head of
    Service: the query form of the "escalation.view" rule."""
    escalations = Escalation.objects.select_related(
        "review__cycle",
        "review__case__service_area",
        "review__case__team",
        "review__toolkit_version__toolkit",
        "review__reviewer",
    )
    scope = service_area_scope(user, Role.SERVICE_MANAGER, Role.HEAD_OF_SERVICE)
    if scope is None:
        return escalations
    return escalations.filter(review__service_area_id__in=scope)


def _escalation_views(today: datetime.date) -> dict[str, Q]:
    waiting = Q(status__in=[Escalation.Status.RAISED, Escalation.Status.DISPUTED])
    return {
        "open": waiting,
        "overdue": Q(status=Escalation.Status.RAISED, deadline__lt=today),
        "closed": Q(status=Escalation.Status.CLOSED),
    }


ESCALATION_VIEWS = ("open", "overdue", "closed")


def escalations_as_listed(escalations: QuerySet[Escalation]) -> QuerySet[Escalation]:
    """Escalations as the list shows them: each with its review and case joined, the small
    tables read once each for the page (as as_listed does for reviews; planning the nine-table
    join took PostgreSQL 10 ms, running it 2 ms)."""
    return (
        escalations.select_related(None)
        .select_related("review__case")
        .prefetch_related(
            "review__case__service_area", "review__case__team", "review__toolkit_version__toolkit"
        )
    )


def escalations_in_view(
    escalations: QuerySet[Escalation], view: str, today: datetime.date
) -> QuerySet[Escalation]:
    """Open and overdue ones by deadline, soonest first; closed ones newest first."""
    chosen = escalations.filter(_escalation_views(today)[view])
    if view == "closed":
        return chosen.order_by("-raised_at", "-pk")
    return chosen.order_by("deadline", "raised_at", "pk")


def escalation_counts(escalations: QuerySet[Escalation], today: datetime.date) -> dict[str, int]:
    """How many are open, overdue and closed: one query."""
    views = _escalation_views(today)
    return escalations.aggregate(**{name: Count("pk", filter=views[name]) for name in views})


def escalation_events(escalation: Escalation) -> QuerySet[EscalationEvent]:
    return (
        EscalationEvent.objects.filter(escalation=escalation)
        .select_related("actor")
        .order_by("at", "id")
    )
