"""Real processes for the fault tests (tests/test_faults.py): each test gets a Redis server of its
own on a spare loopback port and Celery workers that use it and the test's PostgreSQL database,
so killing or restarting them never disturbs the machine's services or other tests.

The workers run QAF's own app through tests/fault_worker.py, which can make the mail backend
slow, failing or hung; their e-mails go to files (Django's file-based backend), one folder per
test, so a test counts what each person received.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import redis
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
QUEUE = "celery"  # Celery's default queue: the test's Redis holds nothing else
LOG_TAIL = 6000


def wait_until(condition: Callable[[], object], timeout: float = 60) -> bool:
    """Poll `condition` every 0.2 s until it holds (True) or `timeout` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.2)


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url_for_workers() -> str:
    """The database pytest-django made for this run (the worker must see the test's rows)."""
    db = settings.DATABASES["default"]
    user, password = quote(db["USER"] or "", safe=""), quote(db["PASSWORD"] or "", safe="")
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{user}:{password}@{host}:{port}/{db['NAME']}"


def _kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def _forget_connections(app) -> None:
    """Make the app look up its connection pools again, for whatever broker CELERY_BROKER_URL
    names now (kombu keeps one pool per broker address; Celery 5.7's app.close() forgets the
    connection pool but not the producer pool, which keeps its broker). What Celery itself does
    after a fork."""
    app._pool = None
    if "amqp" in app.__dict__:
        app.__dict__["amqp"]._producer_pool = None


class RedisServer:
    """A redis-server of the test's own that keeps nothing on disk: killing it loses its queue."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = spare_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        assert Path(REDIS_SERVER).exists(), f"{REDIS_SERVER} is not installed"
        self.starts += 1
        log = self.folder / f"redis-{self.starts}.log"
        command = [
            REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", str(self.folder),
        ]  # fmt: skip
        with log.open("wb") as output:
            self.process = subprocess.Popen(command, stdout=output, stderr=output)
        assert wait_until(self._answers, timeout=20), log.read_text(errors="replace")

    def _answers(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_timeout=1).ping()
        except redis.RedisError:
            return False

    def kill(self) -> None:
        if self.process is not None:
            _kill(self.process)

    def restart(self) -> None:
        """Killed (SIGKILL) and a fresh server started on the same port: the queue is gone."""
        self.kill()
        self.start()

    def queued(self, queue: str = QUEUE) -> int:
        with redis.Redis(port=self.port, socket_timeout=5) as client:
            return client.llen(queue)


class FaultLab:
    """The test's Redis, its workers and its mail folder; `close()` kills every process."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.mail_dir = folder / "mail"
        self.fault_dir = folder / "faults"
        self.mail_dir.mkdir()
        self.fault_dir.mkdir()
        self.redis = RedisServer(folder)
        self.workers: list[tuple[subprocess.Popen, Path]] = []

    def start_redis(self) -> RedisServer:
        self.redis.start()
        return self.redis

    def start_worker(self, **faults: str) -> subprocess.Popen:
        """A worker on the test's Redis and database, ready to consume. `faults`: environment
        variables read by tests/fault_worker.py (QAF_FAULT_*) or settings."""
        log = self.folder / f"worker-{len(self.workers) + 1}.log"
        env = {key: value for key, value in os.environ.items() if not key.startswith("QAF_FAULT")}
        env |= {
            "DATABASE_URL": database_url_for_workers(),
            "CELERY_BROKER_URL": self.redis.url,
            "CELERY_RESULT_BACKEND": self.redis.url,
            # django-environ drops the first "/" of the path: four in all for an absolute one.
            "EMAIL_URL": f"filemail:///{self.mail_dir}",
            "QAF_DATA_DIR": str(self.folder / "data"),
            "QAF_FAULT_DIR": str(self.fault_dir),
            **faults,
        }
        command = [
            sys.executable, "-m", "celery", "-A", "tests.fault_worker", "worker",
            "--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--loglevel=INFO", "--hostname", f"fault-{uuid.uuid4().hex[:8]}@%h",
        ]  # fmt: skip
        with log.open("wb") as output:
            worker = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=output, stderr=output)
        self.workers.append((worker, log))
        assert wait_until(lambda: "ready." in log.read_text(errors="replace")), self.logs()
        return worker

    def kill(self, worker: subprocess.Popen) -> None:
        """SIGKILL: no warm shutdown, nothing acknowledged or given back to the broker."""
        _kill(worker)

    def send_task(self, name: str, *args) -> None:
        """Publish a task to the test's Redis, as beat or the Jobs page would."""
        from qaf.celery import app

        with self.qaf_sending_here():
            app.send_task(name, args=args)

    @contextmanager
    def qaf_sending_here(self):
        """QAF's own Celery app, in the test process, publishing to the test's Redis: notify()
        takes its real path (on commit, .delay()). Celery reads CELERY_BROKER_URL from the
        environment before its configuration, so the variable is what must change."""
        from qaf.celery import app

        previous = os.environ.get("CELERY_BROKER_URL")
        os.environ["CELERY_BROKER_URL"] = self.redis.url
        _forget_connections(app)
        try:
            # Never the machine's own Redis: these tests kill and restart theirs.
            with app.connection_for_write() as connection:
                where = (connection.hostname, connection.port)
                assert where == ("127.0.0.1", self.redis.port), where
            yield
        finally:
            if previous is None:
                del os.environ["CELERY_BROKER_URL"]
            else:
                os.environ["CELERY_BROKER_URL"] = previous
            _forget_connections(app)

    def emails_by_recipient(self) -> Counter:
        """How many e-mails each address received."""
        received = Counter()
        for path in self.mail_dir.iterdir():
            for line in path.read_text(errors="replace").splitlines():
                if line.startswith("To: "):
                    received[line.removeprefix("To: ").strip()] += 1
        return received

    def logs(self) -> str:
        parts = []
        for path in sorted(self.folder.glob("*.log")):
            parts.append(f"--- {path.name} ---\n{path.read_text(errors='replace')[-LOG_TAIL:]}")
        return "\n".join(parts)

    def close(self) -> None:
        try:
            for worker, _ in self.workers:
                _kill(worker)
        finally:
            self.redis.kill()
