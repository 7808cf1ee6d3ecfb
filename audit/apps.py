from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Access records and security log"

    def ready(self):
        # Log-in, log-in failure and log-out lines of the "qaf.security" log.
        from . import security_log

        security_log.connect()
