"""Two-factor authentication in the browser: a person sets up their authenticator app at first
log-in, then logs in with a code from it; every step passes axe."""

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from accounts.tests.factories import TEST_PASSWORD, UserFactory
from tests.browser.conftest import assert_accessible, login


def _code(device: TOTPDevice, seconds_ahead: int = 0) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + seconds_ahead
    return f"{totp.token():06d}"


def test_a_person_sets_up_their_authenticator_and_logs_in_with_it(
    page: Page, live_server, transactional_db, settings
):
    settings.QAF_REQUIRE_2FA = True
    person = UserFactory(roles=[("reviewer", None)])

    login(page, live_server, person.email, TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    assert_accessible(page)

    device = TOTPDevice.objects.get(user=person)
    page.wait_for_timeout(1100)  # django-otp makes a second try wait a second after a wrong one
    page.get_by_label("Code from your authenticator app").fill(_code(device))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.get_by_test_id("recovery-codes").get_by_role("listitem")).to_have_count(10)
    assert_accessible(page)
    page.get_by_role("link", name="I have saved my codes: continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")

    page.get_by_role("button", name="Log out").click()
    login(page, live_server, person.email, TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    assert_accessible(page)
    page.get_by_label("Code").fill(_code(device, seconds_ahead=30))  # the next code: each once
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
