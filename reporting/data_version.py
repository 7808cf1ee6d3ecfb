"""The data version: which cached figures are still true (issue 9).

A cycle's figures take some 20 aggregate queries (reporting/figures.py); the dashboard and the
report preview show them on every visit. They are cached under the data version, a counter
that every committed transaction which wrote to QAF's data moves on, whichever way it wrote
(a model's save, a queryset's update, a bulk insert, raw SQL) and in whichever process (web,
Celery worker, management command): a database execute wrapper on every connection sees the
write, and the counter moves after the commit. A page reads the counter first (one query), so
cached figures are never older than the last committed change:

- a writer commits, then moves the counter: a page that read the old count before the commit
  caches figures under a count no later page uses;
- the tables of sessions, access records, log-in attempts, notifications and this counter are
  left out: reading pages writes them, and no figure depends on them.

Writes outside Django (psql, the benchmark's COPY) do not move it: entries also expire after
QAF_FIGURES_CACHE_SECONDS. Tests turn the cache off (conftest.py) except where they test it.
"""

import re

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections, models, transaction
from django.utils import timezone

# Written by every page view or log-in, read by no figure.
UNWATCHED = (
    "django_session",
    "accounts_usersession",
    "audit_accessrecord",
    "axes_",
    "accounts_notification",
    "reporting_dataversion",
)
WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)


def _moved_on(alias: str):
    def move_on():
        from .models import DataVersion

        try:
            moved = DataVersion.objects.using(alias).filter(pk=1).update(n=models.F("n") + 1)
            if not moved:
                DataVersion.objects.using(alias).get_or_create(pk=1, defaults={"n": 1})
        except DatabaseError:  # e.g. before the migration that makes the table
            pass

    move_on.qaf_data_version = True
    return move_on


def watch_writes(execute, sql, params, many, context):
    """A database execute wrapper: after a committed write to a watched table, the data version
    moves on (once per transaction, however many writes)."""
    result = execute(sql, params, many, context)
    match = WRITE.match(sql)
    if match and not match[1].lower().startswith(UNWATCHED):
        connection = context["connection"]
        pending = connection.run_on_commit if connection.in_atomic_block else []
        if not any(getattr(entry[1], "qaf_data_version", False) for entry in pending):
            transaction.on_commit(_moved_on(connection.alias), using=connection.alias)
    return result


def install(sender=None, connection=None, **kwargs) -> None:
    """Watch `connection` (connection_created's receiver), or every connection."""
    for each in [connection] if connection is not None else connections.all():
        if watch_writes not in each.execute_wrappers:
            each.execute_wrappers.append(watch_writes)


def data_version(using: str = "default") -> int:
    from .models import DataVersion

    return DataVersion.objects.using(using).values_list("n", flat=True).first() or 0


def cached_figures(parts: tuple, compute):
    """compute(), or what it returned for the same `parts` at the current data version, today
    (figures count what is overdue as of today); compute() when the cache is off."""
    seconds = settings.QAF_FIGURES_CACHE_SECONDS
    if not seconds:
        return compute()
    key = ":".join(map(str, ("qaf-figures", data_version(), timezone.localdate(), *parts)))
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value
