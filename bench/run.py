"""Foundation benchmark: demo build, staff import at scale, and page timings with query counts.

Usage: .venv/bin/python bench/run.py [--staff 5000]
Runs against a temporary SQLite database (or DATABASE_URL's server, database qaf_bench).
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _configure() -> None:
    workdir = tempfile.mkdtemp(prefix="qaf-bench-")
    os.environ["QAF_DATA_DIR"] = workdir
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/qaf_bench"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qaf.settings")


def _timed(label: str, func):
    start = time.perf_counter()
    result = func()
    print(f"{label:<55} {time.perf_counter() - start:8.2f} s")
    return result


def _staff_csv(count: int) -> str:
    lines = ["service_area,team,email,first_name,last_name,job_title,roles"]
    for n in range(count):
        area, team = f"Service {n % 8}", f"Team {n % 40}"
        roles = "Practitioner" if n % 5 else "Reviewer; Moderator"
        lines.append(
            f"{area},{team},person{n}@bench.example,First{n},Last{n},Social Worker,{roles}"
        )
    return "\n".join(lines) + "\n"


def _page_figures(client, path: str, runs: int = 30) -> tuple[float, int]:
    from django.core.signals import request_started
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    # As assertNumQueries does: a request's start would otherwise empty the query log.
    request_started.disconnect(reset_queries)
    reset_queries()  # the log is a bounded deque: once full, its length stops counting
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(times) * 1000, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--staff", type=int, default=5000)
    args = parser.parse_args()
    _configure()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from accounts.importers import organisation_import
    from accounts.models import User

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver"]
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    python = sys.version.split()[0]
    print(f"QAF foundation benchmark on {engine}, Python {python}, {os.cpu_count()} cores")
    if engine == "postgresql":
        from django.db import connection

        # A database of its own (test_qaf_bench), created afresh and never the real one.
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    _timed("migrate", lambda: call_command("migrate", verbosity=0))
    _timed(
        "load_demo (6 areas, 15 teams, 40 staff, 300 cases)",
        lambda: call_command("load_demo", stdout=io.StringIO()),
    )
    text = _staff_csv(args.staff)
    _timed(
        f"import_organisation, {args.staff} new people",
        lambda: organisation_import(rows=io.StringIO(text)),
    )
    _timed(
        f"import_organisation, same {args.staff} again",
        lambda: organisation_import(rows=io.StringIO(text)),
    )
    setup_test_environment()
    client = Client()
    client.force_login(User.objects.get(email="qa.manager@demo.qaf.example"))
    print(f"\n{'page (QA Manager)':<40} {'median ms':>10} {'queries':>8}")
    for path in [
        "/",
        "/organisation/",
        "/organisation/?page=100",
        "/organisation/?q=Last42",
        "/cycles/",
    ]:
        median, queries = _page_figures(client, path)
        print(f"{path:<40} {median:>10.1f} {queries:>8}")


if __name__ == "__main__":
    main()
