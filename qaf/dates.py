"""Days as people in the authority see them: London days, not UTC ones."""

import datetime

from django.utils import timezone


def start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the project's time zone (London)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def within_days(field: str, first: datetime.date, last: datetime.date) -> dict:
    """Lookups for a datetime `field` on the days first to last, both included: the same
    moments as `field__date__range`, as a range an index on the column can answer (the date
    form makes the database convert every row's time first)."""
    return {
        f"{field}__gte": start_of(first),
        f"{field}__lt": start_of(last + datetime.timedelta(days=1)),
    }
