"""Two-factor authentication: a TOTP authenticator app, and single-use recovery codes for the
day the phone is lost (django-otp's TOTP and static devices). Writes and reads both live here.
"""

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import mark_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
APP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def totp_device_for_setup(user) -> TOTPDevice:
    """The person's unconfirmed authenticator, made on first visit to the set-up page: the same
    secret until confirmed, so a reload does not invalidate the code they scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def totp_setup_confirm(*, request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the authenticator with a code from it; returns the new recovery codes, or None
    when the code is wrong. The session counts as verified from here."""
    if not device.verify_token(_digits(code)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    otp_login(request, device)
    request.session.cycle_key()  # more privilege, new key (ASVS 3.2.1)
    return recovery_codes_replace(user=device.user)


@transaction.atomic
def recovery_codes_replace(*, user) -> list[str]:
    """Ten new recovery codes, each good once; any old ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def second_factor_verify(*, request, code: str) -> bool:
    """Check a code from the authenticator app (six digits) or a recovery code (used up)."""
    user = request.user
    digits = _digits(code)
    if digits.isdigit() and len(digits) == 6:
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
        token = digits
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
        token = "".join(code.split()).replace("-", "").lower()
    with transaction.atomic():
        for device in devices.select_for_update():
            if device.verify_token(token):
                otp_login(request, device)
                request.session.cycle_key()  # more privilege, new key (ASVS 3.2.1)
                return True
    return False


def wait_seconds(user) -> int:
    """Seconds until django-otp's throttle lets the person try another code (0: now)."""
    waits = []
    for model in (TOTPDevice, StaticDevice):
        for device in model.objects.filter(user=user, confirmed=True):
            allowed, data = device.verify_is_allowed()
            if not allowed and data and data.get("locked_until"):
                waits.append(int((data["locked_until"] - timezone.now()).total_seconds()) + 1)
    return max(waits, default=0)


def qr_svg(text: str) -> str:
    """A QR code as inline SVG, made here (no outside service sees the secret)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    return mark_safe(image.to_string(encoding="unicode"))  # our own markup: safe as it is


def _digits(code: str) -> str:
    return "".join(code.split())
