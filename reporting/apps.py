from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self):
        from django.db.backends.signals import connection_created

        from .data_version import install

        # Every write through Django moves the data version on (reporting/data_version.py).
        connection_created.connect(install, dispatch_uid="qaf-data-version")
        install()
