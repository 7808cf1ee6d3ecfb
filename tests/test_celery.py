"""Celery is wired up for real: a worker process takes a task from the broker and completes it,
on Redis (production) and on the server-less filesystem broker (the embedded default)."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings

from qaf.celery import app
from qaf.embedded import filesystem_broker_options

BASE_DIR = Path(settings.BASE_DIR)


def _start_worker(env: dict, log: Path, *extra: str) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "celery", "-A", "qaf", "worker", "--pool=solo",
        "--without-gossip", "--without-mingle", "--loglevel=INFO", *extra,
    ]  # fmt: skip
    with log.open("wb") as output:
        return subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=output, stderr=output)


def _stop(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def _wait_for_log(log: Path, text: str, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return True
        time.sleep(0.2)
    return False


@pytest.mark.redis
@pytest.mark.celery_worker
def test_a_real_worker_completes_a_task_through_redis(tmp_path):
    broker = os.environ["CELERY_BROKER_URL"]
    queue = f"qaf-test-{uuid.uuid4().hex}"  # nothing else consumes or leaves messages here
    env = {**os.environ, "CELERY_BROKER_URL": broker, "CELERY_RESULT_BACKEND": broker}
    log = tmp_path / "worker.log"
    worker = _start_worker(env, log, "--queues", queue)
    try:
        client = Celery("qaf-test-client", broker=broker, backend=broker, set_as_current=False)
        result = client.send_task("accounts.tasks.ping", queue=queue)
        assert result.get(timeout=60) == "pong", log.read_text()
    finally:
        _stop(worker)


@pytest.mark.celery_worker
def test_a_real_worker_and_beat_run_on_the_embedded_filesystem_broker(tmp_path, monkeypatch):
    # Celery lets the CELERY_BROKER_URL variable override any broker it is given, CI sets it.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    # Nothing set but the data folder: exactly what `make run` gets on a bare machine.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}
    }
    env["QAF_DATA_DIR"] = str(tmp_path)
    log = tmp_path / "worker.log"
    worker = _start_worker(env, log, "--beat")
    try:
        # The worker declares its queue in the exchange table when it starts; a message sent to
        # an exchange with no queue bound yet would be dropped.
        assert _wait_for_log(log, "ready."), log.read_text()
        client = Celery(
            "qaf-test-client",
            set_as_current=False,
            broker="filesystem://",
            backend=f"file://{tmp_path / 'celery' / 'results'}",
            broker_transport_options=filesystem_broker_options(tmp_path / "celery"),
        )
        result = client.send_task("accounts.tasks.ping")
        assert result.get(timeout=60) == "pong", log.read_text()
        assert _wait_for_log(log, "beat: Starting"), log.read_text()
    finally:
        _stop(worker)


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule, "the beat schedule is declared in settings.CELERY_BEAT_SCHEDULE"
    for name, entry in schedule.items():
        assert entry["task"] in app.tasks, f"beat entry {name!r} names an unknown task"


def test_tasks_run_eagerly_in_ordinary_tests():
    from accounts.tasks import ping

    assert ping.delay().get(timeout=5) == "pong"
