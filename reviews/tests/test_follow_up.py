"""Follow-up re-reviews: a Requires Improvement or Inadequate review followed up in a later cycle
(seed 002: repeat audits evidence the improvement), the service, its page and the links both
review pages show."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audits.models import Cycle
from audits.tests.factories import CycleFactory
from reviews.actions import review_follow_up
from reviews.models import Review, ReviewEvent

from .factories import ReviewFactory, ToolkitVersionFactory

pytestmark = pytest.mark.django_db

S = Review.Status


@pytest.fixture
def review(reviewer, practitioner, service_area):
    return ReviewFactory(
        reviewer=reviewer,
        status=S.MODERATED,
        grade="good",
        moderated_grade="requires_improvement",
        submitted_at=timezone.now(),
        case__team__service_area=service_area,
        case__practitioner=practitioner,
    )


@pytest.fixture
def later_cycle(review):
    """A planned cycle after the review's, with its own toolkit (newest version published)."""
    ToolkitVersionFactory(published=True)
    version = ToolkitVersionFactory(published=True)
    ToolkitVersionFactory(toolkit=version.toolkit, published=True, number=version.number + 1)
    return CycleFactory(status=Cycle.Status.PLANNED, toolkit=version.toolkit)


def earlier_cycle(status=Cycle.Status.PLANNED) -> Cycle:
    day = datetime.date(2029, 1, 1)
    return CycleFactory(
        review_starts_on=day,
        review_ends_on=day + datetime.timedelta(13),
        reporting_ends_on=day + datetime.timedelta(27),
        status=status,
    )


# The service.


def test_the_qa_manager_follows_up_a_review_in_a_later_cycle(review, later_cycle, qa_manager):
    follow_up = review_follow_up(review=review, cycle=later_cycle, actor=qa_manager)

    assert follow_up.follow_up_of == review
    assert (follow_up.cycle, follow_up.case) == (later_cycle, review.case)
    assert follow_up.status == S.UNASSIGNED
    assert follow_up.reviewer is None
    assert follow_up.toolkit_version == later_cycle.toolkit.versions.order_by("-number").first()
    assert follow_up.due_on == later_cycle.review_ends_on
    [event] = ReviewEvent.objects.filter(review=follow_up)
    assert (event.from_status, event.to_status, event.actor) == ("", S.UNASSIGNED, qa_manager)
    assert event.note == f"Follow-up of the review in {review.cycle.name}."


def test_a_later_cycle_without_a_toolkit_takes_the_original_reviews(review, qa_manager):
    cycle = CycleFactory(status=Cycle.Status.REVIEW, toolkit=None)

    follow_up = review_follow_up(review=review, cycle=cycle, actor=qa_manager)

    assert follow_up.toolkit_version == review.toolkit_version


@pytest.mark.parametrize("grade", ["inadequate", "requires_improvement"])
def test_ri_and_inadequate_reviews_can_be_followed_up(review, later_cycle, qa_manager, grade):
    Review.objects.filter(pk=review.pk).update(final_grade=grade)

    assert review_follow_up(review=review, cycle=later_cycle, actor=qa_manager).pk


@pytest.mark.parametrize("grade", ["good", "outstanding"])
def test_good_and_outstanding_reviews_are_not_followed_up(review, later_cycle, qa_manager, grade):
    Review.objects.filter(pk=review.pk).update(final_grade=grade)

    with pytest.raises(ValidationError, match="only Requires Improvement and Inadequate"):
        review_follow_up(review=review, cycle=later_cycle, actor=qa_manager)
    assert not Review.objects.filter(follow_up_of=review).exists()


@pytest.mark.parametrize("status", [S.ASSIGNED, S.IN_PROGRESS])
def test_a_review_not_yet_submitted_is_not_followed_up(review, later_cycle, qa_manager, status):
    Review.objects.filter(pk=review.pk).update(status=status)

    with pytest.raises(ValidationError, match="Only a submitted review"):
        review_follow_up(review=review, cycle=later_cycle, actor=qa_manager)


def test_the_follow_up_goes_into_a_later_cycle_only(review, qa_manager):
    with pytest.raises(ValidationError, match="is not later than"):
        review_follow_up(review=review, cycle=review.cycle, actor=qa_manager)
    with pytest.raises(ValidationError, match="is not later than"):
        review_follow_up(review=review, cycle=earlier_cycle(), actor=qa_manager)
    assert not Review.objects.filter(follow_up_of=review).exists()


@pytest.mark.parametrize("status", [Cycle.Status.REPORTING, Cycle.Status.CLOSED])
def test_the_follow_up_cycle_must_be_planned_or_in_its_review_phase(review, qa_manager, status):
    cycle = CycleFactory(status=status)

    with pytest.raises(ValidationError, match="planned or in its review phase"):
        review_follow_up(review=review, cycle=cycle, actor=qa_manager)


def test_a_cycle_that_already_reviews_the_case_is_refused(review, later_cycle, qa_manager):
    ReviewFactory(cycle=later_cycle, case=review.case)

    with pytest.raises(ValidationError, match="already has a review of case"):
        review_follow_up(review=review, cycle=later_cycle, actor=qa_manager)
    with pytest.raises(ValidationError):  # and the same again, as a double click would
        review_follow_up(review=review, cycle=later_cycle, actor=qa_manager)
    assert Review.objects.filter(cycle=later_cycle, case=review.case).count() == 1


@pytest.mark.parametrize("person", ["reviewer", "practice_lead", "service_manager", "leadership"])
def test_only_the_qa_manager_plans_a_follow_up(request, review, later_cycle, person):
    with pytest.raises(PermissionDenied):
        review_follow_up(review=review, cycle=later_cycle, actor=request.getfixturevalue(person))


# The page.


def url(review):
    return f"/reviews/{review.pk}/follow-up/"


def test_the_qa_manager_sees_the_follow_up_page_with_the_later_cycles(
    client, review, later_cycle, qa_manager
):
    closed = CycleFactory(status=Cycle.Status.CLOSED)
    client.force_login(qa_manager)

    response = client.get(url(review))

    content = response.content.decode()
    assert response.status_code == 200
    assert f'<h1 class="h2">Plan a follow-up review: case {review.case.reference}</h1>' in content
    assert "was graded Requires Improvement" in content
    assert f">{later_cycle.name}</option>" in content
    assert f">{review.cycle.name}</option>" not in content
    assert f">{closed.name}</option>" not in content


def test_the_follow_up_is_added_and_the_qa_manager_sent_to_assign_its_reviewer(
    client, review, later_cycle, qa_manager
):
    client.force_login(qa_manager)

    response = client.post(url(review), {"cycle": later_cycle.pk}, follow=True)

    assert response.redirect_chain[0][0] == f"/cycles/{later_cycle.pk}/sample/"
    assert "Follow-up review of case" in response.content.decode()
    assert Review.objects.get(follow_up_of=review).cycle == later_cycle


def test_choosing_no_cycle_shows_the_error_and_adds_nothing(
    client, review, later_cycle, qa_manager
):
    client.force_login(qa_manager)

    response = client.post(url(review), {"cycle": ""})

    assert response.status_code == 200
    assert "Choose the cycle of the follow-up review." in response.content.decode()
    assert not Review.objects.filter(follow_up_of=review).exists()


def test_a_good_review_has_no_follow_up_page(client, review, later_cycle, qa_manager):
    Review.objects.filter(pk=review.pk).update(final_grade="good")
    client.force_login(qa_manager)

    response = client.get(url(review), follow=True)

    assert response.redirect_chain[-1][0] == f"/reviews/{review.pk}/"
    assert "only Requires Improvement and Inadequate" in response.content.decode()


@pytest.mark.parametrize("person", ["reviewer", "practitioner", "practice_lead", "moderator"])
def test_other_roles_get_403_from_the_follow_up_page(client, request, review, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(url(review)).status_code == 403
    assert client.post(url(review), {}).status_code == 403


def test_an_unknown_review_is_404(client, qa_manager):
    client.force_login(qa_manager)

    assert client.get("/reviews/999999/follow-up/").status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, review):
    response = client.get(url(review))

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url(review)}"


# Both review pages show the link and the grade change.


def test_the_original_shows_the_follow_up_with_the_change_of_grade(
    client, review, later_cycle, qa_manager, practice_lead, reviewer
):
    follow_up = review_follow_up(review=review, cycle=later_cycle, actor=qa_manager)
    client.force_login(practice_lead)

    before = client.get(f"/reviews/{review.pk}/").content.decode()
    Review.objects.filter(pk=follow_up.pk).update(
        status=S.SUBMITTED,
        reviewer=reviewer,
        grade="good",
        final_grade="good",
        submitted_at=timezone.now(),
    )
    after = client.get(f"/reviews/{review.pk}/").content.decode()

    link = f'<a href="/reviews/{follow_up.pk}/">{later_cycle.name}</a>'
    assert f"Followed up in {link}: not graded yet." in before
    assert f"Followed up in {link}: grade Requires Improvement → Good." in after


def test_the_follow_up_shows_what_it_follows_up_and_the_change_of_grade(
    client, review, later_cycle, qa_manager, reviewer
):
    follow_up = review_follow_up(review=review, cycle=later_cycle, actor=qa_manager)
    client.force_login(qa_manager)

    before = client.get(f"/reviews/{follow_up.pk}/").content.decode()
    Review.objects.filter(pk=follow_up.pk).update(
        status=S.SUBMITTED,
        reviewer=reviewer,
        grade="inadequate",
        final_grade="inadequate",
        submitted_at=timezone.now(),
    )
    after = client.get(f"/reviews/{follow_up.pk}/").content.decode()

    link = f'<a href="/reviews/{review.pk}/">review in {review.cycle.name}</a>'
    assert f"Follow-up of the {link}, graded Requires Improvement. This review" in before
    assert (
        f"Follow-up of the {link}, graded Requires Improvement: grade Requires Improvement "
        "→ Inadequate." in after
    )


def test_the_review_page_offers_the_qa_manager_a_follow_up_of_a_ri_review_only(
    client, review, qa_manager, reviewer
):
    good = ReviewFactory(status=S.SUBMITTED, grade="good", submitted_at=timezone.now())
    client.force_login(qa_manager)

    assert "Plan a follow-up review" in client.get(f"/reviews/{review.pk}/").content.decode()
    assert "Plan a follow-up review" not in client.get(f"/reviews/{good.pk}/").content.decode()
    client.force_login(reviewer)
    assert "Plan a follow-up review" not in client.get(f"/reviews/{review.pk}/").content.decode()
