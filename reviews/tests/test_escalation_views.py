"""Request tests for escalations: the list with its open / overdue / closed views, an
escalation's page, the Service Manager's assurance and the Head of Service's decision."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from reviews.escalations import escalation_raise, escalation_record_assurance
from reviews.models import Escalation

from .factories import EscalationFactory, submitted_review

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _wednesday_25_november_2026():
    """An escalation due yesterday is overdue."""
    with time_machine.travel(datetime.datetime(2026, 11, 25, 10, tzinfo=datetime.UTC), tick=False):
        yield


E = Escalation.Status
YESTERDAY = datetime.date(2026, 11, 24)
NEXT_WEEK = datetime.date(2026, 12, 2)
ASSURANCE = {
    "safety_assurance": "Visited today: the child is safe.",
    "mitigation": "Daily visits and a safety plan.",
    "actions_needed": "A strategy discussion by Friday.",
}


def escalation_in(area, **fields) -> Escalation:
    fields.setdefault("deadline", NEXT_WEEK)
    return EscalationFactory(
        review=submitted_review(service_area=area, grade="inadequate"), **fields
    )


@pytest.fixture
def escalation(service_area):
    return escalation_in(service_area)


# The list


def test_the_list_shows_open_escalations_of_the_users_services_by_default(
    client, service_manager, service_area, other_service_area
):
    overdue = escalation_in(service_area, deadline=YESTERDAY)
    upcoming = escalation_in(service_area)
    disputed = escalation_in(service_area, status=E.DISPUTED)
    escalation_in(service_area, status=E.CLOSED)
    escalation_in(other_service_area)
    client.force_login(service_manager)

    response = client.get("/reviews/escalations/")

    assert response.status_code == 200
    assert response.context["show"] == "open"
    assert list(response.context["page_obj"].object_list) == [overdue, upcoming, disputed]
    content = response.content.decode()
    assert overdue.review.case.reference in content
    assert overdue.review.case.team.name in content
    assert f'href="/reviews/escalations/{overdue.pk}/"' in content
    assert f'href="/reviews/{overdue.review.pk}/"' in content
    assert "24 Nov 2026" in content
    assert "Overdue</strong>" in content
    assert "Open (3)" in content
    assert "Overdue (1)" in content
    assert "Closed (1)" in content


@pytest.mark.parametrize(("show", "expected"), [("overdue", ["overdue"]), ("closed", ["closed"])])
def test_the_overdue_and_closed_views(client, head_of_service, service_area, show, expected):
    made = {
        "overdue": escalation_in(service_area, deadline=YESTERDAY),
        "open": escalation_in(service_area),
        "closed": escalation_in(service_area, status=E.CLOSED, deadline=YESTERDAY),
    }
    client.force_login(head_of_service)

    listed = client.get(f"/reviews/escalations/?show={show}").context["page_obj"].object_list

    assert list(listed) == [made[name] for name in expected]


def test_a_view_with_nothing_in_it_says_so(client, service_manager, service_area):
    escalation_in(service_area)
    client.force_login(service_manager)

    content = client.get("/reviews/escalations/?show=closed").content.decode()

    assert "No escalations have been closed in your service areas yet." in content


def test_the_list_runs_as_many_queries_for_30_escalations_as_for_5(
    client, service_manager, service_area
):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/reviews/escalations/").status_code == 200
        return len(queries)

    client.force_login(service_manager)
    for _ in range(5):
        escalation_in(service_area)
    five = count_queries()
    for _ in range(25):
        escalation_in(service_area)

    assert count_queries() == five
    assert len(client.get("/reviews/escalations/").context["page_obj"].object_list) == 25


def test_an_outsider_sees_none_of_another_services_escalations(client, outsider, escalation):
    client.force_login(outsider)

    response = client.get("/reviews/escalations/")

    assert response.status_code == 200
    assert list(response.context["page_obj"].object_list) == []
    assert escalation.review.case.reference not in response.content.decode()


@pytest.mark.parametrize("person", ["moderator", "reviewer", "practitioner", "qa_manager"])
def test_the_list_is_forbidden_to_other_roles(client, request, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get("/reviews/escalations/").status_code == 403


# An escalation's page


def test_the_service_manager_sees_the_escalation_with_the_assurance_form(
    client, service_manager, escalation
):
    client.force_login(service_manager)

    response = client.get(f"/reviews/escalations/{escalation.pk}/")

    assert response.status_code == 200
    content = response.content.decode()
    assert f"Escalation: case {escalation.review.case.reference}</h1>" in content
    assert "Contingency planning." in content  # what needs to improve
    assert 'data-testid="reviewer-grade">Inadequate' in content
    assert "due by the end of Wednesday 2 December 2026" in content
    assert f'action="/reviews/escalations/{escalation.pk}/assurance/"' in content
    assert response.context["decision_form"] is None


def test_an_overdue_escalation_says_so_in_words(client, head_of_service, service_area):
    overdue = escalation_in(service_area, deadline=YESTERDAY)
    client.force_login(head_of_service)

    content = client.get(f"/reviews/escalations/{overdue.pk}/").content.decode()

    assert "Overdue: the service manager's assurance was due by the end of Tuesday 24 November" in (
        content
    )


def test_the_head_of_service_sees_the_escalation_without_the_assurance_form(
    client, head_of_service, escalation
):
    client.force_login(head_of_service)

    response = client.get(f"/reviews/escalations/{escalation.pk}/")

    assert response.status_code == 200
    assert response.context["assurance_form"] is None


def test_an_escalation_of_another_service_is_404(client, outsider, escalation):
    client.force_login(outsider)

    assert client.get(f"/reviews/escalations/{escalation.pk}/").status_code == 404
    url = f"/reviews/escalations/{escalation.pk}/assurance/"
    assert client.post(url, ASSURANCE).status_code == 404
    assert Escalation.objects.get(pk=escalation.pk).status == E.RAISED


@pytest.mark.parametrize("person", ["moderator", "reviewer", "practice_lead"])
def test_an_escalation_is_forbidden_to_other_roles(client, request, escalation, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(f"/reviews/escalations/{escalation.pk}/").status_code == 403
    assert client.post(f"/reviews/escalations/{escalation.pk}/assurance/").status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "/reviews/escalations/",
        "/reviews/escalations/{pk}/",
        "/reviews/escalations/{pk}/assurance/",
        "/reviews/escalations/{pk}/decision/",
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(client, escalation, url):
    url = url.format(pk=escalation.pk)

    assert client.get(url)["Location"] == f"/login/?next={url}"
    assert client.post(url)["Location"] == f"/login/?next={url}"


def test_the_page_shows_the_escalations_history(client, service_manager, service_area, reviewer):
    review = submitted_review(service_area=service_area, grade="inadequate", reviewer=reviewer)
    escalation = escalation_raise(review=review, source="submit", actor=reviewer)
    escalation_record_assurance(
        escalation=escalation, actor=service_manager, urgent=False, **ASSURANCE
    )
    client.force_login(service_manager)

    content = client.get(f"/reviews/escalations/{escalation.pk}/").content.decode()

    history = content[content.index('data-testid="escalation-history"') :]
    assert "Graded Inadequate: the reviewer&#x27;s grade." in history
    assert str(reviewer) in history
    assert "Waiting for assurance to Closed" in history
    assert "Assurance recorded." in history


# Assurance


def test_the_service_manager_records_assurance_and_closes_the_escalation(
    client, service_manager, escalation
):
    client.force_login(service_manager)

    response = client.post(
        f"/reviews/escalations/{escalation.pk}/assurance/",
        ASSURANCE | {"urgent": "on"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == f"/reviews/escalations/{escalation.pk}/"
    content = response.content.decode()
    assert "Assurance recorded. The escalation is closed." in content
    assert "Visited today: the child is safe." in content
    escalation.refresh_from_db()
    assert (escalation.status, escalation.urgent, escalation.assured_by) == (
        E.CLOSED,
        True,
        service_manager,
    )


def test_assurance_missing_its_parts_lists_each_and_keeps_the_input(
    client, service_manager, escalation
):
    client.force_login(service_manager)

    response = client.post(
        f"/reviews/escalations/{escalation.pk}/assurance/", {"mitigation": "Kept as typed."}
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert 'href="#id_safety_assurance"' in content
    assert "Enter your assurance on the child&#x27;s safety" in content
    assert "Enter the actions needed" in content
    assert "Kept as typed.</textarea>" in content
    assert Escalation.objects.get(pk=escalation.pk).status == E.RAISED


def test_a_dispute_without_a_reason_is_refused_beside_its_field(
    client, service_manager, escalation
):
    client.force_login(service_manager)

    response = client.post(
        f"/reviews/escalations/{escalation.pk}/assurance/", ASSURANCE | {"disputed": "on"}
    )

    assert 'href="#id_dispute_reason"' in response.content.decode()


def test_the_head_of_service_of_the_service_cannot_record_assurance(
    client, head_of_service, escalation
):
    client.force_login(head_of_service)

    response = client.post(f"/reviews/escalations/{escalation.pk}/assurance/", ASSURANCE)

    assert response.status_code == 403
    assert Escalation.objects.get(pk=escalation.pk).status == E.RAISED


def test_assurance_posted_twice_is_refused_with_a_message(client, service_manager, escalation):
    client.force_login(service_manager)
    url = f"/reviews/escalations/{escalation.pk}/assurance/"
    client.post(url, ASSURANCE)

    response = client.post(url, ASSURANCE | {"safety_assurance": "Again."}, follow=True)

    assert "Assurance has already been recorded" in response.content.decode()
    assert (
        Escalation.objects.get(pk=escalation.pk).safety_assurance == ASSURANCE["safety_assurance"]
    )


def test_assurance_and_decision_are_posts_only(client, service_manager, escalation):
    client.force_login(service_manager)

    assert client.get(f"/reviews/escalations/{escalation.pk}/assurance/").status_code == 405


# Dispute and decision


def test_a_dispute_goes_to_the_head_of_service_who_decides_and_closes_it(
    client, service_manager, head_of_service, escalation
):
    client.force_login(service_manager)
    client.post(
        f"/reviews/escalations/{escalation.pk}/assurance/",
        ASSURANCE | {"disputed": "on", "dispute_reason": "Requires Improvement at most."},
    )
    client.force_login(head_of_service)

    page = client.get(f"/reviews/escalations/{escalation.pk}/")
    assert page.context["decision_form"] is not None
    assert "Requires Improvement at most." in page.content.decode()
    response = client.post(
        f"/reviews/escalations/{escalation.pk}/decision/", {"decision": "It stands."}, follow=True
    )

    assert "Your decision is recorded. The escalation is closed." in response.content.decode()
    assert "It stands." in response.content.decode()
    assert Escalation.objects.get(pk=escalation.pk).status == E.CLOSED


def test_the_service_manager_cannot_decide_a_dispute(client, service_manager, service_area):
    disputed = escalation_in(service_area, status=E.DISPUTED)
    client.force_login(service_manager)

    response = client.post(f"/reviews/escalations/{disputed.pk}/decision/", {"decision": "Mine."})

    assert response.status_code == 403
    assert Escalation.objects.get(pk=disputed.pk).status == E.DISPUTED


def test_a_decision_needs_words(client, head_of_service, service_area):
    disputed = escalation_in(service_area, status=E.DISPUTED)
    client.force_login(head_of_service)

    response = client.post(f"/reviews/escalations/{disputed.pk}/decision/", {"decision": ""})

    assert response.status_code == 200
    assert "Enter your decision on the level of concern" in response.content.decode()


def test_a_decision_on_an_escalation_not_disputed_is_refused_with_a_message(
    client, head_of_service, escalation
):
    client.force_login(head_of_service)

    response = client.post(
        f"/reviews/escalations/{escalation.pk}/decision/", {"decision": "Early."}, follow=True
    )

    assert "only a disputed escalation" in response.content.decode()


def test_an_organisation_wide_head_of_service_sees_every_service(client, escalation):
    everywhere = UserFactory(roles=[("head_of_service", None)])
    client.force_login(everywhere)

    assert client.get(f"/reviews/escalations/{escalation.pk}/").status_code == 200


def test_the_escalation_page_is_under_escalations_in_the_navigation(
    client, service_manager, escalation
):
    client.force_login(service_manager)

    response = client.get(f"/reviews/escalations/{escalation.pk}/")

    current = [item["label"] for item in response.context["nav_items"] if item["current"]]
    assert current == ["Escalations"]
