from django.core.management.base import BaseCommand, CommandError

from audits.services.cases import COLUMNS, cases_import
from qaf.csvimport import ImportFailed


class Command(BaseCommand):
    help = (
        "Import the case list exported from the case-management system: a CSV file with the "
        f"columns {', '.join(COLUMNS)}. Re-runnable (cases are matched by reference); a file "
        "with any bad row changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the CSV file (UTF-8, as saved by Excel or the CMS)")

    def handle(self, *args, path, **options):
        try:
            with open(path, newline="", encoding="utf-8-sig") as file:
                summary = cases_import(rows=file, actor=None)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text; save it as 'CSV UTF-8'.") from exc
        except ImportFailed as exc:
            lines = "\n".join(f"  {error}" for error in exc.errors)
            raise CommandError(f"Nothing was imported from {path}:\n{lines}") from exc
        self.stdout.write(self.style.SUCCESS(f"Imported {path}: {summary}"))
        for email, line in summary.unknown_practitioners.items():
            self.stdout.write(f"  line {line}: no one in QAF has the email {email}.")
