"""Reads of reviews, with their joins done so that pages never query per row."""

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import Role
from accounts.permissions import REVIEW_AREA_ROLES, has_role, service_area_scope
from audits.models import Question, Section

from .models import Answer, Review


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
        visible |= Q(case__service_area_id__in=scope)
    return reviews.filter(visible)


# Newest cycle first, then what is due soonest, then by case: the order reviewers and managers
# work through them.
REVIEW_ORDER = ("-cycle__review_starts_on", "-cycle_id", "due_on", "case__reference", "pk")


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
