"""Browser tests: Playwright drives Debian's chromium against pytest-django's live server.

Every test collected under tests/browser is marked `browser`, so the root conftest skips it
outside CI when chromium is missing (and CI insists on chromium).
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

# The live server runs in a thread beside Playwright's sync API, which runs an event loop in
# this one; Django would otherwise refuse its database calls as "async unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BROWSER_DIR = Path(__file__).parent
BLOCKING_IMPACTS = ("serious", "critical")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # tryfirst: the root conftest's hook, which skips `browser` tests without chromium,
    # must see the marker.
    for item in items:
        if BROWSER_DIR in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


_axe = Axe()  # axe-core from the installed package: no network


def assert_accessible(page: Page) -> None:
    """Fail listing every serious or critical axe-core violation on the page as it stands."""
    results = _axe.run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {', '.join(map(str, node['target']))}" for node in v["nodes"])
        for v in blocking
    )
    assert not blocking, f"axe found accessibility violations on {page.url}:\n{report}"


def login(page: Page, live_server, email: str, password: str) -> None:
    """Log in through the form, as a person would."""
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Work email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def main_nav_labels(page: Page) -> list[str]:
    nav = page.get_by_test_id("main-nav")
    expect(nav).to_be_visible()
    return [text.strip() for text in nav.get_by_role("link").all_inner_texts()]


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, stopped before the test database is dropped: its threads'
    connections would otherwise keep PostgreSQL from dropping it."""
    return live_server


@pytest.fixture(scope="session", autouse=True)
def _end_live_server_sessions(django_db_setup, django_db_blocker):
    """A request the browser sends as a page closes (the review page's unload beacon) can still be
    in a live-server thread, with its own connection, when the run ends; PostgreSQL will not drop
    a database in use, so end those sessions before the test database is dropped."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
