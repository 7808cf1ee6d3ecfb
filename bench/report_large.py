"""Report figures and PDF at the large size (issue 9, point 4): on the database bench/generate.py
filled, the time and peak memory to compute a cycle's figures and render its PDF, for a cycle of
the usual 500 reviews and for the big cycle (generate with --big-cycle 2000).

Usage:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/qaf_bench .venv/bin/python bench/report_large.py

The figures are computed live (as the dashboard and the report preview do), then frozen into a
report version and rendered as the PDF task does; the version is rolled back, so the database is
left as it was. Targets: figures under 2 s; the PDF under 8 s and 300 MB at 500 reviews, under
30 s and 600 MB at 2,000 (it is rendered by a Celery task with a time limit, never in a request).
"""

import io
import os
import sys
import time
from pathlib import Path

from common import measured, sample_version

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _timed(label: str, func):
    start = time.perf_counter()
    result = func()
    print(f"{label:<44} {time.perf_counter() - start:8.2f} s")
    return result


def _cycle(cycle) -> None:
    from django.db import transaction
    from pypdf import PdfReader

    from reporting.figures import cycle_figures
    from reporting.models import Report
    from reporting.pdf import render_report_pdf

    n = cycle.reviews.count()
    print(f"\n{cycle.name}: {n:,} reviews")
    figures = measured("cycle_figures", lambda: cycle_figures(cycle=cycle))
    _timed("cycle_figures (no tracemalloc)", lambda: cycle_figures(cycle=cycle))
    with transaction.atomic():
        report, _ = Report.objects.get_or_create(cycle=cycle)
        version = sample_version(report, report.versions.count() + 1, figures, cycle)
        pdf = measured("render_report_pdf", lambda: render_report_pdf(version))
        _timed("render_report_pdf (no tracemalloc)", lambda: render_report_pdf(version))
        transaction.set_rollback(True)  # leave the generated database as it was
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(f"PDF: {len(pdf) / 1024:.0f} KiB, {pages} pages")


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to the generated PostgreSQL database (bench/generate.py).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qaf.settings")
    import django

    django.setup()
    from django.db.models import Count

    from audits.models import Cycle

    closed = Cycle.objects.filter(status=Cycle.Status.CLOSED).annotate(n=Count("reviews"))
    closed = list(closed.order_by("-review_starts_on"))
    if not closed:
        sys.exit("No generated data here: run bench/generate.py first.")
    usual = next(c for c in closed if c.n <= 600)
    biggest = max(closed, key=lambda c: c.n)
    print("QAF report figures and PDF at the large size, PostgreSQL")
    print(f"{'step':<44} {'time':>10} {'tracemalloc':>14} {'peak RSS':>16}")
    _cycle(usual)
    if biggest.n > usual.n:
        _cycle(biggest)
    else:
        print("\nNo big cycle: generate with --big-cycle 2000 to measure one.")


if __name__ == "__main__":
    main()
