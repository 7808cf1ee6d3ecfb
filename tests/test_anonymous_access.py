"""Anonymous requests to any page but log-in and password reset are sent to log in.

The test walks every URL pattern, so a view added later is covered without being listed here.
"""

import pytest
from django.urls import Resolver404, resolve, reverse

from tests.urlwalk import walk

# The only pages a person who is not logged in may open.
PUBLIC = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    # Children's and families' feedback (issue 5): a single-use link needs no account.
    "feedback:family_form",
    "feedback:family_thanks",
}

# Public pages whose sample URL names nothing that exists: the sample token is no link, so the
# page answers 404 ("This link does not work") rather than 200; it must still not ask to log in.
PUBLIC_NOT_FOUND = {"feedback:family_form"}

# Patterns deliberately answered by an earlier pattern of ours: name -> the name that answers.
SHADOWED = {"admin:login": "admin_login"}  # one log-in page for everyone

URLS = list(walk())


def test_the_walk_finds_the_projects_pages():
    names = {walked.name for walked in URLS}
    assert {"home", "login", "accounts:organisation", "reviews:moderation", "admin:index"} <= names


@pytest.mark.parametrize("walked", URLS, ids=[w.route for w in URLS])
def test_every_sample_url_resolves_to_its_own_pattern(walked):
    # If this fails the walker made a wrong sample, and the access tests would test nothing.
    try:
        match = resolve(walked.url)
    except Resolver404:
        pytest.fail(f"{walked.url} (from {walked.route}) does not resolve")
    if walked.name:
        assert match.view_name == SHADOWED.get(walked.name, walked.name)


@pytest.mark.django_db
@pytest.mark.parametrize("walked", URLS, ids=[w.route for w in URLS])
def test_anonymous_users_are_sent_to_log_in(client, walked):
    login = reverse("login")
    if walked.name in PUBLIC:
        response = client.get(walked.url)
        expected = 404 if walked.name in PUBLIC_NOT_FOUND else 200
        assert response.status_code == expected, f"{walked.url} should be public"
        return
    for method in ("get", "post"):
        response = getattr(client, method)(walked.url, follow=True)
        final_path = response.request["PATH_INFO"]
        assert final_path == login, f"anonymous {method.upper()} {walked.url} ended at {final_path}"
        assert response.redirect_chain, (
            f"anonymous {method.upper()} {walked.url} was not redirected"
        )
