"""The complaints and compliments log: the QA Manager records and edits entries; Service
Managers and Heads of Service read (and export) their service areas' entries."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from accounts.permissions import can, get_object_for_user, require
from audit.access_records import Page, record_access

from .complaints import (
    complaint_record,
    complaint_update,
    complaints_visible_to,
    complaints_write_csv,
)
from .filters import ComplaintFilter
from .forms_complaints import ComplaintForm

PAGE_SIZE = 25


def _filtered(request) -> ComplaintFilter:
    return ComplaintFilter(request.GET or None, queryset=complaints_visible_to(request.user))


@require("feedback.complaints")
def complaints(request):
    entries = _filtered(request)
    page = Paginator(entries.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": entries,
        "page_obj": page,
        "can_record": can(request.user, "feedback.complaints_record"),
    }
    return render(request, "feedback/complaints/list.html", context)


@require("feedback.complaints")
def complaints_export(request):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"complaints-and-compliments-{datetime.date.today().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    complaints_write_csv(_filtered(request).qs, response)
    return response


def _entry_for(request, pk: int):
    return get_object_for_user(
        request.user, complaints_visible_to(request.user), "feedback.complaints", pk=pk
    )


@require("feedback.complaints")
def complaint_detail(request, pk: int):
    entry = _entry_for(request, pk)
    if entry.case_id:  # most complaints and compliments name no case
        record_access(request, case=entry.case, page=Page.COMPLAINT, obj=entry)
    context = {"entry": entry, "can_record": can(request.user, "feedback.complaints_record")}
    return render(request, "feedback/complaints/detail.html", context)


def _save(request, form: ComplaintForm, entry=None):
    """Run the service; its ValidationError lands on the form. Returns the entry or None."""
    if request.method != "POST" or not form.is_valid():
        return None
    arguments = form.service_arguments()
    try:
        if entry is None:
            return complaint_record(**arguments, actor=request.user)
        return complaint_update(entry=entry, **arguments, actor=request.user)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None


@require("feedback.complaints_record")
def complaint_add(request):
    form = ComplaintForm(request.POST or None)
    entry = _save(request, form)
    if entry is not None:
        messages.success(request, f"The {entry.get_kind_display().lower()} is logged.")
        return redirect("feedback:complaint", pk=entry.pk)
    context = {"form": form, "title": "Log a complaint or compliment"}
    return render(request, "feedback/complaints/form.html", context)


@require("feedback.complaints")
def complaint_edit(request, pk: int):
    entry = _entry_for(request, pk)  # 404 outside the reader's areas
    if not can(request.user, "feedback.complaints_record", entry):
        raise PermissionDenied
    form = ComplaintForm(request.POST or None, entry=entry)
    if _save(request, form, entry) is not None:
        messages.success(request, f"The {entry.get_kind_display().lower()} is updated.")
        return redirect("feedback:complaint", pk=entry.pk)
    context = {"form": form, "entry": entry, "title": f"Change the {entry}"}
    return render(request, "feedback/complaints/form.html", context)


urlpatterns = [
    path("complaints/", complaints, name="complaints"),
    path("complaints/export.csv", complaints_export, name="complaints_export"),
    path("complaints/new/", complaint_add, name="complaint_add"),
    path("complaints/<int:pk>/", complaint_detail, name="complaint"),
    path("complaints/<int:pk>/edit/", complaint_edit, name="complaint_edit"),
]
