"""The reviews list: filters, ordering, pages, and the choices each person is offered."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import TeamFactory
from reviews.models import Review

from .factories import CycleFactory, ReviewFactory, ToolkitVersionFactory

pytestmark = pytest.mark.django_db


def listed(client, query="") -> list[Review]:
    response = client.get(f"/reviews/{query}")
    assert response.status_code == 200
    return list(response.context["page_obj"].object_list)


def test_the_list_is_ordered_newest_cycle_first_then_due_date_then_case(client, qa_manager):
    january = CycleFactory(review_starts_on=datetime.date(2026, 1, 5))
    march = CycleFactory(review_starts_on=datetime.date(2026, 3, 2))
    a = ReviewFactory(cycle=january, due_on=datetime.date(2026, 1, 30), case__reference="C-1")
    b = ReviewFactory(cycle=march, due_on=datetime.date(2026, 3, 30), case__reference="C-3")
    c = ReviewFactory(cycle=march, due_on=datetime.date(2026, 3, 27), case__reference="C-2")
    d = ReviewFactory(cycle=march, due_on=datetime.date(2026, 3, 27), case__reference="C-1B")
    client.force_login(qa_manager)

    assert listed(client) == [d, c, b, a]


def test_the_list_shows_each_reviews_details(client, qa_manager):
    review = ReviewFactory(
        status=Review.Status.SUBMITTED,
        grade="good",
        submitted_at=datetime.datetime(2026, 1, 30, tzinfo=datetime.UTC),
    )
    client.force_login(qa_manager)

    content = client.get("/reviews/").content.decode()

    for text in (
        f'<a href="/reviews/{review.pk}/">{review.case.reference}</a>',
        review.case.service_area.name,
        review.case.team.name,
        review.toolkit_version.toolkit.name,
        review.cycle.name,
        str(review.reviewer),
        "Submitted",
        "Good",
        "<caption",
    ):
        assert text in content


def test_a_drafts_grade_is_not_shown_or_filtered_until_submitted(client, qa_manager):
    ReviewFactory(status=Review.Status.IN_PROGRESS, grade="inadequate")
    client.force_login(qa_manager)

    assert "Inadequate</td>" not in client.get("/reviews/").content.decode()
    assert listed(client, "?grade=inadequate") == []


@pytest.mark.parametrize("name", ["cycle", "service_area", "team", "toolkit", "status", "grade"])
def test_each_filter_narrows_the_list(client, qa_manager, name):
    wanted, other = (
        ReviewFactory(
            status=status,
            grade=grade,
            submitted_at=datetime.datetime(2026, 1, 30, tzinfo=datetime.UTC),
        )
        for status, grade in [("submitted", "good"), ("moderated", "inadequate")]
    )
    value = {
        "cycle": wanted.cycle_id,
        "service_area": wanted.case.service_area_id,
        "team": wanted.case.team_id,
        "toolkit": wanted.toolkit_version.toolkit_id,
        "status": "submitted",
        "grade": "good",
    }[name]
    client.force_login(qa_manager)

    assert listed(client, f"?{name}={value}") == [wanted]
    assert other in listed(client)


def test_filters_offer_only_the_choices_within_the_users_scope(
    client, moderator, service_area, other_service_area
):
    mine = ReviewFactory(case__team=TeamFactory(service_area=service_area, name="Mine team"))
    theirs = ReviewFactory(
        case__team=TeamFactory(service_area=other_service_area, name="Their team")
    )
    client.force_login(moderator)

    form = client.get("/reviews/").context["filter"].form

    def offered(name):
        return {str(label) for value, label in form.fields[name].choices if value}

    assert offered("cycle") == {mine.cycle.name}
    assert offered("service_area") == {"Children in Need"}
    assert offered("team") == {"Mine team (Children in Need)"}
    assert offered("toolkit") == {mine.toolkit_version.toolkit.name}
    assert theirs.toolkit_version.toolkit.name not in client.get("/reviews/").content.decode()


def test_a_filter_value_outside_the_users_scope_finds_nothing_more(
    client, moderator, service_area, other_service_area
):
    ReviewFactory(case__team=TeamFactory(service_area=service_area))
    theirs = ReviewFactory(case__team=TeamFactory(service_area=other_service_area))
    client.force_login(moderator)

    reviews = listed(client, f"?cycle={theirs.cycle_id}")

    assert theirs not in reviews


def test_the_list_is_paginated_by_25_and_pages_keep_the_filters(client, qa_manager):
    cycle = CycleFactory()
    version = ToolkitVersionFactory(published=True)
    ReviewFactory.create_batch(27, cycle=cycle, toolkit_version=version)
    client.force_login(qa_manager)

    first = client.get(f"/reviews/?cycle={cycle.pk}")
    second = listed(client, f"?cycle={cycle.pk}&page=2")

    assert len(first.context["page_obj"].object_list) == 25
    assert f"?cycle={cycle.pk}&amp;page=2" in first.content.decode()
    assert len(second) == 2


def test_an_empty_list_says_so(client, qa_manager):
    client.force_login(qa_manager)

    content = client.get("/reviews/").content.decode()

    assert "There are no reviews you can see yet." in content


def test_a_filter_that_matches_nothing_says_so(client, qa_manager):
    ReviewFactory(status=Review.Status.ASSIGNED)
    client.force_login(qa_manager)

    content = client.get("/reviews/?status=finalised").content.decode()

    assert "No reviews match these filters." in content


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    assert client.get("/reviews/")["Location"] == "/login/?next=/reviews/"


def queries_for(client, person, query="") -> int:
    client.force_login(person)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/reviews/{query}").status_code == 200
    return len(queries)


@pytest.mark.parametrize("person", ["qa_manager", "moderator", "practitioner"])
def test_the_list_runs_as_many_queries_for_30_reviews_as_for_5(
    client, request, person, service_area
):
    user = request.getfixturevalue(person)
    team = TeamFactory(service_area=service_area)
    cycles = CycleFactory.create_batch(3)

    def add(count):
        for n in range(count):
            ReviewFactory(case__team=team, case__practitioner=user, cycle=cycles[n % 3])

    add(5)
    five = queries_for(client, user, "?status=assigned")
    add(25)

    assert queries_for(client, user, "?status=assigned") == five
