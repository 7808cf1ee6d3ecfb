"""One settings module, driven by the environment: the embedded default with nothing set,
PostgreSQL and Redis when their variables are set, and production that passes check --deploy."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "qaf.example.org",
}

SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
db = s.DATABASES["default"]
print(json.dumps({"engine": db["ENGINE"], "name": str(db["NAME"]), "broker": s.CELERY_BROKER_URL,
                  "results": s.CELERY_RESULT_BACKEND, "debug": s.DEBUG, "email": s.EMAIL_BACKEND}))
"""


# Set by the browser tests' conftest for the live server; a deployment never has it.
TEST_ONLY_VARIABLES = ("DJANGO_ALLOW_ASYNC_UNSAFE",)


def _run(code_or_args, env_changes, unset=()):
    dropped = {*unset, *env_changes, *TEST_ONLY_VARIABLES}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(env_changes)
    env.setdefault("DJANGO_SETTINGS_MODULE", "qaf.settings")
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run(
        [sys.executable, *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )


ALL_VARIABLES = ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "DEBUG", "EMAIL_URL")


def test_with_nothing_set_qaf_uses_sqlite_and_the_filesystem_broker(tmp_path):
    result = _run(SHOW_SETTINGS, {"QAF_DATA_DIR": str(tmp_path)}, unset=ALL_VARIABLES)
    shown = json.loads(result.stdout)
    assert shown["engine"] == "django.db.backends.sqlite3"
    assert shown["name"] == str(tmp_path / "db.sqlite3")
    assert shown["broker"] == "filesystem://"
    assert shown["results"].startswith("file://")
    assert shown["email"] == "django.core.mail.backends.console.EmailBackend"


def test_with_the_variables_set_qaf_uses_postgresql_and_redis():
    variables = {
        "DATABASE_URL": "postgres://qaf:secret@db.internal:5432/qaf",
        "CELERY_BROKER_URL": "redis://cache.internal:6379/0",
        "EMAIL_URL": "smtp+tls://user:pass@smtp.internal:587",
    }
    shown = json.loads(_run(SHOW_SETTINGS, variables).stdout)
    assert shown["engine"] == "django.db.backends.postgresql"
    assert shown["name"] == "qaf"
    assert shown["broker"] == shown["results"] == "redis://cache.internal:6379/0"
    assert shown["email"] == "django.core.mail.backends.smtp.EmailBackend"


SHOW_DB_OPTIONS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps(s.DATABASES["default"].get("OPTIONS", {})))
"""


def test_postgresql_plans_for_ssds_and_without_parallel_workers_unless_told_otherwise():
    postgres = {"DATABASE_URL": "postgres://qaf:secret@db.internal:5432/qaf"}

    default = json.loads(_run(SHOW_DB_OPTIONS, postgres).stdout)
    told = json.loads(
        _run(
            SHOW_DB_OPTIONS,
            {**postgres, "DATABASE_RANDOM_PAGE_COST": "2", "DATABASE_PARALLEL_WORKERS": "4"},
        ).stdout
    )
    left_alone = json.loads(
        _run(
            SHOW_DB_OPTIONS,
            {**postgres, "DATABASE_RANDOM_PAGE_COST": "0", "DATABASE_PARALLEL_WORKERS": "-1"},
        ).stdout
    )

    assert default["options"] == "-c random_page_cost=1.1 -c max_parallel_workers_per_gather=0"
    assert told["options"] == "-c random_page_cost=2.0 -c max_parallel_workers_per_gather=4"
    assert "options" not in left_alone


@pytest.mark.postgres
def test_a_postgresql_connection_runs_with_those_settings(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        workers = cursor.fetchone()[0]
        cursor.execute("SHOW random_page_cost")
        page_cost = cursor.fetchone()[0]

    assert (workers, page_cost) == ("0", "1.1")


def test_production_settings_pass_djangos_deploy_checks():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    variables = {key: value for key, value in PRODUCTION.items() if key != "SECRET_KEY"}
    result = _run(SHOW_SETTINGS, variables, unset=("SECRET_KEY",))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_development_key_is_flagged_if_it_reaches_production():
    # DEBUG on with no key set falls back to the development key; --deploy must call it out.
    result = _run(["manage.py", "check", "--deploy"], {"DEBUG": "true"}, unset=("SECRET_KEY",))
    assert "security.W009" in result.stdout + result.stderr
