"""Case import benchmark: a 20,000-row case list imported, re-imported unchanged, re-imported
with a tenth of its cases changed and with all of them changed; then a sample drawn from those
cases and reviewers suggested for it.

Usage: .venv/bin/python bench/cases_import.py [--cases 20000]
Runs against a throw-away SQLite database, or with DATABASE_URL set on that PostgreSQL server in a
database of its own (test_qaf_bench_cases), created afresh and dropped at the end.
"""

import argparse
import datetime
import io
import logging
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AREAS = 8
TEAMS_PER_AREA = 5
PRACTITIONERS_PER_TEAM = 10
CASE_TYPES = [
    "Child in Need plan",
    "Child Protection plan: neglect",
    "Looked after: section 20",
    "Care leaver (18-21)",
    "Kinship assessment (regulation 24)",
]


def _configure() -> None:
    workdir = tempfile.mkdtemp(prefix="qaf-bench-cases-")
    os.environ["QAF_DATA_DIR"] = workdir
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/qaf_bench_cases"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qaf.settings")


def _timed(label: str, func):
    start = time.perf_counter()
    result = func()
    print(f"{label:<58} {time.perf_counter() - start:8.2f} s")
    return result


def _organisation() -> None:
    from accounts.models import Role, RoleMembership, ServiceArea, Team, User

    areas = ServiceArea.objects.bulk_create(ServiceArea(name=f"Service {a}") for a in range(AREAS))
    teams = Team.objects.bulk_create(
        Team(service_area=area, name=f"Team {a}.{t}")
        for a, area in enumerate(areas)
        for t in range(TEAMS_PER_AREA)
    )
    User.objects.bulk_create(
        User(email=f"worker{t}.{p}@bench.example", first_name="W", last_name=f"{t}.{p}", team=team)
        for t, team in enumerate(teams)
        for p in range(PRACTITIONERS_PER_TEAM)
    )
    reviewers = User.objects.bulk_create(
        User(email=f"reviewer{n}@bench.example", first_name="R", last_name=str(n), team=teams[n])
        for n in range(30)
    )
    RoleMembership.objects.bulk_create(
        RoleMembership(user=user, role=Role.REVIEWER, service_area=areas[n % AREAS])
        for n, user in enumerate(reviewers)
    )


def _case_csv(count: int, *, changed: float = 0.0, new_type: str = "", close: bool = False) -> str:
    """The case list; with `changed`, that share of the cases has moved on: a new case type,
    another practitioner, and closed if `close`."""
    rng = random.Random(2026)
    lines = ["case_reference,service,team,practitioner_email,case_type,opened_on,closed_on"]
    for n in range(count):
        area, team = n % AREAS, (n // AREAS) % TEAMS_PER_AREA
        worker = rng.randrange(PRACTITIONERS_PER_TEAM)
        email = f"Worker{area * TEAMS_PER_AREA + team}.{worker}@bench.example" if n % 5 else ""
        opened = datetime.date(2022, 1, 1) + datetime.timedelta(days=rng.randrange(1400))
        closed = opened + datetime.timedelta(days=200) if rng.random() < 0.1 else None
        case_type = CASE_TYPES[rng.randrange(len(CASE_TYPES))]
        if changed and random.Random(n).random() < changed:
            case_type = new_type
            email = f"worker{area * TEAMS_PER_AREA + team}.{(worker + 1) % 10}@bench.example"
            if close:
                closed = opened + datetime.timedelta(days=30)
        # Both date formats the import reads, as different exports write them.
        opened_text = opened.isoformat() if n % 2 else opened.strftime("%d/%m/%Y")
        lines.append(
            f"CMS-{100000 + n},Service {area},Team {area}.{team},{email},{case_type},"
            f"{opened_text},{closed.isoformat() if closed else ''}"
        )
    return "\n".join(lines) + "\n"


def _sampling(count: int) -> None:
    from django.utils import timezone

    from audits.models import Cycle, Toolkit, ToolkitKind, ToolkitVersion
    from audits.selectors import sample_of_cycle
    from audits.services.sampling import sample_cases, suggest_reviewers

    toolkit, _ = Toolkit.objects.get_or_create(
        name="Bench Practice Review", defaults={"kind": ToolkitKind.PRACTICE_REVIEW}
    )
    ToolkitVersion.objects.create(
        toolkit=toolkit, number=99, status="published", published_at=timezone.now()
    )
    cycle = Cycle.objects.create(
        name="Bench cycle",
        review_starts_on=datetime.date(2026, 1, 1),
        review_ends_on=datetime.date(2026, 1, 31),
        reporting_ends_on=datetime.date(2026, 2, 28),
        toolkit=toolkit,
    )
    reviews = _timed(
        f"sample_cases, 2 per team from {count:,} cases",
        lambda: sample_cases(cycle=cycle, per_team=2, seed=1, actor=None),
    )
    sample = list(sample_of_cycle(cycle))
    _timed(
        f"suggest_reviewers, {len(reviews)} reviews, 30 reviewers",
        lambda: suggest_reviewers(cycle=cycle, reviews=sample),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=20000)
    args = parser.parse_args()
    _configure()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from audits.services.cases import cases_import

    logging.getLogger("audits.services.cases").setLevel(logging.WARNING)  # one line per import
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    python = sys.version.split()[0]
    print(f"QAF case import benchmark on {engine}, Python {python}, {os.cpu_count()} cores")
    test_db = None
    if engine == "postgresql":
        # A database of its own, created afresh and never the real one; dropped at the end.
        test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        _timed("migrate", lambda: call_command("migrate", verbosity=0))
        _organisation()
        text = _case_csv(args.cases)
        some_changed = _case_csv(args.cases, changed=0.1, new_type="Child in Need plan", close=True)
        all_changed = _case_csv(args.cases, changed=1.0, new_type="Looked after: care order")
        print(f"case list: {args.cases:,} rows, {len(text.encode()) / 1e6:.1f} MB")
        for label, csv_text in [
            (f"cases_import, {args.cases:,} new cases", text),
            (f"cases_import, same {args.cases:,} again (unchanged)", text),
            (f"cases_import, {args.cases:,} with a tenth changed", some_changed),
            (f"cases_import, {args.cases:,} with every case changed", all_changed),
        ]:
            summary = _timed(
                label, lambda t=csv_text: cases_import(rows=io.StringIO(t), actor=None)
            )
            print(f"    {summary}")
        _sampling(args.cases)
    finally:
        if test_db:
            connection.creation.destroy_test_db(test_db, verbosity=0)


if __name__ == "__main__":
    main()
