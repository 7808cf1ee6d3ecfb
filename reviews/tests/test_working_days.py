"""Escalation deadlines in working days: weekends and England and Wales bank holidays skipped."""

import datetime

import pytest
import time_machine

from audits.models import QACalendar
from reviews.escalations import escalation_deadline, is_working_day, working_days_after

D = datetime.date


@pytest.mark.parametrize(
    ("start", "days", "deadline"),
    [
        (D(2026, 11, 23), 2, D(2026, 11, 25)),  # Monday: Wednesday
        (D(2026, 11, 19), 2, D(2026, 11, 23)),  # Thursday: the weekend skipped, Monday
        (D(2026, 11, 20), 2, D(2026, 11, 24)),  # Friday: Tuesday
        (D(2026, 11, 21), 1, D(2026, 11, 23)),  # raised on a Saturday: Monday
        (D(2026, 11, 23), 0, D(2026, 11, 23)),
    ],
)
def test_the_deadline_skips_weekends(start, days, deadline):
    assert working_days_after(start, days) == deadline


def test_raised_on_christmas_eve_2026_the_deadline_skips_christmas_boxing_day_and_its_substitute():
    # 2026: Christmas Day is Friday 25 December, Boxing Day Saturday 26, its substitute day
    # Monday 28 December (holidays package, England).
    assert working_days_after(D(2026, 12, 24), 2) == D(2026, 12, 30)


def test_raised_before_easter_2026_the_deadline_skips_good_friday_and_easter_monday():
    assert working_days_after(D(2026, 4, 2), 1) == D(2026, 4, 7)


def test_the_deadline_runs_into_the_next_year_and_its_bank_holidays():
    # New Year's Day 2027 is a Friday.
    assert working_days_after(D(2026, 12, 31), 1) == D(2027, 1, 4)


def test_bank_holidays_and_weekends_are_not_working_days():
    assert not is_working_day(D(2026, 12, 28))  # Boxing Day (substitute day)
    assert not is_working_day(D(2026, 8, 31))  # Late Summer Bank Holiday
    assert not is_working_day(D(2026, 11, 22))  # a Sunday
    assert is_working_day(D(2026, 11, 23))


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 12, 24, 9, tzinfo=datetime.UTC), tick=False)
def test_the_deadline_is_two_working_days_from_today_by_default():
    assert escalation_deadline() == D(2026, 12, 30)


@pytest.mark.django_db
def test_the_number_of_working_days_comes_from_the_qa_calendar():
    calendar = QACalendar.load()
    calendar.escalation_deadline_working_days = 5
    calendar.save()

    assert escalation_deadline(D(2026, 11, 23)) == D(2026, 11, 30)
