"""IRO / CP chair case feedback: the form (with a case look-up), the list and one feedback."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render

from accounts.permissions import get_object_for_user, require
from audit.access_records import Page, record_access

from .forms_iro import NOT_FOUND, IROFeedbackFilterForm, IROFeedbackForm
from .iro import (
    answer_display,
    answers_of,
    case_by_reference,
    iro_feedback_listed_for,
    iro_feedback_submit,
    iro_feedback_visible_to,
    iro_toolkit_version,
    questions_of,
)

PER_PAGE = 25


@require("feedback.iro.create")
def iro_new(request):
    version = iro_toolkit_version()
    if version is None:
        messages.error(request, "There is no published IRO / CP chair feedback toolkit yet.")
        return redirect("feedback:iro_list")
    form = IROFeedbackForm(request.POST or None, questions=questions_of(version))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            feedback = iro_feedback_submit(
                case=form.case,
                actor=request.user,
                meeting_type=data["meeting_type"],
                meeting_on=data["meeting_on"],
                participation=data["participation"],
                child_words=data["child_words"],
                management_alert=data["management_alert"],
                answers=form.answers(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            done = "Your feedback is recorded"
            if feedback.management_alert:
                done += " and the case's service manager has been alerted"
            messages.success(request, f"{done}. Thank you.")
            return redirect("feedback:iro_detail", pk=feedback.pk)
    return render(request, "feedback/iro/form.html", {"form": form, "version": version})


@require("feedback.iro.create")
def iro_case_lookup(request):
    """htmx: the service and team of the case with this reference (the form checks again).
    POST only: a case reference is never put in a URL (logs, history, Referer)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    reference = request.POST.get("reference", "")
    case = case_by_reference(reference)
    return render(
        request,
        "feedback/iro/case_lookup.html",
        {"case": case, "searched": bool(reference.strip()), "not_found": NOT_FOUND},
    )


@require("feedback.iro.list")
def iro_list(request):
    filters = IROFeedbackFilterForm(request.GET or None)
    rows = filters.filter(iro_feedback_listed_for(request.user))
    page_obj = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/iro/list.html",
        {"filters": filters, "page_obj": page_obj},
    )


@require("feedback.iro.view")
def iro_detail(request, pk):
    feedback = get_object_for_user(
        request.user, iro_feedback_visible_to(request.user), "feedback.iro.view", pk=pk
    )
    record_access(request, case=feedback.case, page=Page.IRO_FEEDBACK, obj=feedback)
    answers = [(answer, answer_display(answer)) for answer in answers_of(feedback)]
    return render(request, "feedback/iro/detail.html", {"feedback": feedback, "answers": answers})
