"""The review page's "Agreed actions" section, read through one tag so that the review page's
view needs no change: `{% actions_section review as section %}`."""

from django import template

from accounts.permissions import can
from reviews.actions import (
    actions_of_review,
    follow_up_refusal,
    follow_ups_of,
    grade_label,
    grade_of,
    needs_verification,
    status_label,
)
from reviews.field_markup import field_markup
from reviews.forms_actions import ActionForm
from reviews.models import Review

register = template.Library()


@register.simple_tag(takes_context=True)
def actions_section(context, review) -> dict:
    """What the section shows: the review's actions, the add form for its reviewer, and its
    follow-up links (four queries, however many actions)."""
    user = context["request"].user
    # The rules below read each action's review and its case: the page's own, so neither is
    # joined in again (a wide join PostgreSQL takes longer to plan than to run).
    actions = list(
        actions_of_review(review).select_related(None).select_related("owner", "verified_by")
    )
    for action in actions:
        action.review = review
    follow_ups = [(f, can(user, "review.view", f)) for f in follow_ups_of(review)]
    original = None
    if review.follow_up_of_id:
        original = Review.objects.select_related("cycle", "case").get(pk=review.follow_up_of_id)
    may_add = can(user, "action.add", review)
    # The "Agree an action" form, inline while the reviewer writes the review (once submitted
    # the page is read only, so a link leads to the form instead). Never bound: a post goes to
    # the action's own page. Its fields are worked out in Python, not rendered by crispy.
    form_fields = None
    if may_add and can(user, "review.edit", review):
        form_fields = [field_markup(bound) for bound in ActionForm(review=review, prefix="action")]
    return {
        "actions": actions,
        "needs_verification": needs_verification(review),
        "grade": grade_label(grade_of(review)) if review.submitted_at else "",
        "form_fields": form_fields,
        "may_add": may_add,
        "follow_ups": follow_ups,
        "original": original,
        "original_grade": grade_label(grade_of(original)) if original else "",
        "original_viewable": original is not None and can(user, "review.view", original),
        "may_follow_up": can(user, "cycles.manage") and follow_up_refusal(review) is None,
    }


@register.filter
def action_status(action) -> str:
    """The action's status in words, with "overdue" (needs `action.review`)."""
    if action.is_overdue:
        return "Open: overdue"
    return status_label(action)


@register.filter
def decided_grade_label(grade: str) -> str:
    return grade_label(grade) if grade else ""


@register.filter(name="needs_verification")
def needs_verification_filter(review) -> bool:
    return needs_verification(review)
