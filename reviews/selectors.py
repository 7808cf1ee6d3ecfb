"""Reads of reviews, with their joins done so that pages never query per row."""

from django.db.models import Q, QuerySet

from accounts.models import Role
from accounts.permissions import REVIEW_AREA_ROLES, has_role, service_area_scope

from .models import Review


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
