"""Request tests for the accounts pages: home, organisation, the admin's log-in, log-in, log-out
and password reset."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.importers import organisation_import
from accounts.models import Role, User
from accounts.tests.factories import TEST_PASSWORD, ServiceAreaFactory, TeamFactory, UserFactory

NEW_PASSWORD = "a brand new long passphrase 2026"


def content_of(response) -> str:
    return response.content.decode()


def staff_rows(response) -> int:
    return content_of(response).count('<th scope="row">')


# Home: every logged-in person may open it

EVERYONE = [
    "reviewer",
    "moderator",
    "service_manager",
    "head_of_service",
    "practitioner",
    "practice_lead",
    "qa_manager",
    "leadership",
    "superuser",
    "outsider",
    "nobody",
]


@pytest.mark.parametrize("person", EVERYONE)
def test_every_logged_in_person_sees_the_home_page(client, request, person):
    client.force_login(request.getfixturevalue(person))

    response = client.get("/")

    assert response.status_code == 200
    assert '<h1 class="h2">My work</h1>' in content_of(response)


@pytest.mark.django_db
def test_an_anonymous_visitor_to_the_home_page_is_sent_to_log_in(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


# role fixture: [(role label, panel heading, the panel's link)]
HOME_PANELS = {
    "reviewer": [("Reviewer", "Reviews assigned to you", "/reviews/mine/")],
    "moderator": [("Moderator", "Reviews waiting for moderation", "/reviews/moderation/")],
    "service_manager": [
        ("Service Manager", "Escalations for your services", "/reviews/escalations/")
    ],
    "head_of_service": [("Head of Service", "Escalations to oversee", "/reviews/escalations/")],
    "practitioner": [
        ("Practitioner", "Reviews of your cases and your actions", "/reviews/actions/")
    ],
    "practice_lead": [("Practice Lead", "Closing the loop", "/reviews/close-the-loop/")],
    "qa_manager": [("QA Manager", "The QA cycle", "/cycles/")],
    "leadership": [("Leadership", "QA reports and dashboards", "/reporting/dashboard/")],
}


@pytest.mark.parametrize(("person", "panels"), HOME_PANELS.items(), ids=HOME_PANELS.keys())
def test_the_home_page_shows_the_panel_of_the_role_held(client, request, person, panels):
    client.force_login(request.getfixturevalue(person))

    response = client.get("/")

    content = content_of(response)
    assert [(p["role"], p["heading"]) for p in response.context["panels"]] == [
        (role, heading) for role, heading, _ in panels
    ]
    for role, heading, url in panels:
        assert f'<p class="text-uppercase small mb-1 qaf-role-label">{role}</p>' in content
        assert f">{heading}</h2>" in content
        assert f'href="{url}"' in content
    assert "You have no role in QAF yet" not in content


def test_the_home_page_shows_a_panel_for_each_role_held(client, service_area):
    both = UserFactory(roles=[(Role.SERVICE_MANAGER, service_area), (Role.MODERATOR, service_area)])
    client.force_login(both)

    response = client.get("/")

    assert [p["heading"] for p in response.context["panels"]] == [
        "Reviews waiting for moderation",
        "Escalations for your services",
    ]
    assert content_of(response).count('class="card h-100"') == 2


def test_a_role_held_in_two_service_areas_gives_one_panel(client, service_area):
    twice = UserFactory(
        roles=[(Role.MODERATOR, service_area), (Role.MODERATOR, ServiceAreaFactory())]
    )
    client.force_login(twice)

    response = client.get("/")

    assert [p["heading"] for p in response.context["panels"]] == ["Reviews waiting for moderation"]


@pytest.mark.parametrize("person", ["nobody", "superuser"])
def test_the_home_page_of_a_person_without_roles_says_they_have_no_role_yet(
    client, request, person
):
    client.force_login(request.getfixturevalue(person))

    response = client.get("/")

    content = content_of(response)
    assert response.context["panels"] == []
    assert "You have no role in QAF yet, so there is no work to show." in content
    assert 'data-testid="empty-state"' in content


# The navigation shows each person only what they may open (NAV_ITEMS and RULES).

NAVIGATION = {
    "reviewer": ["My work", "My reviews", "Reviews", "IRO feedback"],
    "moderator": ["My work", "Reviews", "Moderation"],
    "service_manager": [
        "My work", "Reviews", "Escalations", "Actions", "Complaints", "Dashboard", "Reports",
    ],
    "head_of_service": [
        "My work", "Reviews", "Escalations", "Actions", "Complaints", "Dashboard", "Reports",
    ],
    "practitioner": ["My work", "Reviews", "Actions"],
    "practice_lead": ["My work", "Reviews", "Actions", "Close the loop"],
    "qa_manager": [
        "My work", "Reviews", "QA cycles", "Toolkits", "Cases", "Feedback", "Dashboard",
        "Reports", "Organisation", "Access records",
    ],
    "leadership": ["My work", "Dashboard", "Reports"],
    "data_protection_officer": ["My work", "Access records"],
    "superuser": ["My work", "Organisation", "Admin"],
    "outsider": [
        "My work", "My reviews", "Reviews", "Moderation", "Escalations", "Actions",
        "Close the loop", "IRO feedback", "Complaints", "Dashboard", "Reports",
    ],
    "nobody": ["My work"],
}  # fmt: skip


@pytest.mark.parametrize(("person", "labels"), NAVIGATION.items(), ids=NAVIGATION.keys())
def test_the_navigation_lists_only_the_pages_the_person_may_open(client, request, person, labels):
    client.force_login(request.getfixturevalue(person))

    response = client.get("/")

    nav = content_of(response).split('data-testid="main-nav"')[1].split("</ul>")[0]
    assert re.findall(r'class="nav-link[^"]*" href="[^"]+"[^>]*>([^<]+)</a>', nav) == labels


def test_the_navigation_marks_my_work_as_current_on_the_home_page(client, reviewer):
    client.force_login(reviewer)

    response = client.get("/")

    assert [item["label"] for item in response.context["nav_items"] if item["current"]] == [
        "My work"
    ]


# The organisation page

ORGANISATION_ALLOWED = ["qa_manager", "superuser"]
ORGANISATION_FORBIDDEN = [
    "reviewer",
    "moderator",
    "service_manager",
    "head_of_service",
    "practitioner",
    "practice_lead",
    "leadership",
    "outsider",
    "nobody",
]


def test_the_organisation_tables_say_for_every_person_whether_they_may_open_it():
    assert sorted(ORGANISATION_ALLOWED + ORGANISATION_FORBIDDEN) == sorted(EVERYONE)


@pytest.mark.parametrize("person", ORGANISATION_ALLOWED)
def test_an_allowed_person_sees_the_organisation_page(client, request, person):
    client.force_login(request.getfixturevalue(person))

    response = client.get("/organisation/")

    assert response.status_code == 200
    assert '<h1 class="h2">Organisation</h1>' in content_of(response)


@pytest.mark.parametrize("person", ORGANISATION_FORBIDDEN)
def test_a_forbidden_person_gets_403_from_the_organisation_page(client, request, person):
    client.force_login(request.getfixturevalue(person))

    response = client.get("/organisation/")

    assert response.status_code == 403


@pytest.mark.django_db
def test_an_anonymous_visitor_to_the_organisation_page_is_sent_to_log_in(client):
    response = client.get("/organisation/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/organisation/"


@pytest.mark.django_db
def test_the_organisation_page_says_when_there_are_no_service_areas_yet(client, qa_manager):
    client.force_login(qa_manager)

    response = client.get("/organisation/")

    assert "No service areas yet." in content_of(response)


def test_the_organisation_page_lists_service_areas_and_their_teams_with_staff_counts(
    client, qa_manager, service_area, other_service_area
):
    north = TeamFactory(service_area=service_area, name="CIN Team North")
    TeamFactory(service_area=service_area, name="CIN Team South")
    UserFactory.create_batch(2, team=north)
    client.force_login(qa_manager)

    response = client.get("/organisation/")

    content = content_of(response)
    assert ">Children in Need</h3>" in content
    assert ">Children in Care</h3>" in content
    assert "<li>CIN Team North <span" in content
    assert "(2 staff)" in content
    assert "(0 staff)" in content
    assert "<li>No teams yet.</li>" in content  # Children in Care has none


def test_the_organisation_page_lists_staff_with_their_team_and_roles(
    client, qa_manager, service_area, other_service_area
):
    team = TeamFactory(service_area=service_area, name="CIN Team North")
    UserFactory(
        first_name="Sara",
        last_name="Lee",
        email="sara.lee@example.org",
        team=team,
        roles=[(Role.MODERATOR, service_area), (Role.MODERATOR, other_service_area)],
    )
    UserFactory(first_name="Ned", last_name="None", email="ned@example.org")
    client.force_login(qa_manager)

    response = client.get("/organisation/")

    content = content_of(response)
    assert '<th scope="row">Sara Lee</th>' in content
    assert "<td>sara.lee@example.org</td>" in content
    assert "<td>CIN Team North</td>" in content
    assert "Moderator (Children in Care)" in content
    assert "Moderator (Children in Need)" in content
    assert "QA Manager (all service areas)" in content
    assert '<th scope="row">Ned None</th>' in content
    assert "No role" in content


def test_the_organisation_page_leaves_out_people_who_have_left(client, qa_manager):
    UserFactory(first_name="Gone", last_name="Away", is_active=False)
    client.force_login(qa_manager)

    response = client.get("/organisation/")

    assert "Gone Away" not in content_of(response)


def test_the_organisation_page_shows_25_staff_a_page(client, qa_manager):
    UserFactory.create_batch(30)  # with the QA manager, 31 people
    client.force_login(qa_manager)

    first = client.get("/organisation/")
    second = client.get("/organisation/?page=2")

    assert staff_rows(first) == 25
    assert "Page 1 of 2" in content_of(first)
    assert 'href="?page=2"' in content_of(first)
    assert staff_rows(second) == 6
    assert "Page 2 of 2" in content_of(second)


def test_the_organisation_page_has_no_pagination_for_a_single_page(client, qa_manager):
    UserFactory.create_batch(3)
    client.force_login(qa_manager)

    response = client.get("/organisation/")

    assert staff_rows(response) == 4
    assert 'aria-label="Pages"' not in content_of(response)


def test_searching_the_organisation_page_by_name_shows_only_the_matching_staff(client, qa_manager):
    UserFactory(first_name="Amira", last_name="Khan")
    UserFactory(first_name="Joe", last_name="Bloggs")
    client.force_login(qa_manager)

    response = client.get("/organisation/?q=khan")

    content = content_of(response)
    assert staff_rows(response) == 1
    assert "Amira Khan" in content
    assert "Joe Bloggs" not in content
    assert 'name="q" value="khan"' in content


def test_searching_the_organisation_page_matches_email_and_team(client, qa_manager, service_area):
    UserFactory(first_name="Amira", email="amira.k@council.example")
    UserFactory(first_name="Joe", team=TeamFactory(service_area=service_area, name="Kinship"))
    UserFactory(first_name="Other")
    client.force_login(qa_manager)

    by_email = client.get("/organisation/?q=council.example")
    by_team = client.get("/organisation/?q=kinship")

    assert staff_rows(by_email) == 1
    assert "amira.k@council.example" in content_of(by_email)
    assert staff_rows(by_team) == 1
    assert "<td>Kinship</td>" in content_of(by_team)


def test_searching_the_organisation_page_for_no_one_says_so(client, qa_manager):
    client.force_login(qa_manager)

    response = client.get("/organisation/?q=zzzz")

    assert staff_rows(response) == 0
    assert "No staff match." in content_of(response)


def test_the_organisation_pages_links_keep_the_search(client, qa_manager):
    UserFactory.create_batch(30, last_name="Smith")
    client.force_login(qa_manager)

    response = client.get("/organisation/?q=smith")

    assert staff_rows(response) == 25
    assert 'href="?q=smith&amp;page=2"' in content_of(response)


def make_staff(count: int, team) -> None:
    UserFactory.create_batch(
        count, team=team, roles=[(Role.PRACTITIONER, team.service_area), (Role.REVIEWER, None)]
    )


def queries_for_organisation_page(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/organisation/")
    assert response.status_code == 200
    return len(queries)


def test_the_organisation_pages_queries_do_not_grow_with_the_number_of_staff(
    client, qa_manager, service_area, other_service_area
):
    team = TeamFactory(service_area=service_area)
    TeamFactory(service_area=other_service_area)
    client.force_login(qa_manager)
    make_staff(5, team)
    client.get("/organisation/")  # the first request of a session may do one-off work
    with_5 = queries_for_organisation_page(client)

    make_staff(25, team)
    with_30 = queries_for_organisation_page(client)

    assert with_30 == with_5


# The admin's log-in goes through QAF's own


@pytest.mark.django_db
def test_an_anonymous_visitor_to_the_admin_ends_at_qafs_log_in_page(client):
    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0] == "/login/?next=/admin/"
    assert response.request["PATH_INFO"] == "/login/"
    assert response.status_code == 200
    assert "Log in to QAF" in content_of(response)


@pytest.mark.django_db
def test_an_anonymous_visitor_to_the_admins_log_in_is_sent_to_qafs_log_in(client):
    response = client.get("/admin/login/?next=/admin/accounts/user/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/admin/accounts/user/"


def test_a_logged_in_person_who_is_not_staff_gets_403_from_the_admins_log_in(client, qa_manager):
    client.force_login(qa_manager)

    response = client.get("/admin/login/")

    assert response.status_code == 403


def test_a_logged_in_person_who_is_not_staff_gets_403_from_the_admin(client, qa_manager):
    client.force_login(qa_manager)

    response = client.get("/admin/", follow=True)

    assert response.status_code == 403


def test_a_superuser_sees_the_admin(client, superuser):
    client.force_login(superuser)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "Set up the organisation" in content_of(response)


# Log-in


@pytest.mark.django_db
def test_the_log_in_page_is_open_to_anonymous_visitors(client):
    response = client.get("/login/")

    assert response.status_code == 200
    assert '<h1 class="h2 mb-3">Log in to QAF</h1>' in content_of(response)


def test_logging_in_with_the_right_password_goes_to_my_work(client, reviewer):
    response = client.post("/login/", {"username": reviewer.email, "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(reviewer.pk)


def test_logging_in_goes_back_to_the_page_asked_for(client, reviewer):
    response = client.post(
        "/login/?next=/reviews/mine/",
        {"username": reviewer.email, "password": TEST_PASSWORD, "next": "/reviews/mine/"},
    )

    assert response["Location"] == "/reviews/mine/"


def test_logging_in_accepts_the_email_in_any_case(client, reviewer):
    response = client.post(
        "/login/", {"username": reviewer.email.upper(), "password": TEST_PASSWORD}
    )

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(reviewer.pk)


def test_a_wrong_password_shows_the_form_again_with_the_email_kept_and_an_error(client, reviewer):
    response = client.post("/login/", {"username": reviewer.email, "password": "not it"})

    content = content_of(response)
    assert response.status_code == 200
    assert f'value="{reviewer.email}"' in content
    assert "There is a problem" in content
    assert "Enter a correct email address and password." in content
    assert "<title>Error: " in content
    assert SESSION_KEY not in client.session


def test_a_logged_in_person_visiting_the_log_in_page_goes_to_my_work(client, reviewer):
    client.force_login(reviewer)

    response = client.get("/login/")

    assert response.status_code == 302
    assert response["Location"] == "/"


# Log-out


def test_logging_out_by_get_is_not_allowed_and_keeps_the_session(client, reviewer):
    client.force_login(reviewer)

    response = client.get("/logout/")

    assert response.status_code == 405
    assert client.get("/").status_code == 200


def test_logging_out_by_post_ends_the_session(client, reviewer):
    client.force_login(reviewer)

    response = client.post("/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert SESSION_KEY not in client.session
    after = client.get("/")
    assert after.status_code == 302
    assert after["Location"] == "/login/?next=/"


# Password reset


def reset_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/password-reset/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match[1]


def without_csrf_token(content: str) -> str:
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", content)


def reset_password(client, link: str, password: str):
    form = client.get(link, follow=True)  # the link swaps the token for a session
    assert form.status_code == 200
    assert "Choose a new password" in content_of(form)
    return client.post(
        form.request["PATH_INFO"], {"new_password1": password, "new_password2": password}
    )


@pytest.mark.django_db
def test_the_password_reset_page_is_open_to_anonymous_visitors(client):
    response = client.get("/password-reset/")

    assert response.status_code == 200
    assert "Reset your password" in content_of(response)


def test_asking_for_a_reset_with_a_known_email_sends_one_email_with_a_reset_link(client, reviewer):
    response = client.post("/password-reset/", {"email": reviewer.email}, follow=True)

    assert "Check your email" in content_of(response)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [reviewer.email]
    assert mail.outbox[0].subject == "Reset your QAF password"
    assert re.fullmatch(r"/password-reset/[^/]+/[^/]+/", reset_link(mail.outbox[0]))


def test_following_the_reset_link_and_choosing_a_password_lets_the_person_log_in(client, reviewer):
    client.post("/password-reset/", {"email": reviewer.email})

    response = reset_password(client, reset_link(mail.outbox[0]), NEW_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/password-reset/complete/"
    assert "Your password has been changed" in content_of(client.get(response["Location"]))
    logged_in = client.post("/login/", {"username": reviewer.email, "password": NEW_PASSWORD})
    assert logged_in["Location"] == "/"
    assert client.session[SESSION_KEY] == str(reviewer.pk)


def test_after_a_reset_the_old_password_no_longer_works(client, reviewer):
    client.post("/password-reset/", {"email": reviewer.email})
    reset_password(client, reset_link(mail.outbox[0]), NEW_PASSWORD)

    response = client.post("/login/", {"username": reviewer.email, "password": TEST_PASSWORD})

    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_a_reset_link_works_only_once(client, reviewer):
    client.post("/password-reset/", {"email": reviewer.email})
    link = reset_link(mail.outbox[0])
    reset_password(client, link, NEW_PASSWORD)

    again = client.get(link, follow=True)

    assert "This reset link has already been used or has expired." in content_of(again)


def test_asking_for_a_reset_with_an_unknown_email_sends_nothing_but_shows_the_same_page(
    client, reviewer
):
    known = client.post("/password-reset/", {"email": reviewer.email}, follow=True)
    mail.outbox.clear()

    unknown = client.post("/password-reset/", {"email": "nobody@example.org"}, follow=True)

    assert mail.outbox == []
    assert unknown.redirect_chain == known.redirect_chain == [("/password-reset/sent/", 302)]
    assert "Check your email" in content_of(unknown)
    assert without_csrf_token(content_of(unknown)) == without_csrf_token(content_of(known))


def test_asking_for_a_reset_with_the_email_in_another_case_sends_the_link(client, reviewer):
    client.post("/password-reset/", {"email": reviewer.email.upper()})

    assert len(mail.outbox) == 1


def test_a_person_who_has_left_gets_no_reset_email(client, db):
    gone = UserFactory(is_active=False)

    client.post("/password-reset/", {"email": gone.email})

    assert mail.outbox == []


def test_a_person_imported_without_a_password_can_set_one_through_password_reset(client, db):
    organisation_import(
        rows=[
            "service_area,team,email,first_name,last_name,job_title,roles\n",
            "Children in Need,,new.starter@example.org,New,Starter,,Reviewer\n",
        ]
    )
    assert not User.objects.get(email="new.starter@example.org").has_usable_password()

    client.post("/password-reset/", {"email": "new.starter@example.org"})
    assert len(mail.outbox) == 1
    reset_password(client, reset_link(mail.outbox[0]), NEW_PASSWORD)

    client.post("/login/", {"username": "new.starter@example.org", "password": NEW_PASSWORD})
    assert client.session[SESSION_KEY] == str(User.objects.get().pk)


# Password change


def test_a_logged_in_person_can_change_their_password(client, reviewer):
    client.force_login(reviewer)

    response = client.post(
        "/password-change/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response["Location"] == "/password-change/done/"
    reviewer.refresh_from_db()
    assert reviewer.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_an_anonymous_visitor_to_password_change_is_sent_to_log_in(client):
    response = client.get("/password-change/")

    assert response["Location"] == "/login/?next=/password-change/"
