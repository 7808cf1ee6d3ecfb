"""Every write to a review. Status moves go through `review_transition` and its table."""

from qaf.workflow import transition

from .models import Review, ReviewEvent

S = Review.Status

# The review's workflow (DESIGN.md): assigned -> in progress -> submitted -> moderated -> finalised.
TRANSITIONS = {
    (S.UNASSIGNED, S.ASSIGNED),  # the QA Manager assigns a reviewer
    (S.ASSIGNED, S.UNASSIGNED),  # ... or takes the assignment back before work starts
    (S.ASSIGNED, S.IN_PROGRESS),  # the reviewer's first saved answer
    (S.IN_PROGRESS, S.SUBMITTED),  # the reviewer submits a complete review
    (S.SUBMITTED, S.IN_PROGRESS),  # a moderator returns it to the reviewer
    (S.SUBMITTED, S.MODERATED),  # a moderator agrees or regrades
    (S.MODERATED, S.FINALISED),
}


def review_transition(
    *, review: Review, to_status: str, actor, note: str = "", **changes
) -> Review:
    return transition(
        review,
        to_status=to_status,
        actor=actor,
        allowed=TRANSITIONS,
        event_model=ReviewEvent,
        note=note,
        changes=changes,
    )
