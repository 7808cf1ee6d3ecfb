"""Improvement actions, "closing the loop", follow-up re-reviews and the overdue-actions digest.

Seed 000 (Blackpool): in the 3-way discussion between auditor, manager and social worker,
corrective actions are agreed and monitored until they are completed. Seed 003 (Sandwell): the
Academy's Advanced Practitioners review every Requires Improvement and Inadequate review and
track its recommendations until the improvement is evidenced ("close the loop"). Seed 002
(Coventry): repeat audits evidence that the improvement happened.

action: open -> done -> verified, or done -> open again with a reason. Verification is asked for
only where the review's grade is Requires Improvement or Inadequate; for Good and Outstanding
reviews "done" is the end.

Writes (`action_*`, `review_follow_up`, `actions_send_overdue_digest`) come first, reads after.
"""

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from accounts.models import Role, RoleMembership, User
from accounts.notifications import notify
from accounts.permissions import REVIEW_AREA_ROLES, can, has_role, service_area_scope
from audits.models import Cycle, Grade, ToolkitVersion
from audits.selectors import published_version
from qaf.workflow import TransitionRefused, transition

from .models import Action, ActionEvent, Review, ReviewEvent

logger = logging.getLogger(__name__)

A = Action.Status

# The action's workflow (DESIGN.md). Agreeing an action is not a move: it creates the row, with
# an event "" -> open (see action_add).
ACTION_TRANSITIONS = {
    (A.OPEN, A.DONE),  # the owner marks it done, with the evidence
    (A.DONE, A.VERIFIED),  # a Practice Lead verifies the improvement is evidenced
    (A.DONE, A.OPEN),  # ... or reopens it, with the reason
}

# Seed 003: the Academy reviews every Requires Improvement and Inadequate review.
GRADES_TO_VERIFY = (Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE)
# A follow-up re-review can go into a cycle that has not finished its review phase.
FOLLOW_UP_CYCLE_STATUSES = (Cycle.Status.PLANNED, Cycle.Status.REVIEW)
REVIEW_DONE_STATUSES = (
    Review.Status.SUBMITTED,
    Review.Status.MODERATED,
    Review.Status.FINALISED,
)
NO_VERIFICATION = (
    "This action comes from a review graded {grade}: verification is needed only for Requires "
    "Improvement and Inadequate reviews, so it is complete once done."
)


def grade_of(review: Review) -> str:
    """The grade that decides: the final (moderated) grade once there is one, else the
    reviewer's."""
    return review.final_grade or review.grade


def grade_label(grade: str) -> str:
    return Grade(grade).label if grade else "not graded"


def needs_verification(review: Review) -> bool:
    return grade_of(review) in GRADES_TO_VERIFY


def _date(day: datetime.date) -> str:
    return format_date(day, "j F Y")


def _actions_url(**query: str) -> str:
    url = reverse("reviews:actions")
    return url + "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else url


def _owners_url(owner: User, status: str) -> str:
    """The owner's Actions page; "My work" (which lists their open actions) for an owner whose
    roles do not open the Actions page."""
    if can(owner, "actions.view"):
        return _actions_url(whose="mine", status=status)
    return reverse("home")


def _check_due_on(due_on: datetime.date) -> None:
    if due_on <= timezone.localdate():
        raise ValidationError({"due_on": "The date the action is due by must be in the future."})


def _check_owner(owner: User) -> None:
    if owner is None or not owner.is_active:
        raise ValidationError({"owner": "Choose who owns the action: a current member of staff."})


def _clean_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _locked_action(action: Action) -> Action:
    # Locked so that two people acting at once (an edit and "done") queue, and the second
    # sees the first's result.
    return (
        Action.objects.select_for_update(of=("self",))
        .select_related("review__case__service_area")
        .get(pk=action.pk)
    )


def status_label(action: Action) -> str:
    """The action's status in words; "done" is the end for Good and Outstanding reviews, so it
    is not "waiting for verification" there. Needs `action.review`."""
    if action.status == A.DONE and not needs_verification(action.review):
        return "Done"
    return action.get_status_display()


def _refuse_unless(action: Action, status: str, what: str) -> None:
    """A refusal in the users' words before the move is tried (transition() refuses too, under
    its lock, if someone else moved the action in between)."""
    if action.status != status:
        raise TransitionRefused(
            f"This action is {status_label(action).lower()}, so it cannot be {what}."
        )


def _notify_owner_agreed(action: Action, actor: User) -> None:
    if action.owner_id == actor.pk:
        return  # nobody needs telling what they have just agreed themselves
    notify(
        recipient=action.owner,
        kind="action_agreed",
        obj=action,
        summary=f"An action from a review in {action.review.case.service_area.name} was agreed "
        f"with you: it is due by {_date(action.due_on)}",
        url=_owners_url(action.owner, "open"),
    )


# Writes.


@transaction.atomic
def action_add(
    *, review: Review, actor: User, description: str, owner: User, due_on: datetime.date
) -> Action:
    """The reviewer records an action agreed in the discussion with the practitioner: what, who
    owns it and by when (a date in the future). The owner is told."""
    review = Review.objects.select_for_update(of=("self",)).get(pk=review.pk)
    if not can(actor, "action.add", review):
        raise PermissionDenied(
            "Only the review's reviewer can agree actions, until the review is moderated."
        )
    description = _clean_text(description, "description", "Enter what is to be done.")
    _check_owner(owner)
    _check_due_on(due_on)
    action = Action.objects.create(
        review=review, description=description, owner=owner, due_on=due_on, created_by=actor
    )
    ActionEvent.objects.create(action=action, from_status="", to_status=A.OPEN, actor=actor)
    action = Action.objects.select_related("review__case__service_area", "owner").get(pk=action.pk)
    _notify_owner_agreed(action, actor)
    return action


@transaction.atomic
def action_update(
    *, action: Action, actor: User, description: str, owner: User, due_on: datetime.date
) -> Action:
    """Change an open action (by its review's reviewer, while they may agree actions). A new
    owner is told; a changed due date must be in the future."""
    locked = _locked_action(action)
    if not can(actor, "action.add", locked.review):
        raise PermissionDenied("Only the review's reviewer can change its actions.")
    _refuse_unless(locked, A.OPEN, "changed")
    description = _clean_text(description, "description", "Enter what is to be done.")
    _check_owner(owner)
    if due_on != locked.due_on:
        _check_due_on(due_on)
    changed = [
        label
        for label, old, new in (
            ("what is to be done", locked.description, description),
            ("owner", locked.owner_id, owner.pk),
            ("due date", locked.due_on, due_on),
        )
        if old != new
    ]
    if not changed:
        return locked
    new_owner = locked.owner_id != owner.pk
    locked.description, locked.owner, locked.due_on = description, owner, due_on
    locked.save(update_fields=["description", "owner", "due_on"])
    # open -> open: not a move, but who changed what and when belongs in the action's history.
    ActionEvent.objects.create(
        action=locked,
        from_status=A.OPEN,
        to_status=A.OPEN,
        actor=actor,
        note="Changed: " + ", ".join(changed) + ".",
    )
    if new_owner:
        _notify_owner_agreed(locked, actor)
    return locked


@transaction.atomic
def action_delete(*, action: Action, actor: User) -> None:
    """Withdraw an open action agreed by mistake (by its review's reviewer)."""
    locked = _locked_action(action)
    if not can(actor, "action.add", locked.review):
        raise PermissionDenied("Only the review's reviewer can delete its actions.")
    _refuse_unless(locked, A.OPEN, "deleted")
    logger.info("Action %s of review %s deleted by %s", locked.pk, locked.review_id, actor.pk)
    locked.delete()


def action_transition(*, action: Action, to_status: str, actor: User, note: str = "", **changes):
    return transition(
        action,
        to_status=to_status,
        actor=actor,
        allowed=ACTION_TRANSITIONS,
        event_model=ActionEvent,
        note=note,
        changes=changes,
    )


def _practice_leads(service_area_id: int) -> QuerySet[User]:
    """Active Practice Leads of the service area, and those of every area."""
    holders = RoleMembership.objects.filter(
        Q(service_area_id=service_area_id) | Q(service_area__isnull=True),
        role=Role.PRACTICE_LEAD,
    ).values("user_id")
    return User.objects.filter(pk__in=holders, is_active=True).order_by("pk")


def _times_moved(action: Action, from_status: str, to_status: str) -> int:
    """How often the action has made this move: the notification's period, so that a second
    "done" after a reopening is told again while a retried request is not."""
    return action.events.filter(from_status=from_status, to_status=to_status).count()


@transaction.atomic
def action_mark_done(*, action: Action, actor: User, evidence: str) -> Action:
    """The owner marks the action done with a note of the evidence. For a Requires Improvement
    or Inadequate review, the Practice Leads of the case's service are asked to verify it."""
    action = _locked_action(action)
    if not can(actor, "action.complete", action):
        raise PermissionDenied("Only the action's owner can mark it done.")
    _refuse_unless(action, A.OPEN, "marked done")
    evidence = _clean_text(evidence, "evidence", "Enter the evidence that the action is done.")
    done = action_transition(
        action=action,
        to_status=A.DONE,
        actor=actor,
        note="Marked done with the evidence.",
        evidence=evidence,
        done_at=timezone.now(),
    )
    review = Review.objects.select_related("case__service_area").get(pk=done.review_id)
    if needs_verification(review):
        period = str(_times_moved(done, A.OPEN, A.DONE))
        area = review.case.service_area
        for lead in _practice_leads(area.pk).exclude(pk=done.owner_id):
            notify(
                recipient=lead,
                kind="action_done",
                obj=done,
                summary=f"An action from a {grade_label(grade_of(review))} review in {area.name} "
                "is done: verify it to close the loop",
                url=reverse("reviews:action_verify", args=[done.pk]),
                period=period,
            )
    return done


def verification_refusal(action: Action) -> str | None:
    """Why the action cannot be verified as it stands, or None. Needs `action.review`."""
    if not needs_verification(action.review):
        return NO_VERIFICATION.format(grade=grade_label(grade_of(action.review)))
    return None


@transaction.atomic
def action_verify(*, action: Action, actor: User) -> Action:
    """A Practice Lead of the case's service verifies that the improvement is evidenced."""
    action = _locked_action(action)
    if not can(actor, "action.verify", action):
        raise PermissionDenied(
            "Only a Practice Lead of the case's service, who does not own the action, can "
            "verify it."
        )
    _refuse_unless(action, A.DONE, "verified")
    refusal = verification_refusal(action)
    if refusal:
        raise TransitionRefused(refusal)
    return action_transition(
        action=action,
        to_status=A.VERIFIED,
        actor=actor,
        note="Verified: the improvement is evidenced.",
        verified_by=actor,
        verified_at=timezone.now(),
    )


@transaction.atomic
def action_reopen(*, action: Action, actor: User, reason: str) -> Action:
    """A Practice Lead finds the evidence not yet enough: the action is open again, and its
    owner is told why (on the page: the reason is free text, so it never goes by e-mail)."""
    action = _locked_action(action)
    if not can(actor, "action.verify", action):
        raise PermissionDenied(
            "Only a Practice Lead of the case's service, who does not own the action, can "
            "reopen it."
        )
    _refuse_unless(action, A.DONE, "reopened")
    reason = _clean_text(reason, "reason", "Enter why the action is reopened.")
    reopened = action_transition(
        action=action, to_status=A.OPEN, actor=actor, note=reason, done_at=None
    )
    notify(
        recipient=reopened.owner,
        kind="action_reopened",
        obj=reopened,
        summary="A Practice Lead reopened one of your actions: see why and what is still needed",
        url=_owners_url(reopened.owner, "open"),
        period=str(_times_moved(reopened, A.DONE, A.OPEN)),
    )
    return reopened


# Follow-up re-reviews.


def follow_up_refusal(review: Review) -> str | None:
    """Why `review` cannot be followed up, or None."""
    if review.status not in REVIEW_DONE_STATUSES:
        return "Only a submitted review can be followed up."
    if grade_of(review) not in GRADES_TO_VERIFY:
        return (
            f"This review is graded {grade_label(grade_of(review))}: only Requires Improvement "
            "and Inadequate reviews are followed up."
        )
    return None


def _follow_up_version(cycle: Cycle, review: Review) -> ToolkitVersion:
    # The later cycle's own tool; a cycle without one yet takes the original review's toolkit.
    toolkit = cycle.toolkit or review.toolkit_version.toolkit
    version = published_version(toolkit)
    if version is None:
        raise ValidationError(
            f"{toolkit.name} has no published version: publish it before adding the follow-up."
        )
    return version


@transaction.atomic
def review_follow_up(*, review: Review, cycle: Cycle, actor: User) -> Review:
    """The QA Manager gives a Requires Improvement or Inadequate review a follow-up re-review of
    the same case in a later cycle (planned or in its review phase), unassigned: its reviewer is
    assigned on the cycle's sample page."""
    if not can(actor, "cycles.manage"):
        raise PermissionDenied("Only the QA Manager can plan a follow-up review.")
    review = Review.objects.select_related("cycle", "case", "toolkit_version__toolkit").get(
        pk=review.pk
    )
    refusal = follow_up_refusal(review)
    if refusal:
        raise ValidationError(refusal)
    # Locked, so that a sample drawn at the same moment cannot take the case twice.
    cycle = Cycle.objects.select_for_update(of=("self",)).select_related("toolkit").get(pk=cycle.pk)
    if cycle.review_starts_on <= review.cycle.review_starts_on:
        raise ValidationError(
            f"{cycle.name} is not later than {review.cycle.name}: a follow-up goes into a later "
            "cycle."
        )
    if cycle.status not in FOLLOW_UP_CYCLE_STATUSES:
        raise ValidationError(
            f"{cycle.name} is {cycle.get_status_display().lower()}: a follow-up goes into a "
            "cycle that is planned or in its review phase."
        )
    if Review.objects.filter(cycle=cycle, case_id=review.case_id).exists():
        raise ValidationError(f"{cycle.name} already has a review of case {review.case.reference}.")
    follow_up = Review.objects.create(
        cycle=cycle,
        case=review.case,
        toolkit_version=_follow_up_version(cycle, review),
        status=Review.Status.UNASSIGNED,
        due_on=cycle.review_ends_on,
        added_by_hand=True,
        follow_up_of=review,
        created_by=actor,
        updated_by=actor,
    )
    ReviewEvent.objects.create(
        review=follow_up,
        from_status="",
        to_status=Review.Status.UNASSIGNED,
        actor=actor,
        note=f"Follow-up of the review in {review.cycle.name}.",
    )
    return follow_up


# The weekly digest of overdue actions.


def iso_week(day: datetime.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def overdue_actions(today: datetime.date) -> QuerySet[Action]:
    return Action.objects.filter(status=A.OPEN, due_on__lt=today)


def _service_managers_by_area(area_ids: set[int]) -> dict[int, set[int | None]]:
    """Active Service Managers of the areas: user id -> the area ids they cover (None: all)."""
    rows = RoleMembership.objects.filter(
        Q(service_area_id__in=area_ids) | Q(service_area__isnull=True),
        role=Role.SERVICE_MANAGER,
        user__is_active=True,
    ).values_list("user_id", "service_area_id")
    covers: dict[int, set[int | None]] = {}
    for user_id, area_id in rows:
        covers.setdefault(user_id, set()).add(area_id)
    return covers


def actions_send_overdue_digest(today: datetime.date | None = None) -> int:
    """Tell each owner of overdue open actions, and the Service Managers of those actions'
    services, once per ISO week; returns how many notifications were written.

    Idempotent: a notification's key holds the week, so a second run in the same week (a
    retried task, a restarted beat) writes nothing.
    """
    today = today or timezone.localdate()
    week = iso_week(today)
    overdue = overdue_actions(today).order_by()
    per_owner = {
        row["owner_id"]: row
        for row in overdue.values("owner_id").annotate(count=Count("id"), oldest=Min("due_on"))
    }
    per_area = dict(overdue.values_list("review__service_area_id").annotate(count=Count("id")))
    managers = _service_managers_by_area(set(per_area))
    people = User.objects.filter(pk__in=set(per_owner) | set(managers), is_active=True).in_bulk()
    sent = 0
    with transaction.atomic():
        for owner_id, row in per_owner.items():
            if owner_id in people:
                sent += _notify_owner_overdue(people[owner_id], row["count"], row["oldest"], week)
        for manager_id, areas in managers.items():
            count = sum(n for area, n in per_area.items() if None in areas or area in areas)
            if manager_id in people and count:
                sent += _notify_manager_overdue(people[manager_id], count, week)
    return sent


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _notify_owner_overdue(owner: User, count: int, oldest: datetime.date, week: str) -> int:
    notification = notify(
        recipient=owner,
        kind="actions_overdue_digest",
        obj=owner,
        summary=f"You have {_plural(count, 'overdue action', 'overdue actions')}: the oldest "
        f"was due by {_date(oldest)}",
        url=_owners_url(owner, "overdue"),
        period=week,
    )
    return int(notification is not None)


def _notify_manager_overdue(manager: User, count: int, week: str) -> int:
    notification = notify(
        recipient=manager,
        kind="actions_overdue_digest_services",
        obj=manager,
        summary=f"{_plural(count, 'agreed action', 'agreed actions')} in your services "
        f"{'is' if count == 1 else 'are'} overdue",
        url=_actions_url(status="overdue"),
        period=week,
    )
    return int(notification is not None)


# Reads.

ACTION_STATUS_FILTERS = {
    "open": "Open",
    "overdue": "Overdue",
    "done": "Done",
    "verified": "Verified",
    "all": "All",
}


def _with_reopen_reason(actions: QuerySet[Action]) -> QuerySet[Action]:
    """`reopen_reason`: why a Practice Lead last reopened the action ("" if never)."""
    last_reopen = ActionEvent.objects.filter(
        action=OuterRef("pk"), from_status=A.DONE, to_status=A.OPEN
    ).order_by("-at", "-id")
    return actions.annotate(reopen_reason=Subquery(last_reopen.values("note")[:1]))


def _for_list(actions: QuerySet[Action]) -> QuerySet[Action]:
    return _with_reopen_reason(
        actions.select_related(
            "owner",
            "verified_by",
            "review__cycle",
            "review__case__service_area",
            "review__toolkit_version__toolkit",
        )
    ).order_by("due_on", "pk")


def filter_by_status(actions: QuerySet[Action], status: str) -> QuerySet[Action]:
    if status == "overdue":
        return actions.filter(status=A.OPEN, due_on__lt=timezone.localdate())
    if status in A.values:
        return actions.filter(status=status)
    return actions


# The roles whose Actions page also lists the actions of their service areas.
AREA_ACTION_ROLES = (Role.SERVICE_MANAGER, Role.HEAD_OF_SERVICE, Role.PRACTICE_LEAD)


def sees_service_actions(user: User) -> bool:
    return has_role(user, *AREA_ACTION_ROLES)


def actions_listed_for(user: User, *, whose: str = "all", status: str = "all") -> QuerySet[Action]:
    """The Actions page: the actions the user owns and, unless `whose` is "mine", those of
    reviews in the service areas where they are a Service Manager, Head of Service or Practice
    Lead. One query per page, however many rows."""
    listed = Q(owner=user)
    if whose != "mine" and sees_service_actions(user):
        scope = service_area_scope(user, *AREA_ACTION_ROLES)
        if scope is None:
            listed = Q(pk__isnull=False)
        else:
            listed |= Q(review__service_area_id__in=scope)
    return filter_by_status(_for_list(Action.objects.filter(listed)), status)


def actions_visible_to(user: User) -> QuerySet[Action]:
    """Every action the user may see: the query form of the "action.view" rule (its owner, and
    whoever may read its review)."""
    actions = Action.objects.select_related("owner", "review__case__service_area", "review__cycle")
    if not user.is_authenticated or not user.is_active:
        return actions.none()
    if has_role(user, Role.QA_MANAGER):
        return actions
    visible = Q(owner=user) | Q(review__reviewer=user) | Q(review__case__practitioner=user)
    scope = service_area_scope(user, *REVIEW_AREA_ROLES)
    if scope is None:
        visible |= Q(pk__isnull=False)
    elif scope:
        visible |= Q(review__service_area_id__in=scope)
    return actions.filter(visible)


def actions_of_review(review: Review) -> QuerySet[Action]:
    return _with_reopen_reason(
        review.actions.select_related("owner", "verified_by", "review__case")
    ).order_by("due_on", "pk")


def _decided_grade(prefix: str = "") -> Case:
    """The grade a review stands at once submitted: its final grade, else the reviewer's."""
    return Case(
        When(~Q(**{f"{prefix}final_grade": ""}), then=F(f"{prefix}final_grade")),
        When(**{f"{prefix}submitted_at__isnull": False}, then=F(f"{prefix}grade")),
        default=Value(""),
        output_field=CharField(),
    )


def follow_ups_of(review: Review) -> QuerySet[Review]:
    """The follow-up re-reviews of a review, oldest first, each with `decided_grade`."""
    return (
        review.follow_ups.select_related("cycle", "case")
        .annotate(decided_grade=_decided_grade())
        .order_by("cycle__review_starts_on", "pk")
    )


def follow_up_cycles(review: Review) -> QuerySet[Cycle]:
    """The cycles a follow-up of `review` can go into: later, planned or in their review phase,
    without a review of the case yet."""
    return (
        Cycle.objects.filter(
            status__in=FOLLOW_UP_CYCLE_STATUSES,
            review_starts_on__gt=review.cycle.review_starts_on,
        )
        .exclude(reviews__case_id=review.case_id)
        .order_by("review_starts_on")
    )


# The "close the loop" board.

LOOP_FILTERS = {
    "waiting": "Loop not yet closed",
    "closed": "Loop closed",
    "all": "All",
}


def loop_reviews_for(user: User, show: str = "waiting") -> QuerySet[Review]:
    """Requires Improvement and Inadequate reviews (by final grade) in the Practice Lead's
    service areas, each with its counts of open, done and verified actions and its latest
    follow-up (`follow_up_pk`, `follow_up_cycle`, `follow_up_grade`): one query per page.

    The loop is closed when actions were agreed and every one is verified.
    """
    reviews = Review.objects.filter(final_grade__in=GRADES_TO_VERIFY)
    scope = service_area_scope(user, Role.PRACTICE_LEAD)
    if scope is not None:
        reviews = reviews.filter(service_area_id__in=scope)
    latest_follow_up = (
        Review.objects.filter(follow_up_of=OuterRef("pk"))
        .annotate(decided_grade=_decided_grade())
        .order_by("-cycle__review_starts_on", "-pk")
    )
    reviews = reviews.select_related(
        "cycle", "case__service_area", "case__team", "toolkit_version__toolkit", "reviewer"
    ).annotate(
        open_count=Count("actions", filter=Q(actions__status=A.OPEN)),
        overdue_count=Count(
            "actions",
            filter=Q(actions__status=A.OPEN, actions__due_on__lt=timezone.localdate()),
        ),
        done_count=Count("actions", filter=Q(actions__status=A.DONE)),
        verified_count=Count("actions", filter=Q(actions__status=A.VERIFIED)),
        follow_up_pk=Subquery(latest_follow_up.values("pk")[:1]),
        follow_up_cycle=Subquery(latest_follow_up.values("cycle__name")[:1]),
        follow_up_grade=Subquery(latest_follow_up.values("decided_grade")[:1]),
    )
    closed = Q(verified_count__gt=0, open_count=0, done_count=0)
    if show == "waiting":
        reviews = reviews.exclude(closed)
    elif show == "closed":
        reviews = reviews.filter(closed)
    return reviews.order_by("cycle__review_starts_on", "case__reference", "pk")


def open_actions_for_home(user: User, limit: int = 5) -> tuple[list[Action], int]:
    """The user's open actions, soonest due first (at most `limit`), and how many there are."""
    actions = Action.objects.filter(owner=user, status=A.OPEN)
    listed = list(
        actions.select_related("review__case__service_area").order_by("due_on", "pk")[:limit]
    )
    count = len(listed) if len(listed) < limit else actions.count()
    return listed, count
