"""Request tests for the QA cycles pages: the list, the calendar, a cycle, its dates, and the
confirmed moves of its workflow."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from audits.models import Cycle, QACalendar, Toolkit, ToolkitKind, ToolkitVersion
from audits.tests.factories import CaseFactory, CycleFactory
from reviews.models import Review

S = Cycle.Status
D = datetime.date
LONDON = ZoneInfo("Europe/London")


def at(*date):
    return time_machine.travel(datetime.datetime(*date, 12, tzinfo=LONDON), tick=False)


@pytest.fixture
def cycle(db):
    return CycleFactory(
        name="November\u2013December 2030",
        review_starts_on=D(2030, 11, 1),
        review_ends_on=D(2030, 11, 30),
        reporting_ends_on=D(2030, 12, 31),
    )


def page_urls(cycle):
    return [
        "/cycles/",
        "/cycles/calendar/",
        f"/cycles/{cycle.pk}/",
        f"/cycles/{cycle.pk}/dates/",
        f"/cycles/{cycle.pk}/move/review/",
    ]


def add_reviews(cycle, count):
    toolkit = Toolkit.objects.get_or_create(
        name="Practice Review", defaults={"kind": ToolkitKind.PRACTICE_REVIEW}
    )[0]
    version = toolkit.versions.first() or ToolkitVersion.objects.create(toolkit=toolkit, number=1)
    for _ in range(count):
        Review.objects.create(
            cycle=cycle, case=CaseFactory(), toolkit_version=version, due_on=D(2030, 1, 1)
        )


def input_value(content: str, name: str) -> str | None:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', content)
    value = tag and re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else None


# ---- who may open the pages ---------------------------------------------------------------


def test_the_qa_manager_opens_every_cycles_page(client, qa_manager, cycle):
    client.force_login(qa_manager)

    for url in page_urls(cycle):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content.decode().count("<h1") == 1, url


@pytest.mark.parametrize("person", ["reviewer", "moderator", "leadership", "superuser"])
def test_people_without_the_qa_manager_role_are_refused_every_page_and_post(
    client, request, cycle, person
):
    client.force_login(request.getfixturevalue(person))

    for url in [*page_urls(cycle), "/cycles/generate/"]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"year": 2031}).status_code == 403, url
    assert Cycle.objects.get().status == S.PLANNED
    assert Cycle.objects.count() == 1


def test_an_anonymous_visitor_is_sent_to_log_in_and_back(client, cycle):
    for url in [*page_urls(cycle), "/cycles/generate/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/login/?next={url}"


def test_a_cycle_that_does_not_exist_is_not_found(client, qa_manager, cycle):
    client.force_login(qa_manager)
    missing = cycle.pk + 1000

    for url in [
        f"/cycles/{missing}/",
        f"/cycles/{missing}/dates/",
        f"/cycles/{missing}/move/review/",
    ]:
        assert client.get(url).status_code == 404, url


def test_a_move_to_a_status_that_does_not_exist_is_not_found(client, qa_manager, cycle):
    client.force_login(qa_manager)

    assert client.get(f"/cycles/{cycle.pk}/move/finished/").status_code == 404
    assert client.post(f"/cycles/{cycle.pk}/move/finished/").status_code == 404


# ---- the cycles page ----------------------------------------------------------------------


def test_the_cycles_page_lists_cycles_by_year_with_their_phases_reviews_and_next_step(
    client, qa_manager
):
    toolkit = Toolkit.objects.create(kind=ToolkitKind.THEMATIC_REVIEW, name="Neglect (test)")
    planned = CycleFactory(
        name="January\u2013February 2031",
        review_starts_on=D(2031, 1, 1),
        review_ends_on=D(2031, 1, 31),
        reporting_ends_on=D(2031, 2, 28),
        toolkit=toolkit,
    )
    open_cycle = CycleFactory(
        name="November\u2013December 2030",
        review_starts_on=D(2030, 11, 1),
        review_ends_on=D(2030, 11, 30),
        reporting_ends_on=D(2030, 12, 31),
        status=S.REVIEW,
    )
    add_reviews(open_cycle, 3)
    client.force_login(qa_manager)

    content = client.get("/cycles/").content.decode()

    assert content.index('id="year-2030"') < content.index('id="year-2031"')
    table_2030 = content[
        content.index('data-testid="cycles-2030"') : content.index('id="year-2031"')
    ]
    assert "November\u2013December 2030" in table_2030
    assert "1 Nov 2030 to 30 Nov 2030" in table_2030
    assert "31 Dec 2030" in table_2030
    assert '<td class="text-end">3</td>' in table_2030
    assert f"/cycles/{open_cycle.pk}/move/reporting/" in table_2030
    assert f"/cycles/{open_cycle.pk}/dates/" not in table_2030
    table_2031 = content[content.index('data-testid="cycles-2031"') :]
    assert "Neglect (test)" in table_2031
    assert f"/cycles/{planned.pk}/move/review/" in table_2031
    assert f"/cycles/{planned.pk}/dates/" in table_2031
    assert "Open the review phase" in table_2031


def test_a_closed_cycle_offers_no_button(client, qa_manager):
    closed = CycleFactory(status=S.CLOSED)
    client.force_login(qa_manager)

    content = client.get("/cycles/").content.decode()

    assert f"/cycles/{closed.pk}/move/" not in content
    assert f"/cycles/{closed.pk}/dates/" not in content


def test_the_cycles_page_summarises_the_calendar(client, qa_manager):
    calendar = QACalendar.load()
    calendar.review_months, calendar.review_phase = "11,1", "audit_fortnight"
    calendar.save()
    client.force_login(qa_manager)

    content = client.get("/cycles/").content.decode()

    assert "January, November" in content
    assert "An audit fortnight at the start of the cycle" in content
    assert 'href="/cycles/calendar/"' in content


@at(2026, 6, 1)
def test_the_year_to_generate_is_this_year_while_it_has_no_cycles(client, qa_manager):
    CycleFactory(
        review_starts_on=D(2025, 11, 1),
        review_ends_on=D(2025, 11, 30),
        reporting_ends_on=D(2025, 12, 31),
    )
    client.force_login(qa_manager)

    content = client.get("/cycles/").content.decode()

    assert input_value(content, "year") == "2026"


@at(2026, 6, 1)
def test_the_year_to_generate_is_next_year_once_this_years_cycles_exist(client, qa_manager):
    CycleFactory(
        review_starts_on=D(2026, 1, 1),
        review_ends_on=D(2026, 1, 31),
        reporting_ends_on=D(2026, 2, 28),
    )
    client.force_login(qa_manager)

    content = client.get("/cycles/").content.decode()

    assert input_value(content, "year") == "2027"


def test_the_cycles_page_runs_as_many_queries_for_twelve_cycles_as_for_six(client, qa_manager):
    QACalendar.load()
    toolkit = Toolkit.objects.create(kind=ToolkitKind.THEMATIC_REVIEW, name="Neglect (test)")
    client.force_login(qa_manager)

    def queries_after_adding(count):
        for _ in range(count):
            add_reviews(CycleFactory(toolkit=toolkit), 2)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/cycles/").status_code == 200
        return len(queries)

    six = queries_after_adding(6)
    twelve = queries_after_adding(6)

    assert Cycle.objects.count() == 12
    assert twelve == six


# ---- generating a year's cycles -----------------------------------------------------------


def test_the_qa_manager_generates_a_years_cycles(client, qa_manager):
    client.force_login(qa_manager)

    response = client.post("/cycles/generate/", {"year": "2031", "toolkit": ""}, follow=True)

    assert response.redirect_chain == [("/cycles/", 302)]
    assert Cycle.objects.filter(review_starts_on__year=2031).count() == 6
    content = response.content.decode()
    assert "Planned 6 new cycles for 2031" in content
    assert "January\u2013February 2031" in content


def test_generating_a_year_again_says_there_was_nothing_new(client, qa_manager):
    client.force_login(qa_manager)
    client.post("/cycles/generate/", {"year": "2031"})

    response = client.post("/cycles/generate/", {"year": "2031"}, follow=True)

    assert "Nothing new to plan for 2031" in response.content.decode()
    assert Cycle.objects.count() == 6


@pytest.mark.parametrize("year", ["1999", "twenty", ""])
def test_a_bad_year_redisplays_the_cycles_page_with_the_input_and_an_error(
    client, qa_manager, year
):
    client.force_login(qa_manager)

    response = client.post("/cycles/generate/", {"year": year})

    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert (input_value(content, "year") or "") == year
    assert not Cycle.objects.exists()


def test_opening_the_generate_address_goes_back_to_the_cycles_page(client, qa_manager):
    client.force_login(qa_manager)

    response = client.get("/cycles/generate/")

    assert response.status_code == 302
    assert response["Location"] == "/cycles/"


# ---- the calendar -------------------------------------------------------------------------


def test_the_qa_manager_changes_the_calendar(client, qa_manager):
    client.force_login(qa_manager)

    response = client.post(
        "/cycles/calendar/",
        {
            "review_months": "11,1,3,5,7,9",
            "review_phase": "audit_fortnight",
            "reminder_days": "3",
            "escalation_deadline_working_days": "2",
        },
        follow=True,
    )

    assert response.redirect_chain == [("/cycles/", 302)]
    assert "The QA calendar is saved" in response.content.decode()
    calendar = QACalendar.load()
    assert (calendar.review_months, calendar.review_phase) == ("1,3,5,7,9,11", "audit_fortnight")
    assert calendar.updated_by == qa_manager


def test_the_calendar_form_starts_from_the_saved_settings(client, qa_manager):
    client.force_login(qa_manager)

    content = client.get("/cycles/calendar/").content.decode()

    assert input_value(content, "review_months") == "1,3,5,7,9,11"
    assert input_value(content, "reminder_days") == "5"


@pytest.mark.parametrize(
    ("review_months", "reminder_days", "error"),
    [
        ("1,13", "5", "“13” is not a month"),
        ("1,3,1", "5", "January (1) is listed twice"),
        ("", "5", "This field is required."),
        ("1,3", "14", "Enter a number of days from 1 to 13"),
    ],
)
def test_a_bad_calendar_is_redisplayed_with_the_input_and_the_error(
    client, qa_manager, review_months, reminder_days, error
):
    client.force_login(qa_manager)

    response = client.post(
        "/cycles/calendar/",
        {
            "review_months": review_months,
            "review_phase": "audit_fortnight",
            "reminder_days": reminder_days,
            "escalation_deadline_working_days": "2",
        },
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert error in content
    assert (input_value(content, "review_months") or "") == review_months
    assert input_value(content, "reminder_days") == reminder_days
    assert QACalendar.load().review_months == "1,3,5,7,9,11"


# ---- a cycle's page -----------------------------------------------------------------------


def test_a_cycles_page_shows_its_dates_reviews_and_history(client, qa_manager, cycle):
    qa_manager.first_name, qa_manager.last_name = "Quinn", "Adebayo"
    qa_manager.save()
    add_reviews(cycle, 2)
    client.force_login(qa_manager)
    client.post(f"/cycles/{cycle.pk}/move/review/", {"note": "Sample agreed"})

    content = client.get(f"/cycles/{cycle.pk}/").content.decode()

    assert '<h1 class="h2">November\u2013December 2030</h1>' in content
    assert "1 November 2030 to 30 November 2030" in content
    assert "2 reviews in this cycle." in content
    assert "Quinn Adebayo" in content
    assert "Sample agreed" in content
    assert "Start the reporting phase" in content
    assert "can be adjusted only before it opens" in content


# ---- adjusting a cycle's dates ------------------------------------------------------------


def dates(**changes):
    return {
        "review_starts_on": "2030-11-02",
        "review_ends_on": "2030-11-15",
        "reporting_ends_on": "2030-12-31",
        "toolkit": "",
        **changes,
    }


def test_the_dates_form_starts_from_the_cycles_dates(client, qa_manager, cycle):
    client.force_login(qa_manager)

    content = client.get(f"/cycles/{cycle.pk}/dates/").content.decode()

    assert input_value(content, "review_starts_on") == "2030-11-01"
    assert input_value(content, "reporting_ends_on") == "2030-12-31"


def test_the_qa_manager_adjusts_a_planned_cycles_dates(client, qa_manager, cycle):
    client.force_login(qa_manager)

    response = client.post(f"/cycles/{cycle.pk}/dates/", dates(), follow=True)

    assert response.redirect_chain == [(f"/cycles/{cycle.pk}/", 302)]
    assert "are saved" in response.content.decode()
    cycle.refresh_from_db()
    assert (cycle.review_starts_on, cycle.review_ends_on) == (D(2030, 11, 2), D(2030, 11, 15))


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"review_ends_on": "2030-10-31"}, "must end on or after the day it starts"),
        ({"reporting_ends_on": "2030-11-15"}, "must end after the review phase ends"),
        ({"review_starts_on": "31/02/2030"}, "Enter a valid date."),
    ],
)
def test_bad_dates_are_redisplayed_with_the_input_and_the_error(
    client, qa_manager, cycle, changes, error
):
    client.force_login(qa_manager)
    data = dates(**changes)

    response = client.post(f"/cycles/{cycle.pk}/dates/", data)

    assert response.status_code == 200
    content = response.content.decode()
    assert error in content
    assert "There is a problem" in content
    for field, value in changes.items():
        assert input_value(content, field) == value
    cycle.refresh_from_db()
    assert cycle.review_starts_on == D(2030, 11, 1)


def test_dates_overlapping_another_cycles_review_phase_are_refused_naming_it(
    client, qa_manager, cycle
):
    CycleFactory(
        name="September\u2013October 2030",
        review_starts_on=D(2030, 9, 1),
        review_ends_on=D(2030, 9, 30),
        reporting_ends_on=D(2030, 10, 31),
    )
    client.force_login(qa_manager)

    response = client.post(f"/cycles/{cycle.pk}/dates/", dates(review_starts_on="2030-09-20"))

    assert response.status_code == 200
    assert "overlap that of September\u2013October 2030" in response.content.decode()


@pytest.mark.parametrize("status", [S.REVIEW, S.CLOSED])
def test_the_dates_of_an_opened_cycle_cannot_be_adjusted(client, qa_manager, cycle, status):
    Cycle.objects.filter(pk=cycle.pk).update(status=status)
    client.force_login(qa_manager)

    shown = client.get(f"/cycles/{cycle.pk}/dates/", follow=True)
    posted = client.post(f"/cycles/{cycle.pk}/dates/", dates(), follow=True)

    for response in (shown, posted):
        assert response.redirect_chain == [(f"/cycles/{cycle.pk}/", 302)]
        assert "can be adjusted only before it opens" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.review_starts_on == D(2030, 11, 1)


# ---- moving a cycle on --------------------------------------------------------------------


@at(2030, 10, 20)
def test_the_confirmation_page_says_what_opening_the_review_phase_does(client, qa_manager, cycle):
    client.force_login(qa_manager)

    content = client.get(f"/cycles/{cycle.pk}/move/review/").content.decode()

    assert "Open the review phase: November\u2013December 2030</h1>" in content
    assert "dates can no longer be adjusted" in content
    assert "this cannot be undone" in content
    assert "planned to start on 1 November 2030" in content
    assert "No cases have been sampled" in content
    assert cycle.events.count() == 0
    assert Cycle.objects.get().status == S.PLANNED


@pytest.mark.parametrize(("from_status", "to_status"), [
    (S.PLANNED, S.REVIEW), (S.REVIEW, S.REPORTING), (S.REPORTING, S.CLOSED),
])  # fmt: skip
def test_every_allowed_move_is_confirmed_then_made(
    client, qa_manager, cycle, from_status, to_status
):
    Cycle.objects.filter(pk=cycle.pk).update(status=from_status)
    client.force_login(qa_manager)

    assert client.get(f"/cycles/{cycle.pk}/move/{to_status}/").status_code == 200
    response = client.post(f"/cycles/{cycle.pk}/move/{to_status}/", {"note": ""}, follow=True)

    assert response.redirect_chain == [("/cycles/", 302)]
    cycle.refresh_from_db()
    assert cycle.status == to_status
    event = cycle.events.get()
    assert (event.from_status, event.to_status, event.actor) == (from_status, to_status, qa_manager)


def test_a_move_from_the_cycles_own_page_returns_there(client, qa_manager, cycle):
    client.force_login(qa_manager)

    response = client.post(f"/cycles/{cycle.pk}/move/review/?from=detail", follow=True)

    assert response.redirect_chain == [(f"/cycles/{cycle.pk}/", 302)]
    assert "The review phase of November\u2013December 2030 is open." in response.content.decode()


@at(2030, 11, 2)
def test_opening_by_hand_tells_each_reviewer_their_assignments_once(
    client, qa_manager, cycle, reviewer
):
    from accounts.models import Notification
    from reviews.tests.factories import ReviewFactory

    ReviewFactory.create_batch(2, cycle=cycle, reviewer=reviewer)
    client.force_login(qa_manager)

    client.post(f"/cycles/{cycle.pk}/move/review/", {"note": ""})

    told = Notification.objects.get(recipient=reviewer)
    assert told.kind == "review_phase_opened"
    assert "you have 2 reviews to complete by" in told.summary


def test_opening_a_second_review_phase_is_refused_naming_the_open_cycle(client, qa_manager, cycle):
    CycleFactory(name="September\u2013October 2030", status=S.REVIEW)
    client.force_login(qa_manager)

    response = client.post(f"/cycles/{cycle.pk}/move/review/", follow=True)

    assert response.redirect_chain == [("/cycles/", 302)]
    assert "September\u2013October 2030 is in its review phase" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.status == S.PLANNED
    assert not cycle.events.exists()


@pytest.mark.parametrize("to_status", [S.PLANNED, S.REPORTING, S.CLOSED])
def test_a_move_the_workflow_does_not_allow_is_refused_on_the_page_and_on_post(
    client, qa_manager, cycle, to_status
):
    client.force_login(qa_manager)

    for method in (client.get, client.post):
        response = method(f"/cycles/{cycle.pk}/move/{to_status}/", follow=True)
        assert response.redirect_chain == [("/cycles/", 302)]
        assert "so it cannot become" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.status == S.PLANNED


def test_a_note_too_long_is_redisplayed_with_the_input_and_the_error(client, qa_manager, cycle):
    client.force_login(qa_manager)
    note = "x" * 301

    response = client.post(f"/cycles/{cycle.pk}/move/review/", {"note": note})

    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert note in content
    assert Cycle.objects.get().status == S.PLANNED


def test_nobody_logged_in_with_no_role_is_refused(client, cycle):
    client.force_login(UserFactory())

    assert client.get("/cycles/").status_code == 403
