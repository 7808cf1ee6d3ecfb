"""Children's and families' feedback in the browser: a QA Manager makes a link, a family member
opens it without logging in, answers and sends; the link then refuses a second answer. axe
checks the public form in both versions, and the staff pages."""

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import TEST_PASSWORD, ServiceAreaFactory, TeamFactory, UserFactory
from audits.tests.factories import CaseFactory
from feedback import family
from feedback.models import FamilyFeedback
from tests.browser.conftest import assert_accessible, login

pytestmark = pytest.mark.browser


def test_a_family_member_answers_once_through_a_link(page: Page, live_server, transactional_db):
    area = ServiceAreaFactory(name="Children in Need")
    case = CaseFactory(reference="CMS-616161", team=TeamFactory(service_area=area))
    qa_manager = UserFactory(roles=[("qa_manager", None)])

    # The QA Manager makes a link for the case and sees it, with its QR code, once.
    login(page, live_server, qa_manager.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/feedback/links/new/?case={case.pk}")
    expect(page.get_by_role("heading", level=1, name="Make a feedback link")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Young people and adults").check()
    page.get_by_role("button", name="Make the link").click()
    expect(page.get_by_role("heading", level=1, name="Feedback link made")).to_be_visible()
    expect(page.get_by_text("This link is shown only once.")).to_be_visible()
    expect(page.get_by_role("img", name="QR code for the link above")).to_be_visible()
    assert_accessible(page)
    url = page.get_by_test_id("family-link").inner_text()

    # A family member, with no account, opens it.
    page.context.clear_cookies()
    page.goto(url)
    expect(page.get_by_role("heading", level=1, name="Tell us what you think")).to_be_visible()
    expect(page.get_by_text(case.reference)).to_have_count(0)
    assert_accessible(page)

    # Sending without answering shows what is missing, accessibly.
    page.get_by_role("button", name="Send").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    assert_accessible(page)

    # Keyboard only: a radio group is reached with Tab and chosen with the arrow keys.
    page.get_by_role("group", name="Who are you?").get_by_label("A parent").check()
    listened = page.get_by_role("group", name="Did you feel listened to?")
    listened.get_by_label("Mostly").focus()
    page.keyboard.press("ArrowRight")
    expect(listened.get_by_label("Yes, a lot")).to_be_checked()
    page.get_by_role("group", name="Did the help make things better?").get_by_label("A bit").check()
    page.get_by_label("What went well?").fill("Our worker came when she said she would.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1, name="Thank you")).to_be_visible()
    assert_accessible(page)

    feedback = FamilyFeedback.objects.get()
    assert (feedback.case, feedback.respondent) == (case, "parent")
    assert (feedback.listened_to, feedback.helped) == (5, 3)

    # Opening the link again is refused, kindly.
    page.goto(url)
    expect(
        page.get_by_role("heading", level=1, name="This link has already been used")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Send")).to_have_count(0)
    assert_accessible(page)
    assert FamilyFeedback.objects.count() == 1


def test_a_younger_child_answers_with_faces_and_words(page: Page, live_server, transactional_db):
    case = CaseFactory()
    _, token = family.link_create(
        case=case, version="younger", actor=UserFactory(roles=[("qa_manager", None)])
    )
    page.goto(f"{live_server.url}/feedback/f/{token}/")
    expect(page.get_by_role("heading", level=1, name="Tell us what you think")).to_be_visible()
    assert_accessible(page)

    # Each face is a button-like label with its words; the radio button itself is hidden.
    listened = page.get_by_role("group", name="Did people listen to you?")
    listened.locator("label", has_text="Yes, a lot").click()
    expect(listened.get_by_role("radio", name="Yes, a lot")).to_be_checked()
    better = page.get_by_role("group", name="Are things better now?")
    better.get_by_role("radio", name="Not really").focus()  # from the keyboard
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(better.get_by_role("radio", name="Mostly")).to_be_checked()
    page.get_by_label("What was good?").fill("Playing games")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1, name="Thank you")).to_be_visible()

    feedback = FamilyFeedback.objects.get()
    assert (feedback.respondent, feedback.listened_to, feedback.helped) == ("child", 5, 4)
    assert feedback.went_well == "Playing games"
