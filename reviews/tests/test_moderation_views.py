"""Request tests for moderation: the queue, the moderate page and its posts, returning a review,
and both grades wherever the review appears."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import TeamFactory
from reviews.models import Escalation, Moderation, Review

from .factories import ReviewFactory, submitted_review

pytestmark = pytest.mark.django_db

REGRADE = {"decision": "regraded", "grade": "inadequate", "rationale": "The plan does not protect."}


@pytest.fixture
def review(service_area, reviewer):
    return submitted_review(service_area=service_area, reviewer=reviewer, grade="good")


def at(day: int) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, 9, tzinfo=datetime.UTC)


# The queue


def test_the_queue_lists_submitted_reviews_of_the_moderators_services_oldest_first(
    client, moderator, service_area, other_service_area
):
    newer = submitted_review(service_area=service_area, submitted_at=at(20), grade="good")
    older = submitted_review(service_area=service_area, submitted_at=at(10), grade="inadequate")
    submitted_review(service_area=other_service_area)
    submitted_review(service_area=service_area, reviewer=moderator)  # their own
    ReviewFactory(status="in_progress", case__team=TeamFactory(service_area=service_area))
    client.force_login(moderator)

    response = client.get("/reviews/moderation/")

    assert response.status_code == 200
    assert list(response.context["page_obj"].object_list) == [older, newer]
    content = response.content.decode()
    for text in (older.case.reference, older.case.team.name, older.cycle.name, "Inadequate"):
        assert text in content
    assert older.toolkit_version.toolkit.name in content
    assert f'href="/reviews/moderation/{older.pk}/"' in content


def test_the_queue_is_paginated_and_runs_as_many_queries_for_30_reviews_as_for_5(
    client, moderator, service_area
):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/reviews/moderation/").status_code == 200
        return len(queries)

    client.force_login(moderator)
    for _ in range(5):
        submitted_review(service_area=service_area)
    five = count_queries()
    for _ in range(25):
        submitted_review(service_area=service_area)

    assert count_queries() == five
    assert len(client.get("/reviews/moderation/").context["page_obj"].object_list) == 25


@pytest.mark.parametrize("person", ["reviewer", "service_manager", "qa_manager"])
def test_the_queue_is_forbidden_to_other_roles(client, request, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get("/reviews/moderation/").status_code == 403


# The moderate page


def test_a_moderator_opens_the_moderate_page_with_the_reviewers_grade(client, moderator, review):
    client.force_login(moderator)

    response = client.get(f"/reviews/moderation/{review.pk}/")

    assert response.status_code == 200
    content = response.content.decode()
    assert f"of case {review.case.reference}</h1>" in content
    assert '<dt class="col-sm-3">Reviewer\'s grade</dt><dd class="col-sm-9">Good</dd>' in content
    assert 'name="decision"' in content
    assert 'name="reason"' in content


@pytest.mark.parametrize("person", ["reviewer", "service_manager", "head_of_service"])
def test_the_moderate_page_is_forbidden_to_other_roles(client, request, review, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(f"/reviews/moderation/{review.pk}/").status_code == 403
    assert client.post(f"/reviews/moderation/{review.pk}/", REGRADE).status_code == 403
    assert (
        client.post(f"/reviews/moderation/{review.pk}/return/", {"reason": "x"}).status_code == 403
    )
    assert Review.objects.get(pk=review.pk).status == "submitted"


def test_a_moderator_of_another_service_gets_404(client, outsider, review):
    client.force_login(outsider)

    assert client.get(f"/reviews/moderation/{review.pk}/").status_code == 404
    assert client.post(f"/reviews/moderation/{review.pk}/", REGRADE).status_code == 404
    assert (
        client.post(f"/reviews/moderation/{review.pk}/return/", {"reason": "x"}).status_code == 404
    )


@pytest.mark.parametrize("url", ["/reviews/moderation/{pk}/", "/reviews/moderation/{pk}/return/"])
def test_anonymous_visitors_are_sent_to_log_in(client, review, url):
    url = url.format(pk=review.pk)

    assert client.get(url)["Location"] == f"/login/?next={url}"
    assert client.post(url, REGRADE)["Location"] == f"/login/?next={url}"


def test_a_moderator_who_wrote_the_review_is_told_they_cannot_moderate_it(
    client, moderator, service_area
):
    own = submitted_review(service_area=service_area, reviewer=moderator)
    client.force_login(moderator)

    response = client.post(f"/reviews/moderation/{own.pk}/", REGRADE, follow=True)

    assert response.redirect_chain[-1][0] == f"/reviews/{own.pk}/"
    assert "You wrote this review, so you cannot moderate it" in response.content.decode()
    assert Review.objects.get(pk=own.pk).status == "submitted"


def test_a_review_not_submitted_cannot_be_moderated(client, moderator, service_area):
    draft = ReviewFactory(status="in_progress", case__team=TeamFactory(service_area=service_area))
    client.force_login(moderator)

    response = client.get(f"/reviews/moderation/{draft.pk}/", follow=True)

    assert "only a submitted review can be moderated" in response.content.decode()


# Posting a moderation


def test_regrading_to_inadequate_moderates_and_escalates(client, moderator, review):
    client.force_login(moderator)

    response = client.post(f"/reviews/moderation/{review.pk}/", REGRADE, follow=True)

    assert response.redirect_chain[-1][0] == "/reviews/moderation/"
    content = response.content.decode()
    assert "regraded from Good to Inadequate" in content
    assert "escalated to the service manager and Head of Service of Children in Need" in content
    review.refresh_from_db()
    assert (review.status, review.grade, review.final_grade) == ("moderated", "good", "inadequate")
    assert Escalation.objects.filter(review=review).count() == 1


def test_posting_the_moderation_twice_still_creates_one_escalation(client, moderator, review):
    client.force_login(moderator)

    client.post(f"/reviews/moderation/{review.pk}/", REGRADE)
    again = client.post(f"/reviews/moderation/{review.pk}/", REGRADE, follow=True)

    assert "only a submitted review can be moderated" in again.content.decode()
    assert Escalation.objects.filter(review=review).count() == 1
    assert Moderation.objects.filter(review=review).count() == 1


def test_agreeing_ignores_a_grade_picked_before_choosing_to_agree(client, moderator, review):
    client.force_login(moderator)

    client.post(f"/reviews/moderation/{review.pk}/", {"decision": "agreed", "grade": "inadequate"})

    review.refresh_from_db()
    assert (review.status, review.final_grade) == ("moderated", "good")
    assert not Escalation.objects.exists()


def test_a_regrade_without_a_rationale_shows_the_error_and_keeps_the_input(
    client, moderator, review
):
    client.force_login(moderator)

    response = client.post(
        f"/reviews/moderation/{review.pk}/",
        {"decision": "regraded", "grade": "requires_improvement", "feedback_to_reviewer": "Kept."},
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert 'href="#id_rationale"' in content
    assert "Enter the rationale for the moderated grade" in content
    assert "Kept.</textarea>" in content
    assert 'value="requires_improvement"  id="id_grade_2" checked' in content
    assert Review.objects.get(pk=review.pk).status == "submitted"


def test_no_decision_links_the_error_to_the_first_radio(client, moderator, review):
    client.force_login(moderator)

    response = client.post(f"/reviews/moderation/{review.pk}/", {})

    assert 'href="#id_decision_0"' in response.content.decode()


# Returning


def test_returning_a_review_sends_it_back_to_the_reviewer(client, moderator, review):
    client.force_login(moderator)

    response = client.post(
        f"/reviews/moderation/{review.pk}/return/",
        {"reason": "Add the child's views."},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/reviews/moderation/"
    assert f"returned to {review.reviewer}" in response.content.decode()
    assert Review.objects.get(pk=review.pk).status == "in_progress"


def test_returning_without_a_reason_shows_the_error(client, moderator, review):
    client.force_login(moderator)

    response = client.post(f"/reviews/moderation/{review.pk}/return/", {"reason": ""})

    assert response.status_code == 200
    assert "Enter why you are returning the review to the reviewer" in response.content.decode()
    assert Review.objects.get(pk=review.pk).status == "submitted"


def test_return_is_a_post_only(client, moderator, review):
    client.force_login(moderator)

    assert client.get(f"/reviews/moderation/{review.pk}/return/").status_code == 405


# Both grades wherever the review appears


def test_the_reviewer_sees_both_grades_and_the_moderators_feedback_on_the_review_page(
    client, moderator, reviewer, review
):
    client.force_login(moderator)
    client.post(
        f"/reviews/moderation/{review.pk}/", REGRADE | {"feedback_to_reviewer": "Be bolder."}
    )
    client.force_login(reviewer)

    response = client.get(f"/reviews/{review.pk}/")

    content = response.content.decode()
    section = content[content.index('data-testid="moderation-section"') :]
    assert "Reviewer's grade" in section
    assert 'data-testid="reviewer-grade">Good' in section
    assert 'data-testid="moderated-grade">Inadequate' in section
    assert "The plan does not protect." in section
    assert "Be bolder." in section
    assert "Escalated to the service manager" in section
    assert "Open the escalation" not in section  # the reviewer cannot open it
    assert "Moderate this review" not in section


def test_the_review_page_offers_the_moderator_the_moderate_button(client, moderator, review):
    client.force_login(moderator)

    content = client.get(f"/reviews/{review.pk}/").content.decode()

    assert f'href="/reviews/moderation/{review.pk}/">Moderate this review' in content


def test_the_returned_reviews_page_shows_the_feedback_to_its_reviewer(
    client, moderator, reviewer, review
):
    client.force_login(moderator)
    client.post(f"/reviews/moderation/{review.pk}/return/", {"reason": "Add the child's views."})
    client.force_login(reviewer)

    content = client.get(f"/reviews/{review.pk}/").content.decode()

    assert "Returned to the reviewer" in content
    assert "Add the child&#x27;s views." in content


def test_the_reviews_list_shows_the_final_grade_with_both_and_filters_on_the_final_grade(
    client, qa_manager, service_area
):
    regraded = submitted_review(service_area=service_area, grade="good")
    regraded.status, regraded.moderated_grade, regraded.final_grade = (
        "moderated",
        "inadequate",
        "inadequate",
    )
    regraded.save()
    client.force_login(qa_manager)

    response = client.get("/reviews/?grade=inadequate")

    assert list(response.context["page_obj"].object_list) == [regraded]
    assert "Reviewer: Good; moderated: Inadequate" in response.content.decode()
    assert list(client.get("/reviews/?grade=good").context["page_obj"].object_list) == []


def test_my_reviews_shows_the_grades(client, reviewer, review):
    client.force_login(reviewer)

    content = client.get("/reviews/mine/").content.decode()

    assert "Reviewer's grade, not yet moderated" in content


def test_the_moderate_page_is_under_moderation_in_the_navigation(client, moderator, review):
    client.force_login(moderator)

    response = client.get(f"/reviews/moderation/{review.pk}/")

    current = [item["label"] for item in response.context["nav_items"] if item["current"]]
    assert current == ["Moderation"]
