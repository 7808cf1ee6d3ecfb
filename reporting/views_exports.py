"""Downloads of the reviews list as CSV and Excel, with the list's filters and permissions."""

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from accounts.permissions import require
from qaf.spreadsheets import csv_lines

from .exports import export_rows, xlsx_bytes

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(response, extension: str):
    name = f"reviews-{timezone.localdate().isoformat()}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"  # case data: never kept in a shared cache
    return response


@require("reviews.list")
def reviews_csv(request):
    lines = csv_lines(export_rows(request.user, request.GET))
    return _attachment(StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8"), "csv")


@require("reviews.list")
def reviews_xlsx(request):
    content = xlsx_bytes(export_rows(request.user, request.GET))
    return _attachment(HttpResponse(content, content_type=XLSX_TYPE), "xlsx")
