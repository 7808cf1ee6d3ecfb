"""Writing and reading access records (audit/models.py)."""

import datetime
import itertools
from collections.abc import Iterable, Iterator

from django.db.models import Model, QuerySet
from django.utils import timezone

from audits.models import Case
from qaf.dates import start_of
from qaf.spreadsheets import csv_lines

from .models import AccessRecord

Page = AccessRecord.Page


def record_access(request, *, case: Case, page: str, obj: Model) -> AccessRecord:
    """Note that the request's user opened `page` showing `obj` of `case`: one INSERT.

    Views call it on a GET that renders the page, after the permission check (a refused or
    missing object answers 403/404 first, and writes nothing). The path is kept without its
    query string, which never carries case data.
    """
    return AccessRecord.objects.create(
        user=request.user,
        user_email=request.user.email,
        case=case,
        case_reference=case.reference,
        page=page,
        object_id=obj.pk,
        path=request.path[:300],
    )


def access_records_matching(
    *,
    case_reference: str = "",
    user_email: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AccessRecord]:
    """Newest first. The case reference and the e-mail address match exactly (any case)."""
    records = AccessRecord.objects.order_by("-at", "-id")
    if case_reference:
        records = records.filter(case_reference__iexact=case_reference.strip())
    if user_email:
        records = records.filter(user_email__iexact=user_email.strip())
    if date_from:
        records = records.filter(at__gte=start_of(date_from))
    if date_to:
        records = records.filter(at__lt=start_of(date_to + datetime.timedelta(days=1)))
    return records


CSV_HEADER = ["When", "User", "Case reference", "Page", "Object id", "Path"]


def access_records_csv(records: QuerySet[AccessRecord]) -> Iterator[str]:
    return csv_lines(itertools.chain([CSV_HEADER], _rows(records.iterator(chunk_size=2000))))


def _rows(records: Iterable[AccessRecord]) -> Iterator[list]:
    for record in records:
        yield [
            timezone.localtime(record.at).isoformat(timespec="seconds"),
            record.user_email,
            record.case_reference,
            record.get_page_display(),
            record.object_id,
            record.path,
        ]
