"""Each role logs in through the browser and finds exactly the navigation its permissions give,
every entry of which opens; logging out and using the keyboard work too."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import TEST_PASSWORD, ServiceAreaFactory, UserFactory
from tests.browser.conftest import login, main_nav_labels

# Written out by hand from RULES (accounts/permissions.py) and NAV_ITEMS (accounts/navigation.py),
# not computed from them, so that a change to either shows up here. "Reviews" is for every role
# that reads reviews (REVIEW_READERS); Toolkits and Cases are the QA Manager's.
EXPECTED_NAV = {
    "reviewer": ["My work", "My reviews", "Reviews", "IRO feedback"],
    "moderator": ["My work", "Reviews", "Moderation"],
    "service_manager": [
        "My work",
        "Reviews",
        "Escalations",
        "Actions",
        "Complaints",
        "Dashboard",
        "Reports",
    ],
    "head_of_service": [
        "My work",
        "Reviews",
        "Escalations",
        "Actions",
        "Complaints",
        "Dashboard",
        "Reports",
    ],
    "practitioner": ["My work", "Reviews", "Actions"],
    "practice_lead": ["My work", "Reviews", "Actions", "Close the loop"],
    "qa_manager": [
        "My work",
        "Reviews",
        "QA cycles",
        "Toolkits",
        "Cases",
        "Feedback",
        "Dashboard",
        "Reports",
        "Organisation",
        "Access records",
    ],
    "leadership": ["My work", "Dashboard", "Reports"],
    "data_protection_officer": ["My work", "Access records"],
    "superuser": ["My work", "Organisation", "Admin"],
}

# The panel each role finds on "My work": (role label, panel heading).
EXPECTED_PANEL = {
    "reviewer": ("Reviewer", "Reviews assigned to you"),
    "moderator": ("Moderator", "Reviews waiting for moderation"),
    "service_manager": ("Service Manager", "Escalations for your services"),
    "head_of_service": ("Head of Service", "Escalations to oversee"),
    "practitioner": ("Practitioner", "Reviews of your cases and your actions"),
    "practice_lead": ("Practice Lead", "Closing the loop"),
    "qa_manager": ("QA Manager", "The QA cycle"),
    "leadership": ("Leadership", "QA reports and dashboards"),
    "data_protection_officer": ("Data Protection Officer", "Access records"),
}

ORGANISATION_WIDE = {"qa_manager", "leadership", "data_protection_officer"}


def make_person(who: str):
    if who == "superuser":
        return UserFactory(is_staff=True, is_superuser=True)
    area = None if who in ORGANISATION_WIDE else ServiceAreaFactory(name="Children in Need")
    return UserFactory(roles=[(who, area)])


def expect_page_loaded(page: Page, response) -> None:
    assert response.status == 200, f"{response.url} answered {response.status}"
    expect(page.get_by_role("heading", level=1)).to_be_visible()


@pytest.mark.parametrize("who", EXPECTED_NAV)
def test_each_role_sees_exactly_its_navigation_and_every_entry_opens(
    page: Page, live_server, transactional_db, who
):
    person = make_person(who)
    login(page, live_server, person.email, TEST_PASSWORD)

    expect(page.get_by_role("heading", level=1, name="My work")).to_be_visible()
    assert main_nav_labels(page) == EXPECTED_NAV[who]
    if who in EXPECTED_PANEL:
        role_label, heading = EXPECTED_PANEL[who]
        panel = page.get_by_role("region", name=heading)
        expect(panel).to_be_visible()
        expect(panel).to_contain_text(role_label)
    else:
        expect(page.get_by_test_id("empty-state")).to_contain_text("You have no role in QAF yet")

    for label in EXPECTED_NAV[who]:
        page.goto(f"{live_server.url}/")
        link = page.get_by_test_id("main-nav").get_by_role("link", name=label, exact=True)
        with page.expect_response(
            lambda r: r.request.is_navigation_request() and r.frame == page.main_frame
        ) as navigation:
            link.click()
        expect_page_loaded(page, navigation.value)


def test_logging_out_from_the_header_leaves_only_the_login_page(
    page: Page, live_server, transactional_db
):
    person = make_person("reviewer")
    login(page, live_server, person.email, TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1, name="My work")).to_be_visible()

    page.get_by_role("banner").get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", level=1, name="Log in to QAF")).to_be_visible()

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    expect(page.get_by_role("heading", level=1, name="Log in to QAF")).to_be_visible()
    expect(page.get_by_test_id("main-nav")).to_have_count(0)


def test_a_keyboard_user_can_skip_to_the_form_and_log_in(page: Page, live_server, transactional_db):
    person = make_person("reviewer")
    page.goto(f"{live_server.url}/login/")
    # No autofocus (GOV.UK advice): focus starts at the top, so the first Tab is the skip link.
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()  # visually hidden until focused

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Work email address")).to_be_focused()
    page.keyboard.type(person.email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1, name="My work")).to_be_visible()
    # The browser keeps the #main fragment across the redirect home.
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/(#main)?$"))
