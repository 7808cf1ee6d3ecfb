"""The QA calendar runs itself (issue 7): the job "qa-calendar" (audits/services/calendar_jobs.py)
opens each cycle's review phase on its start date, reminds reviewers before it closes, marks
unfinished reviews overdue at its close and starts the reporting phase, and closes the cycle at
its end; each thing once, however often, late or concurrently the job runs.

Every expectation below is worked out by hand from the cycle's dates: a review phase from
Monday 3 March 2031 to Sunday 16 March 2031, a reporting phase to Sunday 30 March 2031.
"""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from accounts.models import Notification
from accounts.tests.factories import UserFactory
from audits.models import Cycle, CycleEvent, JobRun, QACalendar
from audits.services.calendar_jobs import BY_THE_CALENDAR, run_qa_calendar
from audits.tasks import run_job
from audits.tests.factories import CycleFactory
from reporting.models import Report
from reviews.models import Review
from reviews.tests.factories import ReviewFactory

S = Cycle.Status
D = datetime.date
LONDON = ZoneInfo("Europe/London")
ONE_DAY = datetime.timedelta(days=1)

STARTS = D(2031, 3, 3)
ENDS = D(2031, 3, 16)
REPORTING_ENDS = D(2031, 3, 30)
NOTHING_DUE = "Nothing was due."


def at(date: datetime.date, hour: int = 12):
    """Stand still at `hour` o'clock, London time, on `date`."""
    moment = datetime.datetime.combine(date, datetime.time(hour), tzinfo=LONDON)
    return time_machine.travel(moment, tick=False)


def run_on(date: datetime.date, hour: int = 12) -> str:
    """One run of the job, as beat sends it, on `date`: what it did."""
    with at(date, hour):
        return run_job.delay("qa-calendar").get()


def days(first: datetime.date, last: datetime.date):
    while first <= last:
        yield first
        first += ONE_DAY


def written() -> list[tuple[datetime.date, str, str]]:
    """Every notification as (the day it was written, its kind, its recipient's e-mail)."""
    return sorted(
        (timezone.localtime(n.created_at).date(), n.kind, n.recipient.email)
        for n in Notification.objects.select_related("recipient")
    )


def set_reminder_days(n: int) -> None:
    calendar = QACalendar.load()
    calendar.reminder_days = n
    calendar.save()


@pytest.fixture
def cycle(db):
    return CycleFactory(
        name="March 2031",
        review_starts_on=STARTS,
        review_ends_on=ENDS,
        reporting_ends_on=REPORTING_ENDS,
    )


@pytest.fixture
def second_reviewer(service_area):
    return UserFactory(roles=[("reviewer", service_area)])


def assign(cycle, reviewer, n=1, **fields) -> list[Review]:
    return [ReviewFactory(cycle=cycle, reviewer=reviewer, **fields) for _ in range(n)]


def in_review(cycle) -> Cycle:
    Cycle.objects.filter(pk=cycle.pk).update(status=S.REVIEW)
    cycle.refresh_from_db()
    return cycle


def about(notification: Notification) -> int:
    """The id of the object a notification is about (its key: kind:model:id:period:recipient)."""
    return int(notification.key.split(":")[2])


def kinds(kind: str) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind).order_by("recipient_id", "id"))


# ---- opening the review phase --------------------------------------------------------------


def test_a_planned_cycle_opens_on_its_start_date_not_the_day_before(
    cycle, reviewer, second_reviewer
):
    set_reminder_days(3)
    assign(cycle, reviewer, 2)
    assign(cycle, second_reviewer, 1)

    assert run_on(STARTS - ONE_DAY) == NOTHING_DUE
    cycle.refresh_from_db()
    assert cycle.status == S.PLANNED
    assert not Notification.objects.exists()

    summary = run_on(STARTS, hour=0)

    assert summary == "review phases opened: 1; reviewers told their assignments: 2."
    cycle.refresh_from_db()
    assert cycle.status == S.REVIEW
    event = cycle.events.get()
    assert (event.from_status, event.to_status, event.actor, event.note) == (
        S.PLANNED,
        S.REVIEW,
        None,
        BY_THE_CALENDAR,
    )
    told = {n.recipient: n.summary for n in kinds("review_phase_opened")}
    assert told == {
        reviewer: "The review phase of March 2031 is open: you have 2 reviews to complete by "
        "16 March 2031",
        second_reviewer: "The review phase of March 2031 is open: you have 1 review to complete "
        "by 16 March 2031",
    }
    assert all(n.url == "/reviews/mine/" for n in kinds("review_phase_opened"))


def test_opening_twice_tells_each_reviewer_once(cycle, reviewer, second_reviewer):
    set_reminder_days(3)
    assign(cycle, reviewer, 2)
    assign(cycle, second_reviewer, 1)

    run_on(STARTS, hour=6)
    assert run_on(STARTS, hour=7) == NOTHING_DUE

    assert written() == [
        (STARTS, "review_phase_opened", reviewer.email),
        (STARTS, "review_phase_opened", second_reviewer.email),
    ]
    assert CycleEvent.objects.count() == 1


def test_only_reviewers_with_assignments_are_told(cycle, reviewer, second_reviewer):
    set_reminder_days(3)
    assign(cycle, reviewer, 1)
    ReviewFactory(cycle=cycle, reviewer=None, status=Review.Status.UNASSIGNED)
    other_cycle = CycleFactory()  # second_reviewer's work is in another cycle
    assign(other_cycle, second_reviewer, 1)

    run_on(STARTS)

    assert [n.recipient for n in kinds("review_phase_opened")] == [reviewer]


# ---- reminders ---------------------------------------------------------------------------


def test_reminders_go_out_reminder_days_before_the_close_not_earlier(
    cycle, reviewer, second_reviewer
):
    set_reminder_days(3)
    in_review(cycle)
    assign(cycle, reviewer, 2)
    assign(cycle, second_reviewer, 1, status=Review.Status.SUBMITTED)  # done: not reminded

    assert run_on(D(2031, 3, 12)) == NOTHING_DUE  # four days before 16 March
    assert not Notification.objects.exists()

    assert run_on(D(2031, 3, 13), hour=0) == "reviewers reminded: 1."  # three days before

    reminder = Notification.objects.get()
    assert (reminder.kind, reminder.recipient) == ("review_phase_reminder", reviewer)
    assert reminder.summary == (
        "Reminder: the review phase of March 2031 closes on 16 March 2031; you have 2 reviews "
        "to finish"
    )


def test_each_reviewer_is_reminded_once_however_often_the_job_runs(
    cycle, reviewer, second_reviewer
):
    set_reminder_days(3)
    in_review(cycle)
    assign(cycle, reviewer, 1)
    assign(cycle, second_reviewer, 1, status=Review.Status.IN_PROGRESS)

    for day in days(D(2031, 3, 13), ENDS):
        run_on(day, hour=6)
        run_on(day, hour=18)

    assert written() == [
        (D(2031, 3, 13), "review_phase_reminder", reviewer.email),
        (D(2031, 3, 13), "review_phase_reminder", second_reviewer.email),
    ]


def test_a_reviewer_who_finishes_before_the_reminder_is_not_reminded(cycle, reviewer):
    set_reminder_days(3)
    in_review(cycle)
    (review,) = assign(cycle, reviewer, 1)
    Review.objects.filter(pk=review.pk).update(status=Review.Status.SUBMITTED)

    assert run_on(D(2031, 3, 14)) == NOTHING_DUE
    assert not Notification.objects.exists()


# ---- closing the review phase ------------------------------------------------------------


def test_the_day_after_the_review_phase_ends_unfinished_reviews_become_overdue(
    cycle, reviewer, second_reviewer, qa_manager
):
    set_reminder_days(3)
    in_review(cycle)
    late = assign(cycle, reviewer, 1) + assign(cycle, reviewer, 1, status=Review.Status.IN_PROGRESS)
    (submitted,) = assign(cycle, second_reviewer, 1, status=Review.Status.SUBMITTED)
    never_assigned = ReviewFactory(cycle=cycle, reviewer=None, status=Review.Status.UNASSIGNED)

    assert run_on(ENDS, hour=23) == "reviewers reminded: 1."  # its last day: still in review
    cycle.refresh_from_db()
    assert cycle.status == S.REVIEW
    assert not Review.objects.filter(overdue_marked_at__isnull=False).exists()

    summary = run_on(ENDS + ONE_DAY, hour=0)

    assert summary == "reporting phases started: 1; reviews marked overdue: 3; reports drafted: 1."
    cycle.refresh_from_db()
    assert cycle.status == S.REPORTING
    event = cycle.events.get()
    assert (event.from_status, event.to_status, event.actor, event.note) == (
        S.REVIEW,
        S.REPORTING,
        None,
        BY_THE_CALENDAR,
    )
    marked = set(Review.objects.filter(overdue_marked_at__isnull=False))
    assert marked == {*late, never_assigned}
    submitted.refresh_from_db()
    assert submitted.overdue_marked_at is None
    assert written() == [
        (ENDS, "review_phase_reminder", reviewer.email),
        (ENDS + ONE_DAY, "review_overdue", reviewer.email),
        (ENDS + ONE_DAY, "review_overdue", reviewer.email),
        (ENDS + ONE_DAY, "review_phase_closed", qa_manager.email),
    ]
    overdue = kinds("review_overdue")
    assert [n.url for n in overdue] == [f"/reviews/{late[0].pk}/", f"/reviews/{late[1].pk}/"]
    assert overdue[0].summary == (
        f"Your review of case {late[0].case.reference} is overdue: the review phase of "
        "March 2031 closed on 16 March 2031"
    )
    (closed,) = kinds("review_phase_closed")
    assert closed.summary == (
        "The review phase of March 2031 has closed with 3 unfinished reviews; its reporting "
        "phase has started"
    )
    assert closed.url == f"/cycles/{cycle.pk}/"
    assert Report.objects.filter(cycle=cycle).count() == 1


def test_closing_twice_marks_and_tells_once(cycle, reviewer, qa_manager):
    in_review(cycle)
    (review,) = assign(cycle, reviewer, 1)

    run_on(ENDS + ONE_DAY, hour=0)
    review.refresh_from_db()
    first_marked = review.overdue_marked_at
    assert run_on(ENDS + ONE_DAY, hour=1) == NOTHING_DUE

    review.refresh_from_db()
    assert review.overdue_marked_at == first_marked
    assert written() == [
        (ENDS + ONE_DAY, "review_overdue", reviewer.email),
        (ENDS + ONE_DAY, "review_phase_closed", qa_manager.email),
    ]
    assert CycleEvent.objects.filter(to_status=S.REPORTING).count() == 1
    assert Report.objects.count() == 1


def test_a_reviewer_who_has_left_is_not_told_their_review_is_overdue(cycle, reviewer, qa_manager):
    in_review(cycle)
    (review,) = assign(cycle, reviewer, 1)
    reviewer.is_active = False
    reviewer.save()

    run_on(ENDS + ONE_DAY)

    review.refresh_from_db()
    assert review.overdue_marked_at is not None
    assert written() == [(ENDS + ONE_DAY, "review_phase_closed", qa_manager.email)]


def test_the_cycle_closes_the_day_after_its_reporting_phase_ends(cycle):
    Cycle.objects.filter(pk=cycle.pk).update(status=S.REPORTING)

    assert run_on(REPORTING_ENDS, hour=23) == NOTHING_DUE
    cycle.refresh_from_db()
    assert cycle.status == S.REPORTING

    assert run_on(REPORTING_ENDS + ONE_DAY, hour=0) == "cycles closed: 1."
    cycle.refresh_from_db()
    assert cycle.status == S.CLOSED
    event = cycle.events.get()
    assert (event.from_status, event.to_status, event.actor, event.note) == (
        S.REPORTING,
        S.CLOSED,
        None,
        BY_THE_CALENDAR,
    )
    assert run_on(REPORTING_ENDS + ONE_DAY, hour=1) == NOTHING_DUE


# ---- a whole cycle, day by day -----------------------------------------------------------


def test_a_whole_cycle_day_by_day_notifies_the_right_people_on_the_right_days_once_each(
    cycle, reviewer, second_reviewer, qa_manager
):
    set_reminder_days(3)
    late = assign(cycle, reviewer, 2)
    (prompt,) = assign(cycle, second_reviewer, 1)

    for day in days(D(2031, 2, 25), D(2031, 4, 3)):
        if day == D(2031, 3, 7):  # second_reviewer submits before the reminders
            Review.objects.filter(pk=prompt.pk).update(status=Review.Status.SUBMITTED)
        for hour in (0, 6, 18):
            run_on(day, hour)
        cycle.refresh_from_db()
        expected = (
            S.PLANNED
            if day < STARTS
            else S.REVIEW
            if day <= ENDS
            else S.REPORTING
            if day <= REPORTING_ENDS
            else S.CLOSED
        )
        assert cycle.status == expected, day

    assert written() == sorted(
        [
            (D(2031, 3, 3), "review_phase_opened", reviewer.email),
            (D(2031, 3, 3), "review_phase_opened", second_reviewer.email),
            (D(2031, 3, 13), "review_phase_reminder", reviewer.email),
            (D(2031, 3, 17), "review_overdue", reviewer.email),
            (D(2031, 3, 17), "review_overdue", reviewer.email),
            (D(2031, 3, 17), "review_phase_closed", qa_manager.email),
        ]
    )
    assert {about(n) for n in kinds("review_overdue")} == {review.pk for review in late}
    assert [(e.to_status, timezone.localtime(e.at).date()) for e in cycle.events.all()] == [
        (S.REVIEW, D(2031, 3, 3)),
        (S.REPORTING, D(2031, 3, 17)),
        (S.CLOSED, D(2031, 3, 31)),
    ]
    assert JobRun.objects.filter(job="qa-calendar", outcome="succeeded").count() == 38 * 3
    assert JobRun.objects.exclude(summary=NOTHING_DUE).count() == 4  # the days things happened


# ---- downtime ------------------------------------------------------------------------------


def test_down_for_three_days_across_the_start_and_the_reminder_one_run_catches_up_once(
    cycle, reviewer, second_reviewer
):
    # A fortnight's review phase reminding 12 days ahead: the reminder is due from 4 March.
    set_reminder_days(12)
    assign(cycle, reviewer, 2)
    assign(cycle, second_reviewer, 1)
    assert run_on(D(2031, 3, 2)) == NOTHING_DUE
    # Down on 3, 4 and 5 March.

    summary = run_on(D(2031, 3, 6))

    assert summary == (
        "review phases opened: 1; reviewers told their assignments: 2; reviewers reminded: 2."
    )
    assert written() == sorted(
        [
            (D(2031, 3, 6), "review_phase_opened", reviewer.email),
            (D(2031, 3, 6), "review_phase_opened", second_reviewer.email),
            (D(2031, 3, 6), "review_phase_reminder", reviewer.email),
            (D(2031, 3, 6), "review_phase_reminder", second_reviewer.email),
        ]
    )
    assert run_on(D(2031, 3, 6), hour=13) == NOTHING_DUE
    assert len(written()) == 4


def test_down_for_three_days_across_the_close_one_run_catches_up_once(cycle, reviewer, qa_manager):
    set_reminder_days(3)
    in_review(cycle)
    assign(cycle, reviewer, 1)
    assert run_on(ENDS) == "reviewers reminded: 1."
    # Down on 17, 18 and 19 March.

    assert run_on(D(2031, 3, 20)) == (
        "reporting phases started: 1; reviews marked overdue: 1; reports drafted: 1."
    )
    assert run_on(D(2031, 3, 20), hour=13) == NOTHING_DUE

    assert written() == sorted(
        [
            (ENDS, "review_phase_reminder", reviewer.email),
            (D(2031, 3, 20), "review_overdue", reviewer.email),
            (D(2031, 3, 20), "review_phase_closed", qa_manager.email),
        ]
    )
    cycle.refresh_from_db()
    assert cycle.status == S.REPORTING
    assert Report.objects.filter(cycle=cycle).count() == 1


def test_down_for_the_whole_cycle_one_run_takes_it_from_planned_to_closed(
    cycle, reviewer, qa_manager
):
    assign(cycle, reviewer, 1)

    summary = run_on(D(2031, 4, 2))

    assert summary == (
        "review phases opened: 1; reporting phases started: 1; reviews marked overdue: 1; "
        "reports drafted: 1; cycles closed: 1."
    )
    cycle.refresh_from_db()
    assert cycle.status == S.CLOSED
    assert [e.to_status for e in cycle.events.all()] == [S.REVIEW, S.REPORTING, S.CLOSED]
    # Too late to open or remind: only what is still true is said.
    assert written() == sorted(
        [
            (D(2031, 4, 2), "review_overdue", reviewer.email),
            (D(2031, 4, 2), "review_phase_closed", qa_manager.email),
        ]
    )
    assert run_on(D(2031, 4, 2), hour=13) == NOTHING_DUE


def test_a_second_cycle_due_to_open_opens_in_the_same_run_once_the_first_is_reporting(
    cycle, reviewer, second_reviewer, qa_manager
):
    set_reminder_days(3)
    in_review(cycle)
    assign(cycle, reviewer, 1)
    april = CycleFactory(
        name="April 2031",
        review_starts_on=D(2031, 3, 17),
        review_ends_on=D(2031, 4, 13),
        reporting_ends_on=D(2031, 4, 30),
    )
    assign(april, second_reviewer, 1)

    summary = run_on(D(2031, 3, 18))  # down on the 17th

    assert summary == (
        "reporting phases started: 1; reviews marked overdue: 1; reports drafted: 1; "
        "review phases opened: 1; reviewers told their assignments: 1."
    )
    cycle.refresh_from_db()
    april.refresh_from_db()
    assert (cycle.status, april.status) == (S.REPORTING, S.REVIEW)
    assert written() == sorted(
        [
            (D(2031, 3, 18), "review_overdue", reviewer.email),
            (D(2031, 3, 18), "review_phase_closed", qa_manager.email),
            (D(2031, 3, 18), "review_phase_opened", second_reviewer.email),
        ]
    )
    (opened,) = kinds("review_phase_opened")
    assert "April 2031 is open: you have 1 review to complete by 13 April 2031" in opened.summary


# ---- two runs at the same moment (PostgreSQL) --------------------------------------------


def _run_together(today: datetime.date) -> list[str]:
    """Two beat processes: two threads, two connections, one moment. What each run did."""
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run():
        try:
            barrier.wait()
            outcomes.append(run_qa_calendar(today))
        except Exception as error:  # the test reports it, not the thread
            outcomes.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.postgres
def test_two_runs_at_once_close_the_review_phase_once(transactional_db):
    qa_manager = UserFactory(roles=[("qa_manager", None)])
    reviewers = [UserFactory(roles=[("reviewer", None)]) for _ in range(2)]
    cycle = CycleFactory(
        name="March 2031",
        review_starts_on=STARTS,
        review_ends_on=ENDS,
        reporting_ends_on=REPORTING_ENDS,
        status=S.REVIEW,
    )
    for person in reviewers:
        assign(cycle, person, 1)

    outcomes = _run_together(ENDS + ONE_DAY)

    assert sorted(outcomes) == [
        NOTHING_DUE,
        "reporting phases started: 1; reviews marked overdue: 2; reports drafted: 1.",
    ]
    assert CycleEvent.objects.filter(cycle=cycle).count() == 1
    assert Report.objects.filter(cycle=cycle).count() == 1
    assert sorted((n.kind, n.recipient_id) for n in Notification.objects.all()) == sorted(
        [
            ("review_overdue", reviewers[0].pk),
            ("review_overdue", reviewers[1].pk),
            ("review_phase_closed", qa_manager.pk),
        ]
    )


@pytest.mark.postgres
def test_two_runs_at_once_open_the_review_phase_and_remind_once(transactional_db):
    calendar = QACalendar.load()
    calendar.reminder_days = 13  # the reminder is due on the opening day too
    calendar.save()
    reviewers = [UserFactory(roles=[("reviewer", None)]) for _ in range(3)]
    cycle = CycleFactory(
        name="March 2031",
        review_starts_on=STARTS,
        review_ends_on=ENDS,
        reporting_ends_on=REPORTING_ENDS,
    )
    for person in reviewers:
        assign(cycle, person, 2)

    outcomes = _run_together(STARTS)

    # One run opens and tells; the reminders fall to whichever run writes each first.
    opened = [o for o in outcomes if "review phases opened" in o]
    assert len(opened) == 1, outcomes
    assert opened[0].startswith("review phases opened: 1; reviewers told their assignments: 3")
    reminded = sum(
        int(o.split("reviewers reminded: ")[1].rstrip("."))
        for o in outcomes
        if "reviewers reminded" in o
    )
    assert reminded == 3, outcomes
    assert CycleEvent.objects.filter(cycle=cycle).count() == 1
    cycle.refresh_from_db()
    assert cycle.status == S.REVIEW
    people = sorted(person.pk for person in reviewers)
    for kind in ("review_phase_opened", "review_phase_reminder"):
        told = sorted(n.recipient_id for n in Notification.objects.filter(kind=kind))
        assert told == people, kind
