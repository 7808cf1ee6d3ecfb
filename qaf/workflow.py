"""
The one way a status changes. Cycle, review, escalation and action each declare a table of allowed
moves in their services module and call `transition()`, which locks the row, refuses a move not in
the table with a message that says why, writes the event row (who, when, from, to, note) in the
same transaction, and saves the new status. Nothing else assigns `.status`.
"""

from collections.abc import Collection

from django.db import models, transaction


class TransitionRefused(Exception):
    """A move the workflow does not allow; `str(exc)` is fit to show the user."""


def transition(
    obj: models.Model,
    *,
    to_status: str,
    actor,
    allowed: Collection[tuple[str, str]],
    event_model: type[models.Model],
    note: str = "",
    changes: dict | None = None,
) -> models.Model:
    """Move `obj` to `to_status` if (current, to_status) is in `allowed`; return the saved row.

    `changes` are other fields to set in the same save (e.g. submitted_at). The row is re-read
    under `select_for_update`, so two people pressing the button at once make one move, and the
    second is refused with the status the first one left.
    """
    model = type(obj)
    label = model._meta.verbose_name
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=obj.pk)
        current = locked.status
        if (current, to_status) not in allowed:
            status_labels = dict(model._meta.get_field("status").choices)
            raise TransitionRefused(
                f"This {label} is {status_labels.get(current, current).lower()}, so it cannot "
                f"become {status_labels.get(to_status, to_status).lower()}."
            )
        for name, value in (changes or {}).items():
            setattr(locked, name, value)
        locked.status = to_status
        if actor is not None:
            locked._history_user = actor  # the audit trail's "who", in a request or not
        locked.save()
        event_model.objects.create(
            **{_link_to(event_model, model): locked},
            from_status=current,
            to_status=to_status,
            actor=actor,
            note=note[:300],
        )
    return locked


def _link_to(event_model: type[models.Model], model: type[models.Model]) -> str:
    """The name of the event model's foreign key to the object that moved."""
    return next(
        field.name
        for field in event_model._meta.get_fields()
        if field.many_to_one and field.related_model is model
    )
