"""Closing the loop in the browser: the reviewer agrees an action with the practitioner, the
practitioner marks it done with the evidence, and a Practice Lead verifies it. axe checks every
page on the way."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.tests.factories import TEST_PASSWORD, ServiceAreaFactory, TeamFactory, UserFactory
from reviews.models import Action, Review
from reviews.tests.factories import ReviewFactory, published_version
from tests.browser.conftest import assert_accessible, login

pytestmark = pytest.mark.browser

DESCRIPTION = "Add timescales and a contingency plan to the child's plan."
EVIDENCE = "The plan was updated on the child's record with dates and a contingency."


def log_in_as(page: Page, live_server, person) -> None:
    page.context.clear_cookies()
    login(page, live_server, person.email, TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1, name="My work")).to_be_visible()


def test_an_action_is_agreed_done_and_verified_to_close_the_loop(
    page: Page, live_server, transactional_db
):
    area = ServiceAreaFactory(name="Children in Need")
    reviewer = UserFactory(roles=[("reviewer", area)])
    practitioner = UserFactory(first_name="Sam", last_name="Okafor", roles=[("practitioner", area)])
    practice_lead = UserFactory(roles=[("practice_lead", area)])
    review = ReviewFactory(
        reviewer=reviewer,
        toolkit_version=published_version(3),
        status=Review.Status.SUBMITTED,
        grade="requires_improvement",
        submitted_at=timezone.now(),
        case__team=TeamFactory(service_area=area),
        case__reference="CMS-515151",
        case__practitioner=practitioner,
    )
    review_url = f"{live_server.url}/reviews/{review.pk}/"
    due = timezone.localdate() + datetime.timedelta(days=21)

    # The reviewer records the action agreed in the discussion with the practitioner.
    log_in_as(page, live_server, reviewer)
    page.goto(review_url)
    actions = page.get_by_test_id("agreed-actions")
    expect(actions).to_contain_text("No actions have been agreed from this review.")
    assert_accessible(page)
    actions.get_by_role("link", name="Agree an action").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agree an action: case CMS-515151")
    expect(page.get_by_label("Who owns it")).to_have_value(str(practitioner.pk))
    page.get_by_label("What is to be done").fill(DESCRIPTION)
    page.get_by_label("By when").fill("2020-01-01")
    page.get_by_role("button", name="Agree this action").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("The date the action is due by must be in the future.")
    expect(page.get_by_label("What is to be done")).to_have_value(DESCRIPTION)
    assert_accessible(page)
    page.get_by_label("By when").fill(due.isoformat())
    page.get_by_role("button", name="Agree this action").click()
    expect(page.get_by_role("status")).to_contain_text("Action agreed.")
    row = page.get_by_test_id("agreed-actions").get_by_role("row", name=DESCRIPTION)
    expect(row).to_contain_text("Sam Okafor")
    expect(row).to_contain_text("Open")
    assert_accessible(page)

    # The practitioner finds it in "My work" and marks it done with the evidence.
    log_in_as(page, live_server, practitioner)
    panel = page.get_by_role("region", name="Your actions", exact=True)
    expect(panel).to_contain_text("1 open action")
    assert_accessible(page)
    panel.get_by_role("link", name="Open all your actions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Actions")
    assert_accessible(page)
    page.get_by_role("row", name=DESCRIPTION).get_by_role("link", name="Mark as done").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mark an action done")
    page.get_by_role("button", name="Mark as done").click()  # without the evidence first
    expect(page.locator("[data-error-summary]")).to_contain_text(
        "Enter the evidence that the action is done."
    )
    assert_accessible(page)
    page.get_by_label("Evidence that the action is done").fill(EVIDENCE)
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_role("status")).to_contain_text("A Practice Lead will verify it.")
    expect(page.get_by_test_id("empty-state")).to_contain_text("No actions match these filters.")
    page.get_by_label("Status").select_option(label="All")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("row", name=DESCRIPTION)).to_contain_text(
        "Done, waiting for verification"
    )
    assert_accessible(page)

    # The Practice Lead finds the review on the board and verifies the action.
    log_in_as(page, live_server, practice_lead)
    page.get_by_test_id("main-nav").get_by_role("link", name="Close the loop").click()
    loop_row = page.get_by_role("row", name="CMS-515151")
    expect(loop_row).to_contain_text("Waiting for verification")
    assert_accessible(page)
    loop_row.get_by_role("link", name="CMS-515151").click()
    page.get_by_test_id("agreed-actions").get_by_role("link", name="Verify").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify an action")
    expect(page.get_by_test_id("action-details")).to_contain_text(EVIDENCE)
    assert_accessible(page)
    page.get_by_role("button", name="Verify: the improvement is evidenced").click()
    expect(page.get_by_role("status")).to_contain_text("Action verified")
    verified = page.get_by_test_id("agreed-actions").get_by_role("row", name=DESCRIPTION)
    expect(verified).to_contain_text("Verified by")
    assert_accessible(page)

    page.goto(f"{live_server.url}/reviews/close-the-loop/?show=closed")
    expect(page.get_by_role("row", name="CMS-515151")).to_contain_text("Closed")
    assert_accessible(page)
    action = Action.objects.get()
    assert (action.status, action.verified_by, action.evidence) == (
        Action.Status.VERIFIED,
        practice_lead,
        EVIDENCE,
    )
