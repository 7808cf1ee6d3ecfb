"""
A cycle's sample of cases and the assignment of its reviewers (issue 3, point 4).

The QA Manager samples N open cases per team, reproducibly (the same seed picks the same cases)
and balanced across legal status, leaving out cases reviewed in the last months; adds or removes
cases by hand; and assigns reviewers in bulk from a suggestion that balances workload. A reviewer
never reviews a case of their own team, nor one they are the allocated practitioner for: that is
a conflict of interest, refused here whatever the page sends.

Reviewers review across service areas (Sandwell's reviewers do): a reviewer's role scope does
not restrict the cases they may be given, only conflicts of interest do.
"""

import datetime
import logging
import random
from calendar import monthrange
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse

from accounts.models import User
from accounts.notifications import notify
from reviews.models import Answer, Review, ReviewEvent
from reviews.services import review_transition

from ..models import Case, Cycle, LegalStatus, Toolkit, ToolkitKind, ToolkitVersion
from ..selectors import published_version, reviewer_candidates, reviews_assigned_per_reviewer
from .cycles import day

logger = logging.getLogger(__name__)

# A sample can change while the cycle is planned or its review phase is open.
SAMPLING_STATUSES = (Cycle.Status.PLANNED, Cycle.Status.REVIEW)
# The toolkits a review is made with (the feedback forms are not reviews).
REVIEW_KINDS = (
    ToolkitKind.PRACTICE_REVIEW,
    ToolkitKind.THEMATIC_REVIEW,
    ToolkitKind.PRACTICE_OBSERVATION,
)
S = Review.Status


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, monthrange(year, month)[1]))


def conflict_of_interest(reviewer: User, case: Case) -> str | None:
    """Why `reviewer` may not review `case`, or None. Needs `case.team` loaded to explain."""
    if case.practitioner_id is not None and case.practitioner_id == reviewer.pk:
        return f"{reviewer} is the allocated practitioner of case {case.reference}"
    if reviewer.team_id is not None and reviewer.team_id == case.team_id:
        return f"{reviewer} works in {case.team.name}, the team of case {case.reference}"
    return None


def _lock_open_cycle(cycle: Cycle) -> Cycle:
    # Locked so that two samples drawn at once cannot both pass the checks below.
    locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if locked.status not in SAMPLING_STATUSES:
        raise ValidationError(
            f"{locked.name} is {locked.get_status_display().lower()}: its sample can change "
            "only while the cycle is planned or in its review phase."
        )
    return locked


def _toolkit_version(cycle: Cycle, toolkit: Toolkit | None) -> ToolkitVersion:
    if toolkit is None:
        raise ValidationError(
            f"{cycle.name} has no toolkit yet: choose its toolkit (the Practice Review or a "
            "theme's tool) on the cycle's page before sampling."
        )
    if toolkit.kind not in REVIEW_KINDS:
        raise ValidationError(
            f"{toolkit.name} is not a review toolkit: choose a Practice Review, a Thematic "
            "Review or a Practice Observation."
        )
    version = published_version(toolkit)
    if version is None:
        raise ValidationError(
            f"{toolkit.name} has no published version yet: publish it before adding reviews."
        )
    return version


def _eligible_cases(cycle: Cycle, exclude_months: int) -> QuerySet[Case]:
    """Cases open during the review phase, not in this cycle, not reviewed recently."""
    start = cycle.review_starts_on
    cases = Case.objects.filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=start),
        opened_on__lt=cycle.review_ends_on,
    ).exclude(pk__in=Review.objects.filter(cycle=cycle).values("case_id"))
    if exclude_months:
        recent = Review.objects.filter(
            cycle__review_starts_on__gte=months_before(start, exclude_months),
            cycle__review_starts_on__lt=start,
        )
        cases = cases.exclude(pk__in=recent.values("case_id"))
    return cases


def _pick(cases: list[tuple[int, str]], per_team: int, rng: random.Random) -> list[int]:
    """Up to `per_team` of one team's (case id, legal status), in reference order: round-robin
    over the legal-status groups, so each group gets as equal a share as its numbers allow."""
    groups: dict[str, list[int]] = {status: [] for status in LegalStatus.values}
    for case_id, status in cases:
        groups.setdefault(status, []).append(case_id)
    present = [group for group in groups.values() if group]
    for group in present:  # in a fixed order, so the same seed draws the same numbers
        rng.shuffle(group)
    rng.shuffle(present)  # which groups take the odd places left over is the seed's choice too
    picked: list[int] = []
    while len(picked) < per_team and any(present):
        for group in present:
            if group and len(picked) < per_team:
                picked.append(group.pop())
    return picked


def _create_reviews(
    *, cycle, version, case_ids: list[int], actor, by_hand: bool, note: str
) -> list[Review]:
    areas = dict(Case.objects.filter(pk__in=case_ids).values_list("pk", "service_area_id"))
    reviews = Review.objects.bulk_create(
        Review(
            cycle=cycle,
            case_id=case_id,
            service_area_id=areas[case_id],
            toolkit_version=version,
            status=S.UNASSIGNED,
            due_on=cycle.review_ends_on,
            added_by_hand=by_hand,
            created_by=actor,
            updated_by=actor,
        )
        for case_id in case_ids
    )
    if reviews and reviews[0].pk is None:  # a backend that returns no ids from bulk inserts
        reviews = list(Review.objects.filter(cycle=cycle, case_id__in=case_ids))
    ReviewEvent.objects.bulk_create(
        ReviewEvent(review=review, from_status="", to_status=S.UNASSIGNED, actor=actor, note=note)
        for review in reviews
    )
    return reviews


@transaction.atomic
def sample_cases(
    *, cycle: Cycle, per_team: int, seed: int | str, exclude_months: int = 12, actor: User | None
) -> list[Review]:
    """Sample `per_team` open cases of each team into the cycle, as unassigned reviews.

    Reproducible: each team's draw uses `random.Random(f"{seed}:{team id}")` over its cases in
    reference order, so the same seed over the same cases picks the same ones.
    """
    if per_team < 1:
        raise ValidationError("Sample at least one case per team.")
    if exclude_months < 0:
        raise ValidationError("The months to leave out cannot be negative.")
    cycle = _lock_open_cycle(cycle)
    version = _toolkit_version(cycle, cycle.toolkit)
    by_team: dict[int, list[tuple[int, str]]] = {}
    eligible = _eligible_cases(cycle, exclude_months).order_by("team_id", "reference")
    for case_id, team_id, status in eligible.values_list("pk", "team_id", "legal_status"):
        by_team.setdefault(team_id, []).append((case_id, status))
    picked: list[int] = []
    for team_id, cases in sorted(by_team.items()):
        picked += _pick(cases, per_team, random.Random(f"{seed}:{team_id}"))
    note = f"Sampled: {per_team} per team, seed {seed}, leaving out {exclude_months} months."
    return _create_reviews(
        cycle=cycle, version=version, case_ids=picked, actor=actor, by_hand=False, note=note
    )


@transaction.atomic
def sample_add_case(
    *, cycle: Cycle, case: Case, actor: User | None, toolkit: Toolkit | None = None
) -> Review:
    """Add one case by hand, with the cycle's toolkit or another (e.g. a Practice Observation,
    which is always created one by one)."""
    cycle = _lock_open_cycle(cycle)
    if toolkit is None:
        toolkit = cycle.toolkit
    version = _toolkit_version(cycle, toolkit)
    if Review.objects.filter(cycle=cycle, case=case).exists():
        raise ValidationError(f"Case {case.reference} is already in the sample of {cycle.name}.")
    note = f"Added by hand ({toolkit.name})."
    [review] = _create_reviews(
        cycle=cycle, version=version, case_ids=[case.pk], actor=actor, by_hand=True, note=note
    )
    return review


def review_not_started(review: Review, *, has_answers: bool) -> bool:
    return review.status == S.UNASSIGNED or (review.status == S.ASSIGNED and not has_answers)


@transaction.atomic
def sample_remove_review(*, review: Review, actor: User | None) -> None:
    """Take a case out of the sample: only before its reviewer has started (no answers)."""
    locked = Review.objects.select_for_update().get(pk=review.pk)
    reference = Case.objects.values_list("reference", flat=True).get(pk=locked.case_id)
    has_answers = Answer.objects.filter(review=locked).exists()
    if not review_not_started(locked, has_answers=has_answers):
        if locked.status == S.ASSIGNED:
            state = f"{locked.reviewer} has started it"
        else:
            state = f"it is {locked.get_status_display().lower()}"
        raise ValidationError(
            f"The review of case {reference} cannot be removed from the sample: {state}, and "
            "work a reviewer has started is kept."
        )
    logger.info("Review %s of case %s removed from the sample by %s", locked.pk, reference, actor)
    locked.delete()


def suggest_reviewers(*, cycle: Cycle, reviews: Iterable[Review]) -> dict[int, User | None]:
    """A reviewer for each review (None when every reviewer has a conflict of interest).

    Greedy: the reviews with the fewest eligible reviewers first, each to the eligible reviewer
    with the fewest reviews in this cycle so far (ties: name, then id), so workload balances.
    `reviews` need `case` and `case.team` loaded.
    """
    reviews = list(reviews)
    candidates = reviewer_candidates()
    load = {user.pk: 0 for user in candidates}
    load.update(
        (user_id, count)
        for user_id, count in reviews_assigned_per_reviewer(cycle).items()
        if user_id in load
    )
    for review in reviews:  # suggesting afresh for an assigned review frees its current place
        if review.reviewer_id in load:
            load[review.reviewer_id] -= 1
    eligible = {
        review.pk: [user for user in candidates if conflict_of_interest(user, review.case) is None]
        for review in reviews
    }
    suggestions: dict[int, User | None] = {}
    for review in sorted(reviews, key=lambda r: (len(eligible[r.pk]), r.case.reference, r.pk)):
        if not eligible[review.pk]:
            suggestions[review.pk] = None
            continue
        chosen = min(eligible[review.pk], key=lambda user: (load[user.pk], *_name_key(user)))
        load[chosen.pk] += 1
        suggestions[review.pk] = chosen
    return suggestions


def _name_key(user: User) -> tuple:
    return user.last_name.casefold(), user.first_name.casefold(), user.pk


@transaction.atomic
def reviews_assign(*, assignments: dict[Review, User], actor: User | None) -> list[Review]:
    """Assign (or reassign) reviewers in bulk; returns the reviews that changed.

    Every assignment is checked before any is applied: one conflict of interest, or a review
    that can no longer be (re)assigned, refuses the whole batch with a message for each.
    """
    by_pk = {review.pk: user for review, user in assignments.items()}
    # Locked, so that a reviewer's first answer cannot slip in between the check and the change.
    reviews = list(
        Review.objects.select_for_update(of=("self",))
        .select_related("case__team", "reviewer", "cycle")
        .filter(pk__in=by_pk)
        .order_by("pk")
    )
    started = set(
        Answer.objects.filter(review__in=reviews).values_list("review_id", flat=True).distinct()
    )
    reviewer_ids = {user.pk for user in reviewer_candidates()}
    errors, changes = [], []
    for review in reviews:
        user = by_pk[review.pk]
        if review.reviewer_id == user.pk:
            continue  # already theirs
        reason = _why_not(review, user, started, reviewer_ids)
        if reason:
            errors.append(reason)
        else:
            changes.append((review, user))
    if errors:
        raise ValidationError(errors)
    return [_assign(review, user, actor) for review, user in changes]


def _why_not(review: Review, user: User, started: set[int], reviewer_ids: set[int]) -> str | None:
    reference = review.case.reference
    if user.pk not in reviewer_ids:
        return f"{user} is not an active reviewer, so cannot review case {reference}."
    conflict = conflict_of_interest(user, review.case)
    if conflict:
        return f"Conflict of interest: {conflict}; choose another reviewer for case {reference}."
    if review.status not in (S.UNASSIGNED, S.ASSIGNED) or review.pk in started:
        return (
            f"The review of case {reference} has been started by {review.reviewer}, so its "
            "reviewer cannot change."
        )
    return None


def _tell_reviewer(review: Review, user: User) -> None:
    """Assigned while the review phase is open: the reviewer is told now (before it opens, the
    QA calendar tells each reviewer all their assignments at once when it opens)."""
    if review.cycle.status != Cycle.Status.REVIEW:
        return
    notify(
        recipient=user,
        kind="review_assigned",
        obj=review,
        summary=f"You have been asked to review case {review.case.reference} in "
        f"{review.cycle.name}, by {day(review.due_on)}",
        url=reverse("reviews:detail", args=[review.pk]),
    )


def _assign(review: Review, user: User, actor) -> Review:
    _tell_reviewer(review, user)
    if review.status == S.UNASSIGNED:
        return review_transition(
            review=review,
            to_status=S.ASSIGNED,
            actor=actor,
            note=f"Assigned to {user}.",
            reviewer=user,
            updated_by=actor,
        )
    # A reassignment before work starts: the status stays "assigned", so no transition; the
    # event row still records who changed the reviewer, when, and from whom to whom.
    ReviewEvent.objects.create(
        review=review,
        from_status=S.ASSIGNED,
        to_status=S.ASSIGNED,
        actor=actor,
        note=f"Reassigned from {review.reviewer} to {user}."[:300],
    )
    review.reviewer, review.updated_by = user, actor
    review.save(update_fields=["reviewer", "updated_by", "updated_at"])
    return review
