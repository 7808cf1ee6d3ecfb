"""Helpers for the CSV and Excel files the app writes."""

import csv
import datetime
from collections.abc import Iterable, Iterator

# A cell starting with one of these is read as a formula by spreadsheet programs (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """The value as text, with a leading single quote if a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_cell(value) -> str:
    """A cell's text: dates as ISO dates, everything else made safe from formulas."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return csv_safe(value)


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer's output."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    """The rows as CSV lines, one at a time (for a StreamingHttpResponse), after a byte-order
    mark so that Excel reads the file as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])
