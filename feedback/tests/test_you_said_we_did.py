"""'You said, we did': the QA Manager records responses to feedback themes, listed per cycle."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.tests.factories import CycleFactory
from feedback.models import YouSaidWeDid
from feedback.tests.factories import FeedbackThemeFactory, YouSaidWeDidFactory
from feedback.themes import you_said_we_did_by_cycle, you_said_we_did_for, you_said_we_did_record

URL = "/feedback/you-said-we-did/"


def test_a_response_is_recorded_with_who_recorded_it(qa_manager):
    cycle, theme = CycleFactory(), FeedbackThemeFactory(name="Being listened to")

    response = you_said_we_did_record(
        cycle=cycle,
        theme=theme,
        you_said=" Nobody asked me what I thought. ",
        we_did="Workers now see children alone at each visit.",
        actor=qa_manager,
    )

    assert response.you_said == "Nobody asked me what I thought."
    assert response.recorded_by == qa_manager


@pytest.mark.parametrize("blank", ["you_said", "we_did"])
def test_a_response_needs_both_what_was_said_and_what_was_done(qa_manager, blank):
    texts = {"you_said": "Said", "we_did": "Did", blank: "  "}

    with pytest.raises(ValidationError):
        you_said_we_did_record(
            cycle=CycleFactory(), theme=FeedbackThemeFactory(), actor=qa_manager, **texts
        )


def test_a_cycles_responses_are_listed_by_theme(db):
    cycle = CycleFactory()
    timeliness = YouSaidWeDidFactory(cycle=cycle, theme=FeedbackThemeFactory(name="Timeliness"))
    communication = YouSaidWeDidFactory(
        cycle=cycle, theme=FeedbackThemeFactory(name="Communication")
    )
    YouSaidWeDidFactory()  # another cycle's

    assert list(you_said_we_did_for(cycle)) == [communication, timeliness]


def test_responses_are_grouped_by_cycle_newest_first(db):
    older, newer = CycleFactory(), CycleFactory()
    first = YouSaidWeDidFactory(cycle=older)
    second = YouSaidWeDidFactory(cycle=newer)

    assert you_said_we_did_by_cycle() == [(newer, [second]), (older, [first])]


@pytest.mark.parametrize("person", ["service_manager", "head_of_service", "reviewer", "leadership"])
def test_only_the_qa_manager_opens_the_page(client, request, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(URL).status_code == 403


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={URL}"


def test_the_qa_manager_records_a_response_on_the_page(client, qa_manager):
    cycle, theme = CycleFactory(name="November 2026"), FeedbackThemeFactory(name="Respect")
    client.force_login(qa_manager)

    response = client.post(
        URL,
        {"cycle": cycle.pk, "theme": theme.pk, "you_said": "Said", "we_did": "Did"},
        follow=True,
    )

    assert YouSaidWeDid.objects.filter(cycle=cycle, theme=theme).exists()
    page = response.content.decode()
    assert "November 2026" in page
    assert "The response is recorded." in page


def test_a_missing_answer_is_shown_with_the_input_kept(client, qa_manager):
    cycle, theme = CycleFactory(), FeedbackThemeFactory()
    client.force_login(qa_manager)

    response = client.post(
        URL, {"cycle": cycle.pk, "theme": theme.pk, "you_said": "Kept words", "we_did": ""}
    )

    assert "There is a problem" in response.content.decode()
    assert "Kept words" in response.content.decode()
    assert not YouSaidWeDid.objects.exists()


def test_the_page_queries_do_not_grow_with_responses(client, qa_manager):
    YouSaidWeDidFactory()
    client.force_login(qa_manager)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    YouSaidWeDidFactory.create_batch(4)
    with CaptureQueriesContext(connection) as five:
        client.get(URL)

    assert len(five) == len(one)
