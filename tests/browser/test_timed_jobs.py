"""The QA Manager's Timed jobs page: reached from the cycles page, a job run with "Run now" from
the keyboard, its run shown with what it did; the page and the practice themes page pass axe."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import TEST_PASSWORD, UserFactory
from audits.models import JobRun
from reviews.themes import install_default_practice_themes
from tests.browser.conftest import assert_accessible, login

pytestmark = pytest.mark.browser


def test_the_qa_manager_runs_a_job_now_and_sees_its_run(page: Page, live_server, transactional_db):
    manager = UserFactory(roles=[("qa_manager", None)])
    login(page, live_server, manager.email, TEST_PASSWORD)

    page.goto(f"{live_server.url}/cycles/")
    page.get_by_role("link", name="Timed jobs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Timed jobs")
    assert_accessible(page)

    button = page.get_by_role("button", name=re.compile(r"^Run now\s*: The QA calendar$"))
    button.focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("has been queued")
    run = JobRun.objects.get(job="qa-calendar")
    assert run.requested_by == manager
    expect(page.locator("main")).to_contain_text("Nothing was due.")
    assert_accessible(page)


def test_the_practice_themes_page_is_accessible(page: Page, live_server, transactional_db):
    install_default_practice_themes()
    manager = UserFactory(roles=[("qa_manager", None)])
    login(page, live_server, manager.email, TEST_PASSWORD)

    page.goto(f"{live_server.url}/toolkits/")
    page.get_by_role("link", name="practice themes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice themes")
    page.get_by_label("Theme name").fill("Advocacy")
    page.get_by_role("button", name="Add theme").click()
    expect(page.get_by_role("status")).to_contain_text("The theme “Advocacy” is added.")
    assert_accessible(page)
