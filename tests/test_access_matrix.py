"""The access matrix (qaf/access_matrix.py) holds for every URL of the project (issue 8, point 1).

- Every URL pattern has a row, and every row a URL: a view added without one fails here.
- Every role of `Role` has a column.
- For each URL, each subject (anonymous, no role, each role in service area A, superuser) gets
  the declared outcome on a real object of area A.
- IDOR: a role of area A that the row lets in gets 404 (never 403, never the page) for the same
  kind of object in area B, so guessing ids tells nothing.
"""

import re
import sys
import types

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import clear_url_caches, include, path, reverse

from accounts.models import ORGANISATION_WIDE_ROLES, Role
from qaf.access_matrix import (
    ACCESS,
    ANONYMOUS,
    DECLARED_ROLES,
    LET_IN,
    NOBODY,
    SUBJECTS,
    SUPERUSER,
    Outcome,
)
from tests.access_world import URL_ARGS, build_world
from tests.urlwalk import walk

_PARAMETER = re.compile(r"<(?:[^>:]+:)?(?P<name>[^>]+)>|\(\?P<(?P<group>\w+)>[^()]*\)")


def key_of(walked) -> str:
    """A pattern's key in the matrix: its name, or its route when it has none."""
    return walked.name or walked.route


def _has_parameters(route: str) -> bool:
    return bool(_PARAMETER.search(route))


def coverage_problems(walked_urls) -> list[str]:
    """What is wrong between the URL patterns and the matrix (empty when they agree)."""
    keys = {key_of(walked) for walked in walked_urls}
    problems = [
        f"{key!r} has no row in qaf/access_matrix.py ACCESS: declare who may use it"
        for key in sorted(keys - ACCESS.keys())
    ]
    problems += [
        f"ACCESS names {key!r}, which is no URL pattern any more: remove its row"
        for key in sorted(ACCESS.keys() - keys)
    ]
    problems += [
        f"{key_of(w)!r} takes arguments: say how to build them in tests/access_world.py URL_ARGS"
        for w in walked_urls
        if _has_parameters(w.route) and key_of(w) not in URL_ARGS
    ]
    return problems


URLS = list(walk())
ROLES = list(Role)  # at test time: a role added later is covered without being listed here


def test_every_url_pattern_has_a_row_and_every_row_a_url():
    problems = coverage_problems(URLS)
    assert not problems, "\n".join(problems)


def test_every_role_has_a_column():
    missing = [role.value for role in ROLES if role not in DECLARED_ROLES]
    assert not missing, (
        f"Role(s) {missing} have no column in the access matrix: add them to DECLARED_ROLES in "
        "qaf/access_matrix.py and declare what they may do on every row."
    )


def test_every_row_declares_every_subject():
    incomplete = {
        key: sorted(set(SUBJECTS) - row.outcomes.keys())
        for key, row in ACCESS.items()
        if set(SUBJECTS) - row.outcomes.keys()
    }
    assert not incomplete


# The test of the test: a view added without a row must fail the coverage check.


def _unlisted_view(request):
    from django.http import HttpResponse

    return HttpResponse("Nobody declared me.")


def test_a_new_unlisted_view_fails_the_coverage_check():
    urlconf = types.ModuleType("tests._urls_with_an_unlisted_view")
    urlconf.urlpatterns = [
        path("an-unlisted-page/<int:pk>/", _unlisted_view, name="unlisted_page"),
        path("", include("qaf.urls")),
    ]
    sys.modules[urlconf.__name__] = urlconf
    try:
        with override_settings(ROOT_URLCONF=urlconf.__name__):
            clear_url_caches()
            walked = list(walk())
            problems = coverage_problems(walked)
    finally:
        del sys.modules[urlconf.__name__]
        clear_url_caches()
    assert "unlisted_page" in {w.name for w in walked}
    assert set(ACCESS) <= {key_of(w) for w in walked}  # the project's own URLs are all there
    assert problems == [
        "'unlisted_page' has no row in qaf/access_matrix.py ACCESS: declare who may use it",
        "'unlisted_page' takes arguments: say how to build them in tests/access_world.py URL_ARGS",
    ]


# The walk itself.


def outcome_of(response) -> str:
    status = response.status_code
    if 200 <= status < 300:
        return Outcome.ALLOWED
    if 300 <= status < 400:
        target = response.headers.get("Location", "").split("?")[0]
        login = {reverse("login"), reverse("admin_login")}
        return Outcome.LOGIN if target in login else Outcome.REDIRECTS
    return {
        400: Outcome.BAD_REQUEST,
        403: Outcome.FORBIDDEN,
        404: Outcome.NOT_FOUND,
        405: Outcome.NOT_ALLOWED,
    }.get(status, f"status {status}")


def _url(walked, kwargs: dict) -> str:
    if not kwargs:
        return walked.url
    if walked.name:
        return reverse(walked.name, kwargs=kwargs)

    def value(match):
        return str(kwargs[match["name"] or match["group"]])

    return "/" + _PARAMETER.sub(value, walked.route).replace("^", "").replace("$", "")


def request_as(user, method: str, url: str) -> str:
    """The outcome of one request, with every change it makes to the database undone."""
    return _request(user, method, url)[0]


def _request(user, method: str, url: str) -> tuple[str, str]:
    """(outcome, where a redirect goes)."""
    try:
        with transaction.atomic():
            client = Client()
            if user is not None:
                client.force_login(user)
            response = getattr(client, method.lower())(url)
            transaction.set_rollback(True)
    except Exception as exc:  # a crash is a finding too, reported with the rest
        return f"error {type(exc).__name__}: {exc}"[:120], ""
    return outcome_of(response), response.headers.get("Location", "")


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once per module (and worker), in a transaction rolled back at the end: every test's
    own transaction, and every request's, nests inside it."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        yield build_world(ROLES)
        transaction.set_rollback(True)


@pytest.fixture
def world(_world, db):
    return _world


def _subjects():
    return [ANONYMOUS, NOBODY, *ROLES, SUPERUSER]


def _table(rows) -> str:
    width = max(len(str(r[0])) for r in rows)
    return "\n".join(
        f"  {subject!s:<{width}}  {a}" + (f"  (declared: {b})" if b else "")
        for subject, a, b in rows
    )


@pytest.mark.parametrize("walked", URLS, ids=[key_of(w) for w in URLS])
def test_each_subject_gets_the_declared_outcome(walked, world):
    key = key_of(walked)
    row = ACCESS.get(key)
    if row is None:
        pytest.fail(f"{key!r} has no row in qaf/access_matrix.py")
    args = URL_ARGS.get(key)
    url = _url(walked, args.build(world, world.a) if args else {})
    mismatches = []
    for subject in _subjects():
        declared = row.outcomes.get(subject, "nothing declared")
        got, where = _request(world.subjects[subject], row.method, url)
        if got != declared:
            mismatches.append((subject, f"{got} {where}".strip(), declared))
    if row.method == "POST":  # a GET to a POST-only endpoint never lets anyone in
        for subject in _subjects():
            got = request_as(world.subjects[subject], "GET", url)
            if got == Outcome.ALLOWED:
                mismatches.append((subject, f"GET {got}", "not let in by a GET"))
    assert not mismatches, f"{row.method} {url} ({key}):\n" + _table(mismatches)


SCOPED = [w for w in URLS if key_of(w) in URL_ARGS and URL_ARGS[key_of(w)].scoped]


@pytest.mark.parametrize("walked", SCOPED, ids=[key_of(w) for w in SCOPED])
def test_an_object_of_another_service_area_answers_404(walked, world):
    key = key_of(walked)
    row = ACCESS[key]
    url = _url(walked, URL_ARGS[key].build(world, world.b))
    area_roles = [role for role in ROLES if role not in ORGANISATION_WIDE_ROLES]
    let_in = [role for role in area_roles if row.outcomes.get(role) in LET_IN]
    wrong = []
    for role in let_in:
        got = request_as(world.subjects[role], row.method, url)
        if got != Outcome.NOT_FOUND:
            wrong.append((role, got, Outcome.NOT_FOUND))
    assert not wrong, f"{row.method} {url} ({key}), area B's object:\n" + _table(wrong)
