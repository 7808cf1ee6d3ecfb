from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.models import User
from audits.demo import DEMO_LOGINS, DEMO_PASSWORD, build_demo_authority


class Command(BaseCommand):
    help = "Build (or refresh) the fictional demo authority and print its log-ins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="only build it when the database has no users yet (used by `make run`)",
        )

    def handle(self, *args, if_empty, **options):
        if if_empty and User.objects.exists():
            self.stdout.write("The database already has users: demo data left as it is.")
        else:
            counts = build_demo_authority()
            self.stdout.write(
                self.style.SUCCESS(
                    "Demo authority ready: {service_areas} service areas, {teams} teams, "
                    "{staff} staff, {cases} cases, {reviews} reviews.".format(**counts)
                )
            )
        self.stdout.write(f"\nDemo log-ins (password for all: {DEMO_PASSWORD})")
        for role, email in DEMO_LOGINS:
            self.stdout.write(f"  {role:<34} {email}")
        if settings.QAF_REQUIRE_2FA:
            self.stdout.write("Each demo log-in sets up two-factor authentication at first log-in.")
        else:
            self.stdout.write(
                "Two-factor authentication is off for the demo (QAF_REQUIRE_2FA=false); "
                "production requires it."
            )
