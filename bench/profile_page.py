"""Where a benchmarked page's time goes (issue 9): wall time, queries, the slowest SQL, the time
spent in each template and, optionally, a cProfile of one request.

Usage (on the database bench/generate.py filled):
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/qaf_bench .venv/bin/python \
      bench/profile_page.py ["review page (60 questions)" ...] [--sql 5] [--templates] \
      [--profile 40]

Pages are bench/load.py's, by label; with none, every page. Runs in-process through Django's test
client with DEBUG off, so the figures are the server's own, without HTTP or gunicorn; the best
of five requests is printed.
"""

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

os.environ.update(
    DJANGO_SETTINGS_MODULE="qaf.settings",
    DEBUG="false",
    SECRET_KEY="bench-profile-" + "x" * 40,
    ALLOWED_HOSTS="testserver",
    SECURE_SSL_REDIRECT="false",
    QAF_REQUIRE_2FA="false",
    QAF_BENCH_FLOOR="true",
    QAF_DATA_DIR=tempfile.mkdtemp(prefix="qaf-bench-profile-"),
    LOG_LEVEL="WARNING",
)


def _template_timer():
    """Time spent in each template (inclusive of what it includes), by name."""
    from django.template import base

    spent: dict[str, float] = defaultdict(float)
    render = base.Template._render

    def timed(self, context):
        start = time.perf_counter()
        try:
            return render(self, context)
        finally:
            spent[self.origin.template_name] += time.perf_counter() - start

    base.Template._render = timed
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", help="bench/load.py page labels (default: all)")
    parser.add_argument("--sql", type=int, default=0, help="print the N slowest queries")
    parser.add_argument("--sql-width", type=int, default=300)
    parser.add_argument("--templates", action="store_true", help="time spent per template")
    parser.add_argument("--profile", type=int, default=0, help="cProfile, top N by cumulative")
    args = parser.parse_args()

    import django

    django.setup()
    import load  # bench/load.py: the pages and their people
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    # The page, not the manifest of hashed static files collectstatic would write.
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    targets = load._targets()
    spent = _template_timer() if args.templates else None
    for label in args.pages or list(targets):
        role, path = targets[label]
        client = Client()
        client.force_login(User.objects.get(email=f"{role.replace('_', '.')}@{load.DOMAIN}"))
        response = client.get(path)
        if response.status_code != 200:
            sys.exit(f"{label}: {path} answered {response.status_code}")
        best, queries = float("inf"), None
        for _ in range(5):
            if spent is not None:
                spent.clear()
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                client.get(path)
            elapsed = time.perf_counter() - start
            if elapsed < best:
                best, queries = elapsed, captured.captured_queries
        sql = sum(float(q["time"]) for q in queries)
        print(f"{label:<36} {best * 1000:7.1f} ms {len(queries):4} queries  SQL {sql * 1000:.1f}")
        for query in sorted(queries, key=lambda q: -float(q["time"]))[: args.sql]:
            print(f"    {float(query['time']) * 1000:6.1f} ms  {query['sql'][: args.sql_width]}")
        if spent is not None:
            for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1])[:20]:
                print(f"    {seconds * 1000:6.1f} ms  {name}")
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            client.get(path)
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
