"""Two-factor authentication pages: set up the authenticator app, the second step of log-in,
and the recovery codes (shown once)."""

from base64 import b32encode
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .forms import SecondFactorForm, SetUpCodeForm
from .two_factor import (
    has_authenticator,
    qr_svg,
    recovery_codes_left,
    recovery_codes_replace,
    second_factor_verify,
    totp_device_for_setup,
    totp_setup_confirm,
    wait_seconds,
)

NEW_RECOVERY_CODES = "qaf_new_recovery_codes"  # in the session until shown, once


def _next(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if allowed else reverse("home")


def two_factor(request):
    """Where a person sees their second factors and makes new recovery codes."""
    user = request.user
    context = {"has_authenticator": has_authenticator(user), "codes_left": None}
    if context["has_authenticator"]:
        context["codes_left"] = recovery_codes_left(user)
    return render(request, "accounts/two_factor.html", context)


def two_factor_setup(request):
    if has_authenticator(request.user):
        return redirect("accounts:two_factor")
    device = totp_device_for_setup(request.user)
    form = SetUpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = totp_setup_confirm(request=request, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            request.session[NEW_RECOVERY_CODES] = codes
            return redirect(
                reverse("accounts:recovery_codes") + "?" + urlencode({"next": _next(request)})
            )
        form.add_error("code", _wrong_code(request.user, "the 6 digits the app shows now"))
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr_svg": qr_svg(device.config_url),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "next": _next(request),
    }
    return render(request, "registration/two_factor_setup.html", context)


def two_factor_verify(request):
    if request.user.is_verified():
        return redirect(_next(request))
    if not has_authenticator(request.user):
        return redirect(
            reverse("accounts:two_factor_setup") + "?" + urlencode({"next": _next(request)})
        )
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not wait_seconds(request.user) and second_factor_verify(
            request=request, code=form.cleaned_data["code"]
        ):
            return redirect(_next(request))
        form.add_error(
            "code",
            _wrong_code(
                request.user, "the 6 digits your app shows now, or an unused recovery code"
            ),
        )
    return render(
        request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)}
    )


def _wrong_code(user, what: str) -> str:
    wait = wait_seconds(user)
    if wait:
        return (
            f"That code is not right, or came too soon after a wrong one. Wait {wait} "
            f"seconds, then enter {what}."
        )
    return f"That code is not right. Enter {what}."


def recovery_codes(request):
    """The new recovery codes, shown once: a reload shows them no more."""
    codes = request.session.pop(NEW_RECOVERY_CODES, None)
    if not codes:
        return redirect("accounts:two_factor")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)})


@require_POST
def recovery_codes_new(request):
    if not has_authenticator(request.user):
        return redirect("accounts:two_factor_setup")
    request.session[NEW_RECOVERY_CODES] = recovery_codes_replace(user=request.user)
    messages.success(request, "Your old recovery codes no longer work.")
    return redirect("accounts:recovery_codes")
