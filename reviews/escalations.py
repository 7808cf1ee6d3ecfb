"""Escalations of Inadequate grades (seed 003, "Escalations").

If a review is rated Inadequate by its reviewer or its moderator, the findings are shared at once
with the responsible Service Manager and Head of Service. The Service Manager reviews the child's
record and records their assurance on the child's safety, what is in place to mitigate the risk,
and the actions needed; if the level of concern is disputed, the Head of Service gives the final
decision. An escalation still waiting for assurance after its deadline is reminded and raised to
the Head of Service by a beat job (`escalations_remind_overdue`).
"""

import datetime
from functools import lru_cache

import holidays
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from accounts.models import Role, RoleMembership, User
from accounts.notifications import notify
from accounts.permissions import can
from audit.history import history_record_update
from audits.models import QACalendar
from qaf.workflow import TransitionRefused, transition

from .models import Escalation, EscalationEvent, Review

E = Escalation.Status

# The escalation's workflow (DESIGN.md). Raising is not a move: it creates the row, with an
# event "" -> raised (see escalation_raise).
TRANSITIONS = {
    (E.RAISED, E.CLOSED),  # the Service Manager records assurance
    (E.RAISED, E.DISPUTED),  # ... or records it and disputes the level of concern
    (E.DISPUTED, E.CLOSED),  # the Head of Service gives the final decision
}


# Working days: England and Wales share their bank holidays.


@lru_cache(maxsize=8)
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=[year, year + 1]))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def working_days_after(start_date: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `start_date` (the day itself does not count): raised on a
    Thursday with n=2, the deadline is the Monday; across Christmas, later still."""
    day, counted = start_date, 0
    while counted < n:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def escalation_deadline(today: datetime.date | None = None) -> datetime.date:
    days = QACalendar.load().escalation_deadline_working_days
    return working_days_after(today or timezone.localdate(), days)


# Who is told.


def people_with_role(role: str, service_area_id: int) -> QuerySet[User]:
    """Active people holding `role` for the service area, or for every area."""
    holders = RoleMembership.objects.filter(
        Q(service_area_id=service_area_id) | Q(service_area__isnull=True), role=role
    ).values("user_id")
    return User.objects.filter(pk__in=holders, is_active=True).order_by("pk")


def _service_managers(escalation: Escalation) -> QuerySet[User]:
    return people_with_role(Role.SERVICE_MANAGER, escalation.review.case.service_area_id)


def _heads_of_service(escalation: Escalation) -> QuerySet[User]:
    return people_with_role(Role.HEAD_OF_SERVICE, escalation.review.case.service_area_id)


def _day(date: datetime.date) -> str:
    return format_date(date, "j F")


def _notify_all(people, *, kind: str, escalation: Escalation, summary: str) -> None:
    # Summaries travel by e-mail: the service's name and a date, never case details.
    url = reverse("reviews:escalation", args=[escalation.pk])
    for person in people:
        notify(recipient=person, kind=kind, obj=escalation, summary=summary, url=url)


# The moves.


def escalation_transition(
    *, escalation: Escalation, to_status: str, actor, note: str = "", **changes
) -> Escalation:
    return transition(
        escalation,
        to_status=to_status,
        actor=actor,
        allowed=TRANSITIONS,
        event_model=EscalationEvent,
        note=note,
        changes=changes,
    )


@transaction.atomic
def escalation_raise(*, review: Review, source: str, actor) -> Escalation:
    """The review's escalation, raised now if it has none: one per review, however often an
    Inadequate grade is given (a double click, a retried request, a moderator agreeing the
    reviewer's Inadequate). Called inside the transaction that records the grade."""
    escalation, created = Escalation.objects.get_or_create(
        review=review,
        defaults={"source": source, "raised_by": actor, "deadline": escalation_deadline()},
    )
    if not created:
        return escalation
    EscalationEvent.objects.create(
        escalation=escalation,
        from_status="",
        to_status=E.RAISED,
        actor=actor,
        note=f"Graded Inadequate: {Escalation.Source(source).label.lower()}.",
    )
    area = review.case.service_area.name
    deadline = _day(escalation.deadline)
    _notify_all(
        _service_managers(escalation),
        kind="escalation_raised",
        escalation=escalation,
        summary=f"A review in {area} was graded Inadequate: record your assurance by {deadline}",
    )
    _notify_all(
        _heads_of_service(escalation),
        kind="escalation_raised",
        escalation=escalation,
        summary=f"A review in {area} was graded Inadequate: the service manager's assurance is "
        f"due by {deadline}",
    )
    return escalation


ASSURANCE_REQUIRED = {
    "safety_assurance": "Enter your assurance on the child's safety",
    "mitigation": "Enter what is in place to mitigate the risk",
    "actions_needed": "Enter the actions needed",
}


def _locked(escalation: Escalation) -> Escalation:
    return (
        Escalation.objects.select_for_update(of=("self",))
        .select_related("review__case__service_area")
        .get(pk=escalation.pk)
    )


@transaction.atomic
def escalation_record_assurance(
    *,
    escalation: Escalation,
    actor,
    safety_assurance: str,
    mitigation: str,
    actions_needed: str,
    urgent: bool,
    disputed: bool = False,
    dispute_reason: str = "",
) -> Escalation:
    """The Service Manager's assurance: closes the escalation, or sends it to the Head of
    Service when the level of concern is disputed."""
    locked = _locked(escalation)
    if not can(actor, "escalation.assure", locked):
        area = locked.review.case.service_area.name
        raise PermissionDenied(f"Only a service manager of {area} can record assurance.")
    if locked.status != E.RAISED:
        raise TransitionRefused(
            "Assurance has already been recorded for this escalation "
            f"({locked.get_status_display().lower()})."
        )
    values = {
        "safety_assurance": safety_assurance.strip(),
        "mitigation": mitigation.strip(),
        "actions_needed": actions_needed.strip(),
    }
    errors = {name: message for name, message in ASSURANCE_REQUIRED.items() if not values[name]}
    dispute_reason = dispute_reason.strip() if disputed else ""
    if disputed and not dispute_reason:
        errors["dispute_reason"] = "Enter why you dispute the level of concern"
    if errors:
        raise ValidationError(errors)
    to_status = E.DISPUTED if disputed else E.CLOSED
    note = "Assurance recorded" + (": an action is urgent." if urgent else ".")
    if disputed:
        note = "Assurance recorded; the level of concern is disputed."
    assured = escalation_transition(
        escalation=locked,
        to_status=to_status,
        actor=actor,
        note=note,
        **values,
        urgent=urgent,
        dispute_reason=dispute_reason,
        assured_by=actor,
        assured_at=timezone.now(),
    )
    if disputed:
        area = locked.review.case.service_area.name
        _notify_all(
            _heads_of_service(locked),
            kind="escalation_disputed",
            escalation=assured,
            summary=f"The level of concern in an escalation in {area} is disputed: give your "
            "final decision",
        )
    return assured


@transaction.atomic
def escalation_decide(*, escalation: Escalation, actor, decision: str) -> Escalation:
    """The Head of Service's final decision on a disputed level of concern."""
    locked = _locked(escalation)
    if not can(actor, "escalation.decide", locked):
        area = locked.review.case.service_area.name
        raise PermissionDenied(f"Only a Head of Service of {area} can decide a dispute.")
    if locked.status != E.DISPUTED:
        raise TransitionRefused(
            f"This escalation is {locked.get_status_display().lower()}: only a disputed "
            "escalation needs the Head of Service's decision."
        )
    decision = decision.strip()
    if not decision:
        raise ValidationError({"decision": "Enter your decision on the level of concern"})
    decided = escalation_transition(
        escalation=locked,
        to_status=E.CLOSED,
        actor=actor,
        note="The Head of Service gave the final decision.",
        decision=decision,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    area = locked.review.case.service_area.name
    _notify_all(
        _service_managers(locked),
        kind="escalation_decided",
        escalation=decided,
        summary=f"The Head of Service decided a disputed escalation in {area}",
    )
    return decided


OVERDUE_NOTE = "No assurance by the deadline: reminded, and raised to the Head of Service."


def escalations_remind_overdue(now: datetime.datetime | None = None) -> int:
    """Remind the service managers of every escalation whose deadline has passed without
    assurance, and raise it to the Head of Service; once per escalation. Returns how many."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = Escalation.objects.filter(status=E.RAISED, deadline__lt=today, reminded_at__isnull=True)
    reminded = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            # The claim: of two runs (or two workers), only one updates the row; the other
            # finds it claimed and moves on. Rolled back with the notifications if they fail.
            claimed = Escalation.objects.filter(
                pk=pk, status=E.RAISED, reminded_at__isnull=True
            ).update(reminded_at=now)
            if not claimed:
                continue
            escalation = Escalation.objects.select_related("review__case__service_area").get(pk=pk)
            history_record_update(escalation, reason="Reminded: no assurance by the deadline")
            _remind(escalation)
            reminded += 1
    return reminded


def _remind(escalation: Escalation) -> None:
    # Not a move (the escalation still waits for assurance), but a step of its history.
    EscalationEvent.objects.create(
        escalation=escalation, from_status=E.RAISED, to_status=E.RAISED, note=OVERDUE_NOTE
    )
    area = escalation.review.case.service_area.name
    deadline = _day(escalation.deadline)
    _notify_all(
        _service_managers(escalation),
        kind="escalation_overdue",
        escalation=escalation,
        summary=f"Assurance on an escalation in {area} was due by {deadline}: record it now",
    )
    _notify_all(
        _heads_of_service(escalation),
        kind="escalation_overdue",
        escalation=escalation,
        summary=f"An escalation in {area} is overdue (assurance was due by {deadline}): "
        "it is raised to you",
    )
