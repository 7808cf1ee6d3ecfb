"""Project checks: production may not turn two-factor authentication off."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def two_factor_required_in_production(app_configs, **kwargs):
    if settings.DEBUG or settings.QAF_REQUIRE_2FA:
        return []
    return [
        Warning(
            "Two-factor authentication is off (QAF_REQUIRE_2FA=false) with DEBUG off.",
            hint="Only the demo may turn it off: unset QAF_REQUIRE_2FA in production "
            "(OWASP ASVS 5.0 level 2 asks for a second factor for every account).",
            id="accounts.W001",
        )
    ]
