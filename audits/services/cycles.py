"""
The QA calendar and its cycles: the calendar's settings, a year's cycles made from them, a
planned cycle's dates, and the cycle's workflow (planned -> review -> reporting -> closed).

Seed 003 (Sandwell): six two-monthly cycles a year; reviews are completed in the first month and
the second month is for reporting and learning. Seed 000 (Blackpool): audits take the first two
weeks of the period (the "audit fortnight"), the rest of it is for discussion and reporting.
"""

import calendar as month_calendar
import datetime
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction

from qaf.workflow import TransitionRefused, transition

from ..models import Cycle, CycleEvent, QACalendar, Toolkit, ToolkitKind

S = Cycle.Status

# The cycle's workflow (DESIGN.md), each move with the words of its button. No move goes back:
# a cycle's history is what happened.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.PLANNED, S.REVIEW): "Open the review phase",
    (S.REVIEW, S.REPORTING): "Start the reporting phase",
    (S.REPORTING, S.CLOSED): "Close the cycle",
}

# In English whatever the server's locale (calendar.month_name follows the locale).
MONTH_NAMES = ("", "January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")  # fmt: skip
EN_DASH = "\u2013"  # joins the two months of a cycle's name (an en dash, not a hyphen)
AUDIT_FORTNIGHT_DAYS = 14
# The shortest review phase of each kind (February has 28 days): a reminder must fall inside it.
SHORTEST_REVIEW_PHASE = {
    QACalendar.ReviewPhase.FIRST_MONTH: 28,
    QACalendar.ReviewPhase.AUDIT_FORTNIGHT: AUDIT_FORTNIGHT_DAYS,
}
MAX_ESCALATION_WORKING_DAYS = 20


def day(date: datetime.date) -> str:
    """ "1 November 2026", as the frameworks write dates."""
    return f"{date.day} {MONTH_NAMES[date.month]} {date.year}"


class PlannedCycle(NamedTuple):
    name: str
    review_starts_on: datetime.date
    review_ends_on: datetime.date
    reporting_ends_on: datetime.date


class Step(NamedTuple):
    to_status: str
    label: str


# ---- The QA calendar ----------------------------------------------------------------------


def parse_review_months(text: str) -> list[int]:
    """Month numbers from "11, 1, 3" -> [1, 3, 11]; a ValidationError says what is wrong."""
    parts = [part.strip() for part in str(text).split(",")]
    if not any(parts):
        raise ValidationError("Enter at least one review month, e.g. 1,3,5,7,9,11.")
    months: list[int] = []
    for part in parts:
        if not part:
            raise ValidationError(
                "Separate the month numbers with single commas, e.g. 1,3,5,7,9,11."
            )
        if not part.isdigit() or not 1 <= int(part) <= 12:
            raise ValidationError(
                f"“{part}” is not a month: enter month numbers from 1 (January) to 12 (December)."
            )
        if int(part) in months:
            raise ValidationError(
                f"{MONTH_NAMES[int(part)]} ({part}) is listed twice: list each review month once."
            )
        months.append(int(part))
    return sorted(months)


def _calendar_errors(
    *, review_phase: str, reminder_days: int, escalation_deadline_working_days: int
) -> dict[str, str]:
    errors = {}
    if review_phase not in QACalendar.ReviewPhase.values:
        errors["review_phase"] = "Choose the first month or an audit fortnight."
    else:
        longest = SHORTEST_REVIEW_PHASE[review_phase] - 1
        if not 1 <= reminder_days <= longest:
            phase = QACalendar.ReviewPhase(review_phase).label.lower()
            errors["reminder_days"] = (
                f"Enter a number of days from 1 to {longest}: the reminder must fall inside "
                f"the review phase ({phase})."
            )
    if not 1 <= escalation_deadline_working_days <= MAX_ESCALATION_WORKING_DAYS:
        errors["escalation_deadline_working_days"] = (
            f"Enter a number of working days from 1 to {MAX_ESCALATION_WORKING_DAYS}."
        )
    return errors


@transaction.atomic
def calendar_update(
    *,
    calendar: QACalendar,
    review_months: str,
    review_phase: str,
    reminder_days: int,
    escalation_deadline_working_days: int,
    actor,
) -> QACalendar:
    """Change the calendar's settings. Cycles already planned keep their dates: the settings
    shape the cycles generated from now on."""
    errors = _calendar_errors(
        review_phase=review_phase,
        reminder_days=reminder_days,
        escalation_deadline_working_days=escalation_deadline_working_days,
    )
    try:
        months = parse_review_months(review_months)
    except ValidationError as error:
        errors["review_months"] = error.messages[0]
    if errors:
        raise ValidationError(errors)
    calendar.review_months = ",".join(str(month) for month in months)
    calendar.review_phase = review_phase
    calendar.reminder_days = reminder_days
    calendar.escalation_deadline_working_days = escalation_deadline_working_days
    calendar.updated_by = actor
    calendar.save()
    return calendar


# ---- A year's cycles ----------------------------------------------------------------------


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, month_calendar.monthrange(year, month)[1])


def cycles_for_year(*, year: int, calendar: QACalendar) -> list[PlannedCycle]:
    """The cycles the calendar plans for `year`: one per review month, whose review phase starts
    on the 1st and lasts the month (or its first fortnight), and whose reporting phase runs to the
    end of the following month (December's reports in January of the next year)."""
    planned = []
    for month in calendar.month_numbers():
        starts_on = datetime.date(year, month, 1)
        if calendar.review_phase == QACalendar.ReviewPhase.AUDIT_FORTNIGHT:
            review_ends_on = starts_on + datetime.timedelta(days=AUDIT_FORTNIGHT_DAYS - 1)
        else:
            review_ends_on = _month_end(year, month)
        report_year, report_month = (year + 1, 1) if month == 12 else (year, month + 1)
        first, second = MONTH_NAMES[month], MONTH_NAMES[report_month]
        name = (
            f"{first}{EN_DASH}{second} {year}"
            if report_year == year
            else f"{first} {year}{EN_DASH}{second} {report_year}"
        )
        planned.append(
            PlannedCycle(name, starts_on, review_ends_on, _month_end(report_year, report_month))
        )
    return planned


def _overlapping(starts_on: datetime.date, ends_on: datetime.date, exclude_pk=None):
    """Cycles whose review phase shares a day with starts_on..ends_on."""
    cycles = Cycle.objects.filter(review_starts_on__lte=ends_on, review_ends_on__gte=starts_on)
    return cycles.exclude(pk=exclude_pk) if exclude_pk else cycles


def default_toolkit() -> Toolkit | None:
    return Toolkit.objects.filter(kind=ToolkitKind.PRACTICE_REVIEW).first()


@transaction.atomic
def cycles_generate(*, year: int, actor, toolkit: Toolkit | None = None) -> list[Cycle]:
    """Create the year's cycles that do not exist yet; return those created.

    Idempotent: a cycle is matched by its name, so running it twice creates nothing new. A cycle
    whose review phase would overlap an existing cycle's (e.g. one whose dates were adjusted) is
    left out rather than planned on top of it.
    """
    calendar = QACalendar.load()
    toolkit = toolkit or default_toolkit()
    planned_cycles = cycles_for_year(year=year, calendar=calendar)
    names = [planned.name for planned in planned_cycles]
    existing = set(Cycle.objects.filter(name__in=names).values_list("name", flat=True))
    created = []
    for planned in planned_cycles:
        if planned.name in existing:
            continue
        if _overlapping(planned.review_starts_on, planned.review_ends_on).exists():
            continue
        cycle = Cycle.objects.create(**planned._asdict(), toolkit=toolkit, created_by=actor)
        CycleEvent.objects.create(
            cycle=cycle, from_status="", to_status=S.PLANNED, actor=actor, note="Generated"
        )
        created.append(cycle)
    return created


# ---- A planned cycle's dates --------------------------------------------------------------


def dates_locked_reason(cycle: Cycle) -> str | None:
    """Why the cycle's dates cannot be adjusted, or None while they can."""
    if cycle.status == S.PLANNED:
        return None
    now = "closed" if cycle.status == S.CLOSED else f"in its {cycle.get_status_display().lower()}"
    return f"The dates of {cycle.name} can be adjusted only before it opens; it is {now}."


def _date_errors(cycle: Cycle, starts_on, review_ends_on, reporting_ends_on) -> dict[str, str]:
    errors = {}
    if review_ends_on < starts_on:
        errors["review_ends_on"] = "The review phase must end on or after the day it starts."
    if reporting_ends_on <= review_ends_on:
        errors["reporting_ends_on"] = "The reporting phase must end after the review phase ends."
    if not errors:
        clash = _overlapping(starts_on, review_ends_on, exclude_pk=cycle.pk).first()
        if clash:
            errors["review_starts_on"] = (
                f"The review phase would overlap that of {clash.name} "
                f"({day(clash.review_starts_on)} to {day(clash.review_ends_on)}): "
                "only one cycle is reviewed at a time."
            )
    return errors


@transaction.atomic
def cycle_update_dates(
    *,
    cycle: Cycle,
    review_starts_on: datetime.date,
    review_ends_on: datetime.date,
    reporting_ends_on: datetime.date,
    toolkit: Toolkit | None,
    actor,
) -> Cycle:
    """Adjust a planned cycle's dates and toolkit. The change is kept in the cycle's history."""
    # Locked, so the cycle cannot open between the check and the save.
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    reason = dates_locked_reason(cycle)
    if reason:
        raise ValidationError(reason)
    errors = _date_errors(cycle, review_starts_on, review_ends_on, reporting_ends_on)
    if errors:
        raise ValidationError(errors)
    before = _dates_text(cycle)
    cycle.review_starts_on = review_starts_on
    cycle.review_ends_on = review_ends_on
    cycle.reporting_ends_on = reporting_ends_on
    cycle.toolkit = toolkit
    cycle.save()
    after = _dates_text(cycle)
    if after != before:
        CycleEvent.objects.create(
            cycle=cycle,
            from_status=S.PLANNED,
            to_status=S.PLANNED,
            actor=actor,
            note=f"Adjusted from {before} to {after}"[:300],
        )
    return cycle


def _dates_text(cycle: Cycle) -> str:
    toolkit = cycle.toolkit.name if cycle.toolkit else "no toolkit"
    return (
        f"review {day(cycle.review_starts_on)} to {day(cycle.review_ends_on)}, "
        f"reporting to {day(cycle.reporting_ends_on)}, {toolkit}"
    )


# ---- The cycle's workflow -----------------------------------------------------------------


def next_step(status: str) -> Step | None:
    """The one move a cycle in `status` may make next, with its button's words."""
    for (from_status, to_status), label in TRANSITIONS.items():
        if from_status == status:
            return Step(to_status, label)
    return None


@transaction.atomic
def cycle_transition(*, cycle: Cycle, to_status: str, actor, note: str = "") -> Cycle:
    """Move the cycle on (see TRANSITIONS); refused with TransitionRefused otherwise.

    Only one cycle is in its review phase at a time (reviewers work on one sample at once).
    """
    if to_status == S.REVIEW and cycle.status == S.PLANNED:
        # The calendar's row serialises openings: two QA Managers opening two cycles at the
        # same moment cannot both find no other cycle open.
        QACalendar.load()
        QACalendar.objects.select_for_update().get(pk=1)
        open_cycle = Cycle.objects.filter(status=S.REVIEW).exclude(pk=cycle.pk).first()
        if open_cycle:
            raise TransitionRefused(
                f"{open_cycle.name} is in its review phase. Start its reporting phase "
                f"before opening the review phase of {cycle.name}."
            )
    return transition(
        cycle,
        to_status=to_status,
        actor=actor,
        allowed=TRANSITIONS.keys(),
        event_model=CycleEvent,
        note=note,
    )


def transition_warnings(*, cycle: Cycle, to_status: str, today: datetime.date) -> list[str]:
    """What the QA Manager should know before making the move. Only the first (another cycle
    in its review phase) will make `cycle_transition` refuse; the rest are for information."""
    warnings = []
    if to_status == S.REVIEW:
        open_cycle = Cycle.objects.filter(status=S.REVIEW).exclude(pk=cycle.pk).first()
        if open_cycle:
            warnings.append(
                f"{open_cycle.name} is in its review phase: start its reporting phase first, "
                "as only one cycle is reviewed at a time."
            )
        if today < cycle.review_starts_on:
            warnings.append(
                f"The review phase is planned to start on {day(cycle.review_starts_on)}; "
                "opening it now starts it early."
            )
        if not cycle.reviews.exists():
            warnings.append("No cases have been sampled for this cycle yet.")
    elif to_status == S.REPORTING:
        # Review statuses by value: reviews.models imports this app's models, not the reverse.
        unfinished = cycle.reviews.filter(
            status__in=["unassigned", "assigned", "in_progress"]
        ).count()
        if unfinished:
            warnings.append(
                f"{unfinished} of the cycle's reviews {'is' if unfinished == 1 else 'are'} "
                "not submitted yet."
            )
        if today < cycle.review_ends_on:
            warnings.append(f"The review phase is planned to end on {day(cycle.review_ends_on)}.")
    elif to_status == S.CLOSED and today < cycle.reporting_ends_on:
        warnings.append(f"The reporting phase is planned to end on {day(cycle.reporting_ends_on)}.")
    return warnings
