"""Report PDF benchmark (issue 6, point 5): the figures of a cycle of 400 submitted reviews and
the PDF of an issued version, with their time and peak memory.

Usage: .venv/bin/python bench/report_pdf.py [--reviews 400]
Runs against a temporary SQLite database, as bench/run.py does. Needs the dev requirements
(factory_boy) for the few objects around the bulk-created cases and reviews.
"""

import argparse
import datetime
import io
import os
import sys
import tempfile
import time
from pathlib import Path

from common import measured, sample_version

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GRADES = ("outstanding", "good", "good", "requires_improvement", "good", "inadequate")


def _configure() -> None:
    os.environ["QAF_DATA_DIR"] = tempfile.mkdtemp(prefix="qaf-bench-")
    os.environ.pop("DATABASE_URL", None)  # always the throw-away SQLite database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qaf.settings")


def _cycle_with_reviews(count: int):
    from accounts.tests.factories import TeamFactory, UserFactory
    from audits.models import Case, Cycle
    from audits.tests.factories import CycleFactory
    from reviews.models import Review
    from reviews.tests.factories import ToolkitVersionFactory

    version = ToolkitVersionFactory(published=True)
    teams = [TeamFactory() for _ in range(12)]
    reviewers = [UserFactory() for _ in range(20)]
    cases = Case.objects.bulk_create(
        Case(
            reference=f"BENCH-{n}",
            team=teams[n % len(teams)],
            service_area=teams[n % len(teams)].service_area,
            case_type="Child in Need plan",
            opened_on=datetime.date(2026, 1, 5),
        )
        for n in range(count)
    )
    submitted_at = datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC)
    cycles = [CycleFactory(status=Cycle.Status.CLOSED) for _ in range(2)]
    cycles.append(CycleFactory(status=Cycle.Status.REPORTING, name="Bench cycle"))
    for i, cycle in enumerate(cycles):
        n_reviews = count if cycle is cycles[-1] else count // 4
        Review.objects.bulk_create(
            Review(
                cycle=cycle,
                case=cases[n],
                service_area_id=cases[n].service_area_id,
                toolkit_version=version,
                reviewer=reviewers[n % len(reviewers)],
                status=Review.Status.SUBMITTED,
                due_on=cycle.review_ends_on,
                grade=GRADES[(n + i) % len(GRADES)],
                final_grade=GRADES[(n + i) % len(GRADES)],
                child_seen=n % 3 != 0,
                child_and_family_views="Recorded." if n % 2 else "",
                submitted_at=submitted_at,
            )
            for n in range(n_reviews)
        )
    return cycles[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reviews", type=int, default=400)
    args = parser.parse_args()
    _configure()
    import django

    django.setup()
    from django.core.management import call_command
    from pypdf import PdfReader

    from reporting.figures import cycle_figures
    from reporting.models import Report
    from reporting.pdf import render_report_pdf

    call_command("migrate", verbosity=0)
    cycle = _cycle_with_reviews(args.reviews)
    print(f"QAF report PDF benchmark: {args.reviews} submitted reviews, SQLite")
    print(f"{'step':<40} {'time':>10} {'tracemalloc':>14} {'peak RSS':>16}")
    figures = measured("cycle_figures", lambda: cycle_figures(cycle=cycle))
    version = sample_version(Report.objects.create(cycle=cycle), 1, figures, cycle)
    pdf = measured("render_report_pdf (first, cold)", lambda: render_report_pdf(version))
    pdf = measured("render_report_pdf (again)", lambda: render_report_pdf(version))
    start = time.perf_counter()
    render_report_pdf(version)
    print(f"{'render_report_pdf (no tracemalloc)':<40} {time.perf_counter() - start:8.2f} s")
    start = time.perf_counter()
    cycle_figures(cycle=cycle)
    print(f"{'cycle_figures (no tracemalloc)':<40} {time.perf_counter() - start:8.2f} s")
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(f"PDF: {len(pdf) / 1024:.0f} KiB, {pages} pages")


if __name__ == "__main__":
    main()
