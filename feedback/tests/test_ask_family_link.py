"""The review page offers a feedback link for the child or family to those who may make one."""

import pytest

from reviews.tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db

ASK = "Ask the child or family for feedback"


def test_the_reviewer_of_the_case_is_offered_a_family_feedback_link(client, reviewer):
    review = ReviewFactory(reviewer=reviewer)
    client.force_login(reviewer)

    content = client.get(f"/reviews/{review.pk}/").content.decode()

    assert ASK in content
    assert f"/feedback/links/new/?case={review.case.pk}" in content


def test_a_moderator_is_not_offered_a_family_feedback_link(client, moderator, service_area):
    review = ReviewFactory(case__team__service_area=service_area)
    client.force_login(moderator)

    response = client.get(f"/reviews/{review.pk}/")

    assert response.status_code == 200
    assert ASK not in response.content.decode()
