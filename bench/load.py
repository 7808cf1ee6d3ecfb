"""Load benchmark (issue 9): QAF under gunicorn on the generated database, p50/p95 latency and
throughput at 1, 10 and 50 concurrent users, every page's p95 also as a ratio to a floor page's.

Usage:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/qaf_bench .venv/bin/python bench/load.py \
      [--users 1,10,50] [--requests 100] [--workers 3] [--port 8765]

Fill the database first with bench/generate.py (`make bench-large` does both). This process
starts gunicorn (sync workers, DEBUG off, plain HTTP on 127.0.0.1) as a child process and is
itself the load generator: one thread per virtual user, each with its own cookie jar and
connection, speaking HTTP/1.1 through the standard library's http.client. Why not locust: it is
not in the project's tried stack (../shared/STACK.md) and pulls in gevent; a thread per user is
enough to load three sync workers on a two-core machine, and needs nothing installed. The
generator shares the cores with the server and PostgreSQL, so absolute times are pessimistic;
the ratio to the floor is the figure that carries across machines.

Sessions: the log-in measurement posts the real log-in form (CSRF token, password hash and all)
for the benchmark's people in turn, and the sessions it makes are the ones the page
measurements use, virtual user i taking its role's session i modulo how many there are.
The server runs with QAF_REQUIRE_2FA=false (a second factor cannot be typed by a benchmark)
and QAF_BENCH_FLOOR=true (routes /bench/floor/, qaf/views_bench.py).
Writes a table to bench/results.md with the machine's facts.
"""

import argparse
import datetime
import http.client
import os
import platform
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DOMAIN = "bench.qaf.example"
PASSWORD = "qaf-bench-password"
RESULTS = ROOT / "bench" / "results.md"
ROLES = ("qa_manager", "reviewer", "moderator", "service_manager", "leadership")
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """One virtual user's cookie jar over a connection of its own (gunicorn's sync workers close
    it after each response; http.client opens it again)."""

    def __init__(self, port: int, cookies: dict | None = None):
        self.port = port
        self.cookies = dict(cookies or {})
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: dict | None = None):
        headers = {"Host": "127.0.0.1", "Connection": "keep-alive"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        return response.status, response.getheader("Location", ""), content


def _login_form(port: int) -> tuple[Browser, str]:
    browser = Browser(port)
    status, _, content = browser.request("GET", "/login/")
    match = CSRF_FIELD.search(content.decode())
    if status != 200 or not match:
        raise SystemExit(f"GET /login/ answered {status} without a CSRF token.")
    return browser, match[1]


def _login_post(browser: Browser, token: str, email: str) -> None:
    status, location, _ = browser.request(
        "POST",
        "/login/",
        {"csrfmiddlewaretoken": token, "username": email, "password": PASSWORD},
    )
    if status != 302 or "login" in location:
        raise RuntimeError(
            f"Log-in of {email} answered {status} to {location!r}: is the database generated "
            "(bench/generate.py) and the second factor off (QAF_REQUIRE_2FA=false)?"
        )


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def _run(users: int, total: int, work) -> tuple[list[float], float, int]:
    """`total` calls of work(user_index) spread over `users` threads; latencies in ms, the
    wall time and the count of failures (a non-2xx answer or a broken connection)."""
    latencies: list[float] = []
    failures = [0]
    errors: list[Exception] = []
    lock = threading.Lock()
    remaining = [total]

    def user(index: int):
        while True:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            try:
                elapsed, ok = work(index)
            except Exception as error:  # a broken connection, a refused log-in: counted
                elapsed, ok = None, False
                if not errors:
                    errors.append(error)
            with lock:
                if elapsed is not None:
                    latencies.append(elapsed * 1000)
                if not ok:
                    failures[0] += 1

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        print(f"      first failure: {errors[0]}")
    return latencies, time.perf_counter() - start, failures[0]


def _targets() -> dict:
    """The pages to measure, each (label, role, path), from the generated database."""
    import django

    django.setup()
    from accounts.models import ServiceArea
    from audits.models import Cycle
    from reviews.models import Review

    long_review = Review.objects.filter(case__reference="CMS-BENCH-60").first()
    if long_review is None:
        raise SystemExit("No generated data here: run bench/generate.py first.")
    closed = Cycle.objects.filter(status=Cycle.Status.CLOSED, report__isnull=False)
    closed = closed.order_by("-review_starts_on")
    # A closed cycle of the usual size (the generator's --big-cycle makes the newest one big).
    preview = next(
        (c for c in closed if c.reviews.count() <= 600), closed.first()
    )  # a handful of counts, once
    area = ServiceArea.objects.order_by("name").first()
    return {
        "floor": ("qa_manager", "/bench/floor/"),
        "home (My work)": ("qa_manager", "/"),
        "reviews list (filtered, page 3)": (
            "qa_manager",
            f"/reviews/?service_area={area.pk}&grade=good&page=3",
        ),
        "review page (60 questions)": ("reviewer", f"/reviews/{long_review.pk}/"),
        "moderation queue": ("moderator", "/reviews/moderation/"),
        "escalations list": ("service_manager", "/reviews/escalations/"),
        "leadership dashboard": ("leadership", "/reporting/dashboard/"),
        "report preview": ("qa_manager", f"/reporting/reports/{preview.pk}/preview/"),
    }


def _start_server(port: int, workers: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "QAF_REQUIRE_2FA": "false",  # issue 8's setting; harmless where it does not exist
        "QAF_BENCH_FLOOR": "true",
        "QAF_DATA_DIR": tempfile.mkdtemp(prefix="qaf-bench-load-"),
        "LOG_LEVEL": "WARNING",
    }
    python = str(ROOT / ".venv" / "bin" / "python")
    # Migrations other work added since the data was generated; then, as DEBUG is off, the
    # hashed static files and their manifest.
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run([python, "manage.py", *command, "-v", "0"], cwd=ROOT, env=env, check=True)
    gunicorn = [python, "-m", "gunicorn", "qaf.wsgi:application"]
    server = subprocess.Popen(
        [*gunicorn, "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/login/")
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start.")


def _machine() -> list[str]:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return [
        f"- Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {os.cpu_count()} cores, {memory:.1f} GiB memory, {platform.platform()}",
        f"- Python {platform.python_version()}, Django {django.get_version()}, "
        f"PostgreSQL {postgres.split()[0]}",
    ]


def _data_size() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        counts = []
        for table in ("reviews_review", "reviews_answer", "audits_case", "reviews_action"):
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            counts.append(f"{cursor.fetchone()[0]:,} {table.split('_', 1)[1]}s")
    return ", ".join(counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default="1,10,50", help="concurrency levels, comma-separated")
    parser.add_argument("--requests", type=int, default=100, help="requests per page per level")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--logins", type=int, default=50, help="log-ins measured per level")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to the generated PostgreSQL database (bench/generate.py).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qaf.settings")
    levels = [int(n) for n in args.users.split(",")]
    targets = _targets()
    size = _data_size()
    server = _start_server(args.port, args.workers)
    sessions: dict[str, list[dict]] = {role: [] for role in ROLES}
    results = []  # (level, page, p50, p95, throughput, failures)
    try:
        print(f"QAF load benchmark: gunicorn, {args.workers} sync workers; data: {size}")
        print(f"{'users':>5} {'page':<34} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7} {'fail':>5}")
        login_number = [0]
        login_lock = threading.Lock()

        def login(index: int):
            with login_lock:
                role = ROLES[login_number[0] % len(ROLES)]
                login_number[0] += 1
            browser, token = _login_form(args.port)
            start = time.perf_counter()
            _login_post(browser, token, f"{role.replace('_', '.')}@{DOMAIN}")
            elapsed = time.perf_counter() - start
            with login_lock:
                sessions[role].append(browser.cookies)
            return elapsed, True

        for level in levels:
            latencies, wall, failed = _run(level, max(args.logins, level), login)
            results.append(("log-in (POST)", level, latencies, wall, failed))
            _print(results[-1])
            if not all(sessions.values()):
                raise SystemExit("No session for every role: the log-ins failed.")
            for label, (role, path) in targets.items():
                jars = sessions[role]
                browsers = [Browser(args.port, jars[i % len(jars)]) for i in range(level)]

                def page(index: int, path=path, browsers=browsers):
                    start = time.perf_counter()
                    status, _, _ = browsers[index].request("GET", path)
                    return time.perf_counter() - start, status == 200

                _run(level, max(level, 5), page)  # warm-up: caches, connections
                latencies, wall, failed = _run(level, args.requests, page)
                results.append((label, level, latencies, wall, failed))
                _print(results[-1])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    _write(results, size, args)


def _print(result) -> None:
    label, level, latencies, wall, failed = result
    p50, p95 = _percentile(latencies, 0.5), _percentile(latencies, 0.95)
    print(
        f"{level:>5} {label:<34} {p50:>8.0f} {p95:>8.0f} {len(latencies) / wall:>7.1f} {failed:>5}"
    )


def _write(results, size: str, args) -> None:
    floor = {
        level: _percentile(latencies, 0.95)
        for label, level, latencies, _, _ in results
        if label == "floor"
    }
    lines = [
        "# Load benchmark results",
        "",
        "Written by `bench/load.py` (`make bench-large`). p50 and p95 in milliseconds; the ratio",
        "is the page's p95 over the floor's p95 at the same concurrency (the floor: a logged-in",
        "page running one indexed query through the same middleware). Log-in's cost is the",
        "password hash, by design: its ratio is not a target.",
        "",
        *_machine(),
        f"- Server: gunicorn, {args.workers} sync workers, DEBUG off, QAF_REQUIRE_2FA=false; "
        f"load generator: {args.requests} requests per page per level, threads in a second process",
        f"- Data: {size}",
        "",
        "| users | page | p50 ms | p95 ms | p95 / floor | req/s | failures |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for label, level, latencies, wall, failed in results:
        p50, p95 = _percentile(latencies, 0.5), _percentile(latencies, 0.95)
        ratio = f"{p95 / floor[level]:.1f}" if floor.get(level) else "-"
        lines.append(
            f"| {level} | {label} | {p50:.0f} | {p95:.0f} | {ratio} | "
            f"{len(latencies) / wall:.1f} | {failed} |"
        )
    RESULTS.write_text("\n".join(lines) + "\n")
    print(f"\nWritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
