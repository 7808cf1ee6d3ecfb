"""
What every CSV import of QAF shares: errors that name the line they come from, the exception that
carries them all, and the physical line number of each row.

Each import checks the whole file before writing anything, collects every error with its line
number (the header is line 1), and raises `ImportFailed` so that nothing is half-applied.
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


def numbered_rows(reader: csv.DictReader) -> Iterator[tuple[int, dict]]:
    """(the physical line the row starts on, the row as DictReader gives it) for each row.

    `reader.line_num` is the line a row ends on, which is a later line when a quoted value spans
    lines; the underlying reader gives blank lines as empty rows, so the count stays right.
    """
    fieldnames, lines = reader.fieldnames, reader.reader
    start = lines.line_num + 1
    for values in lines:
        line, start = start, lines.line_num + 1
        if not values:
            continue  # a blank line
        row = dict(zip(fieldnames, values, strict=False))
        if len(values) > len(fieldnames):
            row[None] = values[len(fieldnames) :]
        yield line, row
