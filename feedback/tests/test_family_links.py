"""Feedback links: tokens, single use, expiry, throttle, and who may make a link."""

import datetime
import hmac
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from accounts.permissions import can
from audits.tests.factories import CaseFactory
from feedback import family
from feedback.models import FamilyFeedback, FamilyFeedbackLink, PublicSubmission
from reviews.tests.factories import ReviewFactory

ANSWERS = {"respondent": "parent", "listened_to": 4, "helped": 3, "went_well": "Kind"}


@pytest.fixture
def case(service_area, practitioner):
    return CaseFactory(team__service_area=service_area, practitioner=practitioner)


def test_a_token_has_at_least_128_bits_and_links_do_not_share_tokens(case, qa_manager):
    _, token = family.link_create(case=case, version="standard", actor=qa_manager)
    _, other = family.link_create(case=case, version="standard", actor=qa_manager)
    # token_urlsafe: 6 bits a character, so 22 characters or more carry 128 bits.
    assert len(token) >= 43
    assert token != other


def test_only_a_hash_of_the_token_is_stored(case, qa_manager):
    link, token = family.link_create(case=case, version="younger", actor=qa_manager)
    link.refresh_from_db()
    assert link.token_hash == family.token_hash(token) != token
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM feedback_familyfeedbacklink")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert token not in stored


def test_a_link_expires_after_28_days_by_default(case, qa_manager):
    before = timezone.now()
    link, _ = family.link_create(case=case, version="standard", actor=qa_manager)
    assert before + datetime.timedelta(days=28) <= link.expires_at
    assert link.expires_at <= timezone.now() + datetime.timedelta(days=28)
    assert link.created_by == qa_manager
    assert link.used_at is None


def test_a_token_is_compared_in_constant_time(case, qa_manager):
    link, token = family.link_create(case=case, version="standard", actor=qa_manager)
    with mock.patch("feedback.family.hmac.compare_digest", wraps=hmac.compare_digest) as compare:
        assert family.link_for_token(token) == link
    compare.assert_called_once_with(link.token_hash, family.token_hash(token))


def test_a_submission_compares_its_token_in_constant_time(case, qa_manager):
    _, token = family.link_create(case=case, version="standard", actor=qa_manager)
    with mock.patch("feedback.family.hmac.compare_digest", wraps=hmac.compare_digest) as compare:
        family.family_feedback_submit(token=token, data=ANSWERS)
    assert compare.called


def test_an_unknown_token_finds_no_link(case, qa_manager):
    family.link_create(case=case, version="standard", actor=qa_manager)
    assert family.link_for_token("not-a-token") is None
    assert family.link_state(None) == "unknown"


def test_a_submission_is_stored_against_the_case_and_closes_the_link(case, qa_manager):
    link, token = family.link_create(case=case, version="standard", actor=qa_manager)
    feedback = family.family_feedback_submit(token=token, data=ANSWERS)
    link.refresh_from_db()
    assert feedback.case == case
    assert feedback.link == link
    assert (feedback.respondent, feedback.listened_to, feedback.helped) == ("parent", 4, 3)
    assert link.used_at is not None
    assert family.link_state(link) == "used"


def test_the_younger_form_is_stored_as_a_childs_answer(case, qa_manager):
    _, token = family.link_create(case=case, version="younger", actor=qa_manager)
    feedback = family.family_feedback_submit(token=token, data={"listened_to": 5, "helped": 2})
    assert feedback.respondent == FamilyFeedback.Respondent.CHILD


def test_a_used_link_is_refused_and_saves_nothing(case, qa_manager):
    _, token = family.link_create(case=case, version="standard", actor=qa_manager)
    family.family_feedback_submit(token=token, data=ANSWERS)
    with pytest.raises(family.LinkClosed) as refused:
        family.family_feedback_submit(token=token, data=ANSWERS)
    assert refused.value.state == "used"
    assert FamilyFeedback.objects.count() == 1


def test_an_expired_link_is_refused_and_saves_nothing(case, qa_manager):
    link, token = family.link_create(case=case, version="standard", actor=qa_manager, days=1)
    later = link.expires_at + datetime.timedelta(seconds=1)
    with pytest.raises(family.LinkClosed) as refused:
        family.family_feedback_submit(token=token, data=ANSWERS, now=later)
    assert refused.value.state == "expired"
    link.refresh_from_db()
    assert link.used_at is None
    assert not FamilyFeedback.objects.exists()


def test_an_unknown_token_is_refused(db):
    with pytest.raises(family.LinkClosed) as refused:
        family.family_feedback_submit(token="guess", data=ANSWERS)
    assert refused.value.state == "unknown"


def test_ten_submissions_an_hour_from_one_address_are_allowed_and_the_eleventh_is_not(db):
    allowed = [family.public_submission_record(address="203.0.113.9") for _ in range(10)]
    assert all(allowed)
    assert not family.public_submission_record(address="203.0.113.9")
    assert family.public_submission_record(address="198.51.100.1")


def test_the_throttle_forgets_submissions_older_than_an_hour(db):
    for _ in range(11):
        family.public_submission_record(address="203.0.113.9")
    PublicSubmission.objects.update(at=timezone.now() - datetime.timedelta(hours=2))
    assert family.public_submission_record(address="203.0.113.9")


def test_the_throttle_stores_no_address(db):
    family.public_submission_record(address="203.0.113.9")
    stored = PublicSubmission.objects.get()
    assert "203.0.113.9" not in stored.address_hash
    assert stored.address_hash == family.address_hash("203.0.113.9")


def test_expired_unused_links_are_listed_for_housekeeping(case, qa_manager):
    expired, _ = family.link_create(case=case, version="standard", actor=qa_manager, days=-1)
    family.link_create(case=case, version="standard", actor=qa_manager)
    _, token = family.link_create(case=case, version="standard", actor=qa_manager)
    family.family_feedback_submit(token=token, data=ANSWERS)
    assert list(family.links_expired_unused()) == [expired]


# Who may make a link ("feedback.links", obj: the case)


def test_the_qa_manager_may_make_a_link_for_any_case(qa_manager, case):
    assert can(qa_manager, "feedback.links", case)
    assert can(qa_manager, "feedback.links")


def test_the_cases_practitioner_may_make_a_link(practitioner, case):
    assert can(practitioner, "feedback.links", case)


def test_another_practitioner_may_not_make_a_link_for_the_case(service_area, case):
    from accounts.tests.factories import UserFactory

    other = UserFactory(roles=[("practitioner", service_area)])
    assert can(other, "feedback.links")  # may open the page...
    assert not can(other, "feedback.links", case)  # ...but not for this case


def test_a_reviewer_of_the_case_may_make_a_link(reviewer, case):
    ReviewFactory(case=case, reviewer=reviewer)
    assert can(reviewer, "feedback.links", case)


def test_a_reviewer_who_does_not_review_the_case_may_not(reviewer, case):
    ReviewFactory(case=case)
    assert not can(reviewer, "feedback.links", case)


@pytest.mark.parametrize("role", ["service_manager", "moderator", "head_of_service"])
def test_other_roles_may_not_make_links(request, role, case):
    person = request.getfixturevalue(role)
    assert not can(person, "feedback.links")
    assert not can(person, "feedback.links", case)


def test_a_link_keeps_its_version(case, qa_manager):
    link, _ = family.link_create(case=case, version="younger", actor=qa_manager)
    assert FamilyFeedbackLink.objects.get() == link
    assert link.version == FamilyFeedbackLink.Version.YOUNGER
