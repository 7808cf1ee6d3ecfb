"""The case list and its import from the case-management system (QA Manager)."""

import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path

from accounts.permissions import require
from qaf.csvimport import ImportFailed
from qaf.filtering import filters_data, filters_post

from ..filters import CaseFilter
from ..forms.cases import CaseImportForm
from ..selectors import cases_for_list
from ..services.cases import cases_import

# How many unknown practitioner emails a warning names before it says "and N more".
_NAMED_EMAILS = 10


@require("cases.manage")
def cases(request):
    # The reference search is POSTed and kept in the session: no case reference in a URL.
    if request.method == "POST":
        return filters_post(request, key="cases")
    case_filter = CaseFilter(filters_data(request, key="cases"), queryset=cases_for_list())
    page = Paginator(case_filter.qs, 50).get_page(request.GET.get("page"))
    return render(request, "audits/cases/list.html", {"filter": case_filter, "page_obj": page})


@require("cases.manage")
def cases_import_page(request):
    posted = request.method == "POST"
    form = CaseImportForm(request.POST if posted else None, request.FILES if posted else None)
    import_errors = []
    if posted and form.is_valid():
        try:
            summary = cases_import(rows=io.StringIO(form.text, newline=""), actor=request.user)
        except ImportFailed as exc:
            import_errors = exc.errors
            form.add_error(
                None,
                f"Nothing was imported: the file has {len(import_errors)} problem(s), listed "
                "below with their line numbers. Correct them and import the file again.",
            )
        else:
            messages.success(request, f"Imported {form.cleaned_data['file'].name}: {summary}")
            if summary.unknown_practitioners:
                messages.warning(request, _unknown_practitioners_text(summary))
            return redirect("audits:cases")
    context = {"form": form, "import_errors": import_errors}
    return render(request, "audits/cases/import.html", context)


def _unknown_practitioners_text(summary) -> str:
    named = [
        f"{email} (line {line})"
        for email, line in list(summary.unknown_practitioners.items())[:_NAMED_EMAILS]
    ]
    more = len(summary.unknown_practitioners) - len(named)
    return (
        "These practitioner emails match no one in QAF, so their cases have no practitioner: "
        + ", ".join(named)
        + (f" and {more} more" if more > 0 else "")
        + ". Import the staff first if they should be linked."
    )


urlpatterns = [
    path("cases/", cases, name="cases"),
    path("cases/import/", cases_import_page, name="cases_import"),
]
