"""The complaints and compliments log: writes, reads and the CSV export."""

import csv
import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Role, ServiceArea, Team
from accounts.permissions import service_area_scope
from audits.models import Case
from qaf.spreadsheets import csv_safe

from .models import ComplaintCompliment, FeedbackTheme

READER_ROLES = (Role.QA_MANAGER, Role.SERVICE_MANAGER, Role.HEAD_OF_SERVICE)
EDITABLE_FIELDS = (
    "kind",
    "received_on",
    "from_whom",
    "service_area",
    "team",
    "case",
    "summary",
    "outcome",
    "learning",
)


def complaints_visible_to(user) -> QuerySet[ComplaintCompliment]:
    """The entries the user may read (the query form of "feedback.complaints"), themes
    prefetched so that a page of them is a fixed number of queries."""
    entries = ComplaintCompliment.objects.select_related(
        "service_area", "team", "case", "recorded_by"
    ).prefetch_related("themes")
    scope = service_area_scope(user, *READER_ROLES)
    if scope is None:
        return entries
    return entries.filter(service_area_id__in=scope)


def _validate(
    *,
    received_on: datetime.date,
    service_area: ServiceArea,
    team: Team | None,
    case: Case | None,
    summary: str,
) -> None:
    errors = {}
    if received_on > timezone.localdate():
        errors["received_on"] = "The date received cannot be in the future."
    if team is not None and team.service_area_id != service_area.pk:
        errors["team"] = f"{team.name} is not a team of {service_area.name}."
    if case is not None and case.service_area_id != service_area.pk:
        errors["case_reference"] = f"Case {case.reference} is not in {service_area.name}."
    if not summary.strip():
        errors["summary"] = "Enter a summary."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def complaint_record(
    *,
    kind: str,
    received_on: datetime.date,
    from_whom: str,
    service_area: ServiceArea,
    summary: str,
    team: Team | None = None,
    case: Case | None = None,
    themes: Iterable[FeedbackTheme] = (),
    outcome: str = "",
    learning: str = "",
    actor,
) -> ComplaintCompliment:
    """Log a complaint or a compliment."""
    _validate(
        received_on=received_on, service_area=service_area, team=team, case=case, summary=summary
    )
    entry = ComplaintCompliment.objects.create(
        kind=kind,
        received_on=received_on,
        from_whom=from_whom,
        service_area=service_area,
        team=team,
        case=case,
        summary=summary.strip(),
        outcome=outcome.strip(),
        learning=learning.strip(),
        recorded_by=actor,
    )
    entry.themes.set(themes)
    return entry


@transaction.atomic
def complaint_update(
    *, entry: ComplaintCompliment, themes: Iterable[FeedbackTheme], actor, **fields
) -> ComplaintCompliment:
    """Change an entry (e.g. add its outcome and learning once known)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(entry, name, value.strip() if isinstance(value, str) else value)
    _validate(
        received_on=entry.received_on,
        service_area=entry.service_area,
        team=entry.team,
        case=entry.case,
        summary=entry.summary,
    )
    entry.save()
    entry.themes.set(themes)
    return entry


# CSV export.

CSV_HEADER = (
    "Kind",
    "Date received",
    "From",
    "Service",
    "Team",
    "Case reference",
    "Summary",
    "Themes",
    "Outcome",
    "Learning",
)


def complaints_csv_rows(entries: Iterable[ComplaintCompliment]) -> Iterable[list[str]]:
    yield list(CSV_HEADER)
    for entry in entries:
        row = [
            entry.get_kind_display(),
            entry.received_on.isoformat(),
            entry.get_from_whom_display(),
            entry.service_area.name,
            entry.team.name if entry.team else "",
            entry.case.reference if entry.case else "",
            entry.summary,
            "; ".join(theme.name for theme in entry.themes.all()),
            entry.outcome,
            entry.learning,
        ]
        yield [csv_safe(cell) for cell in row]


def complaints_write_csv(entries: Iterable[ComplaintCompliment], out) -> None:
    csv.writer(out).writerows(complaints_csv_rows(entries))
