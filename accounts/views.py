from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse

from audits.models import Cycle
from reviews.actions import open_actions_for_home
from reviews.models import Action, Escalation, Review
from reviews.selectors import (
    escalations_visible_to,
    moderation_queue_for,
    reviews_assigned_to,
    reviews_visible_to,
)

from .models import Role
from .permissions import REVIEW_AREA_ROLES, require, roles_of, service_area_scope
from .selectors import service_areas_with_teams, staff_with_memberships

# What each role finds on "My work" until there is work to show. Later issues fill the panels;
# the words are the frameworks' (seed 003, Sandwell; seed 000, Blackpool).
ROLE_PANELS = {
    Role.REVIEWER: (
        "Reviews assigned to you",
        "You have no Practice Reviews, Thematic Reviews or Practice Observations assigned. "
        "When the QA Manager opens a cycle, the cases you are to review appear here.",
        "reviews:mine",
    ),
    Role.MODERATOR: (
        "Reviews waiting for moderation",
        "No submitted reviews are waiting for you to moderate.",
        "reviews:moderation",
    ),
    Role.SERVICE_MANAGER: (
        "Escalations for your services",
        "No Inadequate grades have been escalated to you. When one is, you will be asked to "
        "record your assurance on the child's safety before its deadline.",
        "reviews:escalations",
    ),
    Role.HEAD_OF_SERVICE: (
        "Escalations to oversee",
        "No escalations are open, overdue or disputed in your services.",
        "reviews:escalations",
    ),
    Role.PRACTITIONER: (
        "Reviews of your cases and your actions",
        "Reviews of your cases are listed under Reviews, and the actions agreed with you "
        "under Actions.",
        "reviews:actions",
    ),
    Role.PRACTICE_LEAD: (
        "Closing the loop",
        "No Requires Improvement or Inadequate reviews are waiting for improvement to be "
        "evidenced.",
        "reviews:close_the_loop",
    ),
    Role.QA_MANAGER: (
        "The QA cycle",
        "No cycle is open. Set up the QA calendar, toolkits and case sample to begin.",
        "audits:cycles",
    ),
    Role.LEADERSHIP: (
        "QA reports and dashboards",
        "No QA report has been published yet.",
        "reporting:dashboard",
    ),
    Role.DATA_PROTECTION_OFFICER: (
        "Access records",
        "Search who opened a case's review or feedback, and when, for subject access requests "
        "and investigations.",
        "audit:access_records",
    ),
}


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


# What is waiting for each role, in a sentence (one or two queries), or None when nothing is.
def _waiting(user, role: str) -> str | None:
    R = Review.Status
    if role == Role.REVIEWER:
        n = reviews_assigned_to(user).filter(status__in=[R.ASSIGNED, R.IN_PROGRESS]).count()
        return f"You have {_plural(n, 'review', 'reviews')} to complete." if n else None
    if role == Role.MODERATOR:
        n = moderation_queue_for(user).count()
        return (
            f"{_plural(n, 'submitted review is', 'submitted reviews are')} waiting." if n else None
        )
    if role == Role.SERVICE_MANAGER:
        n = escalations_visible_to(user).filter(status=Escalation.Status.RAISED).count()
        return (
            f"{_plural(n, 'escalation needs', 'escalations need')} your assurance." if n else None
        )
    if role == Role.HEAD_OF_SERVICE:
        n = escalations_visible_to(user).exclude(status=Escalation.Status.CLOSED).count()
        return (
            f"{_plural(n, 'escalation is', 'escalations are')} open in your services."
            if n
            else None
        )
    if role == Role.PRACTITIONER:
        n = reviews_visible_to(user).filter(case__practitioner=user).count()
        return f"{_plural(n, 'review', 'reviews')} of your cases." if n else None
    if role == Role.PRACTICE_LEAD:
        done = Action.objects.filter(status=Action.Status.DONE)
        scope = service_area_scope(user, *REVIEW_AREA_ROLES)
        if scope is not None:
            done = done.filter(review__service_area_id__in=scope)
        n = done.count()
        return (
            f"{_plural(n, 'action is', 'actions are')} done and waiting to be verified."
            if n
            else None
        )
    if role == Role.QA_MANAGER:
        cycle = Cycle.objects.filter(status=Cycle.Status.REVIEW).first()
        if cycle is None:
            return None
        done, total = cycle.reviews.exclude(submitted_at=None).count(), cycle.reviews.count()
        return f"{cycle.name} is in its review phase: {done} of {total} reviews submitted."
    return None


@require("home.view")
def home(request):
    held = roles_of(request.user)
    panels = [
        {
            "role": role.label,
            "heading": heading,
            "empty": empty,
            "waiting": _waiting(request.user, role),
            "url_name": url_name,
        }
        for role, (heading, empty, url_name) in ROLE_PANELS.items()
        if role in held
    ]
    # Anyone may own an agreed action (seed 000: the social worker, or their manager).
    your_actions, open_action_count = open_actions_for_home(request.user)
    return render(
        request,
        "accounts/home.html",
        {"panels": panels, "your_actions": your_actions, "open_action_count": open_action_count},
    )


@require("organisation.view")
def organisation(request):
    staff = Paginator(staff_with_memberships(query=request.GET.get("q", "")), 25)
    return render(
        request,
        "accounts/organisation.html",
        {
            "service_areas": service_areas_with_teams(),
            "staff_page": staff.get_page(request.GET.get("page")),
            "query": request.GET.get("q", ""),
        },
    )


@login_not_required
def admin_login(request):
    """The admin's log-in goes through QAF's own, so every log-in meets the same protections."""
    if request.user.is_authenticated:
        # Logged in but not staff: the admin would otherwise send them round in a loop.
        raise PermissionDenied
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))
