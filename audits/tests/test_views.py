"""Request tests for the QA cycles page."""

import pytest

from accounts.tests.factories import EVERY_FIXTURE_PERSON as PEOPLE

URL = "/cycles/"
HEADING = "QA cycles"
EMPTY_STATE = "No cycles have been planned yet."

# Who may open the page, and who may not: every person the conftest provides, plus `nobody`
# (logged in, no role).
ALLOWED = {
    "qa_manager",
}
FORBIDDEN = {
    "data_protection_officer",
    "head_of_service",
    "leadership",
    "moderator",
    "nobody",
    "outsider",
    "practice_lead",
    "practitioner",
    "reviewer",
    "service_manager",
    "superuser",
}


def test_the_tables_say_for_every_person_whether_they_may_open_the_page():
    assert ALLOWED | FORBIDDEN == PEOPLE
    assert not ALLOWED & FORBIDDEN


@pytest.mark.parametrize("person", sorted(ALLOWED))
def test_an_allowed_person_sees_the_page_with_its_heading_and_empty_state(client, request, person):
    client.force_login(request.getfixturevalue(person))

    response = client.get(URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert f'<h1 class="h2">{HEADING}</h1>' in content
    assert EMPTY_STATE in content
    assert 'data-testid="empty-state"' in content


@pytest.mark.parametrize("person", sorted(FORBIDDEN))
def test_a_forbidden_person_gets_403(client, request, person):
    client.force_login(request.getfixturevalue(person))

    response = client.get(URL)

    assert response.status_code == 403
    assert "You cannot open this page" in response.content.decode()


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_log_in_and_back(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={URL}"


def test_the_navigation_marks_the_page_as_current(client, qa_manager):
    client.force_login(qa_manager)

    response = client.get(URL)

    current = [item["label"] for item in response.context["nav_items"] if item["current"]]
    assert current == ["QA cycles"]
