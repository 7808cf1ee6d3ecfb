from django.core.management.base import BaseCommand

from audits.toolkit_library import STANDARD_TOOLKITS, install_standard_toolkits


class Command(BaseCommand):
    help = (
        "Install the standard Practice Review, Thematic Review and Practice Observation toolkits "
        "(version 1, published). Toolkits that already exist are left exactly as they are."
    )

    def handle(self, *args, **options):
        installed = [toolkit.name for toolkit in install_standard_toolkits()]
        for name in installed:
            self.stdout.write(self.style.SUCCESS(f"Installed {name} (version 1, published)."))
        for _, name, *_ in STANDARD_TOOLKITS:
            if name not in installed:
                self.stdout.write(f"{name} is already installed: left as it is.")
