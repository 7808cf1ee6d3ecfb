"""Reviews: my reviews, the reviews list, the review page with its autosave, and (empty until
their issues land) moderation, escalations and actions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import can, get_object_for_user, has_role, require
from audit.access_records import Page, record_access
from qaf.workflow import TransitionRefused

from .field_markup import field_markup
from .filters import ReviewFilter
from .forms import ReviewForm, grade_definitions, outline, progress
from .history import review_history
from .models import Review
from .selectors import (
    REVIEW_ORDER,
    answers_by_question,
    as_listed,
    moderations_of,
    previous_reviews,
    reviews_assigned_to,
    reviews_visible_to,
    toolkit_sections,
)
from .services import ReviewIncomplete, StaleReview, review_save, review_submit
from .themes import review_themes_by_kind, tagged_theme_ids, themes_offered


@require("reviews.view_mine")
def my_reviews(request):
    # Ten years of cycles make hundreds of a reviewer's reviews: a page at a time, newest first.
    reviews = as_listed(reviews_assigned_to(request.user))
    page = Paginator(reviews, 25).get_page(request.GET.get("page"))
    return render(request, "reviews/mine.html", {"reviews": page.object_list, "page_obj": page})


@require("reviews.list")
def review_list(request):
    visible = reviews_visible_to(request.user)
    filters = ReviewFilter(
        request.GET or None,
        queryset=visible.order_by(*REVIEW_ORDER),
        sees_all=has_role(request.user, Role.QA_MANAGER),  # as reviews_visible_to decides
    )
    page = Paginator(as_listed(filters.qs), 25).get_page(request.GET.get("page"))
    # The filter's selects as plain data: through crispy and the widget templates, its few
    # hundred options took longer to write than the rest of the page (issue 9).
    fields = [field_markup(bound) for bound in filters.form]
    context = {"filter": filters, "filter_fields": fields, "page_obj": page}
    return render(request, "reviews/list.html", context)


def _review_for(request, pk):
    """The review, or 404 outside the user's scope (its existence does not leak)."""
    return get_object_for_user(request.user, reviews_visible_to(request.user), "review.view", pk=pk)


def _form(review, data=None) -> ReviewForm:
    tagged = tagged_theme_ids(review)
    return ReviewForm(
        data,
        review=review,
        sections=toolkit_sections(review.toolkit_version_id),
        answers=answers_by_question(review),
        themes=themes_offered(tagged),
        tagged=tagged,
    )


def review_detail(request, pk):
    review = _review_for(request, pk)
    editable = can(request.user, "review.edit", review)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        return _save_from_page(request, review)
    # The page shows the case's feedback panel too: one record covers both.
    record_access(request, case=review.case, page=Page.REVIEW, obj=review)
    return _render_review(request, review, _form(review) if editable else None)


def _save_from_page(request, review):
    """The "Save draft" and "Submit review" buttons: plain posts, so the page works without
    JavaScript."""
    form = _form(review, request.POST)
    if not form.is_valid():
        return _render_review(request, review, form)
    submitting = request.POST.get("action") == "submit"
    try:
        review = _save(request, review, form)
        if submitting:
            review_submit(review=review, actor=request.user, based_on_version=review.lock_version)
    except StaleReview as refusal:
        form.add_error(None, str(refusal))  # the input stays on the page, to copy from
        return _render_review(request, review, form)
    except ReviewIncomplete as refusal:
        return _render_incomplete(request, review, refusal.missing)
    except TransitionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("reviews:detail", pk=review.pk)
    if submitting:
        messages.success(request, "Review submitted. It now goes to the moderator.")
    else:
        messages.success(request, f"Draft saved at {_time_now()}.")
    return redirect("reviews:detail", pk=review.pk)


def _save(request, review, form: ReviewForm):
    return review_save(
        review=review,
        actor=request.user,
        based_on_version=form.cleaned_data["lock_version"],
        answers=form.answers(),
        findings=form.findings(),
        themes=form.themes(),
    )


def _render_incomplete(request, review, missing):
    """The draft was saved but cannot be submitted yet: the page at its new version, with the
    input as posted and every missing item in the error summary."""
    review = _review_for(request, review.pk)
    data = request.POST.copy()
    data["lock_version"] = review.lock_version
    form = _form(review, data)
    form.is_valid()
    form.add_missing_items(missing)
    return _render_review(request, review, form)


def _render_review(request, review, form):
    sections = form.sections if form else toolkit_sections(review.toolkit_version_id)
    answers = form.stored_answers if form else answers_by_question(review)
    rows = outline(sections, answers, form)
    previous = [(r, can(request.user, "review.view", r)) for r in previous_reviews(review)]
    moderations = list(moderations_of(review))  # shown in their section and in the history
    return render(
        request,
        "reviews/review.html",
        {
            "review": review,
            "form": form,
            "outline": rows,
            "progress": progress(rows),
            "previous_reviews": previous,
            # Beside each graded question: rendered once here, not once per question.
            "grade_definitions_html": render_to_string(
                "reviews/includes/grade_definitions.html",
                {"grade_definitions": grade_definitions()},
            ),
            "history": review_history(review, moderations=moderations),
            "moderations": moderations,
            "practice_themes": None if form else review_themes_by_kind(review),
            # Assignment also stamps updated_by; only the reviewer's own saves count here.
            "last_saved": review.updated_at if review.status != Review.Status.ASSIGNED else None,
        },
    )


@require_POST
def review_autosave(request, pk):
    """htmx: save the page as it stands; answer a status line and the new version."""
    review = _review_for(request, pk)
    if not can(request.user, "review.edit", review):
        return _autosave_status(
            request,
            refused=f"This review is {review.get_status_display().lower()}, so it cannot be "
            "changed. Nothing was saved.",
            status=403,
        )
    form = _form(review, request.POST)
    form.is_valid()  # invalid fields are left out of the save, the rest is kept
    if "lock_version" not in form.cleaned_data:
        return _autosave_status(request, refused="Not saved: reload the page.", status=400)
    try:
        review = _save(request, review, form)
    except StaleReview as refusal:
        return _autosave_status(request, refused=str(refusal), status=409)
    except PermissionDenied as refusal:  # submitted in another tab since the check above
        return _autosave_status(request, refused=str(refusal), status=403)
    rows = outline(toolkit_sections(review.toolkit_version_id), answers_by_question(review))
    return _autosave_status(
        request,
        saved_at=_time_now(),
        not_saved=[error for _, error in form.error_links()],
        lock_version=review.lock_version,
        progress=progress(rows),
    )


def _autosave_status(request, *, status=200, **context):
    response = render(request, "reviews/includes/autosave_status.html", context, status=status)
    # Tells the page's script this is a status to show, not an error page (static/qaf/review.js).
    response["X-Autosave-Status"] = "refused" if status >= 400 else "saved"
    return response


def _time_now() -> str:
    return timezone.localtime().strftime("%H:%M")
