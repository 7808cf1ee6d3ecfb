from django.core.management.base import BaseCommand, CommandError

from accounts.importers import COLUMNS, ImportFailed, organisation_import
from qaf.uploads import binary_kind


class Command(BaseCommand):
    help = (
        "Import service areas, teams and staff from a CSV file with the columns "
        f"{', '.join(COLUMNS)}. Re-runnable; a file with any bad row changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the CSV file (UTF-8, as saved by Excel or the HR system)")

    def handle(self, *args, path, **options):
        try:
            with open(path, "rb") as file:
                kind = binary_kind(file.read(8192))
            if kind:
                raise CommandError(f"{path} is not a CSV text file: it looks like {kind}.")
            with open(path, newline="", encoding="utf-8-sig") as file:
                summary = organisation_import(rows=file)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text; save it as 'CSV UTF-8'.") from exc
        except ImportFailed as exc:
            lines = "\n".join(f"  {error}" for error in exc.errors)
            raise CommandError(f"Nothing was imported from {path}:\n{lines}") from exc
        self.stdout.write(self.style.SUCCESS(f"Imported {path}: {summary}"))
