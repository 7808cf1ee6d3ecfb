"""Practitioner feedback on their review (seed 001's reflective tool)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from accounts.permissions import get_object_for_user
from audit.access_records import Page, record_access
from reviews.selectors import reviews_visible_to

from .forms_practitioner import PractitionerFeedbackForm
from .practitioner import has_practitioner_feedback, practitioner_feedback_submit


def practitioner_feedback(request, review_pk):
    """Only the case's practitioner, on a moderated or finalised review (404 for anyone else)."""
    review = get_object_for_user(
        request.user,
        reviews_visible_to(request.user).select_related("case", "cycle"),
        "feedback.practitioner.give",
        pk=review_pk,
    )
    back = redirect("reviews:detail", pk=review.pk)
    if has_practitioner_feedback(review):
        messages.info(request, "You have already given your feedback on this review: thank you.")
        return back
    if request.method == "GET":
        record_access(request, case=review.case, page=Page.PRACTITIONER_FEEDBACK, obj=review)
    form = PractitionerFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            practitioner_feedback_submit(review=review, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.info(request, " ".join(error.messages))
            return back
        messages.success(request, "Thank you: your feedback on the review is recorded.")
        return back
    return render(request, "feedback/practitioner/form.html", {"form": form, "review": review})
