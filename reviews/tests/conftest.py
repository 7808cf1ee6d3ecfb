import pytest
from django.utils import timezone

from reviews.models import Review

from .factories import ReviewFactory


@pytest.fixture
def review(reviewer, practitioner, service_area):
    """A submitted Requires Improvement review of the practitioner's case, in the reviewer's
    hands: where actions are agreed and verified. Test files may define their own `review`."""
    return ReviewFactory(
        reviewer=reviewer,
        status=Review.Status.SUBMITTED,
        grade="requires_improvement",
        submitted_at=timezone.now(),
        case__team__service_area=service_area,
        case__practitioner=practitioner,
    )
