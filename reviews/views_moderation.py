"""Moderation (seed 003, "Moderations"): the queue of submitted reviews, and the moderate page
where a moderator agrees the reviewer's grade, regrades it with a rationale, or returns the review
to the reviewer."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.permissions import can, get_object_for_user, require
from audit.access_records import Page, record_access
from audits.models import Grade
from qaf.workflow import TransitionRefused

from .forms import grade_definitions
from .forms_moderation import ModerationForm, ReturnForm
from .models import Escalation, Review
from .selectors import as_listed, moderation_queue_for, moderations_of, reviews_visible_to
from .services import review_moderate, review_return


@require("moderation.view_queue")
def moderation_queue(request):
    queue = as_listed(moderation_queue_for(request.user))
    page = Paginator(queue, 25).get_page(request.GET.get("page"))
    return render(request, "reviews/moderation.html", {"page_obj": page})


def _review_to_moderate(request, pk):
    """The review (404 outside the user's scope), or a redirect to its page saying why the user
    cannot moderate it now."""
    review = get_object_for_user(
        request.user, reviews_visible_to(request.user), "review.view", pk=pk
    )
    if not can(request.user, "review.moderate", review):
        if review.reviewer_id == request.user.pk:
            refusal = "You wrote this review, so you cannot moderate it: another moderator will."
        else:
            refusal = f"Only a moderator of {review.case.service_area.name} can moderate it."
        messages.error(request, refusal)
        return review, redirect("reviews:detail", pk=review.pk)
    if review.status != Review.Status.SUBMITTED:
        messages.error(
            request,
            f"This review is {review.get_status_display().lower()}: only a submitted review can "
            "be moderated.",
        )
        return review, redirect("reviews:detail", pk=review.pk)
    return review, None


def _moderate_page(request, review, form=None, return_form=None):
    context = {
        "review": review,
        "form": form or ModerationForm(),
        "return_form": return_form or ReturnForm(),
        "moderations": moderations_of(review),
        "grade_definitions": grade_definitions(),
    }
    return render(request, "reviews/moderate.html", context)


@require("moderation.view_queue")
def moderate(request, pk):
    review, refused = _review_to_moderate(request, pk)
    if refused:
        return refused
    if request.method == "GET":
        record_access(request, case=review.case, page=Page.MODERATION, obj=review)
    form = ModerationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            moderated = review_moderate(
                review=review, actor=request.user, **form.service_arguments()
            )
        except ValidationError as error:
            form.add_error(None, error)
        except (TransitionRefused, PermissionDenied) as refusal:
            messages.error(request, str(refusal))
            return redirect("reviews:detail", pk=review.pk)
        else:
            messages.success(request, _moderated_message(moderated))
            return redirect("reviews:moderation")
    return _moderate_page(request, review, form=form)


def _moderated_message(review: Review) -> str:
    reference = review.case.reference
    if review.moderated_grade == review.grade:
        message = f"Review of {reference} moderated: you agreed the grade, {_label(review.grade)}."
    else:
        message = (
            f"Review of {reference} moderated: regraded from {_label(review.grade)} to "
            f"{_label(review.moderated_grade)}."
        )
    if Escalation.objects.filter(review=review).exists():
        area = review.case.service_area.name
        message += f" It is escalated to the service manager and Head of Service of {area}."
    return message


def _label(grade: str) -> str:
    return Grade(grade).label


@require("moderation.view_queue")
@require_POST
def return_to_reviewer(request, pk):
    review, refused = _review_to_moderate(request, pk)
    if refused:
        return refused
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            review_return(review=review, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        except (TransitionRefused, PermissionDenied) as refusal:
            messages.error(request, str(refusal))
            return redirect("reviews:detail", pk=review.pk)
        else:
            messages.success(
                request, f"Review of {review.case.reference} returned to {review.reviewer}."
            )
            return redirect("reviews:moderation")
    return _moderate_page(request, review, return_form=form)
