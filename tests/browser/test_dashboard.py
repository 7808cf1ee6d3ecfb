"""The dashboard with data passes axe-core: charts, their data tables and the choices."""

from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import TEST_PASSWORD, ServiceAreaFactory, UserFactory
from audits.models import Cycle
from audits.tests.factories import CycleFactory
from reviews.tests.factories import ActionFactory, EscalationFactory, submitted_review
from tests.browser.conftest import assert_accessible, login


def test_the_dashboard_with_figures_is_accessible(page: Page, live_server, transactional_db):
    leadership = UserFactory(roles=[(Role.LEADERSHIP, None)])
    cycle = CycleFactory(name="Autumn review", status=Cycle.Status.REVIEW)
    need, care = ServiceAreaFactory(name="Children in Need"), ServiceAreaFactory(name="Care")
    submitted_review(service_area=need, cycle=cycle, grade="good", moderated_grade="outstanding")
    inadequate = submitted_review(service_area=need, cycle=cycle, grade="inadequate")
    EscalationFactory(review=inadequate)
    ActionFactory(review=inadequate)
    submitted_review(service_area=care, cycle=cycle, grade="requires_improvement")

    login(page, live_server, leadership.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/reporting/dashboard/")

    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    expect(page.get_by_test_id("progress")).to_contain_text("3 of 3 planned reviews completed")
    for summary in page.locator("summary").all():
        summary.click()  # open every data table, so axe checks them too
    assert_accessible(page)
