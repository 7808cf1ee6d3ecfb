"""The feedback hub (/feedback/): the QA Manager's way into each kind of feedback, with counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from feedback.tests.factories import (
    ComplaintComplimentFactory,
    FamilyFeedbackOnCaseFactory,
    FeedbackThemeFactory,
    IROFeedbackFactory,
    YouSaidWeDidFactory,
)

URL = "/feedback/"


def test_the_qa_manager_sees_each_kind_of_feedback_with_its_count(client, qa_manager):
    ComplaintComplimentFactory.create_batch(2, kind="complaint")
    ComplaintComplimentFactory(kind="compliment")
    IROFeedbackFactory()
    FamilyFeedbackOnCaseFactory()
    YouSaidWeDidFactory(theme=FeedbackThemeFactory(name="Respect"))
    FeedbackThemeFactory(name="Old", active=False)
    client.force_login(qa_manager)

    response = client.get(URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="h2">Feedback</h1>' in page
    assert response.context["counts"] == {
        "iro": 1,
        "family": 1,
        "complaints": 2,
        "compliments": 1,
        "you_said_we_did": 1,
        "themes": 1,
    }
    for link in (
        "/feedback/iro/",
        "/feedback/family/",
        "/feedback/complaints/",
        "/feedback/you-said-we-did/",
        "/feedback/themes/",
    ):
        assert f'href="{link}' in page
    current = [item["label"] for item in response.context["nav_items"] if item["current"]]
    assert current == ["Feedback"]


def test_the_hub_queries_do_not_grow_with_feedback(client, qa_manager):
    client.force_login(qa_manager)
    with CaptureQueriesContext(connection) as empty:
        client.get(URL)
    ComplaintComplimentFactory.create_batch(3)
    IROFeedbackFactory.create_batch(2)
    with CaptureQueriesContext(connection) as full:
        client.get(URL)

    assert len(full) == len(empty)


@pytest.mark.parametrize(
    "person",
    [
        "reviewer",
        "moderator",
        "service_manager",
        "head_of_service",
        "practitioner",
        "practice_lead",
        "leadership",
        "superuser",
        "outsider",
        "nobody",
    ],
)
def test_everyone_else_is_refused(client, request, person):
    client.force_login(request.getfixturevalue(person))

    response = client.get(URL)

    assert response.status_code == 403
    assert "You cannot open this page" in response.content.decode()


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_log_in_and_back(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={URL}"
