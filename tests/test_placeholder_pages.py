"""Who may open the dashboard and what everyone else gets; with no cycles yet, the allowed
see its empty state (reporting/tests/test_dashboard.py tests it with data)."""

import pytest

from accounts.tests.factories import EVERY_FIXTURE_PERSON as PEOPLE

# url: (heading, empty state, navigation label, who may open it)
PAGES = {
    "/reporting/dashboard/": (
        "Dashboard",
        "There are no completed reviews to report on yet.",
        {"qa_manager", "leadership", "service_manager", "head_of_service", "outsider"},
    ),
}
CASES = [
    (url, person, person in allowed) for url, (*_, allowed) in PAGES.items() for person in PEOPLE
]


@pytest.mark.parametrize(("url", "person", "allowed"), sorted(CASES))
def test_each_person_may_open_the_page_or_gets_403(client, request, url, person, allowed):
    heading, empty_state, _ = PAGES[url]
    client.force_login(request.getfixturevalue(person))

    response = client.get(url)

    content = response.content.decode()
    if allowed:
        assert response.status_code == 200
        assert f'<h1 class="h2">{heading}</h1>' in content
        assert empty_state in content
        current = [item["label"] for item in response.context["nav_items"] if item["current"]]
        assert current == [heading]
    else:
        assert response.status_code == 403
        assert "You cannot open this page" in content


@pytest.mark.django_db
@pytest.mark.parametrize("url", sorted(PAGES))
def test_an_anonymous_visitor_is_sent_to_log_in_and_back(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"
