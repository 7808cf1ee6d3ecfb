"""Every page that shows a case's review or feedback writes exactly one access record (issue 8)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AccessRecord
from audits.tests.factories import CaseFactory
from feedback.tests.factories import ComplaintComplimentFactory, IROFeedbackFactory
from reviews.models import Review
from reviews.tests.factories import EscalationFactory, ReviewFactory, submitted_review

pytestmark = pytest.mark.django_db


def only_record():
    return AccessRecord.objects.get()


def test_viewing_a_review_writes_exactly_one_access_record(client, reviewer):
    review = ReviewFactory(reviewer=reviewer)
    client.force_login(reviewer)

    response = client.get(f"/reviews/{review.pk}/?tab=findings")

    assert response.status_code == 200
    record = only_record()
    assert (record.user, record.user_email, record.case, record.case_reference) == (
        reviewer,
        reviewer.email,
        review.case,
        review.case.reference,
    )
    assert (record.page, record.object_id) == ("review", review.pk)
    assert record.path == f"/reviews/{review.pk}/"  # never the query string


def test_the_access_record_is_one_insert_on_the_review_page(client, reviewer):
    review = ReviewFactory(reviewer=reviewer)
    client.force_login(reviewer)
    client.get(f"/reviews/{review.pk}/")

    with CaptureQueriesContext(connection) as queries:
        client.get(f"/reviews/{review.pk}/")

    inserts = [q["sql"] for q in queries if "audit_accessrecord" in q["sql"]]
    assert len(inserts) == 1
    assert inserts[0].startswith("INSERT")


def test_autosave_writes_no_access_record(client, reviewer):
    review = ReviewFactory(reviewer=reviewer, status=Review.Status.IN_PROGRESS)
    client.force_login(reviewer)

    response = client.post(
        f"/reviews/{review.pk}/autosave/", {"lock_version": 0, "working_well": "A"}
    )

    assert response.status_code == 200
    assert not AccessRecord.objects.exists()


def test_a_review_outside_scope_answers_404_and_writes_nothing(client, outsider, reviewer):
    review = ReviewFactory(reviewer=reviewer)
    client.force_login(outsider)

    assert client.get(f"/reviews/{review.pk}/").status_code == 404
    assert not AccessRecord.objects.exists()


def test_the_moderation_page_writes_a_record(client, moderator, service_area):
    review = submitted_review(service_area=service_area)
    client.force_login(moderator)

    assert client.get(f"/reviews/moderation/{review.pk}/").status_code == 200
    assert (only_record().page, only_record().object_id) == ("moderation", review.pk)


def test_the_escalation_page_writes_a_record(client, service_manager, service_area):
    escalation = EscalationFactory(
        review=submitted_review(service_area=service_area, grade="inadequate")
    )
    client.force_login(service_manager)

    assert client.get(f"/reviews/escalations/{escalation.pk}/").status_code == 200
    record = only_record()
    assert (record.page, record.object_id, record.case) == (
        "escalation",
        escalation.pk,
        escalation.review.case,
    )


def test_the_iro_feedback_page_writes_a_record(client, qa_manager):
    feedback = IROFeedbackFactory()
    client.force_login(qa_manager)

    assert client.get(f"/feedback/iro/{feedback.pk}/").status_code == 200
    assert (only_record().page, only_record().case) == ("iro_feedback", feedback.case)


def test_a_complaint_naming_a_case_writes_a_record_and_one_naming_none_does_not(client, qa_manager):
    caseless = ComplaintComplimentFactory()
    case = CaseFactory()
    named = ComplaintComplimentFactory(team=case.team, case=case)
    client.force_login(qa_manager)

    assert client.get(f"/feedback/complaints/{caseless.pk}/").status_code == 200
    assert not AccessRecord.objects.exists()
    assert client.get(f"/feedback/complaints/{named.pk}/").status_code == 200
    assert (only_record().page, only_record().case_id) == ("complaint", named.case_id)
