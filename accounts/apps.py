from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Organisation and people"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import checks  # noqa: F401 (registers the project's security check)
        from .sessions import session_started

        # Django's own hook at log-in (form, force_login, password reset with log-in alike),
        # after it has given the session a new key.
        user_logged_in.connect(
            lambda sender, request, user, **kwargs: session_started(request=request, user=user),
            dispatch_uid="accounts.session_started",
            weak=False,
        )
