"""The QA calendar runs itself (the job "qa-calendar" in qaf/jobs.py; DESIGN.md "What runs on a
timer"): each cycle's review phase opens on its start date and every reviewer is told their
assignments; reviewers are reminded before it closes; at its close unfinished reviews are marked
overdue, the QA Manager is told, the reporting phase starts and the report is drafted; the cycle
closes at its end.

Every step decides from the database what is due on `today` (never from when it last ran) and
claims each piece of work atomically: a cycle moves through `cycle_transition` (the row locked,
a second mover refused), a review is marked overdue by a conditional UPDATE, and each
notification has a unique key (kind, object, recipient). So two runs at once, a retried task or
a run days late do each thing once, and a run after downtime catches up on everything missed.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from accounts.notifications import notify
from audit.history import history_record_update
from qaf.workflow import TransitionRefused

from ..models import Cycle, QACalendar
from .cycles import cycle_transition, day

S = Cycle.Status
BY_THE_CALENDAR = "By the QA calendar."
# Enough passes to take one cycle from planned to closed after a long downtime.
MAX_PASSES = 4


@dataclass
class CalendarRun:
    """What one run did, counted by step, for the Jobs page."""

    counts: Counter = field(default_factory=Counter)

    def add(self, what: str, n: int = 1) -> None:
        if n:
            self.counts[what] += n

    def summary(self) -> str:
        if not self.counts:
            return "Nothing was due."
        return "; ".join(f"{what}: {n}" for what, n in self.counts.items()) + "."


def _unfinished(cycle: Cycle):
    from reviews.models import Review

    statuses = (Review.Status.UNASSIGNED, Review.Status.ASSIGNED, Review.Status.IN_PROGRESS)
    return cycle.reviews.filter(status__in=statuses, benchmark__isnull=True)


def _reviewer_loads(cycle: Cycle) -> list[tuple[User, int]]:
    """(reviewer, unfinished reviews) for every active reviewer with work in the cycle."""
    from reviews.models import Review

    counts = Counter(
        _unfinished(cycle)
        .filter(status__in=(Review.Status.ASSIGNED, Review.Status.IN_PROGRESS))
        .values_list("reviewer_id", flat=True)
    )
    people = User.objects.filter(pk__in=counts, is_active=True).order_by("pk")
    return [(person, counts[person.pk]) for person in people]


def _qa_managers():
    return User.objects.filter(is_active=True, memberships__role=Role.QA_MANAGER).distinct()


@transaction.atomic
def cycle_move(
    *, cycle: Cycle, to_status: str, actor, note: str = "", today: datetime.date | None = None
) -> tuple[Cycle, int]:
    """Move the cycle on (audits.services.cycles.cycle_transition); opening its review phase
    also tells each reviewer their assignments, in the same transaction, whether the QA Manager
    presses the button or the calendar opens it. Returns the cycle and how many were told."""
    moved = cycle_transition(cycle=cycle, to_status=to_status, actor=actor, note=note)
    if to_status != S.REVIEW:
        return moved, 0
    return moved, tell_reviewers_phase_opened(moved, today or timezone.localdate())


def _move(cycle: Cycle, to_status: str, today: datetime.date) -> tuple[Cycle | None, int]:
    """The cycle moved on by the calendar, or None if another run (or the QA Manager) moved it
    first."""
    try:
        return cycle_move(
            cycle=cycle, to_status=to_status, actor=None, note=BY_THE_CALENDAR, today=today
        )
    except TransitionRefused:
        return None, 0


# ---- The steps ----------------------------------------------------------------------------


def open_due_review_phases(today: datetime.date, run: CalendarRun) -> None:
    """Open the review phase of each planned cycle whose start date has come, and tell each
    reviewer what they have to review and by when (not when it has already ended: the close
    step tells them then)."""
    for cycle in Cycle.objects.filter(status=S.PLANNED, review_starts_on__lte=today):
        opened, told = _move(cycle, S.REVIEW, today)
        if opened is not None:
            run.add("review phases opened")
            run.add("reviewers told their assignments", told)


def tell_reviewers_phase_opened(cycle: Cycle, today: datetime.date) -> int:
    """Tell each reviewer with work in the cycle, once, that its review phase is open: how many
    reviews and by when. Not when the phase has already ended (the close tells them then).
    Called when the calendar opens a cycle and when the QA Manager opens one by hand."""
    if today > cycle.review_ends_on:
        return 0
    told = 0
    for reviewer, n in _reviewer_loads(cycle):
        written = notify(
            recipient=reviewer,
            kind="review_phase_opened",
            obj=cycle,
            summary=f"The review phase of {cycle.name} is open: you have {n} "
            f"review{'s' if n != 1 else ''} to complete by {day(cycle.review_ends_on)}",
            url=reverse("reviews:mine"),
        )
        told += 1 if written else 0
    return told


def remind_reviewers(today: datetime.date, run: CalendarRun) -> None:
    """Remind each reviewer with unfinished reviews, once, from `reminder_days` before the
    review phase closes until it closes."""
    lead = datetime.timedelta(days=QACalendar.load().reminder_days)
    mine = reverse("reviews:mine")
    cycles = Cycle.objects.filter(
        status=S.REVIEW, review_ends_on__gte=today, review_ends_on__lte=today + lead
    )
    for cycle in cycles:
        for reviewer, n in _reviewer_loads(cycle):
            written = notify(
                recipient=reviewer,
                kind="review_phase_reminder",
                obj=cycle,
                summary=f"Reminder: the review phase of {cycle.name} closes on "
                f"{day(cycle.review_ends_on)}; you have {n} review{'s' if n != 1 else ''} "
                "to finish",
                url=mine,
            )
            run.add("reviewers reminded", 1 if written else 0)


def close_due_review_phases(today: datetime.date, run: CalendarRun) -> None:
    """After the last day of a review phase: mark each unfinished review overdue and tell its
    reviewer, tell the QA Managers how many, start the reporting phase and draft the report."""
    from reporting.reports import report_draft
    from reviews.models import Review

    for cycle in Cycle.objects.filter(status=S.REVIEW, review_ends_on__lt=today):
        with transaction.atomic():
            moved, _ = _move(cycle, S.REPORTING, today)
            if moved is None:
                continue
            run.add("reporting phases started")
            now = timezone.now()
            overdue = list(
                _unfinished(moved)
                .filter(overdue_marked_at__isnull=True)
                .select_related("case", "reviewer")
            )
            Review.objects.filter(pk__in=[r.pk for r in overdue]).update(overdue_marked_at=now)
            for review in overdue:
                review.overdue_marked_at = now
            history_record_update(overdue, reason="Marked overdue: the review phase closed")
            run.add("reviews marked overdue", len(overdue))
            for review in overdue:
                if review.reviewer_id and review.reviewer.is_active:
                    notify(
                        recipient=review.reviewer,
                        kind="review_overdue",
                        obj=review,
                        summary=f"Your review of case {review.case.reference} is overdue: "
                        f"the review phase of {moved.name} closed on {day(moved.review_ends_on)}",
                        url=reverse("reviews:detail", args=[review.pk]),
                    )
            for manager in _qa_managers():
                n = len(overdue)
                notify(
                    recipient=manager,
                    kind="review_phase_closed",
                    obj=moved,
                    summary=f"The review phase of {moved.name} has closed with {n} unfinished "
                    f"review{'s' if n != 1 else ''}; its reporting phase has started",
                    url=reverse("audits:cycle_detail", args=[moved.pk]),
                )
            report_draft(cycle=moved, actor=None)
            run.add("reports drafted")


def close_due_cycles(today: datetime.date, run: CalendarRun) -> None:
    """Close each cycle whose reporting phase has ended."""
    for cycle in Cycle.objects.filter(status=S.REPORTING, reporting_ends_on__lt=today):
        if _move(cycle, S.CLOSED, today)[0] is not None:
            run.add("cycles closed")


STEPS = (close_due_review_phases, close_due_cycles, open_due_review_phases, remind_reviewers)


def run_qa_calendar(today: datetime.date | None = None) -> str:
    """Every step, in an order that lets a late run catch up (a cycle must leave its review
    phase before the next one opens), repeated until nothing more is due. Returns a summary."""
    today = today or timezone.localdate()
    run = CalendarRun()
    for _ in range(MAX_PASSES):
        before = sum(run.counts.values())
        for step in STEPS:
            step(today, run)
        if sum(run.counts.values()) == before:
            break
    return run.summary()
