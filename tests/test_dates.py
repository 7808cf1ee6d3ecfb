"""qaf.dates: London days as datetime ranges an index can answer."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from accounts.models import User
from accounts.tests.factories import UserFactory
from qaf.dates import start_of, within_days

LONDON = ZoneInfo("Europe/London")


def test_a_day_starts_at_london_midnight_in_summer_and_in_winter():
    assert start_of(datetime.date(2026, 7, 1)) == datetime.datetime(2026, 7, 1, tzinfo=LONDON)
    assert start_of(datetime.date(2026, 7, 1)).utcoffset() == datetime.timedelta(hours=1)
    assert start_of(datetime.date(2026, 12, 1)).utcoffset() == datetime.timedelta(0)


@pytest.mark.django_db
def test_within_days_counts_the_same_moments_as_the_date_lookup():
    first, last = datetime.date(2026, 6, 1), datetime.date(2026, 6, 30)
    moments = [
        datetime.datetime(2026, 5, 31, 23, 59, tzinfo=LONDON),  # the day before: out
        datetime.datetime(2026, 6, 1, 0, 0, tzinfo=LONDON),  # the first moment: in
        datetime.datetime(2026, 6, 30, 23, 59, 59, tzinfo=LONDON),  # late on the last day: in
        datetime.datetime(2026, 7, 1, 0, 0, tzinfo=LONDON),  # the next day: out
    ]
    for at in moments:
        UserFactory(date_joined=at)

    by_range = User.objects.filter(**within_days("date_joined", first, last))
    by_date = User.objects.filter(date_joined__date__range=(first, last))

    assert sorted(by_range.values_list("date_joined", flat=True)) == moments[1:3]
    assert set(by_range) == set(by_date)
