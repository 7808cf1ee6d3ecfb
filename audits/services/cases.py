"""
Import the case list exported from the case-management system (CSV).

Columns, in any order (the header names them):

    case_reference, service, team, practitioner_email, case_type, opened_on, closed_on

Dates are YYYY-MM-DD or DD/MM/YYYY; `practitioner_email` and `closed_on` may be blank. Service
and team are the names QAF knows (the Organisation page); the team must belong to the service.

Data minimisation: QAF keeps the case-management system's reference, never a child's name, so a
file with a column that looks like a name or a date of birth is refused whole.

The whole file is checked before anything is written: every bad row is reported with its line
number (the header is line 1) and nothing is applied. Re-importing updates cases in place, matched
by reference, and never duplicates them; cases missing from the file are left as they are (an
export may cover only some services). A practitioner email that matches no one in QAF is not an
error (the practitioner may not use QAF): the case is imported without a practitioner and the
summary lists the email.
"""

import csv
import datetime
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import ServiceArea, Team, User, normalise_email
from audits.models import Case, legal_status_for
from qaf.csvimport import ImportFailed, RowError, numbered_rows
from reviews.models import follow_cases_to_their_areas

logger = logging.getLogger(__name__)

COLUMNS = (
    "case_reference",
    "service",
    "team",
    "practitioner_email",
    "case_type",
    "opened_on",
    "closed_on",
)
REQUIRED_COLUMNS = ("case_reference", "service", "team", "case_type", "opened_on")

# The fields an import writes; a re-import updates a case only when one of them differs.
CASE_FIELDS = (
    "service_area_id",
    "team_id",
    "practitioner_id",
    "case_type",
    "legal_status",
    "opened_on",
    "closed_on",
)
_FIELD_NAMES = [name.removesuffix("_id") for name in CASE_FIELDS]
BATCH_SIZE = 1000

# A column named like a person's name or date of birth: name, child_name, first_name, surname,
# forenames, full_name, dob, date_of_birth, birth_date...
_NAME_LIKE = re.compile(
    r"^(child_?)?(full_?|first_?|last_?|given_?|family_?|middle_?|fore|sur)?names?$"
    r"|^(child_?)?dob$|birth"
)

_REFERENCE_MAX = Case._meta.get_field("reference").max_length
_CASE_TYPE_MAX = Case._meta.get_field("case_type").max_length


@dataclass
class CaseImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Practitioner emails that match no one in QAF: email -> the first line naming it.
    unknown_practitioners: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        text = f"{self.created} cases created, {self.updated} updated, {self.unchanged} unchanged."
        if self.unknown_practitioners:
            text += (
                f" {len(self.unknown_practitioners)} practitioner email(s) match no one in QAF, "
                "so their cases have no practitioner."
            )
        return text


@dataclass(frozen=True)
class _CaseRow:
    reference: str
    service_area_id: int
    team_id: int
    practitioner_id: int | None
    case_type: str
    legal_status: str
    opened_on: datetime.date
    closed_on: datetime.date | None


def _normalise_column(name: str | None) -> str:
    return re.sub(r"[\s\-]+", "_", (name or "").replace("\ufeff", "").strip().casefold())


def _check_header(fieldnames: list[str] | None) -> list[RowError]:
    if not fieldnames:
        return [RowError(1, "the file is empty; the first line must name the columns.")]
    name_like = [column for column in fieldnames if _NAME_LIKE.search(column)]
    if name_like:
        return [
            RowError(
                1,
                f"the column(s) {', '.join(repr(c) for c in name_like)} look like a child's "
                "name or date of birth. QAF keeps only the case-management system's case "
                "reference, never a child's name or date of birth (data minimisation): delete "
                "those columns from the file and import it again.",
            )
        ]
    errors = []
    repeated = sorted({column for column in fieldnames if fieldnames.count(column) > 1})
    if repeated:
        errors.append(RowError(1, f"column(s) named twice: {', '.join(repeated)}."))
    missing = [column for column in REQUIRED_COLUMNS if column not in fieldnames]
    if missing:
        errors.append(RowError(1, f"missing column(s): {', '.join(missing)}."))
    unknown = [column for column in fieldnames if column not in COLUMNS]
    if unknown:
        errors.append(
            RowError(1, f"unknown column(s): {', '.join(unknown)}; expected {', '.join(COLUMNS)}.")
        )
    return errors


def _parse_date(text: str) -> datetime.date | None:
    """YYYY-MM-DD or DD/MM/YYYY (the British order, as spreadsheets here save it); else None."""
    try:
        if "/" in text:
            day, month, year = text.split("/")
            if len(year) != 4:
                return None
            return datetime.date(int(year), int(month), int(day))
        if len(text) == 10:
            return datetime.date.fromisoformat(text)
    except ValueError:
        return None
    return None


class _Lookups:
    """Service areas, teams and people, read once for the whole file."""

    def __init__(self):
        self.areas = {area.name.casefold(): area for area in ServiceArea.objects.all()}
        self.teams: dict[tuple[int, str], int] = {}
        self.team_areas: dict[str, list[str]] = {}
        for team in Team.objects.select_related("service_area"):
            self.teams[(team.service_area_id, team.name.casefold())] = team.pk
            self.team_areas.setdefault(team.name.casefold(), []).append(team.service_area.name)
        self.people = {
            normalise_email(email): pk for email, pk in User.objects.values_list("email", "pk")
        }

    def area_names(self) -> str:
        names = sorted(area.name for area in self.areas.values())
        if not names:
            return "QAF has no service areas yet: import the organisation first"
        if len(names) > 12:
            return "see the Organisation page for their names"
        return "QAF's service areas are " + ", ".join(names)


def _check_place(value: dict, lookups: _Lookups) -> tuple[list[str], int | None, int | None]:
    """The service area and team ids of a row, or the errors saying why not."""
    service, team = value["service"], value["team"]
    blank = [f"{column} is blank." for column in ("service", "team") if not value[column]]
    if blank:
        return blank, None, None
    area = lookups.areas.get(service.casefold())
    if area is None:
        return [f"unknown service '{service}'; {lookups.area_names()}."], None, None
    team_id = lookups.teams.get((area.pk, team.casefold()))
    if team_id is None:
        elsewhere = lookups.team_areas.get(team.casefold())
        where = f"belongs to {', '.join(elsewhere)}, not" if elsewhere else "is unknown in"
        return [f"team '{team}' {where} {area.name}."], None, None
    return [], area.pk, team_id


def _check_dates(value: dict) -> tuple[list[str], datetime.date | None, datetime.date | None]:
    errors = []
    opened = closed = None
    if not value["opened_on"]:
        errors.append("opened_on is blank.")
    else:
        opened = _parse_date(value["opened_on"])
        if opened is None:
            errors.append(
                f"opened_on '{value['opened_on']}' is not a date; write YYYY-MM-DD or DD/MM/YYYY."
            )
    if value["closed_on"]:
        closed = _parse_date(value["closed_on"])
        if closed is None:
            errors.append(
                f"closed_on '{value['closed_on']}' is not a date; write YYYY-MM-DD or DD/MM/YYYY."
            )
        elif opened and closed < opened:
            errors.append(f"closed_on {closed:%d/%m/%Y} is before opened_on {opened:%d/%m/%Y}.")
    return errors, opened, closed


def _check_row(
    line: int, row: dict, lookups: _Lookups, seen: dict[str, int], summary: CaseImportSummary
) -> tuple[list[str], _CaseRow | None]:
    value = {column: (row.get(column) or "").strip() for column in COLUMNS}
    errors = []
    reference = value["case_reference"]
    if not reference:
        errors.append("case_reference is blank.")
    elif len(reference) > _REFERENCE_MAX:
        errors.append(f"case_reference '{reference}' is longer than {_REFERENCE_MAX} characters.")
    elif reference in seen:
        errors.append(f"case reference '{reference}' is also on line {seen[reference]}.")
    else:
        seen[reference] = line
    place_errors, area_id, team_id = _check_place(value, lookups)
    date_errors, opened, closed = _check_dates(value)
    errors += place_errors + date_errors
    if len(value["case_type"]) > _CASE_TYPE_MAX:
        errors.append(f"case_type is longer than {_CASE_TYPE_MAX} characters.")
    practitioner_id = None
    if email := value["practitioner_email"]:
        practitioner_id = lookups.people.get(normalise_email(email))
        if practitioner_id is None:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(f"practitioner_email '{email}' is not a valid email address.")
            else:
                summary.unknown_practitioners.setdefault(normalise_email(email), line)
    if errors:
        return errors, None
    case_type = value["case_type"]
    return [], _CaseRow(
        reference,
        area_id,
        team_id,
        practitioner_id,
        case_type,
        legal_status_for(case_type),
        opened,
        closed,
    )


def cases_import(*, rows: Iterable[str], actor: User | None = None) -> CaseImportSummary:
    """Check the whole CSV text (`rows`, lines of a file), then apply it in one transaction.

    Raises ImportFailed with every error (line number and reason) if any row is bad; then
    nothing is written.
    """
    reader = csv.DictReader(rows)
    try:
        fieldnames = reader.fieldnames
    except csv.Error as exc:
        raise ImportFailed([RowError(1, f"the file is not valid CSV ({exc}).")]) from exc
    if fieldnames:
        reader.fieldnames = [_normalise_column(name) for name in fieldnames]
    errors = _check_header(reader.fieldnames)
    if errors:
        raise ImportFailed(errors)
    lookups = _Lookups()
    summary = CaseImportSummary()
    cases: list[_CaseRow] = []
    seen: dict[str, int] = {}
    try:
        for line, row in numbered_rows(reader):
            if None in row:
                errors.append(RowError(line, "this row has more values than columns."))
                continue
            if not any((v or "").strip() for v in row.values()):
                continue  # a row of empty cells, as spreadsheets save
            row_errors, case = _check_row(line, row, lookups, seen, summary)
            errors += [RowError(line, message) for message in row_errors]
            if case:
                cases.append(case)
    except csv.Error as exc:
        errors.append(RowError(reader.reader.line_num, f"the file is not valid CSV ({exc})."))
    if errors:
        raise ImportFailed(errors)
    _apply(cases, summary)
    logger.info("Case list imported by %s: %s", actor, summary)
    return summary


@transaction.atomic
def _apply(rows: list[_CaseRow], summary: CaseImportSummary) -> None:
    # 20,000 rows must take seconds: read the cases the file names once (in chunks, so that
    # the query stays within every database's parameter limit), then write in bulk.
    references = [row.reference for row in rows]
    existing: dict[str, Case] = {}
    for start in range(0, len(references), BATCH_SIZE):
        chunk = references[start : start + BATCH_SIZE]
        existing.update(
            (case.reference, case)
            for case in Case.objects.filter(reference__in=chunk).only("reference", *_FIELD_NAMES)
        )
    now = timezone.now()
    new, changed = [], []
    for row in rows:
        values = {name: getattr(row, name) for name in CASE_FIELDS}
        case = existing.get(row.reference)
        if case is None:
            new.append(Case(reference=row.reference, **values))
        elif any(getattr(case, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(case, name, value)
            case.updated_at = now
            changed.append(case)
    Case.objects.bulk_create(new, batch_size=BATCH_SIZE)
    _update_in_bulk(changed)
    follow_cases_to_their_areas(case.pk for case in changed)
    summary.created, summary.updated = len(new), len(changed)
    summary.unchanged = len(rows) - len(new) - len(changed)


def _update_in_bulk(cases: list[Case]) -> None:
    """Save the import's fields of `cases`: one parameterised UPDATE, run for every case.

    Not `bulk_update()`: it builds a CASE expression per case and field in Python, which took
    9-29 s for 20,000 changed cases (bench/cases_import.py); `executemany` takes 1.3 s on SQLite
    and 4 s on PostgreSQL. What Case.save() adds, moving a moved case's reviews, _apply does
    after it (follow_cases_to_their_areas).
    """
    fields = [Case._meta.get_field(name) for name in [*_FIELD_NAMES, "updated_at"]]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = (
        f"UPDATE {quote(Case._meta.db_table)} SET {assignments} "
        f"WHERE {quote(Case._meta.pk.column)} = %s"
    )
    params = [
        [field.get_db_prep_save(getattr(case, field.attname), connection) for field in fields]
        + [case.pk]
        for case in cases
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(params), BATCH_SIZE):
            cursor.executemany(sql, params[start : start + BATCH_SIZE])
