"""The IRO / CP chair feedback pages: the form and its case look-up, the list and one feedback."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from accounts.tests.factories import UserFactory
from audits.models import Question
from audits.tests.factories import CaseFactory
from audits.toolkit_library import install_standard_toolkits
from feedback.iro import ALERT_KIND, iro_toolkit_version
from feedback.models import IROFeedback
from feedback.tests.factories import IROFeedbackFactory

pytestmark = pytest.mark.django_db

NEW = reverse("feedback:iro_new")
LIST = reverse("feedback:iro_list")
LOOKUP = reverse("feedback:iro_case_lookup")


def detail(feedback) -> str:
    return reverse("feedback:iro_detail", args=[feedback.pk])


@pytest.fixture
def version(db):
    install_standard_toolkits()
    return iro_toolkit_version()


@pytest.fixture
def case(service_area):
    return CaseFactory(team__service_area=service_area, team__name="Family Support 2")


def form_data(case, version, **overrides) -> dict:
    data = {
        "reference": case.reference,
        "meeting_type": "cp_conference",
        "meeting_on": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
        "participation": "attended_spoke",
        "child_words": "They listened to me.",
    }
    for question in Question.objects.filter(section__version=version):
        data[f"q-{question.pk}"] = "good" if question.answer_kind == "graded" else "yes"
    return data | overrides


# The form.


def test_a_reviewer_opens_the_form_with_the_toolkits_questions(client, reviewer, version):
    client.force_login(reviewer)

    response = client.get(NEW)

    assert response.status_code == 200
    content = response.content.decode()
    for question in Question.objects.filter(section__version=version):
        assert question.text.replace("'", "&#x27;") in content
    assert 'hx-post="/feedback/iro/case-lookup/"' in content
    assert "Management alert" in content


def test_a_reviewer_submits_the_form_and_sees_their_feedback(
    client, reviewer, version, case, service_manager
):
    client.force_login(reviewer)

    response = client.post(NEW, form_data(case, version, management_alert="on"))

    feedback = IROFeedback.objects.get()
    assert response["Location"] == detail(feedback)
    assert feedback.case == case
    assert feedback.management_alert
    assert feedback.answers.count() == 4
    assert Notification.objects.get(kind=ALERT_KIND).recipient == service_manager
    page = client.get(response["Location"]).content.decode()
    assert "the case&#x27;s service manager has been alerted" in page
    assert "They listened to me." in page


def test_an_unknown_reference_is_refused_and_the_answers_are_kept(client, reviewer, version, case):
    client.force_login(reviewer)

    response = client.post(NEW, form_data(case, version, reference="CMS-NOPE", child_words="Kept"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "No case with this reference" in content
    assert "Kept" in content
    assert not IROFeedback.objects.exists()


def test_a_meeting_date_in_the_future_is_refused_on_the_form(client, reviewer, version, case):
    client.force_login(reviewer)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

    response = client.post(NEW, form_data(case, version, meeting_on=tomorrow))

    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    assert not IROFeedback.objects.exists()


def test_a_missing_answer_is_refused_on_the_form(client, reviewer, version, case):
    client.force_login(reviewer)
    data = form_data(case, version)
    del data[next(k for k in data if k.startswith("q-"))]

    response = client.post(NEW, data)

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not IROFeedback.objects.exists()


def test_without_a_published_iro_toolkit_the_form_says_so(client, reviewer):
    client.force_login(reviewer)

    response = client.get(NEW, follow=True)

    assert "no published IRO / CP chair feedback toolkit" in response.content.decode()


def test_the_form_is_refused_to_a_practitioner(client, practitioner, version):
    client.force_login(practitioner)

    assert client.get(NEW).status_code == 403
    assert client.post(NEW, {}).status_code == 403


# The look-up.


def test_the_lookup_shows_the_cases_service_and_team(client, reviewer, case):
    client.force_login(reviewer)

    response = client.post(LOOKUP, {"reference": case.reference.lower()}, HTTP_HX_REQUEST="true")

    content = response.content.decode()
    assert response.status_code == 200
    assert "Children in Need" in content
    assert "Family Support 2" in content


def test_the_lookup_says_when_no_case_has_the_reference(client, reviewer):
    client.force_login(reviewer)

    content = client.post(LOOKUP, {"reference": "CMS-NOPE"}).content.decode()

    assert "No case with this reference" in content


def test_the_lookup_says_nothing_for_an_empty_reference(client, reviewer):
    client.force_login(reviewer)

    assert client.post(LOOKUP, {"reference": " "}).content.decode().strip() == ""


def test_the_lookup_is_refused_to_a_practitioner(client, practitioner, case):
    client.force_login(practitioner)

    assert client.post(LOOKUP, {"reference": case.reference}).status_code == 403


# The list.


def test_the_qa_manager_sees_every_feedback_and_a_reviewer_only_their_own(
    client, qa_manager, reviewer
):
    mine = IROFeedbackFactory(submitted_by=reviewer)
    theirs = IROFeedbackFactory()

    client.force_login(qa_manager)
    assert set(client.get(LIST).context["page_obj"]) == {mine, theirs}
    client.force_login(reviewer)
    assert list(client.get(LIST).context["page_obj"]) == [mine]


def test_the_list_filters_by_service_meeting_type_and_alert(
    client, qa_manager, service_area, other_service_area
):
    here = IROFeedbackFactory(case__team__service_area=service_area, management_alert=True)
    IROFeedbackFactory(case__team__service_area=other_service_area, meeting_type="lac_review")
    client.force_login(qa_manager)

    def listed(**filters):
        return list(client.get(LIST, filters).context["page_obj"])

    assert listed(service=service_area.pk) == [here]
    assert listed(meeting_type="cp_conference") == [here]
    assert listed(alert="yes") == [here]
    assert len(listed(alert="no")) == 1


def test_the_list_is_refused_to_a_service_manager(client, service_manager):
    client.force_login(service_manager)

    assert client.get(LIST).status_code == 403


def test_the_list_says_when_there_is_no_feedback(client, reviewer):
    client.force_login(reviewer)

    assert "No IRO or CP chair feedback has been recorded yet." in client.get(LIST).content.decode()


def test_the_lists_query_count_does_not_grow_with_rows(client, qa_manager):
    IROFeedbackFactory()
    client.force_login(qa_manager)
    client.get(LIST)  # warm caches (sessions, memberships)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    IROFeedbackFactory.create_batch(5)
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)

    assert len(response.context["page_obj"]) == 6
    assert len(many) == len(few)


# One feedback.


@pytest.mark.parametrize(
    "role", ["qa_manager", "moderator", "service_manager", "head_of_service", "practice_lead"]
)
def test_one_feedback_opens_for_the_qa_manager_and_the_cases_area_roles(
    client, request, role, service_area
):
    feedback = IROFeedbackFactory(case__team__service_area=service_area)
    client.force_login(request.getfixturevalue(role))

    assert client.get(detail(feedback)).status_code == 200


def test_one_feedback_opens_for_its_submitter(client, reviewer):
    feedback = IROFeedbackFactory(submitted_by=reviewer)
    client.force_login(reviewer)

    response = client.get(detail(feedback))

    assert response.status_code == 200
    assert feedback.case.reference in response.content.decode()


def test_one_feedback_is_not_found_outside_scope(client, outsider, reviewer, service_area):
    feedback = IROFeedbackFactory(case__team__service_area=service_area)

    for user in (outsider, reviewer):
        client.force_login(user)
        assert client.get(detail(feedback)).status_code == 404


def test_one_feedback_is_refused_to_a_practitioner(client, practitioner, service_area):
    feedback = IROFeedbackFactory(case__team__service_area=service_area)
    client.force_login(practitioner)

    assert client.get(detail(feedback)).status_code == 403


def test_one_feedback_shows_its_answers(client, reviewer, version, case):
    client.force_login(reviewer)
    client.post(NEW, form_data(case, version))

    content = client.get(detail(IROFeedback.objects.get())).content.decode()

    assert "Good" in content
    assert "Attended and spoke for themselves" in content


# Anonymous.


@pytest.mark.parametrize("name", ["iro_list", "iro_new", "iro_case_lookup"])
def test_anonymous_people_are_sent_to_log_in(client, name):
    url = reverse(f"feedback:{name}")

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(f"/login/?next={url}")


def test_anonymous_people_are_sent_to_log_in_from_one_feedback(client):
    url = detail(IROFeedbackFactory())

    assert client.get(url)["Location"].startswith("/login/?next=")
    assert client.post(NEW, {})["Location"].startswith("/login/?next=")


def test_another_reviewer_cannot_see_it_even_with_a_role_in_the_area(client, service_area):
    feedback = IROFeedbackFactory(case__team__service_area=service_area)
    someone = UserFactory(roles=[("reviewer", service_area)])
    client.force_login(someone)

    assert client.get(detail(feedback)).status_code == 404
