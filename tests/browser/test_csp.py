"""The Content Security Policy is enforced and nothing on the main pages breaks it: the browser
reports no violation (a blocked inline script or style, an eval, a foreign source)."""

from django.urls import reverse
from playwright.sync_api import Page

from accounts.models import Role
from accounts.tests.factories import TEST_PASSWORD, ServiceAreaFactory, UserFactory
from audits.models import Cycle
from audits.tests.factories import CycleFactory
from reviews.tests.factories import submitted_review
from tests.browser.conftest import login

PAGES = (
    "home",
    "reviews:mine",
    "reporting:dashboard",  # inline SVG charts
    "reporting:reports",
    "audits:cycles",
    "feedback:index",
)


def test_the_policy_is_enforced_with_no_violation_on_the_main_pages(
    page: Page, live_server, transactional_db
):
    area = ServiceAreaFactory(name="Children in Need")
    # A QA Manager who also reviews, so "My reviews" is theirs to open.
    qa_manager = UserFactory(roles=[(Role.QA_MANAGER, None), (Role.REVIEWER, area)])
    cycle = CycleFactory(name="Autumn review", status=Cycle.Status.REVIEW)
    review = submitted_review(service_area=area, cycle=cycle, grade="good")
    submitted_review(service_area=area, cycle=cycle, grade="inadequate")
    messages: list[str] = []
    page.on("console", lambda message: messages.append(f"{page.url}: {message.text}"))
    page.on("pageerror", lambda error: messages.append(f"{page.url}: {error}"))

    login(page, live_server, qa_manager.email, TEST_PASSWORD)
    for path in (*map(reverse, PAGES), reverse("reviews:detail", args=[review.pk])):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "style-src 'self'" in policy
        assert "unsafe-inline" not in policy
        page.wait_for_load_state("load")

    violations = [m for m in messages if "Content Security Policy" in m]
    assert not violations, "\n".join(violations)


def test_a_page_with_charts_shows_them_under_the_policy(page: Page, live_server, transactional_db):
    qa_manager = UserFactory(roles=[(Role.QA_MANAGER, None)])
    cycle = CycleFactory(name="Autumn review", status=Cycle.Status.REVIEW)
    submitted_review(service_area=ServiceAreaFactory(), cycle=cycle, grade="good")
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))

    login(page, live_server, qa_manager.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/reporting/dashboard/")

    charts = page.locator("svg.qaf-chart-svg")
    assert charts.count() > 0
    box = charts.first.bounding_box()
    assert box["width"] > 100  # sized by qaf.css, not by a blocked style attribute
    assert not [m for m in messages if "Content Security Policy" in m]
