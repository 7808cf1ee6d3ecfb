"""The "qaf.security" log: log-ins, failures, log-outs and refused requests, without case text,
query strings, passwords or the address typed (issue 8, acceptance)."""

import logging

import pytest

from accounts.tests.factories import TEST_PASSWORD
from audit.security_log import attempted_username_hash
from reviews.tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db

LOGGER = "qaf.security"


def lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


@pytest.fixture(autouse=True)
def _capture(caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)


def test_a_successful_log_in_is_logged_with_the_user_id(client, reviewer, caplog):
    client.post("/login/", {"username": reviewer.email, "password": TEST_PASSWORD})

    assert any(line.startswith(f"login_succeeded user={reviewer.pk} ") for line in lines(caplog))


def test_a_failed_log_in_logs_a_hash_never_the_address_or_password(client, reviewer, caplog):
    client.post("/login/", {"username": reviewer.email, "password": "wrong password 1"})

    failed = [line for line in lines(caplog) if line.startswith("login_failed")]
    assert len(failed) == 1
    assert f"username_hash={attempted_username_hash(reviewer.email)}" in failed[0]
    assert reviewer.email not in failed[0]
    assert "wrong password" not in " ".join(caplog.messages)


def test_a_log_out_is_logged(client, reviewer, caplog):
    client.force_login(reviewer)

    client.post("/logout/")

    assert any(line.startswith(f"logout user={reviewer.pk} ") for line in lines(caplog))


def test_a_404_for_a_review_outside_scope_is_logged_without_the_query_string(
    client, outsider, caplog
):
    review = ReviewFactory()
    client.force_login(outsider)

    response = client.get(f"/reviews/{review.pk}/", {"case": review.case.reference})

    assert response.status_code == 404
    (line,) = [line for line in lines(caplog) if line.startswith("refused")]
    assert f"status=404 user={outsider.pk} method=GET path=/reviews/{review.pk}/ " in line
    assert review.case.reference not in line
    assert "?" not in line


def test_a_403_is_logged(client, reviewer, caplog):
    client.force_login(reviewer)

    assert client.get("/audit/access-records/").status_code == 403

    assert any(
        f"refused status=403 user={reviewer.pk} method=GET path=/audit/access-records/" in line
        for line in lines(caplog)
    )


def test_an_unknown_address_is_logged_without_what_was_typed_after_its_first_part(
    client, reviewer, caplog
):
    client.force_login(reviewer)

    assert client.get("/reviews/CIN-12345/notes/").status_code == 404

    (line,) = [line for line in lines(caplog) if line.startswith("refused")]
    assert "path=/reviews/…" in line
    assert "CIN-12345" not in line


def test_a_family_feedback_links_token_is_not_logged(client, caplog):
    response = client.get("/feedback/f/not-a-real-token-abcdef/")

    assert response.status_code == 404
    refused = [line for line in lines(caplog) if line.startswith("refused")]
    assert refused
    assert "not-a-real-token" not in " ".join(refused)
    assert "path=/feedback/f/<token>/" in refused[0]
