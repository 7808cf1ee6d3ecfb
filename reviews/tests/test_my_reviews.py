""" "My reviews": a reviewer's assignments, by cycle, with status and due date."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.models import Review

from .factories import CycleFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def test_a_reviewer_sees_their_reviews_grouped_by_cycle_newest_first(client, reviewer):
    older, newer = (
        CycleFactory(name="January 2026", review_starts_on=datetime.date(2026, 1, 5)),
        CycleFactory(name="March 2026", review_starts_on=datetime.date(2026, 3, 2)),
    )
    first = ReviewFactory(reviewer=reviewer, cycle=older, case__reference="CMS-1")
    second = ReviewFactory(reviewer=reviewer, cycle=newer, case__reference="CMS-2")
    client.force_login(reviewer)

    response = client.get("/reviews/mine/")

    assert response.status_code == 200
    content = response.content.decode()
    assert content.index("March 2026") < content.index("January 2026")
    assert content.index("CMS-2") < content.index("CMS-1")
    for review in (first, second):
        assert f'<a href="/reviews/{review.pk}/">{review.case.reference}</a>' in content
        assert f"{review.case.service_area.name}, {review.case.team.name}" in content
        assert review.toolkit_version.toolkit.name in content
    assert "Your reviews in March 2026" in content  # each cycle's table has a caption


def test_each_review_shows_its_status_and_due_date(client, reviewer):
    ReviewFactory(
        reviewer=reviewer, status=Review.Status.IN_PROGRESS, due_on=datetime.date(2030, 2, 14)
    )
    client.force_login(reviewer)

    content = client.get("/reviews/mine/").content.decode()

    assert "In progress" in content
    assert "14 February 2030" in content
    assert "Overdue" not in content


def test_an_overdue_review_says_so_in_words(client, reviewer):
    ReviewFactory(reviewer=reviewer, due_on=datetime.date(2020, 1, 31))
    ReviewFactory(
        reviewer=reviewer, due_on=datetime.date(2020, 1, 31), status=Review.Status.SUBMITTED
    )
    client.force_login(reviewer)

    content = client.get("/reviews/mine/").content.decode()

    assert content.count("Overdue</strong>") == 1  # a submitted review is not overdue


def test_a_reviewer_sees_no_one_elses_reviews(client, reviewer, service_area):
    ReviewFactory(case__reference="CMS-SOMEONE-ELSE", case__team__service_area=service_area)
    client.force_login(reviewer)

    content = client.get("/reviews/mine/").content.decode()

    assert "CMS-SOMEONE-ELSE" not in content
    assert 'data-testid="empty-state"' in content


def test_a_reviewer_with_no_assignments_sees_the_empty_state(client, reviewer):
    client.force_login(reviewer)

    content = client.get("/reviews/mine/").content.decode()

    assert "You have no reviews assigned." in content


@pytest.mark.parametrize("person", ["moderator", "qa_manager", "practitioner", "leadership"])
def test_people_who_are_not_reviewers_get_403(client, request, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get("/reviews/mine/").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get("/reviews/mine/")

    assert response["Location"] == "/login/?next=/reviews/mine/"


def queries_for(client, reviewer) -> int:
    client.force_login(reviewer)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/reviews/mine/").status_code == 200
    return len(queries)


def test_my_reviews_runs_as_many_queries_for_30_reviews_as_for_5(client, reviewer):
    cycles = CycleFactory.create_batch(3)
    for n in range(5):
        ReviewFactory(reviewer=reviewer, cycle=cycles[n % 3])
    five = queries_for(client, reviewer)
    for n in range(25):
        ReviewFactory(reviewer=reviewer, cycle=cycles[n % 3])

    assert queries_for(client, reviewer) == five


def test_my_reviews_come_25_to_a_page_newest_cycle_first(client, reviewer):
    older = CycleFactory(name="January 2026", review_starts_on=datetime.date(2026, 1, 5))
    newer = CycleFactory(name="March 2026", review_starts_on=datetime.date(2026, 3, 2))
    for n in range(20):
        ReviewFactory(reviewer=reviewer, cycle=older, case__reference=f"CMS-OLD-{n:02}")
        ReviewFactory(reviewer=reviewer, cycle=newer, case__reference=f"CMS-NEW-{n:02}")
    client.force_login(reviewer)

    first = client.get("/reviews/mine/").content.decode()
    second = client.get("/reviews/mine/", {"page": 2}).content.decode()

    assert first.count('<th scope="row">') == 25
    assert second.count('<th scope="row">') == 15
    assert "CMS-NEW-19" in first
    assert "CMS-OLD-04" in first
    assert "CMS-OLD-05" in second
    assert "Page 1 of 2" in first
    assert "?page=2" in first
    assert "January 2026" in second
    assert "March 2026" not in second


def test_my_reviews_runs_as_many_queries_for_ten_cycles_as_for_one(client, reviewer):
    """Each cycle's heading shows its review phase: read with the reviews, not once a cycle."""
    ReviewFactory(reviewer=reviewer, cycle=CycleFactory())
    one = queries_for(client, reviewer)
    for _ in range(9):
        ReviewFactory(reviewer=reviewer, cycle=CycleFactory())

    assert queries_for(client, reviewer) == one
