"""Sessions (OWASP ASVS 3): a new key at log-in, 30 idle minutes, 12 hours at most, nothing
left after log-out, and "Your sessions", where a person ends their other sessions."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import UserSession
from accounts.tests.factories import TEST_PASSWORD
from accounts.user_agents import describe_user_agent

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def _log_in(client, user, **extra):
    return client.post(
        reverse("login"), {"username": user.email, "password": TEST_PASSWORD}, **extra
    )


def test_logging_in_gives_the_session_a_new_key(client, reviewer):
    before = client.session
    before["seen"] = True
    before.save()
    old_key = before.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = old_key

    assert _log_in(client, reviewer).status_code == 302

    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != old_key
    assert not Session.objects.filter(pk=old_key).exists()


def test_an_idle_session_expires_after_30_minutes(client, reviewer):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(reviewer)
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200  # activity renews the clock
        traveller.shift(timedelta(minutes=31))
        response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_session_ends_12_hours_after_log_in_however_active(client, reviewer):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _log_in(client, reviewer)
        for _ in range(12 * 6 - 1):  # a request every 10 minutes, for 11 h 50 min
            traveller.shift(timedelta(minutes=10))
            assert client.get(reverse("home")).status_code == 200
        traveller.shift(timedelta(minutes=11))
        response = client.get(reverse("home"), follow=True)

    assert response.request["PATH_INFO"] == reverse("login")
    assert "a session lasts at most 12 hours" in response.content.decode()
    assert not UserSession.objects.filter(user=reviewer).exists()


def test_after_log_out_the_old_session_cookie_opens_nothing(client, reviewer):
    _log_in(client, reviewer)
    old_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("logout"))

    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_key
    response = replay.get(reverse("home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not Session.objects.filter(pk=old_key).exists()
    assert not UserSession.objects.filter(user=reviewer).exists()


def test_log_in_records_the_session_with_device_and_address(client, reviewer):
    _log_in(client, reviewer, HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="10.1.2.3")

    recorded = UserSession.objects.get(user=reviewer)
    assert recorded.session_id == client.cookies[settings.SESSION_COOKIE_NAME].value
    assert recorded.ip_address == "10.1.2.3"
    assert recorded.created_at == recorded.last_seen_at


def test_last_seen_is_written_at_most_once_a_minute(client, reviewer):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _log_in(client, reviewer)
        logged_in = UserSession.objects.get(user=reviewer).last_seen_at
        traveller.shift(timedelta(seconds=30))
        client.get(reverse("home"))
        assert UserSession.objects.get(user=reviewer).last_seen_at == logged_in
        traveller.shift(timedelta(seconds=31))
        client.get(reverse("home"))

    assert UserSession.objects.get(user=reviewer).last_seen_at == logged_in + timedelta(seconds=61)


def test_your_sessions_lists_this_and_other_sessions(client, reviewer):
    phone = Client(HTTP_USER_AGENT=SAFARI_IPHONE, REMOTE_ADDR="10.9.9.9")
    _log_in(phone, reviewer)
    _log_in(client, reviewer, HTTP_USER_AGENT=FIREFOX)

    response = client.get(reverse("accounts:sessions"), HTTP_USER_AGENT=FIREFOX)

    page = response.content.decode()
    assert "Firefox on Windows" in page
    assert "Safari on iPhone" in page
    assert "10.9.9.9" in page
    assert page.count("This session") == 1
    assert page.index("Firefox on Windows") < page.index("Safari on iPhone")  # this one first
    for key in Session.objects.values_list("pk", flat=True):
        assert key not in page  # a session key is the log-in itself: never shown


def test_the_sessions_page_costs_a_fixed_number_of_queries(
    client, reviewer, django_assert_max_num_queries
):
    for _ in range(5):
        _log_in(Client(), reviewer)
    client.force_login(reviewer)
    client.get(reverse("home"))
    with django_assert_max_num_queries(8):
        assert client.get(reverse("accounts:sessions")).status_code == 200


def test_ending_another_session_logs_it_out(client, reviewer):
    phone = Client()
    _log_in(phone, reviewer)
    _log_in(client, reviewer)
    other = UserSession.objects.exclude(session_id=client.session.session_key).get()

    response = client.post(reverse("accounts:session_end", args=[other.pk]))

    assert response.status_code == 302
    assert phone.get(reverse("home")).status_code == 302  # back to log in
    assert client.get(reverse("home")).status_code == 200  # this one goes on
    assert UserSession.objects.filter(user=reviewer).count() == 1


def test_ending_all_other_sessions_keeps_this_one(client, reviewer):
    others = [Client() for _ in range(3)]
    for other in others:
        _log_in(other, reviewer)
    _log_in(client, reviewer)

    client.post(reverse("accounts:sessions_end_others"), follow=True)

    assert all(other.get(reverse("home")).status_code == 302 for other in others)
    assert client.get(reverse("home")).status_code == 200


def test_someone_elses_session_cannot_be_ended(client, reviewer, moderator):
    _log_in(Client(), moderator)
    theirs = UserSession.objects.get(user=moderator)
    client.force_login(reviewer)

    assert client.post(reverse("accounts:session_end", args=[theirs.pk])).status_code == 404
    assert UserSession.objects.filter(pk=theirs.pk).exists()


def test_the_sessions_pages_need_a_log_in_and_post(client, reviewer):
    assert client.get(reverse("accounts:sessions")).status_code == 302
    client.force_login(reviewer)
    assert client.get(reverse("accounts:sessions_end_others")).status_code == 405
    assert client.get(reverse("accounts:session_keep_alive")).status_code == 405


def test_stay_logged_in_renews_the_idle_clock(client, reviewer):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(reviewer)
        traveller.shift(timedelta(minutes=26))
        assert client.post(reverse("accounts:session_keep_alive")).status_code == 204
        traveller.shift(timedelta(minutes=26))
        assert client.get(reverse("home")).status_code == 200


def test_pages_carry_the_session_warning_settings_and_no_inline_script(client, reviewer):
    client.force_login(reviewer)

    page = client.get(reverse("home")).content.decode()

    assert 'data-idle-seconds="1800"' in page
    assert 'data-warn-seconds="300"' in page
    assert "qaf/session.js" in page
    assert "<script>" not in page
    assert " onclick=" not in page


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        (FIREFOX, "Firefox on Windows"),
        (SAFARI_IPHONE, "Safari on iPhone"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
            "Edge on Windows",
        ),
        ("", "Unknown browser"),
    ],
)
def test_user_agents_are_named_in_words(agent, expected):
    assert describe_user_agent(agent) == expected
