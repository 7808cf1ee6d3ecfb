"""
The one place QAF decides who may do what.

Views call `can()` (or wrap themselves in `@require`) before anything else, fetch objects through
`get_object_for_user()` so that an object outside the user's scope answers 404 (its existence does
not leak), and templates ask the same rules through `{% can %}` (accounts/templatetags).

Superusers administer the organisation (Django admin) but do not read case work by virtue of
being superusers: access to children's records comes only from a role (data minimisation).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from .models import Role, RoleMembership, ServiceArea

Rule = Callable[[Any, Any], bool]


def memberships(user) -> tuple[tuple[str, int | None], ...]:
    """(role, service_area_id or None for all areas) pairs, read once per request and user."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    cached = getattr(user, "_qaf_memberships", None)
    if cached is None:
        cached = tuple(
            RoleMembership.objects.filter(user=user).values_list("role", "service_area_id")
        )
        user._qaf_memberships = cached
    return cached


def roles_of(user) -> set[str]:
    return {role for role, _ in memberships(user)}


def has_role(user, *roles: str, service_area_id: int | None = None) -> bool:
    """Does the user hold one of `roles`, for `service_area_id` if given (else for any area)?"""
    for role, area_id in memberships(user):
        if role not in roles:
            continue
        if service_area_id is None or area_id is None or area_id == service_area_id:
            return True
    return False


def service_area_scope(user, *roles: str) -> set[int] | None:
    """The service area ids in which the user holds one of `roles`; None means every area.

    Selectors filter with it: `qs if scope is None else qs.filter(service_area_id__in=scope)`.
    """
    scope: set[int] = set()
    for role, area_id in memberships(user):
        if role in roles:
            if area_id is None:
                return None
            scope.add(area_id)
    return scope


def _service_area_id_of(obj) -> int | None:
    if obj is None:
        return None
    if isinstance(obj, ServiceArea):
        return obj.pk
    return getattr(obj, "service_area_id", None)


def _role(*roles: str) -> Rule:
    def rule(user, obj) -> bool:
        return has_role(user, *roles, service_area_id=_service_area_id_of(obj))

    return rule


def _is_superuser(user, obj) -> bool:
    return user.is_superuser


def _is_staff(user, obj) -> bool:
    return user.is_staff


def _any(*rules: Rule) -> Rule:
    return lambda user, obj: any(rule(user, obj) for rule in rules)


def _review_visible(user, review) -> bool:
    """Who may read a review (reviews/selectors.py `reviews_visible_to` is the same rule as a
    query, and a test holds the two together)."""
    if review is None:
        return has_role(user, *REVIEW_READERS)
    if has_role(user, Role.QA_MANAGER):
        return True
    if review.reviewer_id == user.pk or review.case.practitioner_id == user.pk:
        return True
    return has_role(user, *REVIEW_AREA_ROLES, service_area_id=review.case.service_area_id)


def _review_editable(user, review) -> bool:
    """Only the assigned reviewer writes a review, and only until it is submitted."""
    if review is None:
        return has_role(user, Role.REVIEWER)
    return review.reviewer_id == user.pk and review.status in ("assigned", "in_progress")


def _review_moderatable(user, review) -> bool:
    """A moderator of the case's service area, who did not write the review (seed 003:
    moderation is a second pair of eyes)."""
    if review is None:
        return has_role(user, Role.MODERATOR)
    area_id = review.case.service_area_id
    return review.reviewer_id != user.pk and has_role(user, Role.MODERATOR, service_area_id=area_id)


def _escalation_role(*roles: str) -> Rule:
    """One of `roles` in the service area of the escalated review's case."""

    def rule(user, escalation) -> bool:
        if escalation is None:
            return has_role(user, *roles)
        area_id = escalation.review.case.service_area_id
        return has_role(user, *roles, service_area_id=area_id)

    return rule


# Actions (reviews/actions.py). A review's reviewer agrees them during or after the discussion
# with the practitioner, until the review is moderated (seed 000: 3-way agreed actions).
ACTION_AGREEING_STATUSES = ("assigned", "in_progress", "submitted")


def _action_agreeable(user, review) -> bool:
    if review is None:
        return has_role(user, Role.REVIEWER)
    return review.reviewer_id == user.pk and review.status in ACTION_AGREEING_STATUSES


def _action_visible(user, action) -> bool:
    """Its owner, and whoever may read its review."""
    if action is None:
        return has_role(user, *REVIEW_READERS)
    return action.owner_id == user.pk or _review_visible(user, action.review)


def _action_owned(user, action) -> bool:
    """Only the owner marks an action done: there is no list of "actions anyone may complete"."""
    return action is not None and action.owner_id == user.pk


def _action_verifiable(user, action) -> bool:
    """A Practice Lead of the case's service area (seed 003: the Academy's Advanced
    Practitioners close the loop), never on an action they own themselves."""
    if action is None:
        return has_role(user, Role.PRACTICE_LEAD)
    area_id = action.review.case.service_area_id
    return action.owner_id != user.pk and has_role(
        user, Role.PRACTICE_LEAD, service_area_id=area_id
    )


def _feedback_link_creatable(user, case) -> bool:
    """Who may make a children's and families' feedback link for a case (issue 5): the QA
    Manager, the case's practitioner, or a reviewer who reviews the case."""
    if has_role(user, Role.QA_MANAGER):
        return True
    if case is None:
        return has_role(user, Role.REVIEWER, Role.PRACTITIONER)
    if case.practitioner_id == user.pk and has_role(user, Role.PRACTITIONER):
        return True
    return has_role(user, Role.REVIEWER) and case.reviews.filter(reviewer=user).exists()


def _iro_feedback_visible(user, feedback) -> bool:
    """IRO / CP chair feedback (issue 5): the QA Manager, whoever submitted it, and the case's
    Service Manager, Head of Service, moderators and Practice Leads."""
    if feedback is None:
        return has_role(user, Role.REVIEWER, Role.QA_MANAGER, *REVIEW_AREA_ROLES)
    if has_role(user, Role.QA_MANAGER) or feedback.submitted_by_id == user.pk:
        return True
    return has_role(user, *REVIEW_AREA_ROLES, service_area_id=feedback.case.service_area_id)


def _practitioner_feedback_givable(user, review) -> bool:
    """The case's practitioner, on their review once it is moderated or finalised."""
    if review is None:
        return False
    return review.case.practitioner_id == user.pk and review.status in ("moderated", "finalised")


# Roles that read the reviews of cases in their service areas.
REVIEW_AREA_ROLES = (
    Role.MODERATOR,
    Role.SERVICE_MANAGER,
    Role.HEAD_OF_SERVICE,
    Role.PRACTICE_LEAD,
)
REVIEW_READERS = (*REVIEW_AREA_ROLES, Role.REVIEWER, Role.PRACTITIONER, Role.QA_MANAGER)


# Every action of the product and who may take it. `obj` narrows a scoped role to the object's
# service area; without it, holding the role in any area is enough (e.g. to see a list, which
# its selector then filters to the user's areas).
RULES: dict[str, Rule] = {
    "home.view": lambda user, obj: True,
    # Everyone has notifications; each person sees and marks only their own.
    "notifications.view": lambda user, notification: (
        notification is None or notification.recipient_id == user.pk
    ),
    "admin.use": _is_staff,
    "organisation.view": _any(_role(Role.QA_MANAGER), _is_superuser),
    "reviews.view_mine": _role(Role.REVIEWER),
    "moderation.view_queue": _role(Role.MODERATOR),
    "escalations.view": _role(Role.SERVICE_MANAGER, Role.HEAD_OF_SERVICE),
    "review.moderate": _review_moderatable,
    "escalation.view": _escalation_role(Role.SERVICE_MANAGER, Role.HEAD_OF_SERVICE),
    "escalation.assure": _escalation_role(Role.SERVICE_MANAGER),
    "escalation.decide": _escalation_role(Role.HEAD_OF_SERVICE),
    "actions.view": _role(
        Role.PRACTITIONER, Role.PRACTICE_LEAD, Role.SERVICE_MANAGER, Role.HEAD_OF_SERVICE
    ),
    "actions.verify_board": _role(Role.PRACTICE_LEAD),
    "action.view": _action_visible,
    "action.add": _action_agreeable,  # obj: the review
    "action.complete": _action_owned,
    "action.verify": _action_verifiable,
    "cycles.manage": _role(Role.QA_MANAGER),
    "jobs.manage": _role(Role.QA_MANAGER),  # the timed jobs: their runs, and "Run now"
    "toolkits.manage": _role(Role.QA_MANAGER),
    "cases.manage": _role(Role.QA_MANAGER),
    "reviews.list": _review_visible,  # without obj: may open the list at all
    "review.view": _review_visible,
    "review.edit": _review_editable,
    "feedback.view": _role(Role.QA_MANAGER),
    # IROs and CP chairs are Reviewers (seed 003's Independent Chairs), in any service area.
    # Navigation shortcuts for those who do not have the QA Manager's Feedback hub.
    "nav.iro_feedback": lambda user, obj: (
        has_role(user, Role.REVIEWER) and not has_role(user, Role.QA_MANAGER)
    ),
    "nav.complaints": lambda user, obj: (
        has_role(user, Role.SERVICE_MANAGER, Role.HEAD_OF_SERVICE)
        and not has_role(user, Role.QA_MANAGER)
    ),
    "feedback.iro.create": _role(Role.REVIEWER, Role.QA_MANAGER),
    "feedback.iro.list": _role(Role.REVIEWER, Role.QA_MANAGER),  # their own; the QA Manager all
    "feedback.iro.view": _iro_feedback_visible,
    "feedback.practitioner.give": _practitioner_feedback_givable,  # obj: the review
    # Complaints and compliments: Service Managers and Heads of Service read their areas'.
    "feedback.complaints": _role(Role.QA_MANAGER, Role.SERVICE_MANAGER, Role.HEAD_OF_SERVICE),
    "feedback.complaints_record": _role(Role.QA_MANAGER),
    "feedback.themes": _role(Role.QA_MANAGER),  # themes and "you said, we did"
    "practice_themes.manage": _role(Role.QA_MANAGER),  # the practice themes reviews are tagged with
    "feedback.links": _feedback_link_creatable,  # obj: the case
    "dashboard.view": _role(
        Role.LEADERSHIP, Role.QA_MANAGER, Role.HEAD_OF_SERVICE, Role.SERVICE_MANAGER
    ),
    "reports.manage": _role(Role.QA_MANAGER),  # draft, edit and publish the QA report
    "reports.view": _role(  # published versions only
        Role.LEADERSHIP, Role.QA_MANAGER, Role.HEAD_OF_SERVICE, Role.SERVICE_MANAGER
    ),
    # Who opened which case's pages (audit/): subject access requests and investigations.
    "access_records.view": _role(Role.QA_MANAGER, Role.DATA_PROTECTION_OFFICER),
}


def can(user, action: str, obj: Model | None = None) -> bool:
    """May `user` take `action` (a key of RULES), on `obj` if given?"""
    rule = RULES[action]  # an unknown action is a programming error, not a "no"
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return rule(user, obj)


def require(action: str):
    """View decorator: 403 unless the user may take `action` (log-in is enforced globally)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not can(request.user, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def get_object_for_user(user, queryset: QuerySet, action: str, **lookup) -> Model:
    """The object, or 404 when it does not exist or lies outside the user's scope for `action`.

    404 rather than 403, so guessing ids across service areas tells nothing.
    """
    try:
        obj = queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None
    if not can(user, action, obj):
        raise Http404
    return obj
