"""Request tests for the reviews pages: my reviews, moderation, escalations and actions."""

import pytest

from accounts.tests.factories import EVERY_FIXTURE_PERSON as PEOPLE

# url: (heading, empty state)
PAGES = {
    "/reviews/mine/": (
        "My reviews",
        "You have no reviews assigned. When the QA Manager opens a cycle, the cases you are to "
        "review appear here.",
    ),
    "/reviews/moderation/": (
        "Moderation",
        "No submitted reviews are waiting for moderation.",
    ),
    "/reviews/escalations/": (
        "Escalations",
        "No escalations are open, overdue or closed in your service areas.",
    ),
    "/reviews/actions/": (
        "Actions",
        "There are no agreed actions for you or your services.",
    ),
}

# Who may open each page (a scoped role in any service area is enough for a list: the outsider
# holds every scoped role, in another service area).
ALLOWED = {
    "/reviews/mine/": {"reviewer", "outsider"},
    "/reviews/moderation/": {"moderator", "outsider"},
    "/reviews/escalations/": {"service_manager", "head_of_service", "outsider"},
    "/reviews/actions/": {
        "practitioner",
        "practice_lead",
        "service_manager",
        "head_of_service",
        "outsider",
    },
}

FORBIDDEN = {
    "/reviews/mine/": {
        "moderator",
        "service_manager",
        "head_of_service",
        "practitioner",
        "practice_lead",
        "qa_manager",
        "leadership",
        "data_protection_officer",
        "superuser",
        "nobody",
    },
    "/reviews/moderation/": {
        "reviewer",
        "service_manager",
        "head_of_service",
        "practitioner",
        "practice_lead",
        "qa_manager",
        "leadership",
        "data_protection_officer",
        "superuser",
        "nobody",
    },
    "/reviews/escalations/": {
        "reviewer",
        "moderator",
        "practitioner",
        "practice_lead",
        "qa_manager",
        "leadership",
        "data_protection_officer",
        "superuser",
        "nobody",
    },
    "/reviews/actions/": {
        "reviewer",
        "moderator",
        "qa_manager",
        "leadership",
        "data_protection_officer",
        "superuser",
        "nobody",
    },
}


def allowed_cases():
    return [(url, person) for url, people in ALLOWED.items() for person in sorted(people)]


def forbidden_cases():
    return [(url, person) for url, people in FORBIDDEN.items() for person in sorted(people)]


@pytest.mark.parametrize("url", PAGES)
def test_the_tables_say_for_every_person_whether_they_may_open_the_page(url):
    assert ALLOWED[url] | FORBIDDEN[url] == PEOPLE
    assert not ALLOWED[url] & FORBIDDEN[url]


@pytest.mark.parametrize(("url", "person"), allowed_cases())
def test_an_allowed_person_sees_the_page_with_its_heading_and_empty_state(
    client, request, url, person
):
    heading, empty_state = PAGES[url]
    client.force_login(request.getfixturevalue(person))

    response = client.get(url)

    assert response.status_code == 200
    content = response.content.decode()
    assert f'<h1 class="h2">{heading}</h1>' in content
    assert empty_state in content
    assert 'data-testid="empty-state"' in content


@pytest.mark.parametrize(("url", "person"), forbidden_cases())
def test_a_forbidden_person_gets_403(client, request, url, person):
    client.force_login(request.getfixturevalue(person))

    response = client.get(url)

    assert response.status_code == 403
    assert "You cannot open this page" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_an_anonymous_visitor_is_sent_to_log_in_and_back(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("/reviews/mine/", "My reviews"),
        ("/reviews/moderation/", "Moderation"),
        ("/reviews/escalations/", "Escalations"),
        ("/reviews/actions/", "Actions"),
    ],
)
def test_the_navigation_marks_the_page_as_current(client, outsider, url, label):
    client.force_login(outsider)

    response = client.get(url)

    current = [item["label"] for item in response.context["nav_items"] if item["current"]]
    assert current == [label]
