"""axe-core finds no serious or critical accessibility problem on the pages people use."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import TEST_PASSWORD, ServiceAreaFactory, TeamFactory, UserFactory
from tests.browser.conftest import assert_accessible, login, main_nav_labels


def test_the_login_page_is_accessible(page: Page, live_server, transactional_db):
    page.goto(f"{live_server.url}/login/")
    expect(page.get_by_role("heading", level=1, name="Log in to QAF")).to_be_visible()
    assert_accessible(page)


def test_a_failed_login_focuses_an_accessible_error_summary(
    page: Page, live_server, transactional_db
):
    person = UserFactory()
    login(page, live_server, person.email, "not the password")

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(summary).to_be_focused()
    assert page.evaluate("document.activeElement.dataset.errorSummary !== undefined")
    expect(page).to_have_title(re.compile(r"^Error: Log in\b"))
    assert_accessible(page)


def test_the_password_reset_page_is_accessible(page: Page, live_server, transactional_db):
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", level=1, name="Reset your password")).to_be_visible()
    assert_accessible(page)


def test_the_password_reset_page_with_an_error_is_accessible(
    page: Page, live_server, transactional_db
):
    # A field error is listed in the summary as a link to its field, on the summary's red.
    page.goto(f"{live_server.url}/password-reset/")
    page.get_by_role("button", name="Send the reset link").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="This field is required.")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("role", ["qa_manager", "service_manager"])
def test_my_work_and_every_page_in_the_navigation_are_accessible(
    page: Page, live_server, transactional_db, role
):
    # Enough of an organisation that its page shows service areas, teams, staff and pages.
    area = ServiceAreaFactory(name="Children in Need")
    UserFactory.create_batch(30, team=TeamFactory(service_area=area), roles=[("reviewer", area)])
    person = UserFactory(roles=[(role, None if role == "qa_manager" else area)])
    login(page, live_server, person.email, TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1, name="My work")).to_be_visible()
    assert_accessible(page)

    for label in main_nav_labels(page)[1:]:  # My work was scanned above
        page.goto(f"{live_server.url}/")
        page.get_by_test_id("main-nav").get_by_role("link", name=label, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(
            page.get_by_test_id("main-nav").get_by_role("link", name=label, exact=True)
        ).to_have_attribute("aria-current", "page")
        assert_accessible(page)
