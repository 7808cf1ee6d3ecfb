"""Log-in lockout (django-axes): five failures within 30 minutes lock that e-mail address from
that IP address for 30 minutes."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _log_in(client, email, password, address="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


def _fail(client, email, times, address="10.0.0.1"):
    """Fail `times` times; the statuses: the form again (200), then the lockout page (429)."""
    return [_log_in(client, email, "not the password", address).status_code for _ in range(times)]


def test_the_sixth_log_in_after_five_failures_is_refused_even_with_the_right_password(
    client, reviewer
):
    # The fifth failure already answers with the lockout page, so the person knows.
    assert _fail(client, reviewer.email, 5) == [200, 200, 200, 200, 429]

    response = _log_in(client, reviewer.email, TEST_PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "Too many attempts to log in" in page
    assert "Try again after" in page


def test_four_failures_do_not_lock_and_a_success_clears_the_count(client, reviewer):
    assert _fail(client, reviewer.email, 4) == [200] * 4
    assert _log_in(client, reviewer.email, TEST_PASSWORD).status_code == 302
    client.post(reverse("logout"))

    assert _fail(client, reviewer.email, 4) == [200] * 4  # counted from zero again

    assert _log_in(client, reviewer.email, TEST_PASSWORD).status_code == 302


def test_the_account_logs_in_again_after_the_thirty_minute_cool_off(client, reviewer):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _fail(client, reviewer.email, 5)
        traveller.shift(timedelta(minutes=29))
        assert _log_in(client, reviewer.email, TEST_PASSWORD).status_code == 429

        traveller.shift(timedelta(minutes=31))  # 30 minutes after that last try
        response = _log_in(client, reviewer.email, TEST_PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(reviewer.pk)


def test_the_lockout_is_by_address_and_ip_so_a_colleague_elsewhere_still_logs_in(client, reviewer):
    _fail(client, reviewer.email, 5, address="10.0.0.1")

    assert _log_in(client, reviewer.email, TEST_PASSWORD, address="10.0.0.2").status_code == 302


def test_the_lockout_is_by_address_so_a_colleague_on_the_same_network_still_logs_in(
    client, reviewer, moderator
):
    _fail(client, reviewer.email, 5)

    assert _log_in(client, moderator.email, TEST_PASSWORD).status_code == 302


def test_changing_the_case_of_the_address_does_not_start_a_new_count(client, reviewer):
    _fail(client, reviewer.email.upper(), 3)
    _fail(client, reviewer.email, 2)

    assert _log_in(client, reviewer.email, TEST_PASSWORD).status_code == 429


def test_the_lockout_page_is_the_same_for_an_address_with_no_account(client, reviewer):
    _fail(client, reviewer.email, 5)
    _fail(client, "nobody-here@example.org", 5)

    with time_machine.travel(timezone.now(), tick=False):
        known = _log_in(client, reviewer.email, "x").content.decode()
        unknown = _log_in(client, "nobody-here@example.org", "x").content.decode()

    strip = lambda page: page.split("<main")[1].split("</main>")[0]  # noqa: E731
    assert known.count("Too many attempts") == unknown.count("Too many attempts") == 2
    assert strip(known) == strip(unknown)
    assert reviewer.email not in strip(known)
