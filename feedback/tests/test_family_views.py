"""The staff page that makes a feedback link, and the public pages families open."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import TeamFactory, UserFactory
from audits.tests.factories import CaseFactory
from feedback import family
from feedback.models import FamilyFeedback, FamilyFeedbackLink, PublicSubmission

NEW = reverse("feedback:family_link_new")
STANDARD = {
    "respondent": "carer",
    "listened_to": "5",
    "helped": "4",
    "went_well": "She listened",
    "could_be_better": "More visits",
}
YOUNGER = {"listened_to": "2", "helped": "3", "went_well": "", "could_be_better": "Less waiting"}


@pytest.fixture
def case(service_area, practitioner):
    practitioner.first_name, practitioner.last_name = "Winifred", "Oyelaran-Smythe"
    practitioner.save()
    team = TeamFactory(service_area=service_area, name="Northfield Assessment Team")
    return CaseFactory(reference="CMS-424242", team=team, practitioner=practitioner)


def _url(token):
    return reverse("feedback:family_form", args=[token])


def _link(case, actor, version="standard", **kwargs):
    return family.link_create(case=case, version=version, actor=actor, **kwargs)


# The staff page


def test_the_qa_manager_opens_the_page_to_make_a_link(client, qa_manager, case):
    client.force_login(qa_manager)
    response = client.get(NEW, {"case": case.pk})
    assert response.status_code == 200
    assert f'value="{case.reference}"' in response.content.decode()


def test_a_wrong_role_may_not_open_the_page(client, service_manager):
    client.force_login(service_manager)
    assert client.get(NEW).status_code == 403


def test_anonymous_people_are_sent_to_log_in(client):
    response = client.get(NEW)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={NEW}"


def test_a_case_outside_the_users_scope_answers_404(client, practitioner, case):
    other = CaseFactory()  # another practitioner's case
    client.force_login(practitioner)
    assert client.get(NEW, {"case": other.pk}).status_code == 404
    assert client.get(NEW, {"case": case.pk}).status_code == 200
    assert client.get(NEW, {"case": case.reference}).status_code == 404  # ids only


def test_making_a_link_shows_it_once_with_a_qr_code(client, qa_manager, case):
    client.force_login(qa_manager)
    response = client.post(NEW, {"case": case.reference, "version": "younger"})
    assert response.status_code == 200
    page = response.content.decode()
    link = FamilyFeedbackLink.objects.get()
    assert link.case == case
    assert link.version == "younger"
    assert link.created_by == qa_manager
    token = re.search(r"/feedback/f/([\w-]+)/", page)[1]
    assert family.token_hash(token) == link.token_hash
    assert "<svg" in page
    assert "qaf/feedback-link.css" in page  # its print rules: only the handout is printed
    assert "shown only once" in page
    assert "no-store" in response["Cache-Control"]
    # Shown once: the page to make links never shows it again.
    assert token not in client.get(NEW).content.decode()


def test_a_link_for_a_case_the_user_does_not_work_on_is_refused(client, practitioner, case):
    other = CaseFactory()
    client.force_login(practitioner)
    response = client.post(NEW, {"case": other.reference, "version": "standard"})
    assert response.status_code == 200
    assert "Enter the reference of a case you work on." in response.content.decode()
    assert f'value="{other.reference}"' in response.content.decode()  # input kept
    assert not FamilyFeedbackLink.objects.exists()


# The public pages


def test_the_public_form_opens_without_an_account(client, qa_manager, case):
    _, token = _link(case, qa_manager)
    response = client.get(_url(token))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Did you feel listened to?" in page
    assert "Who are you?" in page
    assert "Yes, a lot" in page
    assert "Not really" in page


def test_the_younger_form_has_faces_with_words(client, qa_manager, case):
    _, token = _link(case, qa_manager, version="younger")
    page = client.get(_url(token)).content.decode()
    assert page.count('<svg class="qaf-face"') == 10
    assert "Yes, a lot" in page
    # The words, not the picture, name each choice.
    assert page.count('aria-hidden="true" focusable="false"') == 10
    assert "Who are you?" not in page


@pytest.mark.parametrize("version", ["standard", "younger"])
def test_the_public_page_leaks_no_case_data(client, qa_manager, case, service_area, version):
    _, token = _link(case, qa_manager, version=version)
    for response in (client.get(_url(token)), client.post(_url(token), {})):
        page = response.content.decode()
        for secret in (
            case.reference,
            "Winifred",
            "Oyelaran-Smythe",
            case.team.name,
            service_area.name,
            qa_manager.last_name,
            qa_manager.email,
        ):
            assert secret not in page, f"{secret!r} appears on the public page"


def test_the_public_pages_send_their_url_nowhere_and_are_not_cached(client, qa_manager, case):
    _, token = _link(case, qa_manager)
    for url in (_url(token), _url("unknown"), reverse("feedback:family_thanks")):
        response = client.get(url)
        assert response["Referrer-Policy"] == "same-origin"
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(("version", "answers"), [("standard", STANDARD), ("younger", YOUNGER)])
def test_a_family_member_submits_once(client, qa_manager, case, version, answers):
    link, token = _link(case, qa_manager, version=version)
    response = client.post(_url(token), answers)
    assert response.status_code == 302
    assert response.url == reverse("feedback:family_thanks")
    feedback = FamilyFeedback.objects.get()
    assert feedback.case == case
    assert feedback.link == link
    assert feedback.could_be_better == answers["could_be_better"]
    assert client.get(response.url).status_code == 200

    again = client.get(_url(token))
    assert again.status_code == 410
    assert "This link has already been used" in again.content.decode()
    assert client.post(_url(token), answers).status_code == 410
    assert FamilyFeedback.objects.count() == 1


def test_an_incomplete_answer_is_shown_again_with_the_input_kept(client, qa_manager, case):
    _, token = _link(case, qa_manager)
    response = client.post(_url(token), {**STANDARD, "helped": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Choose an answer to “Did the help make things better?”" in page
    assert "She listened" in page
    assert not FamilyFeedback.objects.exists()


def test_an_expired_link_says_so_and_accepts_nothing(client, qa_manager, case):
    _, token = _link(case, qa_manager)
    FamilyFeedbackLink.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = client.get(_url(token))
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert client.post(_url(token), STANDARD).status_code == 410
    assert not FamilyFeedback.objects.exists()


def test_an_unknown_link_says_so_and_accepts_nothing(client, db):
    response = client.get(_url("sample"))
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert client.post(_url("sample"), STANDARD).status_code == 404
    assert not FamilyFeedback.objects.exists()


def test_a_flood_from_one_address_is_throttled(client, qa_manager, case):
    tokens = [_link(case, qa_manager)[1] for _ in range(11)]
    for token in tokens[:10]:
        assert client.post(_url(token), {}, REMOTE_ADDR="203.0.113.7").status_code == 200
    response = client.post(_url(tokens[10]), STANDARD, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    assert "Please try again later" in response.content.decode()
    assert not FamilyFeedback.objects.exists()
    assert FamilyFeedbackLink.objects.filter(used_at__isnull=False).count() == 0
    # Another address is not held up.
    assert client.post(_url(tokens[10]), STANDARD, REMOTE_ADDR="198.51.100.2").status_code == 302
    assert PublicSubmission.objects.count() == 12


def test_a_logged_in_member_of_staff_sees_the_same_form(client, case):
    person = UserFactory(roles=[("qa_manager", None)])
    _, token = _link(case, person)
    client.force_login(person)
    page = client.get(_url(token)).content.decode()
    assert "Did you feel listened to?" in page
    assert case.reference not in page


# The list of what families said


LIST = reverse("feedback:family_list")


def _answered(case, actor, **answers):
    _, token = _link(case, actor)
    return family.family_feedback_submit(token=token, data={**STANDARD, **answers})


def test_the_qa_manager_reads_what_families_said(client, qa_manager, case):
    _answered(case, qa_manager, went_well="Came on time", listened_to=5)
    client.force_login(qa_manager)
    response = client.get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Came on time" in page
    assert "Yes, a lot" in page
    assert case.reference in page


def test_the_list_is_empty_before_any_feedback(client, qa_manager):
    client.force_login(qa_manager)
    assert "No family feedback has been received yet." in client.get(LIST).content.decode()


def test_a_wrong_role_may_not_read_the_list(client, practitioner):
    client.force_login(practitioner)
    assert client.get(LIST).status_code == 403


def test_anonymous_people_are_sent_to_log_in_from_the_list(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={LIST}"


def test_the_list_reads_in_the_same_number_of_queries_whatever_its_length(client, qa_manager, case):
    client.force_login(qa_manager)
    _answered(case, qa_manager)
    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
    for _ in range(5):
        _answered(CaseFactory(), qa_manager)
    with CaptureQueriesContext(connection) as six:
        assert client.get(LIST).content.decode().count("<tr>") == 7
    assert len(six) == len(one)
