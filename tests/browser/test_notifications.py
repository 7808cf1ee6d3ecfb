"""A person sees their unread count in the header, opens a notification from the list (it is then
read), and the pages pass axe; the review page shows its history."""

from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.tests.factories import TEST_PASSWORD, NotificationFactory, UserFactory
from reviews.models import ReviewEvent
from reviews.tests.factories import ReviewFactory, published_version
from tests.browser.conftest import assert_accessible, login


def test_a_person_opens_a_notification_from_the_header_and_it_is_read(
    page: Page, live_server, transactional_db
):
    person = UserFactory(roles=[("reviewer", None)])
    NotificationFactory(recipient=person, summary="A review was returned to you", url="/reviews/")
    NotificationFactory(recipient=person, summary="Another thing", read_at=timezone.now())
    login(page, live_server, person.email, TEST_PASSWORD)

    link = page.get_by_test_id("notifications-link")
    expect(link).to_have_accessible_name("Notifications 1 unread")
    link.click()
    expect(page.get_by_role("heading", level=1, name="Notifications")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="A review was returned to you").click()

    expect(page).to_have_url(f"{live_server.url}/reviews/")
    expect(page.get_by_test_id("notifications-link")).to_have_accessible_name("Notifications")


def test_the_review_page_shows_its_history_accessibly(page: Page, live_server, transactional_db):
    reviewer = UserFactory(first_name="Rita", last_name="Rowe", roles=[("reviewer", None)])
    review = ReviewFactory(reviewer=reviewer, toolkit_version=published_version(3))
    ReviewEvent.objects.create(
        review=review, from_status="assigned", to_status="in_progress", actor=reviewer
    )
    login(page, live_server, reviewer.email, TEST_PASSWORD)

    page.goto(f"{live_server.url}/reviews/{review.pk}/")

    history = page.get_by_test_id("review-history")
    expect(history.get_by_role("heading", level=2, name="History")).to_be_visible()
    expect(history.get_by_role("row", name="Rita Rowe Started the review")).to_be_visible()
    assert_accessible(page)
