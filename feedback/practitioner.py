"""Practitioner feedback on their review (issue 5, seed 001's "reflective tool"): once the review
is moderated or finalised, the case's practitioner says how it felt and what helped, once."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.permissions import can
from reviews.models import Review

from .models import PractitionerFeedback


def has_practitioner_feedback(review: Review) -> bool:
    return PractitionerFeedback.objects.filter(review=review).exists()


def may_give_practitioner_feedback(user, review: Review) -> bool:
    """Show the link: the practitioner's review is ready and they have not answered yet."""
    return can(user, "feedback.practitioner.give", review) and not has_practitioner_feedback(review)


def practitioner_feedback_submit(
    *,
    review: Review,
    actor,
    how_it_felt: str,
    what_helped: str = "",
    what_could_be_better: str = "",
) -> PractitionerFeedback:
    if not can(actor, "feedback.practitioner.give", review):
        raise ValidationError("Only the case's practitioner can give feedback on this review.")
    if how_it_felt not in PractitionerFeedback.Feeling.values:
        raise ValidationError("Choose how the review felt.")
    if has_practitioner_feedback(review):
        raise ValidationError("You have already given your feedback on this review: thank you.")
    try:
        with transaction.atomic():
            return PractitionerFeedback.objects.create(
                review=review,
                practitioner=actor,
                how_it_felt=how_it_felt,
                what_helped=what_helped.strip(),
                what_could_be_better=what_could_be_better.strip(),
            )
    except IntegrityError:  # a double click: the first one won
        raise ValidationError(
            "You have already given your feedback on this review: thank you."
        ) from None
