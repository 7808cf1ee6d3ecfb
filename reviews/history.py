"""A review's history: every status change, grade, moderation, escalation step and action step,
who did it and when, in time order (issue 4, "History"; shown on the review page).

Read from the rows the services write (ReviewEvent, Moderation, EscalationEvent, ActionEvent):
one query per kind of row, however long the history.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Model
from django.utils.dateformat import format as format_date
from django.utils.text import Truncator

from audits.models import Grade

from .models import (
    Action,
    ActionEvent,
    Escalation,
    EscalationEvent,
    Moderation,
    Review,
    ReviewEvent,
)

R, E, A = Review.Status, Escalation.Status, Action.Status

# A moderation writes its Moderation row and the review's status change in one transaction; the
# Moderation row says more, so the status change it caused is not listed again.
SAME_MOMENT = datetime.timedelta(minutes=1)


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime.datetime
    actor: Model | None  # None: QAF itself (a timed job)
    what: str  # one sentence in plain English
    details: tuple[str, ...] = field(default=())  # free text kept with the review (rationale...)
    kind: str = "review"  # review, moderation, escalation or action

    @property
    def who(self) -> str:
        if self.actor is None:
            return "QAF (automatic)"
        return self.actor.get_full_name() or self.actor.email


def review_history(
    review: Review, *, moderations: list[Moderation] | None = None
) -> list[HistoryEntry]:
    """Everything that happened to the review, oldest first: four queries, three when the page
    has read the review's `moderations` already (oldest first, with their moderators)."""
    review_events = list(
        ReviewEvent.objects.filter(review=review).select_related("actor").order_by("at", "id")
    )
    if moderations is None:
        moderations = list(
            Moderation.objects.filter(review=review)
            .select_related("moderator")
            .order_by("at", "id")
        )
    escalation_events = (
        EscalationEvent.objects.filter(escalation__review=review)
        .select_related("actor", "escalation")
        .order_by("at", "id")
    )
    action_events = (
        ActionEvent.objects.filter(action__review=review)
        .select_related("actor", "action")
        .order_by("at", "id")
    )
    told_by_moderation = _status_changes_of_moderations(review_events, moderations)
    entries = [
        *(
            _review_entry(event, review, moderations)
            for event in review_events
            if event.pk not in told_by_moderation
        ),
        *(_moderation_entry(moderation) for moderation in moderations),
        *(_escalation_entry(event) for event in escalation_events),
        *(_action_entry(event) for event in action_events),
    ]
    # Stable: entries of the same moment keep the order above (the status change, then what
    # it caused), each source already in its own order.
    return sorted(entries, key=lambda entry: entry.at)


def _grade(value: str) -> str:
    return Grade(value).label if value in Grade.values else "no grade"


def _day(value: datetime.date) -> str:
    return format_date(value, "j F Y")


# The review's status changes.

REVIEW_MOVES = {
    ("", R.UNASSIGNED): "Added the case to the cycle's sample",
    (R.UNASSIGNED, R.ASSIGNED): "Assigned the review",
    (R.ASSIGNED, R.ASSIGNED): "Changed the reviewer",
    (R.ASSIGNED, R.UNASSIGNED): "Took the assignment back",
    (R.ASSIGNED, R.IN_PROGRESS): "Started the review",
    (R.SUBMITTED, R.IN_PROGRESS): "Returned the review to the reviewer",
    (R.SUBMITTED, R.MODERATED): "Moderated the review",
    (R.MODERATED, R.FINALISED): "Finalised the review",
}


def _status_changes_of_moderations(
    review_events: list[ReviewEvent], moderations: list[Moderation]
) -> set[int]:
    """The ids of the status changes out of "submitted" that a Moderation row already tells."""
    told = set()
    for moderation in moderations:
        to_status = (
            R.IN_PROGRESS if moderation.decision == Moderation.Decision.RETURNED else R.MODERATED
        )
        for event in review_events:
            if (
                event.pk not in told
                and event.from_status == R.SUBMITTED
                and event.to_status == to_status
                and event.actor_id == moderation.moderator_id
                and abs(event.at - moderation.at) <= SAME_MOMENT
            ):
                told.add(event.pk)
                break
    return told


def _submitted_grade(event: ReviewEvent, review: Review, moderations: list[Moderation]) -> str:
    """The grade a submit gave: the next moderation kept it as the reviewer's grade; with no
    moderation since, the review's own (it cannot change while submitted)."""
    later = next((m for m in moderations if m.at >= event.at), None)
    return later.reviewer_grade if later else review.grade


def _review_entry(
    event: ReviewEvent, review: Review, moderations: list[Moderation]
) -> HistoryEntry:
    move = (event.from_status, event.to_status)
    if move == (R.IN_PROGRESS, R.SUBMITTED):
        grade = _submitted_grade(event, review, moderations)
        what = f"Submitted the review with the grade {_grade(grade)}"
    else:
        what = REVIEW_MOVES.get(move) or (
            f"Moved the review from {_status(R, event.from_status)} to "
            f"{_status(R, event.to_status)}"
        )
    details = (event.note,) if event.note else ()
    return HistoryEntry(at=event.at, actor=event.actor, what=what, details=details)


def _status(statuses, value: str) -> str:
    return statuses(value).label.lower() if value in statuses.values else "new"


# Moderations.


def _moderation_entry(moderation: Moderation) -> HistoryEntry:
    details = []
    if moderation.decision == Moderation.Decision.AGREED:
        what = f"Moderated: agreed the reviewer's grade, {_grade(moderation.moderated_grade)}"
    elif moderation.decision == Moderation.Decision.REGRADED:
        what = (
            f"Moderated: regraded the review from {_grade(moderation.reviewer_grade)} to "
            f"{_grade(moderation.moderated_grade)}"
        )
    else:
        what = "Returned the review to the reviewer"
    if moderation.rationale:
        details.append(f"Rationale: {moderation.rationale}")
    if moderation.feedback_to_reviewer:
        details.append(f"Feedback to the reviewer: {moderation.feedback_to_reviewer}")
    return HistoryEntry(
        at=moderation.at,
        actor=moderation.moderator,
        what=what,
        details=tuple(details),
        kind="moderation",
    )


# Escalation steps.


def _escalation_entry(event: EscalationEvent) -> HistoryEntry:
    escalation = event.escalation
    move = (event.from_status, event.to_status)
    if move == ("", E.RAISED):
        what = (
            "Escalated the Inadequate grade to the service manager: assurance due by "
            f"{_day(escalation.deadline)}"
        )
    elif move == (E.RAISED, E.CLOSED):
        urgent = " (an action is urgent)" if escalation.urgent else ""
        what = f"Recorded assurance on the child's safety{urgent}; the escalation is closed"
    elif move == (E.RAISED, E.DISPUTED):
        what = "Recorded assurance and disputed the level of concern; the Head of Service decides"
    elif move == (E.DISPUTED, E.CLOSED):
        what = "Recorded the Head of Service's final decision; the escalation is closed"
    elif event.from_status == event.to_status and event.note:
        what = event.note.rstrip(".")  # a step that is not a move, e.g. the overdue reminder
    else:
        what = (
            f"Moved the escalation from {_status(E, event.from_status)} to "
            f"{_status(E, event.to_status)}"
        )
    return HistoryEntry(at=event.at, actor=event.actor, what=what, kind="escalation")


# Action steps.

ACTION_MOVES = {
    ("", A.OPEN): "Agreed an action",
    (A.OPEN, A.OPEN): "Changed an action",
    (A.OPEN, A.DONE): "Marked an action done",
    (A.DONE, A.VERIFIED): "Verified an action: the improvement is evidenced",
    (A.DONE, A.OPEN): "Reopened an action",
    (A.VERIFIED, A.OPEN): "Reopened an action",
}
# Notes that only repeat the sentence are not shown again; others (a reopening's reason, what
# was changed) are.
ACTION_NOTES_SAID = {"Marked done with the evidence.", "Verified: the improvement is evidenced."}


def _action_entry(event: ActionEvent) -> HistoryEntry:
    move = (event.from_status, event.to_status)
    what = ACTION_MOVES.get(move) or (
        f"Moved an action from {_status(A, event.from_status)} to {_status(A, event.to_status)}"
    )
    description = Truncator(event.action.description).chars(80)
    details = [f"The action: {description}"]
    if event.note and event.note not in ACTION_NOTES_SAID:
        details.append(event.note)
    return HistoryEntry(
        at=event.at, actor=event.actor, what=what, details=tuple(details), kind="action"
    )
