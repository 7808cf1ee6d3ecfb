"""'My work' says what is waiting for each role, and keeps the empty state when nothing is."""

import pytest

from audits.tests.factories import CaseFactory, CycleFactory
from reviews.models import Escalation
from reviews.tests.factories import ReviewFactory, submitted_review

pytestmark = pytest.mark.django_db


def _home(client, person) -> str:
    client.force_login(person)
    return client.get("/").content.decode()


def test_a_reviewer_sees_how_many_reviews_they_have_to_complete(client, reviewer):
    ReviewFactory(reviewer=reviewer)

    assert "You have 1 review to complete." in _home(client, reviewer)


def test_a_moderator_sees_the_submitted_reviews_of_their_area(client, moderator, service_area):
    submitted_review(service_area=service_area)
    submitted_review(service_area=service_area)

    assert "2 submitted reviews are waiting." in _home(client, moderator)


def test_a_moderator_of_another_area_sees_nothing_waiting(client, outsider, service_area):
    submitted_review(service_area=service_area)

    content = _home(client, outsider)

    assert "waiting." not in content
    assert "No submitted reviews are waiting for you to moderate." in content


def test_a_service_manager_sees_escalations_needing_assurance(
    client, service_manager, service_area
):
    review = submitted_review(service_area=service_area, grade="inadequate")
    Escalation.objects.create(review=review, source="submit", deadline="2026-11-25")

    assert "1 escalation needs your assurance." in _home(client, service_manager)


def test_the_qa_manager_sees_the_open_cycles_progress(client, qa_manager):
    cycle = CycleFactory(status="review")
    ReviewFactory(cycle=cycle, case=CaseFactory())

    assert f"{cycle.name} is in its review phase: 0 of 1 reviews submitted." in _home(
        client, qa_manager
    )
