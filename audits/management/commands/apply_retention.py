from django.core.management.base import BaseCommand

from audits.services.retention import retention_apply


class Command(BaseCommand):
    help = (
        "Delete the free text of reviews and feedback older than QAF_RETENTION_MONTHS and "
        "anonymise the references of cases with nothing newer (audits/services/retention.py). "
        "With --dry-run, list what it would change and change nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would change; change nothing"
        )

    def handle(self, *args, dry_run, **options):
        result = retention_apply(dry_run=dry_run)
        self.stdout.write(str(result))
        for kind, count in result.counts.items():
            self.stdout.write(f"  {kind}: {count}")
        ids = ", ".join(map(str, result.case_ids)) or "none"
        self.stdout.write(
            f"  cases to anonymise (ids): {ids}" if dry_run else f"  cases anonymised (ids): {ids}"
        )
