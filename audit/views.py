"""The access records page: search by case reference or user and dates, and export as CSV."""

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.permissions import require

from .access_records import access_records_csv, access_records_matching
from .forms import AccessRecordSearchForm

PAGE_SIZE = 50


@require("access_records.view")
@require_http_methods(["GET", "POST"])
def access_records(request):
    form = AccessRecordSearchForm(request.POST if request.method == "POST" else None)
    page = None
    if form.is_valid():
        records = access_records_matching(**form.criteria()).select_related(None)
        page = Paginator(records, PAGE_SIZE).get_page(form.cleaned_data["page"] or 1)
    return render(request, "audit/access_records.html", {"form": form, "page_obj": page})


@require("access_records.view")
@require_http_methods(["POST"])
def access_records_export(request):
    form = AccessRecordSearchForm(request.POST)
    if not form.is_valid():
        return render(
            request, "audit/access_records.html", {"form": form, "page_obj": None}, status=400
        )
    lines = access_records_csv(access_records_matching(**form.criteria()))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    name = f"access-records-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"  # case data: never kept in a shared cache
    return response
