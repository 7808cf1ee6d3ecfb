"""The audit trail of changes (django-simple-history) for writes that bypass `save()`.

A model's `save()` and `delete()` write their history row through simple_history's signals, with
the request's user (HistoryRequestMiddleware). A conditional `QuerySet.update()`, the claim that
keeps two saves or two workers from both acting, sends no signal: the service calls
`history_record_update()` once the update has succeeded, with the row as it now stands.
`history_user` None means the change was made by QAF itself (a timed job).
"""

from collections.abc import Iterable

from django.db.models import Model
from simple_history.utils import get_history_manager_for_model

TIMED_JOB = "QAF (timed job)"


def history_record_update(objs: Model | Iterable[Model], *, actor=None, reason: str = "") -> None:
    """One history row ("~", changed) per object in `objs`, as they are now, by `actor`."""
    objs = [objs] if isinstance(objs, Model) else list(objs)
    if not objs:
        return
    manager = get_history_manager_for_model(type(objs[0]))
    manager.bulk_history_create(
        objs, update=True, default_user=actor, default_change_reason=reason[:100]
    )


def history_user_label(record) -> str:
    """Who made a historical record's change, in words."""
    return str(record.history_user) if record.history_user_id else TIMED_JOB
