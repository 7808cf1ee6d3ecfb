"""Request tests for the case list and the case import page."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import ServiceAreaFactory, TeamFactory, UserFactory
from audits.models import Case
from audits.tests.factories import CaseFactory

LIST_URL = "/cases/"
IMPORT_URL = "/cases/import/"
FORBIDDEN = [
    "reviewer",
    "moderator",
    "service_manager",
    "head_of_service",
    "practitioner",
    "practice_lead",
    "leadership",
    "superuser",
    "outsider",
]
HEADER = "case_reference,service,team,practitioner_email,case_type,opened_on,closed_on\n"


@pytest.fixture
def teams(db):
    cin = ServiceAreaFactory(name="Children in Need")
    cp = ServiceAreaFactory(name="Child Protection")
    return {
        "cin": TeamFactory(service_area=cin, name="CIN Team 1"),
        "cp": TeamFactory(service_area=cp, name="CP Team 2"),
    }


def upload(text: str, name: str = "cases.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def references(response) -> list[str]:
    return [case.reference for case in response.context["page_obj"]]


# Who may open the pages


@pytest.mark.parametrize("url", [LIST_URL, IMPORT_URL])
def test_the_qa_manager_opens_the_case_pages(client, qa_manager, url):
    client.force_login(qa_manager)

    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", [LIST_URL, IMPORT_URL])
@pytest.mark.parametrize("person", FORBIDDEN)
def test_everyone_else_gets_403(client, request, person, url):
    client.force_login(request.getfixturevalue(person))

    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("url", [LIST_URL, IMPORT_URL])
def test_an_anonymous_visitor_is_sent_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


# The list


def test_an_empty_list_says_how_to_fill_it(client, qa_manager):
    client.force_login(qa_manager)

    content = client.get(LIST_URL).content.decode()

    assert '<h1 class="h2">Cases</h1>' in content
    assert "No cases have been imported yet." in content
    assert 'href="/cases/import/"' in content


def test_the_list_shows_each_cases_details(client, qa_manager, teams):
    practitioner = UserFactory(first_name="Amira", last_name="Khan")
    CaseFactory(
        reference="CMS-1",
        team=teams["cin"],
        practitioner=practitioner,
        case_type="Child in Need plan",
        legal_status="child_in_need",
        opened_on=datetime.date(2025, 3, 1),
        closed_on=datetime.date(2025, 6, 30),
    )
    client.force_login(qa_manager)

    content = client.get(LIST_URL).content.decode()

    for text in [
        "CMS-1",
        "Children in Need",
        "CIN Team 1",
        "Amira Khan",
        "Child in Need plan",
        "Child in need",
        "1 Mar 2025",
        "30 Jun 2025",
    ]:
        assert text in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["CMS-1", "CMS-2", "CMS-3"]),
        ("service_area={cp_area}", ["CMS-2"]),
        ("team={cin_team}", ["CMS-1", "CMS-3"]),
        ("legal_status=child_in_care", ["CMS-3"]),
        ("state=open", ["CMS-1", "CMS-2"]),
        ("state=closed", ["CMS-3"]),
        ("team={cin_team}&state=open", ["CMS-1"]),
    ],
)
def test_the_list_filters_by_service_team_legal_status_state_and_reference(
    client, qa_manager, teams, query, expected
):
    CaseFactory(reference="CMS-1", team=teams["cin"], legal_status="child_in_need")
    CaseFactory(reference="CMS-2", team=teams["cp"], legal_status="child_protection")
    CaseFactory(
        reference="CMS-3",
        team=teams["cin"],
        legal_status="child_in_care",
        closed_on=datetime.date(2026, 2, 1),
    )
    client.force_login(qa_manager)
    query = query.format(cp_area=teams["cp"].service_area_id, cin_team=teams["cin"].pk)

    response = client.get(f"{LIST_URL}?{query}")

    assert references(response) == expected


def test_no_match_says_so(client, qa_manager, teams):
    CaseFactory(reference="CMS-1", team=teams["cin"])
    client.force_login(qa_manager)

    response = client.post(LIST_URL, {"q": "zzz"}, follow=True)

    assert "No cases match these filters." in response.content.decode()


def test_the_reference_search_is_posted_and_never_put_in_a_url(client, qa_manager, teams):
    CaseFactory(reference="CMS-1", team=teams["cin"])
    CaseFactory(reference="CMS-2", team=teams["cp"])
    client.force_login(qa_manager)

    response = client.post(LIST_URL, {"q": "ms-2", "state": "open", "team": ""})

    assert response.status_code == 302
    assert response["Location"] == f"{LIST_URL}?state=open"  # the harmless filter only
    assert references(client.get(response["Location"])) == ["CMS-2"]
    assert 'method="post"' in client.get(LIST_URL).content.decode()


def test_clear_forgets_the_remembered_reference_search(client, qa_manager, teams):
    CaseFactory(reference="CMS-1", team=teams["cin"])
    CaseFactory(reference="CMS-2", team=teams["cp"])
    client.force_login(qa_manager)
    client.post(LIST_URL, {"q": "ms-2"})

    response = client.post(LIST_URL, {"q": "ms-2", "clear": "1"}, follow=True)

    assert references(response) == ["CMS-1", "CMS-2"]


def test_the_list_shows_50_cases_a_page_and_keeps_the_filters_in_its_page_links(
    client, qa_manager, teams
):
    Case.objects.bulk_create(
        Case(
            reference=f"CMS-{n:03}",
            team=teams["cin"],
            service_area=teams["cin"].service_area,
            opened_on=datetime.date(2025, 1, 1),
        )
        for n in range(120)
    )
    client.force_login(qa_manager)

    first = client.get(f"{LIST_URL}?state=open")
    last = client.get(f"{LIST_URL}?state=open&page=3")

    assert len(references(first)) == 50
    assert references(last) == [f"CMS-{n:03}" for n in range(100, 120)]
    assert "?state=open&amp;page=2" in first.content.decode()


def _queries_for_list(client, count: int, teams) -> int:
    Case.objects.all().delete()
    for n in range(count):
        CaseFactory(team=teams["cin" if n % 2 else "cp"], practitioner=UserFactory())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL)
    assert len(references(response)) == count
    return len(queries)


def test_the_list_runs_the_same_number_of_queries_for_3_cases_as_for_40(client, qa_manager, teams):
    client.force_login(qa_manager)

    assert _queries_for_list(client, 3, teams) == _queries_for_list(client, 40, teams)


# The import page


def test_a_good_file_is_imported_and_the_qa_manager_is_told_how_many(client, qa_manager, teams):
    client.force_login(qa_manager)
    text = HEADER + "CMS-1,Children in Need,CIN Team 1,,Child in Need plan,2025-01-01,\n"

    response = client.post(IMPORT_URL, {"file": upload(text)}, follow=True)

    assert response.redirect_chain == [(LIST_URL, 302)]
    assert "Imported cases.csv: 1 cases created, 0 updated, 0 unchanged." in (
        response.content.decode()
    )
    assert Case.objects.filter(reference="CMS-1").exists()


def test_unknown_practitioners_are_named_in_a_warning(client, qa_manager, teams):
    client.force_login(qa_manager)
    text = HEADER + "CMS-1,Children in Need,CIN Team 1,left@example.org,,2025-01-01,\n"

    response = client.post(IMPORT_URL, {"file": upload(text)}, follow=True)

    assert "left@example.org (line 2)" in response.content.decode()


def test_a_bad_file_shows_every_error_with_its_line_and_imports_nothing(client, qa_manager, teams):
    client.force_login(qa_manager)
    text = HEADER + (
        "CMS-1,Children in Need,CIN Team 1,,,2025-01-01,\n"
        "CMS-2,Nowhere,CIN Team 1,,,2025-01-01,\n"
        "CMS-3,Children in Need,CP Team 2,,,2025-01-01,\n"
    )

    response = client.post(IMPORT_URL, {"file": upload(text)})

    assert response.status_code == 200
    content = response.content.decode()
    assert "Nothing was imported: the file has 2 problem(s)" in content
    assert "Line 3: unknown service &#x27;Nowhere&#x27;" in content
    assert "Line 4: team &#x27;CP Team 2&#x27; belongs to Child Protection" in content
    assert Case.objects.count() == 0
    # ... and the page still works: the corrected file goes in.
    fixed = text.replace("Nowhere", "Children in Need").replace(
        "Children in Need,CP Team 2", "Child Protection,CP Team 2"
    )
    assert client.post(IMPORT_URL, {"file": upload(fixed)}).status_code == 302
    assert Case.objects.count() == 3


def test_a_file_with_childrens_names_is_refused_with_the_reason(client, qa_manager, teams):
    client.force_login(qa_manager)
    text = "case_reference,child_name,service,team,case_type,opened_on\n"

    content = client.post(IMPORT_URL, {"file": upload(text)}).content.decode()

    assert "data minimisation" in content
    assert Case.objects.count() == 0


def test_no_file_is_asked_for(client, qa_manager):
    client.force_login(qa_manager)

    response = client.post(IMPORT_URL, {})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert "<title>Error: Import cases" in response.content.decode()


def test_a_file_over_the_upload_limit_is_refused_and_the_form_shown_again(
    client, qa_manager, teams, settings
):
    settings.QAF_MAX_UPLOAD_BYTES = 1024 * 1024
    client.force_login(qa_manager)
    big = SimpleUploadedFile("cases.csv", b"x" * (1024 * 1024 + 1), content_type="text/csv")

    response = client.post(IMPORT_URL, {"file": big})

    assert response.status_code == 200
    assert "The file is larger than 1 MB." in response.content.decode()
    assert "<title>Error: Import cases" in response.content.decode()
    assert Case.objects.count() == 0


def test_the_default_upload_limit_is_5_mb(settings):
    assert settings.QAF_MAX_UPLOAD_BYTES == 5 * 1024 * 1024


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml", "an Excel workbook (.xlsx)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel workbook (.xls)"),
        (b"%PDF-1.7\n", "a PDF document"),
        (b"case_reference,service\nCMS-1\x00\x00,Care\n", "NUL bytes"),
    ],
)
def test_a_binary_file_named_csv_is_refused_naming_what_it_looks_like(
    client, qa_manager, teams, content, kind
):
    client.force_login(qa_manager)
    disguised = SimpleUploadedFile("cases.csv", content, content_type="text/csv")

    response = client.post(IMPORT_URL, {"file": disguised})

    html = response.content.decode()
    assert response.status_code == 200
    assert "The file is not a CSV text file: it looks like" in html
    assert kind in html
    assert "<form" in html
    assert Case.objects.count() == 0


def test_a_file_not_in_utf8_is_refused_with_how_to_save_it(client, qa_manager, teams):
    client.force_login(qa_manager)
    latin = SimpleUploadedFile("cases.csv", "Sérvice\n".encode("latin-1"))

    response = client.post(IMPORT_URL, {"file": latin})

    assert "CSV UTF-8" in response.content.decode()


def test_a_file_that_is_not_csv_is_refused(client, qa_manager):
    client.force_login(qa_manager)

    for name in ("cases.xlsx", "cases.txt", "cases"):
        response = client.post(IMPORT_URL, {"file": upload("x", name=name)})

        assert "must be a CSV file whose name ends in .csv" in response.content.decode()


def test_the_navigation_marks_cases_as_current_on_the_import_page(client, qa_manager):
    client.force_login(qa_manager)

    response = client.get(IMPORT_URL)

    assert [i["label"] for i in response.context["nav_items"] if i["current"]] == ["Cases"]
