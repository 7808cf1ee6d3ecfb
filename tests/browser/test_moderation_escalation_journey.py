"""A moderator regrades a submitted review to Inadequate; the service manager is alerted, opens the
escalation and records assurance; the Head of Service sees it closed; the reviewer sees both
grades. axe checks every page on the way."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import TEST_PASSWORD, ServiceAreaFactory, UserFactory
from reviews.models import Escalation
from reviews.tests.factories import published_version, submitted_review
from tests.browser.conftest import assert_accessible, login

pytestmark = pytest.mark.browser

REFERENCE = "CMS-515151"


def switch_to(page: Page, live_server, person) -> None:
    page.context.clear_cookies()  # log out: each person logs in afresh
    login(page, live_server, person.email, TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def status_message(page: Page):
    return page.locator("main").get_by_role("status")


def test_a_regrade_to_inadequate_is_escalated_assured_and_closed(
    page: Page, live_server, transactional_db
):
    area = ServiceAreaFactory(name="Children in Need")
    reviewer = UserFactory(roles=[("reviewer", area)], first_name="Rita", last_name="Reviewer")
    moderator = UserFactory(roles=[("moderator", area)])
    service_manager = UserFactory(roles=[("service_manager", area)])
    head_of_service = UserFactory(roles=[("head_of_service", area)])
    review = submitted_review(
        service_area=area,
        reviewer=reviewer,
        grade="requires_improvement",
        toolkit_version=published_version(3),
        case__reference=REFERENCE,
    )

    # The moderator regrades the review from the queue.
    login(page, live_server, moderator.email, TEST_PASSWORD)
    page.get_by_test_id("main-nav").get_by_role("link", name="Moderation").click()
    queue = page.get_by_test_id("moderation-queue")
    expect(queue).to_contain_text(REFERENCE)
    expect(queue).to_contain_text("Requires Improvement")
    assert_accessible(page)
    queue.get_by_role("link", name=re.compile(r"^Moderate")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(REFERENCE)
    assert_accessible(page)
    page.get_by_label("Regrade the review").check()
    page.get_by_label("Inadequate", exact=True).check()
    page.get_by_label("Rationale for the moderated grade").fill("The plan does not protect.")
    page.get_by_label("Feedback to the reviewer").fill("Check the safety plan against the risks.")
    page.get_by_role("button", name="Record the moderation").click()
    expect(status_message(page)).to_contain_text("regraded from Requires Improvement to Inadequate")
    expect(page.get_by_test_id("empty-state")).to_be_visible()  # the queue is empty now
    escalation = Escalation.objects.get(review=review)

    # The service manager is alerted, opens the escalation and records assurance.
    switch_to(page, live_server, service_manager)
    alert = page.get_by_test_id("notifications-link")
    expect(alert).to_contain_text("1")
    alert.click()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile(r"graded Inadequate")).click()
    expect(page).to_have_url(f"{live_server.url}/reviews/escalations/{escalation.pk}/")
    expect(page.get_by_test_id("escalation-status")).to_contain_text("assurance is due by")
    expect(page.get_by_test_id("escalation-review")).to_contain_text("Inadequate")
    assert_accessible(page)
    page.get_by_test_id("main-nav").get_by_role("link", name="Escalations").click()
    expect(page.get_by_test_id("escalation-list")).to_contain_text(REFERENCE)
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(f"^{REFERENCE}")).click()
    page.get_by_label("Your assurance on the child's safety").fill("Visited today: safe at home.")
    page.get_by_label("What is in place to mitigate the risk").fill("Daily visits; safety plan.")
    page.get_by_label("The actions needed").fill("A strategy discussion by Friday.")
    page.get_by_label("An action is urgent").check()
    page.get_by_role("button", name="Record assurance").click()
    expect(status_message(page)).to_contain_text("Assurance recorded. The escalation is closed.")
    expect(page.get_by_test_id("assurance")).to_contain_text("Visited today: safe at home.")
    assert_accessible(page)

    # The Head of Service sees it closed.
    switch_to(page, live_server, head_of_service)
    page.get_by_test_id("main-nav").get_by_role("link", name="Escalations").click()
    page.get_by_role("link", name=re.compile(r"^Closed")).click()
    listed = page.get_by_test_id("escalation-list")
    expect(listed).to_contain_text(REFERENCE)
    expect(listed).to_contain_text("Closed")
    assert_accessible(page)

    # The reviewer sees both grades, and the moderator's feedback.
    switch_to(page, live_server, reviewer)
    page.goto(f"{live_server.url}/reviews/{review.pk}/")
    expect(page.get_by_test_id("reviewer-grade")).to_have_text("Requires Improvement")
    expect(page.get_by_test_id("moderated-grade")).to_contain_text("Inadequate")
    expect(page.get_by_test_id("moderation-feedback")).to_contain_text(
        "Check the safety plan against the risks."
    )
    assert_accessible(page)
