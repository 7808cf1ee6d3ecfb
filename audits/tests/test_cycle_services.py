"""The QA calendar and cycles: the year's cycles, generating them, adjusting dates, and the
cycle's workflow (planned -> review -> reporting -> closed)."""

import datetime
from itertools import product

import pytest
from django.core.exceptions import ValidationError

from accounts.tests.factories import UserFactory
from audits.models import Cycle, CycleEvent, QACalendar, Toolkit, ToolkitKind, ToolkitVersion
from audits.services.cycles import (
    TRANSITIONS,
    calendar_update,
    cycle_transition,
    cycle_update_dates,
    cycles_for_year,
    cycles_generate,
    next_step,
    parse_review_months,
    transition_warnings,
)
from audits.tests.factories import CaseFactory, CycleFactory
from qaf.workflow import TransitionRefused
from reviews.models import Review

S = Cycle.Status
D = datetime.date
FIRST_MONTH = QACalendar.ReviewPhase.FIRST_MONTH
AUDIT_FORTNIGHT = QACalendar.ReviewPhase.AUDIT_FORTNIGHT


def practice_review_toolkit() -> Toolkit:
    return Toolkit.objects.get_or_create(
        name="Practice Review", defaults={"kind": ToolkitKind.PRACTICE_REVIEW}
    )[0]


def add_review(cycle: Cycle, status: str = "unassigned") -> Review:
    toolkit = practice_review_toolkit()
    version = toolkit.versions.first() or ToolkitVersion.objects.create(toolkit=toolkit, number=1)
    return Review.objects.create(
        cycle=cycle,
        case=CaseFactory(),
        toolkit_version=version,
        status=status,
        reviewer=None if status == "unassigned" else UserFactory(),
        due_on=D(2030, 1, 1),
    )


# ---- cycles_for_year: a pure function of the year and the calendar ---------------------------


def test_the_default_calendar_plans_six_cycles_whose_review_phase_is_the_first_month():
    calendar = QACalendar(review_months="1,3,5,7,9,11", review_phase=FIRST_MONTH)

    cycles = cycles_for_year(year=2026, calendar=calendar)

    assert [c.name for c in cycles] == [
        "January\u2013February 2026",
        "March\u2013April 2026",
        "May\u2013June 2026",
        "July\u2013August 2026",
        "September\u2013October 2026",
        "November\u2013December 2026",
    ]
    assert cycles[0] == (
        "January\u2013February 2026",
        D(2026, 1, 1),
        D(2026, 1, 31),
        D(2026, 2, 28),
    )
    assert cycles[2][1:] == (D(2026, 5, 1), D(2026, 5, 31), D(2026, 6, 30))


def test_a_cycle_starting_in_november_reports_in_december_and_one_in_december_reports_in_january():
    calendar = QACalendar(review_months="11,12", review_phase=FIRST_MONTH)

    november, december = cycles_for_year(year=2026, calendar=calendar)

    assert november == (
        "November\u2013December 2026",
        D(2026, 11, 1),
        D(2026, 11, 30),
        D(2026, 12, 31),
    )
    assert december == (
        "December 2026\u2013January 2027",
        D(2026, 12, 1),
        D(2026, 12, 31),
        D(2027, 1, 31),
    )


def test_an_audit_fortnight_is_the_first_to_the_fourteenth_of_the_review_month():
    calendar = QACalendar(review_months="2,12", review_phase=AUDIT_FORTNIGHT)

    february, december = cycles_for_year(year=2028, calendar=calendar)

    assert february == ("February\u2013March 2028", D(2028, 2, 1), D(2028, 2, 14), D(2028, 3, 31))
    assert december[1:] == (D(2028, 12, 1), D(2028, 12, 14), D(2029, 1, 31))


def test_a_review_month_of_february_in_a_leap_year_ends_on_the_twenty_ninth():
    calendar = QACalendar(review_months="2", review_phase=FIRST_MONTH)

    (february,) = cycles_for_year(year=2028, calendar=calendar)

    assert february.review_ends_on == D(2028, 2, 29)


def test_cycle_names_join_their_months_with_an_en_dash_not_a_hyphen():
    calendar = QACalendar(review_months="1,12", review_phase=FIRST_MONTH)

    names = [c.name for c in cycles_for_year(year=2026, calendar=calendar)]

    assert all("\u2013" in name and "-" not in name for name in names)


def test_cycles_come_in_calendar_order_whatever_order_the_months_were_listed_in():
    calendar = QACalendar(review_months="11,1,9", review_phase=FIRST_MONTH)

    starts = [c.review_starts_on.month for c in cycles_for_year(year=2026, calendar=calendar)]

    assert starts == [1, 9, 11]


# ---- the calendar's settings --------------------------------------------------------------


def test_review_months_are_read_and_sorted():
    assert parse_review_months(" 11, 1,3 ") == [1, 3, 11]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "at least one review month"),
        ("  ", "at least one review month"),
        ("0", "“0” is not a month"),
        ("13", "“13” is not a month"),
        ("1,x", "“x” is not a month"),
        ("-1", "“-1” is not a month"),
        ("1,,3", "single commas"),
        ("1,3,1", "January (1) is listed twice"),
    ],
)
def test_bad_review_months_are_refused_with_a_message_saying_why(text, message):
    with pytest.raises(ValidationError) as refusal:
        parse_review_months(text)

    assert message in refusal.value.messages[0]


def test_the_qa_manager_updates_the_calendar_and_it_records_who(qa_manager):
    calendar = QACalendar.load()

    calendar_update(
        calendar=calendar,
        review_months="11, 1, 3, 5, 7, 9",
        review_phase=AUDIT_FORTNIGHT,
        reminder_days=3,
        escalation_deadline_working_days=5,
        actor=qa_manager,
    )

    calendar.refresh_from_db()
    assert calendar.review_months == "1,3,5,7,9,11"
    assert calendar.review_phase == AUDIT_FORTNIGHT
    assert (calendar.reminder_days, calendar.escalation_deadline_working_days) == (3, 5)
    assert calendar.updated_by == qa_manager


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"review_months": "1,1"}, "review_months"),
        ({"review_phase": "every_day"}, "review_phase"),
        ({"review_phase": AUDIT_FORTNIGHT, "reminder_days": 14}, "reminder_days"),
        ({"reminder_days": 0}, "reminder_days"),
        ({"escalation_deadline_working_days": 0}, "escalation_deadline_working_days"),
        ({"escalation_deadline_working_days": 21}, "escalation_deadline_working_days"),
    ],
)
def test_a_bad_calendar_is_refused_on_the_field_at_fault_and_nothing_is_saved(
    qa_manager, changes, field
):
    calendar = QACalendar.load()
    settings = {
        "review_months": "2,4",
        "review_phase": FIRST_MONTH,
        "reminder_days": 5,
        "escalation_deadline_working_days": 2,
        **changes,
    }

    with pytest.raises(ValidationError) as refusal:
        calendar_update(calendar=calendar, actor=qa_manager, **settings)

    assert list(refusal.value.message_dict) == [field]
    assert QACalendar.objects.get().review_months == "1,3,5,7,9,11"


def test_a_reminder_may_fall_on_any_day_of_the_shortest_month_but_the_first(qa_manager):
    calendar = calendar_update(
        calendar=QACalendar.load(),
        review_months="2",
        review_phase=FIRST_MONTH,
        reminder_days=27,
        escalation_deadline_working_days=2,
        actor=qa_manager,
    )

    assert calendar.reminder_days == 27


# ---- generating a year's cycles -----------------------------------------------------------


def test_generating_a_year_plans_its_cycles_with_the_practice_review_and_records_who(qa_manager):
    toolkit = practice_review_toolkit()

    created = cycles_generate(year=2027, actor=qa_manager)

    assert len(created) == 6
    cycles = Cycle.objects.filter(review_starts_on__year=2027)
    assert cycles.count() == 6
    assert {(c.status, c.toolkit, c.created_by) for c in cycles} == {
        (S.PLANNED, toolkit, qa_manager)
    }
    events = CycleEvent.objects.filter(cycle__in=cycles)
    assert {(e.from_status, e.to_status, e.actor) for e in events} == {("", S.PLANNED, qa_manager)}
    assert events.count() == 6


def test_generating_twice_creates_nothing_new(qa_manager):
    cycles_generate(year=2027, actor=qa_manager)

    again = cycles_generate(year=2027, actor=qa_manager)

    assert again == []
    assert Cycle.objects.count() == 6
    assert CycleEvent.objects.count() == 6


def test_generating_again_fills_in_only_the_missing_cycles(qa_manager):
    cycles_generate(year=2027, actor=qa_manager)
    Cycle.objects.get(name="May\u2013June 2027").delete()

    again = cycles_generate(year=2027, actor=qa_manager)

    assert [c.name for c in again] == ["May\u2013June 2027"]


def test_generating_uses_the_toolkit_chosen(qa_manager):
    neglect = Toolkit.objects.create(kind=ToolkitKind.THEMATIC_REVIEW, name="Neglect (test)")

    created = cycles_generate(year=2027, actor=qa_manager, toolkit=neglect)

    assert {c.toolkit for c in created} == {neglect}


def test_generating_follows_the_calendar_settings(qa_manager):
    calendar = QACalendar.load()
    calendar.review_months, calendar.review_phase = "12", AUDIT_FORTNIGHT
    calendar.save()

    (december,) = cycles_generate(year=2027, actor=qa_manager)

    assert december.name == "December 2027\u2013January 2028"
    assert (december.review_starts_on, december.review_ends_on) == (D(2027, 12, 1), D(2027, 12, 14))


def test_generating_leaves_out_a_cycle_whose_review_phase_overlaps_one_adjusted_by_hand(
    qa_manager,
):
    CycleFactory(
        name="Extra audit fortnight",
        review_starts_on=D(2027, 2, 25),
        review_ends_on=D(2027, 3, 5),
        reporting_ends_on=D(2027, 3, 31),
    )

    created = cycles_generate(year=2027, actor=qa_manager)

    assert "March\u2013April 2027" not in [c.name for c in created]
    assert len(created) == 5


# ---- adjusting a planned cycle's dates ----------------------------------------------------


def adjust(cycle, actor, **dates):
    values = {
        "review_starts_on": cycle.review_starts_on,
        "review_ends_on": cycle.review_ends_on,
        "reporting_ends_on": cycle.reporting_ends_on,
        "toolkit": cycle.toolkit,
        **dates,
    }
    return cycle_update_dates(cycle=cycle, actor=actor, **values)


def test_the_dates_of_a_planned_cycle_are_adjusted_and_the_change_is_kept(qa_manager):
    cycle = CycleFactory(
        review_starts_on=D(2030, 1, 1),
        review_ends_on=D(2030, 1, 14),
        reporting_ends_on=D(2030, 2, 28),
    )

    adjust(cycle, qa_manager, review_starts_on=D(2030, 1, 6), review_ends_on=D(2030, 1, 19))

    cycle.refresh_from_db()
    assert (cycle.review_starts_on, cycle.review_ends_on) == (D(2030, 1, 6), D(2030, 1, 19))
    event = cycle.events.get()
    assert (event.from_status, event.to_status, event.actor) == (S.PLANNED, S.PLANNED, qa_manager)
    assert "1 January 2030" in event.note
    assert "6 January 2030" in event.note


def test_saving_unchanged_dates_records_nothing(qa_manager):
    cycle = CycleFactory()

    adjust(cycle, qa_manager)

    assert not cycle.events.exists()


def test_a_review_phase_of_a_single_day_is_allowed(qa_manager):
    cycle = CycleFactory()

    adjust(cycle, qa_manager, review_ends_on=cycle.review_starts_on)

    cycle.refresh_from_db()
    assert cycle.review_ends_on == cycle.review_starts_on


@pytest.mark.parametrize("status", [S.REVIEW, S.REPORTING, S.CLOSED])
def test_dates_cannot_be_adjusted_once_the_cycle_has_opened(qa_manager, status):
    cycle = CycleFactory(status=status)
    starts_on = cycle.review_starts_on

    with pytest.raises(ValidationError) as refusal:
        adjust(cycle, qa_manager, review_starts_on=starts_on - datetime.timedelta(1))

    assert "can be adjusted only before it opens" in refusal.value.messages[0]
    cycle.refresh_from_db()
    assert cycle.review_starts_on == starts_on


def test_a_review_phase_that_ends_before_it_starts_is_refused(qa_manager):
    cycle = CycleFactory()

    with pytest.raises(ValidationError) as refusal:
        adjust(cycle, qa_manager, review_ends_on=cycle.review_starts_on - datetime.timedelta(1))

    assert refusal.value.message_dict == {
        "review_ends_on": ["The review phase must end on or after the day it starts."]
    }


@pytest.mark.parametrize("days_after_review", [0, -3])
def test_a_reporting_phase_that_does_not_end_after_the_review_phase_is_refused(
    qa_manager, days_after_review
):
    cycle = CycleFactory()
    reporting_ends_on = cycle.review_ends_on + datetime.timedelta(days_after_review)

    with pytest.raises(ValidationError) as refusal:
        adjust(cycle, qa_manager, reporting_ends_on=reporting_ends_on)

    assert list(refusal.value.message_dict) == ["reporting_ends_on"]


def test_a_review_phase_overlapping_another_cycles_is_refused_naming_it(qa_manager):
    CycleFactory(
        name="March\u2013April 2030",
        review_starts_on=D(2030, 3, 1),
        review_ends_on=D(2030, 3, 31),
        reporting_ends_on=D(2030, 4, 30),
    )
    cycle = CycleFactory(
        review_starts_on=D(2030, 5, 1),
        review_ends_on=D(2030, 5, 31),
        reporting_ends_on=D(2030, 6, 30),
    )

    with pytest.raises(ValidationError) as refusal:
        adjust(cycle, qa_manager, review_starts_on=D(2030, 3, 31))

    message = refusal.value.message_dict["review_starts_on"][0]
    assert "March\u2013April 2030" in message
    assert "1 March 2030 to 31 March 2030" in message
    cycle.refresh_from_db()
    assert cycle.review_starts_on == D(2030, 5, 1)


def test_a_review_phase_starting_the_day_after_another_ends_is_allowed(qa_manager):
    CycleFactory(
        review_starts_on=D(2030, 3, 1),
        review_ends_on=D(2030, 3, 14),
        reporting_ends_on=D(2030, 4, 30),
    )
    cycle = CycleFactory(
        review_starts_on=D(2030, 5, 1),
        review_ends_on=D(2030, 5, 14),
        reporting_ends_on=D(2030, 6, 30),
    )

    adjust(cycle, qa_manager, review_starts_on=D(2030, 3, 15))

    cycle.refresh_from_db()
    assert cycle.review_starts_on == D(2030, 3, 15)


def test_the_toolkit_of_a_planned_cycle_can_be_changed(qa_manager):
    cycle = CycleFactory(toolkit=practice_review_toolkit())
    neglect = Toolkit.objects.create(kind=ToolkitKind.THEMATIC_REVIEW, name="Neglect (test)")

    adjust(cycle, qa_manager, toolkit=neglect)

    cycle.refresh_from_db()
    assert cycle.toolkit == neglect
    assert "Neglect (test)" in cycle.events.get().note


# ---- the cycle's workflow -----------------------------------------------------------------

ALLOWED = [(S.PLANNED, S.REVIEW), (S.REVIEW, S.REPORTING), (S.REPORTING, S.CLOSED)]
REFUSED = [pair for pair in product(S.values, S.values) if pair not in ALLOWED]


def test_the_transitions_table_is_the_three_forward_moves_and_nothing_else():
    assert set(TRANSITIONS) == set(ALLOWED)
    assert list(TRANSITIONS.values()) == [
        "Open the review phase",
        "Start the reporting phase",
        "Close the cycle",
    ]


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_every_allowed_move_is_made_and_recorded_with_who_and_the_note(
    qa_manager, from_status, to_status
):
    cycle = CycleFactory(status=from_status)

    moved = cycle_transition(cycle=cycle, to_status=to_status, actor=qa_manager, note="As planned")

    assert moved.status == to_status
    cycle.refresh_from_db()
    assert cycle.status == to_status
    event = cycle.events.get()
    assert (event.from_status, event.to_status) == (from_status, to_status)
    assert (event.actor, event.note) == (qa_manager, "As planned")


@pytest.mark.parametrize(("from_status", "to_status"), REFUSED)
def test_every_other_move_is_refused_and_leaves_no_trace(qa_manager, from_status, to_status):
    cycle = CycleFactory(status=from_status)

    with pytest.raises(TransitionRefused):
        cycle_transition(cycle=cycle, to_status=to_status, actor=qa_manager)

    cycle.refresh_from_db()
    assert cycle.status == from_status
    assert not cycle.events.exists()


def test_a_closed_cycle_cannot_go_back_and_says_so(qa_manager):
    cycle = CycleFactory(status=S.CLOSED)

    with pytest.raises(TransitionRefused) as refusal:
        cycle_transition(cycle=cycle, to_status=S.REPORTING, actor=qa_manager)

    assert str(refusal.value) == "This cycle is closed, so it cannot become reporting phase."


def test_a_review_phase_cannot_open_while_another_cycle_is_in_its_review_phase(qa_manager):
    CycleFactory(name="January\u2013February 2030", status=S.REVIEW)
    cycle = CycleFactory(name="March\u2013April 2030")

    with pytest.raises(TransitionRefused) as refusal:
        cycle_transition(cycle=cycle, to_status=S.REVIEW, actor=qa_manager)

    assert "January\u2013February 2030 is in its review phase" in str(refusal.value)
    cycle.refresh_from_db()
    assert cycle.status == S.PLANNED
    assert not cycle.events.exists()


def test_a_review_phase_opens_once_the_other_cycle_has_moved_to_reporting(qa_manager):
    other = CycleFactory(status=S.REVIEW)
    cycle = CycleFactory()
    cycle_transition(cycle=other, to_status=S.REPORTING, actor=qa_manager)

    cycle_transition(cycle=cycle, to_status=S.REVIEW, actor=qa_manager)

    cycle.refresh_from_db()
    assert cycle.status == S.REVIEW


def test_cycles_in_reporting_or_closed_do_not_stop_a_review_phase_opening(qa_manager):
    CycleFactory(status=S.REPORTING)
    CycleFactory(status=S.CLOSED)
    cycle = CycleFactory()

    cycle_transition(cycle=cycle, to_status=S.REVIEW, actor=qa_manager)

    assert Cycle.objects.get(pk=cycle.pk).status == S.REVIEW


def test_the_next_step_of_each_status_is_its_one_forward_move():
    assert next_step(S.PLANNED) == (S.REVIEW, "Open the review phase")
    assert next_step(S.REVIEW) == (S.REPORTING, "Start the reporting phase")
    assert next_step(S.REPORTING) == (S.CLOSED, "Close the cycle")
    assert next_step(S.CLOSED) is None


# ---- what the confirmation page warns about -----------------------------------------------


def test_opening_early_with_no_sample_and_another_cycle_open_gives_three_warnings(db):
    CycleFactory(name="Open one", status=S.REVIEW)
    cycle = CycleFactory(review_starts_on=D(2031, 1, 1))

    warnings = transition_warnings(cycle=cycle, to_status=S.REVIEW, today=D(2030, 12, 20))

    assert len(warnings) == 3
    assert warnings[0].startswith("Open one is in its review phase")
    assert "planned to start on 1 January 2031" in warnings[1]
    assert warnings[2] == "No cases have been sampled for this cycle yet."


def test_opening_on_time_with_a_sample_gives_no_warning(db):
    cycle = CycleFactory(review_starts_on=D(2031, 1, 1))
    add_review(cycle)

    assert transition_warnings(cycle=cycle, to_status=S.REVIEW, today=D(2031, 1, 1)) == []


def test_starting_the_reporting_phase_warns_of_reviews_not_yet_submitted(db):
    cycle = CycleFactory(status=S.REVIEW)
    add_review(cycle, status="unassigned")
    add_review(cycle, status="submitted")

    warnings = transition_warnings(cycle=cycle, to_status=S.REPORTING, today=D(2099, 1, 1))

    assert warnings == ["1 of the cycle's reviews is not submitted yet."]


def test_closing_before_the_reporting_phase_ends_warns(db):
    cycle = CycleFactory(
        status=S.REPORTING,
        review_starts_on=D(2031, 1, 1),
        review_ends_on=D(2031, 1, 31),
        reporting_ends_on=D(2031, 2, 28),
    )

    warnings = transition_warnings(cycle=cycle, to_status=S.CLOSED, today=D(2031, 2, 1))

    assert warnings == ["The reporting phase is planned to end on 28 February 2031."]
