"""The dashboard: which cycle and service areas each person sees, the figures shown, who may
open it, and a query count that does not grow with the number of reviews."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import TeamFactory
from audits.models import Cycle
from audits.tests.factories import CycleFactory
from reviews.tests.factories import (
    ActionFactory,
    EscalationFactory,
    ReviewFactory,
    submitted_review,
)

pytestmark = pytest.mark.django_db

URL = "/reporting/dashboard/"


@pytest.fixture
def cycle():
    return CycleFactory(name="Autumn review", status=Cycle.Status.REVIEW)


@pytest.fixture
def world(cycle, service_area, other_service_area):
    """Children in Need: two of three reviews submitted (Good, Inadequate with an escalation and
    an action). Children in Care: one review submitted, graded Outstanding."""
    submitted_review(service_area=service_area, cycle=cycle, grade="good", child_seen=True)
    inadequate = submitted_review(service_area=service_area, cycle=cycle, grade="inadequate")
    ReviewFactory(cycle=cycle, case__team=TeamFactory(service_area=service_area))
    EscalationFactory(review=inadequate)
    ActionFactory(review=inadequate)
    submitted_review(service_area=other_service_area, cycle=cycle, grade="outstanding")
    return cycle


def dashboard(client, user, query=""):
    client.force_login(user)
    return client.get(URL + query)


@pytest.mark.parametrize("person", ["leadership", "qa_manager"])
def test_leadership_and_the_qa_manager_see_the_whole_organisation(client, request, person, world):
    response = dashboard(client, request.getfixturevalue(person))

    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["figures"].service_area is None
    assert "3 of 4 planned reviews completed (75%)" in content
    assert "Final grades by service area" in content
    assert "Reviews graded Good or better by cycle" in content
    assert "Child seen: 1 of 3 (33%)" in content
    assert "Raised: 1" in content
    # Nothing assured yet: no median, shown as a dash read out as "no data".
    assert 'Median time to assurance: <span aria-hidden="true">' in content
    assert '<span class="visually-hidden">no data</span>' in content
    assert "Agreed: 1" in content
    assert "There are no completed reviews" not in content


def test_the_practice_themes_tagged_on_completed_reviews_are_shown(
    client, leadership, cycle, service_area
):
    from reviews.models import PracticeTheme, ReviewTheme

    review = submitted_review(service_area=service_area, cycle=cycle, grade="good")
    draft = ReviewFactory(cycle=cycle, case__team=TeamFactory(service_area=service_area))
    planning = PracticeTheme.objects.create(name="Planning and outcome focus")
    ReviewTheme.objects.create(review=review, theme=planning, kind=ReviewTheme.Kind.STRENGTH)
    ReviewTheme.objects.create(review=draft, theme=planning, kind=ReviewTheme.Kind.DEVELOPMENT)

    content = dashboard(client, leadership).content.decode()

    assert "tagged on 1 completed review, the most tagged first" in content
    assert (
        '<th scope="row" class="fw-normal">Planning and outcome focus</th>'
        '<td class="text-end">1 review</td><td class="text-end">0 reviews</td>'
    ) in content


def test_without_practice_themes_the_dashboard_says_so(client, leadership, world):
    content = dashboard(client, leadership).content.decode()

    assert "No practice themes were tagged on this cycle's completed reviews yet." in content


def test_leadership_may_narrow_the_figures_to_one_service_area(
    client, leadership, world, service_area
):
    response = dashboard(client, leadership, f"?service={service_area.pk}")

    content = response.content.decode()
    assert response.context["figures"].service_area == service_area
    assert "2 of 3 planned reviews completed (67%)" in content
    assert "Final grades by service area" not in content


@pytest.mark.parametrize("person", ["service_manager", "head_of_service"])
def test_service_managers_see_only_their_area(client, request, person, world, service_area):
    response = dashboard(client, request.getfixturevalue(person))

    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["figures"].service_area == service_area
    # The Outstanding review in Children in Care does not count.
    assert "2 of 3 planned reviews completed (67%)" in content
    assert response.context["figures"].grades["grades"]["outstanding"]["count"] == 0
    assert "Final grades by service area" not in content
    assert 'id="dashboard-service"' not in content  # one area: nothing to choose


def test_a_service_manager_with_several_areas_chooses_among_them(
    client, service_manager, world, service_area, other_service_area
):
    from accounts.models import Role, RoleMembership

    RoleMembership.objects.create(
        user=service_manager, role=Role.SERVICE_MANAGER, service_area=other_service_area
    )

    response = dashboard(client, service_manager, f"?service={other_service_area.pk}")

    assert response.context["figures"].service_area == other_service_area
    assert "1 of 1 planned reviews completed (100%)" in response.content.decode()
    assert {a.pk for a in response.context["scope"].areas} == {
        service_area.pk,
        other_service_area.pk,
    }


def test_a_service_area_outside_a_service_managers_scope_is_not_found(
    client, service_manager, world, other_service_area
):
    response = dashboard(client, service_manager, f"?service={other_service_area.pk}")

    assert response.status_code == 404


@pytest.mark.parametrize("query", ["?cycle=999999", "?cycle=abc", "?service=abc"])
def test_an_unknown_choice_is_not_found(client, leadership, world, query):
    assert dashboard(client, leadership, query).status_code == 404


def test_the_cycle_under_review_is_shown_by_default_and_another_may_be_chosen(
    client, leadership, world
):
    closed = CycleFactory(name="Summer review", status=Cycle.Status.CLOSED)
    submitted_review(cycle=closed)

    assert dashboard(client, leadership).context["cycle"] == world
    response = dashboard(client, leadership, f"?cycle={closed.pk}")
    assert response.context["cycle"] == closed
    assert "1 of 1 planned reviews completed" in response.content.decode()


def test_without_a_cycle_under_review_the_latest_in_reporting_is_shown(client, leadership):
    CycleFactory(status=Cycle.Status.CLOSED)
    reporting = CycleFactory(status=Cycle.Status.REPORTING)
    CycleFactory(status=Cycle.Status.PLANNED)

    assert dashboard(client, leadership).context["cycle"] == reporting


@pytest.mark.parametrize("person", ["reviewer", "practitioner"])
def test_reviewers_and_practitioners_may_not_open_the_dashboard(client, request, person):
    assert dashboard(client, request.getfixturevalue(person)).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={URL}"


def test_with_no_cycle_the_dashboard_shows_an_empty_state(client, leadership):
    response = dashboard(client, leadership)

    assert response.status_code == 200
    assert "There are no completed reviews to report on yet." in response.content.decode()


def test_a_cycle_without_reviews_shows_an_empty_state(client, leadership, cycle):
    response = dashboard(client, leadership)

    assert response.context["figures"] is None
    assert "There are no completed reviews to report on yet." in response.content.decode()


def test_the_number_of_queries_does_not_grow_with_the_reviews(
    client, leadership, cycle, service_area, other_service_area
):
    client.force_login(leadership)

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(URL).status_code == 200
        return len(context.captured_queries)

    for i in range(5):
        area = service_area if i % 2 else other_service_area
        EscalationFactory(review=submitted_review(service_area=area, cycle=cycle))
    few = queries()
    for i in range(25):
        area = service_area if i % 2 else other_service_area
        ActionFactory(review=submitted_review(service_area=area, cycle=cycle, grade="inadequate"))

    assert queries() == few
