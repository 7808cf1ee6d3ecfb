import unicodedata

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as BasePasswordResetForm


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label="Work email address",
        # No autofocus: it would skip the page's heading and skip link for screen-reader users.
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct email address and password. The password is "
        "case-sensitive.",
    }


def _same_email(entered: str, stored: str) -> bool:
    def fold(text: str) -> str:
        return unicodedata.normalize("NFKC", text).casefold()

    return fold(entered) == fold(stored)


class PasswordResetForm(BasePasswordResetForm):
    """Also sends the link to people who have no password yet.

    Django's form skips accounts with an unusable password, but the organisation import creates
    every account without one (accounts/importers.py): "Forgotten your password?" is how new
    staff choose their first password. Inactive accounts still get nothing.
    """

    def get_users(self, email):
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        return (user for user in users if _same_email(email, user.email))


class SetUpCodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6 digits the app shows for QAF.",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label="Code",
        help_text="The 6 digits your authenticator app shows for QAF, or one of your recovery "
        "codes.",
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )
