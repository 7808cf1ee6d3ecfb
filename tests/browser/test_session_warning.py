"""The session warning: shown before the idle limit, "Stay logged in" renews the session, and
the page's script runs under the Content Security Policy (no inline script)."""

from playwright.sync_api import Page, expect

from accounts.tests.factories import TEST_PASSWORD, UserFactory
from tests.browser.conftest import assert_accessible, login


def test_the_warning_offers_to_stay_logged_in(page: Page, live_server, transactional_db, settings):
    # An idle limit as short as the warning period: the warning shows as the page opens.
    settings.SESSION_COOKIE_AGE = 300
    person = UserFactory(roles=[("reviewer", None)])
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    login(page, live_server, person.email, TEST_PASSWORD)

    warning = page.get_by_test_id("session-warning")
    expect(warning.get_by_role("alert")).to_contain_text("You will be logged out at")
    assert_accessible(page)
    warning.get_by_role("button", name="Stay logged in").click()

    expect(warning.get_by_role("status")).to_have_text("You are still logged in.")
    assert not [e for e in errors if "Content Security Policy" in e or "Refused to" in e]
