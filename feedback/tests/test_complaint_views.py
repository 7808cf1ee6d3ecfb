"""The complaints and compliments pages: who may open what, the form, filters, export and
query counts."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import TeamFactory
from audits.tests.factories import CaseFactory
from feedback.models import ComplaintCompliment
from feedback.tests.factories import ComplaintComplimentFactory, FeedbackThemeFactory

LIST = "/feedback/complaints/"
EXPORT = "/feedback/complaints/export.csv"
NEW = "/feedback/complaints/new/"


@pytest.fixture
def team(service_area):
    return TeamFactory(service_area=service_area, name="CIN Team North")


@pytest.fixture
def entry(team):
    return ComplaintComplimentFactory(team=team)


@pytest.fixture
def entry_elsewhere(other_service_area):
    return ComplaintComplimentFactory(team=TeamFactory(service_area=other_service_area))


def _detail(entry):
    return f"/feedback/complaints/{entry.pk}/"


def _edit(entry):
    return f"/feedback/complaints/{entry.pk}/edit/"


# Access.


@pytest.mark.parametrize("person", ["qa_manager", "service_manager", "head_of_service"])
@pytest.mark.parametrize("page", ["list", "export", "detail"])
def test_readers_open_the_log_its_export_and_an_entry(client, request, person, page, entry):
    client.force_login(request.getfixturevalue(person))
    url = {"list": LIST, "export": EXPORT, "detail": _detail(entry)}[page]

    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "person", ["reviewer", "moderator", "practitioner", "practice_lead", "leadership", "superuser"]
)
@pytest.mark.parametrize("page", ["list", "export", "detail", "edit", "new"])
def test_other_roles_are_refused_every_page(client, request, person, page, entry):
    client.force_login(request.getfixturevalue(person))
    url = {
        "list": LIST,
        "export": EXPORT,
        "detail": _detail(entry),
        "edit": _edit(entry),
        "new": NEW,
    }[page]

    assert client.get(url).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", [LIST, EXPORT, NEW, "/feedback/complaints/1/", "/feedback/complaints/1/edit/"]
)
def test_an_anonymous_visitor_is_sent_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


@pytest.mark.parametrize("page", ["detail", "edit"])
def test_a_service_manager_gets_404_for_another_areas_entry(
    client, service_manager, entry_elsewhere, page
):
    client.force_login(service_manager)
    url = _detail(entry_elsewhere) if page == "detail" else _edit(entry_elsewhere)

    assert client.get(url).status_code == 404


@pytest.mark.parametrize("person", ["service_manager", "head_of_service"])
def test_managers_read_but_do_not_change_their_areas_entries(client, request, person, entry):
    client.force_login(request.getfixturevalue(person))

    assert client.get(NEW).status_code == 403
    assert client.get(_edit(entry)).status_code == 403
    assert "Log a complaint" not in client.get(LIST).content.decode()


def test_the_qa_manager_gets_404_for_an_entry_that_does_not_exist(client, qa_manager):
    client.force_login(qa_manager)

    assert client.get("/feedback/complaints/999999/").status_code == 404


# Recording and changing.


def _form(team, **overrides):
    data = {
        "kind": "complaint",
        "received_on": timezone.localdate().isoformat(),
        "from_whom": "parent",
        "service_area": team.service_area_id,
        "team": team.pk,
        "case_reference": "",
        "summary": "Visits were cancelled at short notice.",
        "outcome": "",
        "learning": "",
    }
    return {**data, **overrides}


def test_the_qa_manager_logs_a_complaint_with_a_case_found_by_reference(client, qa_manager, team):
    case = CaseFactory(team=team, reference="CMS-123456")
    theme = FeedbackThemeFactory(name="Timeliness")
    client.force_login(qa_manager)

    response = client.post(NEW, _form(team, case_reference="cms-123456", themes=[theme.pk]))

    entry = ComplaintCompliment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _detail(entry)
    assert entry.case == case
    assert list(entry.themes.all()) == [theme]
    assert entry.recorded_by == qa_manager


def test_the_form_offers_only_active_themes(client, qa_manager):
    FeedbackThemeFactory(name="Communication")
    FeedbackThemeFactory(name="Old theme", active=False)
    client.force_login(qa_manager)

    page = client.get(NEW).content.decode()

    assert "Communication" in page
    assert "Old theme" not in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"received_on": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()},
            "cannot be in the future",
        ),
        ({"case_reference": "CMS-000000"}, "No case has the reference CMS-000000"),
        ({"summary": ""}, "This field is required"),
    ],
)
def test_a_wrong_entry_is_shown_again_with_the_problem_and_the_input_kept(
    client, qa_manager, team, overrides, message
):
    client.force_login(qa_manager)

    response = client.post(NEW, _form(team, outcome="Kept text", **overrides))

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    assert "Kept text" in page
    assert not ComplaintCompliment.objects.exists()


def test_a_team_of_another_service_is_refused_on_the_form(
    client, qa_manager, team, other_service_area
):
    client.force_login(qa_manager)

    response = client.post(NEW, _form(team, service_area=other_service_area.pk))

    assert "is not a team of Children in Care" in response.content.decode()
    assert not ComplaintCompliment.objects.exists()


def test_the_qa_manager_changes_an_entry(client, qa_manager, entry, team):
    client.force_login(qa_manager)
    assert client.get(_edit(entry)).status_code == 200

    response = client.post(
        _edit(entry), _form(team, kind="compliment", outcome="Resolved", learning="Ring first")
    )

    entry.refresh_from_db()
    assert response.status_code == 302
    assert (entry.kind, entry.outcome, entry.learning) == ("compliment", "Resolved", "Ring first")


# The list: filters, pagination, query counts.


def test_the_list_filters_by_kind_from_service_team_theme_and_dates(
    client, qa_manager, team, other_service_area
):
    theme = FeedbackThemeFactory(name="Respect")
    today = timezone.localdate()
    match = ComplaintComplimentFactory(
        team=team, kind="compliment", from_whom="carer", themes=[theme], received_on=today
    )
    ComplaintComplimentFactory(team=team, kind="complaint", from_whom="carer", themes=[theme])
    ComplaintComplimentFactory(team=team, kind="compliment", from_whom="parent", themes=[theme])
    ComplaintComplimentFactory(team=TeamFactory(service_area=team.service_area), kind="compliment")
    ComplaintComplimentFactory(
        team=team, kind="compliment", from_whom="carer", received_on=today - datetime.timedelta(60)
    )
    client.force_login(qa_manager)

    response = client.get(
        LIST,
        {
            "kind": "compliment",
            "from_whom": "carer",
            "service_area": team.service_area_id,
            "team": team.pk,
            "theme": theme.pk,
            "received_from": (today - datetime.timedelta(days=7)).isoformat(),
            "received_to": today.isoformat(),
        },
    )

    assert list(response.context["page_obj"]) == [match]


def test_the_list_shows_an_empty_state(client, qa_manager):
    client.force_login(qa_manager)

    assert "No complaints or compliments have been logged yet." in client.get(LIST).content.decode()


def test_the_list_has_25_entries_a_page_and_keeps_the_filters(client, qa_manager, team):
    ComplaintComplimentFactory.create_batch(26, team=team)
    client.force_login(qa_manager)

    response = client.get(LIST, {"kind": "complaint"})

    assert len(response.context["page_obj"]) == 25
    assert "kind=complaint&amp;page=2" in response.content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [LIST, EXPORT])
def test_the_number_of_queries_does_not_grow_with_the_entries(client, qa_manager, team, url):
    themes = [FeedbackThemeFactory(name="Respect"), FeedbackThemeFactory(name="Timeliness")]
    ComplaintComplimentFactory(team=team, themes=themes, case=CaseFactory(team=team))
    client.force_login(qa_manager)
    one = _queries(client, url)

    for _ in range(5):
        ComplaintComplimentFactory(team=TeamFactory(), themes=themes, case=CaseFactory(team=team))

    assert _queries(client, url) == one


def test_the_export_is_the_filtered_list_as_csv(client, qa_manager, team):
    ComplaintComplimentFactory(team=team, kind="complaint", summary="@SUM(1+1)")
    ComplaintComplimentFactory(team=team, kind="compliment", summary="Kind and patient")
    client.force_login(qa_manager)

    response = client.get(EXPORT, {"kind": "complaint"})

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) == 2
    assert rows[1][0] == "Complaint"
    assert rows[1][6] == "'@SUM(1+1)"


def test_a_service_manager_exports_only_their_areas_entries(
    client, service_manager, entry, entry_elsewhere
):
    client.force_login(service_manager)

    rows = list(csv.reader(io.StringIO(client.get(EXPORT).content.decode())))

    assert [row[3] for row in rows[1:]] == ["Children in Need"]
