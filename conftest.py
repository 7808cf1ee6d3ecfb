"""
Test-wide set-up: fast password hashing, eager Celery, the services the suite depends on, and
ready people for each role.

Where the real services are: with CI=true the suite insists on PostgreSQL (DATABASE_URL), Redis
(CELERY_BROKER_URL) and chromium, and stops at once if one is missing; it never falls back. Outside
CI, tests marked `postgres`, `redis` or `browser` are reported as skipped when their service is
absent, and the closing summary names them.
"""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = "/usr/bin/chromium"


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 2
        ):
            return True
    except OSError:
        return False


def _services() -> dict[str, str | None]:
    """For each service marker: None if available, else why not."""
    database_url = os.environ.get("DATABASE_URL", "")
    broker_url = os.environ.get("CELERY_BROKER_URL", "")
    missing = {}
    if not database_url.startswith(("postgres://", "postgresql://")):
        missing["postgres"] = "DATABASE_URL does not point at PostgreSQL"
    elif not _reachable(database_url, 5432):
        missing["postgres"] = f"PostgreSQL at {urlparse(database_url).netloc} is not reachable"
    if not broker_url.startswith("redis://"):
        missing["redis"] = "CELERY_BROKER_URL does not point at Redis"
    elif not _reachable(broker_url, 6379):
        missing["redis"] = f"Redis at {urlparse(broker_url).netloc} is not reachable"
    if not shutil.which(CHROMIUM):
        missing["browser"] = f"{CHROMIUM} is not installed"
    return missing


MISSING = _services()


def pytest_configure(config):
    if IN_CI and MISSING:
        reasons = "; ".join(MISSING.values())
        raise pytest.UsageError(f"CI=true but a service the suite needs is missing: {reasons}.")
    from django.conf import settings

    # Password hashing is deliberately slow (0.5 s); tests do not need that protection.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests log in with force_login or the browser's login(): the second factor is off unless a
    # test turns it on (accounts/tests/test_two_factor.py).
    settings.QAF_REQUIRE_2FA = False
    # Figures are computed afresh on every page unless a test turns the cache on: most tests
    # run in a transaction that never commits, and the cache moves on at commits
    # (reporting/tests/test_data_version.py).
    settings.QAF_FIGURES_CACHE_SECONDS = 0
    # Persistent connections outlive the live server's threads and keep the test database
    # busy, so PostgreSQL refuses to drop it at the end.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests run without collectstatic: no manifest of hashed names, no STATIC_ROOT to serve.
    settings.STATIC_ROOT = None
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def pytest_collection_modifyitems(config, items):
    for item in items:
        for marker, reason in MISSING.items():
            if marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=f"needs {marker}: {reason}"))


def pytest_terminal_summary(terminalreporter):
    if MISSING and not IN_CI:
        terminalreporter.write_line(
            "Not run here for want of a service: "
            + "; ".join(f"{m} tests ({why})" for m, why in MISSING.items())
            + ". CI runs them all.",
            yellow=True,
        )


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Run tasks in-process unless a test starts real workers: a .delay() with nobody to
    consume it would otherwise wait forever."""
    from qaf.celery import app

    if "celery_worker" in request.keywords:
        yield
        return
    from celery.result import _set_task_join_will_block

    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous
    # Celery marks "inside a task" in a process-wide flag while an eager task runs, and restores
    # the value it found; two threads running eager tasks at once (the PostgreSQL concurrency
    # tests) can leave it set, and every later result.get() would then refuse to wait.
    _set_task_join_will_block(False)


# Ready people for each role, in the service area "Children in Need", plus an outsider who holds
# every scoped role in another service area.
@pytest.fixture
def service_area(db):
    from accounts.tests.factories import ServiceAreaFactory

    return ServiceAreaFactory(name="Children in Need")


@pytest.fixture
def other_service_area(db):
    from accounts.tests.factories import ServiceAreaFactory

    return ServiceAreaFactory(name="Children in Care")


def _person(role, area):
    from accounts.tests.factories import UserFactory

    return UserFactory(roles=[(role, area)])


@pytest.fixture
def reviewer(service_area):
    return _person("reviewer", service_area)


@pytest.fixture
def moderator(service_area):
    return _person("moderator", service_area)


@pytest.fixture
def service_manager(service_area):
    return _person("service_manager", service_area)


@pytest.fixture
def head_of_service(service_area):
    return _person("head_of_service", service_area)


@pytest.fixture
def practitioner(service_area):
    return _person("practitioner", service_area)


@pytest.fixture
def practice_lead(service_area):
    return _person("practice_lead", service_area)


@pytest.fixture
def qa_manager(db):
    return _person("qa_manager", None)


@pytest.fixture
def leadership(db):
    return _person("leadership", None)


@pytest.fixture
def data_protection_officer(db):
    return _person("data_protection_officer", None)


@pytest.fixture
def superuser(db):
    from accounts.tests.factories import UserFactory

    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def nobody(db):
    """Logged in, but holding no role."""
    from accounts.tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def outsider(other_service_area):
    """Holds every scoped role, but only in another service area."""
    from accounts.models import ORGANISATION_WIDE_ROLES, Role
    from accounts.tests.factories import UserFactory

    scoped = [role for role in Role if role not in ORGANISATION_WIDE_ROLES]
    return UserFactory(roles=[(role, other_service_area) for role in scoped])
