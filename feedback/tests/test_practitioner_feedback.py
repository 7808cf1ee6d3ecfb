"""Practitioner feedback on their review (seed 001's reflective tool): the rule, the service,
the page and the link on the review page."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.permissions import can
from feedback.models import PractitionerFeedback
from feedback.practitioner import practitioner_feedback_submit
from feedback.tests.factories import PractitionerFeedbackFactory
from reviews.tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(practitioner, service_area):
    return ReviewFactory(
        status="finalised", case__practitioner=practitioner, case__team__service_area=service_area
    )


def url(review) -> str:
    return reverse("feedback:practitioner_feedback", args=[review.pk])


def give(review, actor, **overrides):
    fields = {"how_it_felt": "very_useful", "what_helped": "Talking it through.",
              "what_could_be_better": ""}  # fmt: skip
    return practitioner_feedback_submit(review=review, actor=actor, **(fields | overrides))


# The rule and the service.


@pytest.mark.parametrize("status", ["moderated", "finalised"])
def test_the_cases_practitioner_may_give_feedback_once_the_review_is_moderated_or_finalised(
    review, practitioner, status
):
    review.status = status

    assert can(practitioner, "feedback.practitioner.give", review)


@pytest.mark.parametrize("status", ["assigned", "in_progress", "submitted"])
def test_no_feedback_before_the_review_is_moderated(review, practitioner, status):
    review.status = status

    assert not can(practitioner, "feedback.practitioner.give", review)


def test_only_the_cases_practitioner_may_give_feedback(review, reviewer, qa_manager, outsider):
    for user in (review.reviewer, reviewer, qa_manager, outsider):
        assert not can(user, "feedback.practitioner.give", review)
    assert not can(qa_manager, "feedback.practitioner.give")


def test_the_practitioners_feedback_is_recorded(review, practitioner):
    feedback = give(review, practitioner)

    assert feedback.review == review
    assert feedback.practitioner == practitioner
    assert feedback.what_helped == "Talking it through."


def test_a_second_feedback_on_the_same_review_is_refused_kindly(review, practitioner):
    give(review, practitioner)

    with pytest.raises(ValidationError, match="already given your feedback"):
        give(review, practitioner, how_it_felt="unhelpful")

    assert PractitionerFeedback.objects.get().how_it_felt == "very_useful"


def test_someone_else_cannot_give_the_practitioners_feedback(review, reviewer):
    with pytest.raises(ValidationError):
        give(review, reviewer)


def test_an_unknown_feeling_is_refused(review, practitioner):
    with pytest.raises(ValidationError):
        give(review, practitioner, how_it_felt="ecstatic")


# The page.


def test_the_practitioner_opens_the_page(client, review, practitioner):
    client.force_login(practitioner)

    response = client.get(url(review))

    assert response.status_code == 200
    assert "How did the review feel for you?" in response.content.decode()


def test_the_practitioner_sends_their_feedback_and_goes_back_to_the_review(
    client, review, practitioner
):
    client.force_login(practitioner)

    response = client.post(url(review), {"how_it_felt": "useful", "what_helped": "The visit."})

    assert response["Location"] == reverse("reviews:detail", args=[review.pk])
    assert PractitionerFeedback.objects.get().what_helped == "The visit."


def test_a_form_without_a_feeling_is_shown_again_with_the_words_kept(client, review, practitioner):
    client.force_login(practitioner)

    response = client.post(url(review), {"what_helped": "Kept words"})

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert "Kept words" in response.content.decode()


def test_opening_the_page_again_after_answering_says_thank_you(client, review, practitioner):
    PractitionerFeedbackFactory(review=review, practitioner=practitioner)
    client.force_login(practitioner)

    response = client.post(url(review), {"how_it_felt": "useful"}, follow=True)

    assert "already given your feedback" in response.content.decode()
    assert PractitionerFeedback.objects.count() == 1


@pytest.mark.parametrize("role", ["reviewer", "qa_manager", "service_manager", "outsider"])
def test_the_page_is_not_found_for_anyone_but_the_practitioner(client, request, review, role):
    client.force_login(request.getfixturevalue(role))

    assert client.get(url(review)).status_code == 404
    assert client.post(url(review), {"how_it_felt": "useful"}).status_code == 404


def test_the_page_is_not_found_before_the_review_is_moderated(client, review, practitioner):
    review.status = "submitted"
    review.save()
    client.force_login(practitioner)

    assert client.get(url(review)).status_code == 404


def test_the_reviewer_who_wrote_the_review_finds_no_such_page(client, review):
    client.force_login(review.reviewer)

    assert client.get(url(review)).status_code == 404


def test_anonymous_people_are_sent_to_log_in(client, review):
    response = client.get(url(review))

    assert response["Location"].startswith(f"/login/?next={url(review)}")


# The link on the review page.


def test_the_review_page_offers_the_practitioner_the_link(client, review, practitioner):
    client.force_login(practitioner)

    content = client.get(reverse("reviews:detail", args=[review.pk])).content.decode()

    assert url(review) in content


def test_the_link_is_gone_once_they_have_answered(client, review, practitioner):
    PractitionerFeedbackFactory(review=review, practitioner=practitioner)
    client.force_login(practitioner)

    content = client.get(reverse("reviews:detail", args=[review.pk])).content.decode()

    assert url(review) not in content


def test_the_link_is_not_offered_to_others(client, review, qa_manager):
    client.force_login(qa_manager)

    content = client.get(reverse("reviews:detail", args=[review.pk])).content.decode()

    assert url(review) not in content
