"""Two-factor authentication (ASVS 5.0 level 2): an authenticator app (TOTP) and single-use
recovery codes, required for every account unless QAF_REQUIRE_2FA is off (the demo only)."""

import time
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.checks import two_factor_required_in_production
from accounts.tests.factories import TEST_PASSWORD
from accounts.two_factor import recovery_codes_replace

pytestmark = pytest.mark.django_db

# Every kind of page but the second-factor steps and log-out, including an htmx endpoint.
GUARDED = [
    ("get", "home", []),
    ("get", "accounts:sessions", []),
    ("get", "accounts:organisation", []),
    ("get", "reviews:mine", []),
    ("post", "reviews:autosave", [1]),
    ("post", "accounts:notifications_read_all", []),
    ("get", "accounts:two_factor", []),
    ("get", "admin:index", []),
]


@pytest.fixture(autouse=True)
def _required(settings):
    settings.QAF_REQUIRE_2FA = True


def code_for(device, seconds_ahead=0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + seconds_ahead
    return f"{totp.token():06d}"


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def _log_in(client, user):
    response = client.post(reverse("login"), {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return response


@pytest.mark.parametrize(("method", "name", "args"), GUARDED)
def test_without_the_second_factor_only_its_steps_open(client, qa_manager, method, name, args):
    confirmed_device(qa_manager)
    _log_in(client, qa_manager)

    response = getattr(client, method)(reverse(name, args=args), HTTP_HX_REQUEST="true")

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor_verify"))


def test_without_a_device_every_page_leads_to_setting_one_up(client, reviewer):
    _log_in(client, reviewer)

    response = client.get(reverse("reviews:mine"))

    assert response.status_code == 302
    assert response.url == reverse("accounts:two_factor_setup") + "?next=%2Freviews%2Fmine%2F"


def test_before_the_second_factor_the_steps_and_log_out_open(client, reviewer):
    _log_in(client, reviewer)

    assert client.get(reverse("accounts:two_factor_setup")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_setting_up_the_authenticator_with_a_right_code_opens_the_pages(client, reviewer):
    _log_in(client, reviewer)
    page = client.get(reverse("accounts:two_factor_setup") + "?next=/reviews/mine/")
    assert b"<svg" in page.content  # the QR code, drawn here
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    secret = page.context["secret_groups"]
    assert "".join(secret)  # the key to type when the QR code cannot be scanned

    response = client.post(
        reverse("accounts:two_factor_setup"), {"code": code_for(device), "next": "/reviews/mine/"}
    )

    assert response.status_code == 302
    codes_page = client.get(response.url)
    assert len(codes_page.context["codes"]) == 10
    assert client.get(response.url).status_code == 302  # shown once
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("reviews:mine")).status_code == 200


def test_a_wrong_code_is_refused_with_an_error_linked_to_the_field(client, reviewer):
    _log_in(client, reviewer)
    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=reviewer)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("accounts:two_factor_setup"), {"code": wrong})

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_code"' in page
    assert "That code is not right" in page
    assert 'aria-describedby="' in page
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(reverse("home")).status_code == 302


def test_logging_in_with_the_app_code_opens_the_pages(client, reviewer):
    device = confirmed_device(reviewer)
    _log_in(client, reviewer)
    key_before = client.session.session_key

    response = client.post(
        reverse("accounts:two_factor_verify") + "?next=/reviews/mine/", {"code": code_for(device)}
    )

    assert response.status_code == 302
    assert response.url == "/reviews/mine/"
    assert client.session.session_key != key_before  # more privilege, new key
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_code_at_log_in_is_refused(client, reviewer):
    device = confirmed_device(reviewer)
    _log_in(client, reviewer)

    response = client.post(
        reverse("accounts:two_factor_verify"),
        {"code": f"{(int(code_for(device)) + 1) % 1_000_000:06d}"},
    )

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_each_recovery_code_works_once(client, reviewer):
    confirmed_device(reviewer)
    codes = recovery_codes_replace(user=reviewer)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _log_in(client, reviewer)
        response = client.post(reverse("accounts:two_factor_verify"), {"code": codes[0]})
        assert response.status_code == 302
        assert client.get(reverse("home")).status_code == 200
        client.post(reverse("logout"))

        _log_in(client, reviewer)
        traveller.shift(timedelta(minutes=1))
        response = client.post(reverse("accounts:two_factor_verify"), {"code": codes[0]})
        assert response.status_code == 200  # used up
        assert client.get(reverse("home")).status_code == 302
        traveller.shift(timedelta(minutes=1))  # past the throttle of the wrong try
        response = client.post(reverse("accounts:two_factor_verify"), {"code": codes[1].upper()})

    assert response.status_code == 302
    assert StaticToken.objects.filter(device__user=reviewer).count() == 8


def test_new_recovery_codes_replace_the_old_ones(client, reviewer):
    device = confirmed_device(reviewer)
    old = recovery_codes_replace(user=reviewer)
    _log_in(client, reviewer)
    client.post(reverse("accounts:two_factor_verify"), {"code": code_for(device)})

    response = client.post(reverse("accounts:recovery_codes_new"), follow=True)

    new = response.context["codes"]
    assert len(new) == 10
    assert not set(old) & set(new)
    assert StaticToken.objects.filter(device__user=reviewer, token__in=old).count() == 0


def test_with_the_setting_off_no_second_factor_is_asked(client, reviewer, settings):
    settings.QAF_REQUIRE_2FA = False
    _log_in(client, reviewer)

    assert client.get(reverse("home")).status_code == 200


def test_the_deploy_check_warns_when_production_turns_two_factor_off(settings):
    settings.DEBUG = False
    assert two_factor_required_in_production(None) == []
    settings.QAF_REQUIRE_2FA = False

    warnings = two_factor_required_in_production(None)

    assert [w.id for w in warnings] == ["accounts.W001"]
    settings.DEBUG = True
    assert two_factor_required_in_production(None) == []


def test_the_check_is_registered_for_deploy(settings):
    settings.DEBUG = False
    settings.QAF_REQUIRE_2FA = False
    with pytest.raises(SystemCheckError, match=r"accounts\.W001"):
        call_command("check", "--deploy", "--tag", "security", "--fail-level", "WARNING")


def test_the_demo_log_ins_say_when_two_factor_is_off(settings, reviewer):
    settings.QAF_REQUIRE_2FA = False
    out = StringIO()

    call_command("load_demo", "--if-empty", stdout=out)

    assert "Two-factor authentication is off for the demo" in out.getvalue()
