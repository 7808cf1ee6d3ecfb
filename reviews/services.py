"""Every write to a review. Status moves go through `review_transition` and its table."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.notifications import notify
from accounts.permissions import can
from audit.history import history_record_update
from audits.models import AnswerKind, Choice, Grade, Question, Section
from qaf.workflow import TransitionRefused, transition

from .escalations import escalation_raise
from .models import Answer, Escalation, Moderation, Review, ReviewEvent
from .themes import theme_changes, write_theme_changes

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


# The reviewer's findings, in the order the page asks for them, with what submit says when one
# is missing (seed 003: Practice Reviews; seed 000: the discussion with the practitioner). Every
# one is required before submit; child_seen is recorded but may stay blank.
FINDINGS_FIELDS = (
    "discussion_on",
    "discussion_participants",
    "practitioner_reflections",
    "child_seen",
    "views_obtained_how",
    "child_and_family_views",
    "working_well",
    "needs_to_improve",
    "recommendations",
    "grade",
    "grade_rationale",
)
REQUIRED_FINDINGS = {
    "discussion_on": "Enter the date of the discussion with the practitioner",
    "discussion_participants": "Enter who took part in the discussion",
    "practitioner_reflections": "Enter the practitioner's reflections",
    "views_obtained_how": "Enter how the child's and family's views were obtained, "
    "or why they were not",
    "child_and_family_views": "Enter what the child and family said, "
    "or the reason their views were not obtained",
    "working_well": "Enter what is working well",
    "needs_to_improve": "Enter what needs to improve",
    "recommendations": "Enter your recommendations",
    "grade": "Select an overall grade",
    "grade_rationale": "Enter the rationale for the overall grade",
}
# Radio buttons are linked to by their first button (GOV.UK error summary pattern).
RADIO_FINDINGS = {"child_seen", "grade"}
ANSWER_VALUE_FIELD = {
    AnswerKind.GRADED: "grade",
    AnswerKind.YES_PARTLY_NO: "choice",
    AnswerKind.FREE_TEXT: "text",
}
ANSWER_FIELDS = ("grade", "choice", "text", "not_applicable")
_ALLOWED_VALUES = {"grade": set(Grade.values), "choice": set(Choice.values)}


class StaleReview(Exception):
    """The save was based on a version someone has since replaced; `str(exc)` says who and when."""

    def __init__(self, review: Review, actor):
        self.review = review
        when = timezone.localtime(review.updated_at)
        at = f"{format_date(when, 'H:i')} on {format_date(when, 'j F Y')}"
        if review.updated_by_id == getattr(actor, "pk", None):
            message = (
                f"You saved this review in another tab or window at {at}, after this page was "
                "opened. The changes on this page were not saved: reload to see the latest "
                "version, then re-enter them."
            )
        else:
            person = review.updated_by
            who = (person.get_full_name() or person.email) if person else "Someone"
            message = (
                f"{who} saved this review at {at}, after you opened it. Your changes were not "
                "saved: reload to see theirs, then re-enter yours."
            )
        super().__init__(message)


class ReviewIncomplete(Exception):
    """Submit refused: `missing` lists every (anchor id, message) still to do, all at once."""

    def __init__(self, missing: list[tuple[str, str]]):
        self.missing = missing
        super().__init__(f"{len(missing)} items are missing.")


def finding_anchor(name: str) -> str:
    """The id of a finding's input on the review page (the form's default auto_id)."""
    return f"id_{name}_0" if name in RADIO_FINDINGS else f"id_{name}"


def question_anchor(question: Question) -> str:
    return f"q-{question.pk}"


def _locked(review: Review, actor, based_on_version: int) -> Review:
    """The review's row, locked until the transaction ends, if `actor` may still write it at
    `based_on_version`. The lock makes two saves of the same version queue here, so the second
    sees the first's new version and is refused."""
    locked = (
        Review.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .get(pk=review.pk)
    )
    if not can(actor, "review.edit", locked):
        raise PermissionDenied(
            f"This review is {locked.get_status_display().lower()}: only its reviewer can "
            "change it, until it is submitted."
        )
    if based_on_version != locked.lock_version:
        raise StaleReview(locked, actor)
    return locked


def _clean_answer(question: Question, values: dict[str, Any]) -> dict[str, Any]:
    """The answer's fields as they will be stored; only the question's own kind of value."""
    not_applicable = bool(values.get("not_applicable"))
    if not_applicable and not question.allow_not_applicable:
        raise ValidationError(f"Question {question.pk} cannot be answered 'not applicable'.")
    cleaned = {"grade": "", "choice": "", "text": "", "not_applicable": not_applicable}
    if not_applicable:
        return cleaned  # N/A replaces any value: the answer is one or the other
    field = ANSWER_VALUE_FIELD[question.answer_kind]
    value = (values.get(field) or "").strip() if field == "text" else values.get(field) or ""
    if field in _ALLOWED_VALUES and value and value not in _ALLOWED_VALUES[field]:
        raise ValidationError(f"'{value}' is not an answer to question {question.pk}.")
    cleaned[field] = value
    return cleaned


def _answer_changes(review: Review, answers: dict[int, dict]) -> tuple[list, list]:
    """The answers to create and those to update: only the ones that differ from those stored."""
    questions = Question.objects.filter(
        section__version_id=review.toolkit_version_id, pk__in=list(answers)
    ).in_bulk()
    if len(questions) != len(answers):
        raise ValidationError("Some answers are to questions that are not in this toolkit.")
    stored = {a.question_id: a for a in Answer.objects.filter(review=review, question__in=answers)}
    to_create, to_update = [], []
    for question_id, values in answers.items():
        cleaned = _clean_answer(questions[question_id], values)
        answer = stored.get(question_id)
        if answer is None:
            if any(cleaned.values()):
                to_create.append(Answer(review=review, question_id=question_id, **cleaned))
        elif any(getattr(answer, name) != value for name, value in cleaned.items()):
            for name, value in cleaned.items():
                setattr(answer, name, value)
            to_update.append(answer)
    return to_create, to_update


def _write_answers(to_create: list[Answer], to_update: list[Answer], actor) -> None:
    now = timezone.now()
    for answer in to_create + to_update:
        answer.updated_by, answer.updated_at = actor, now
    # With their audit trail rows (the bulk writes send no signals): two more INSERTs at most.
    bulk_create_with_history(to_create, Answer, default_user=actor)
    bulk_update_with_history(
        to_update, Answer, [*ANSWER_FIELDS, "updated_by", "updated_at"], default_user=actor
    )


def _changed_findings(review: Review, findings: dict[str, Any]) -> dict[str, Any]:
    unknown = set(findings) - set(FINDINGS_FIELDS)
    if unknown:
        raise ValueError(f"Not findings of a review: {', '.join(sorted(unknown))}")
    changed = {n: v for n, v in findings.items() if getattr(review, n) != v}
    candidate = Review(**{n: getattr(review, n) for n in FINDINGS_FIELDS} | changed)
    candidate.clean_fields(exclude=[f.name for f in Review._meta.fields if f.name not in changed])
    return changed


@transaction.atomic
def review_save(
    *,
    review: Review,
    actor,
    based_on_version: int,
    answers: dict[int, dict[str, Any]] | None = None,
    findings: dict[str, Any] | None = None,
    themes: dict[str, set[int]] | None = None,
) -> Review:
    """Save the reviewer's answers, findings and practice themes ({kind: {theme id}}, see
    reviews.themes), if nobody has saved since `based_on_version`.

    A save that changes nothing writes nothing (a blur after an autosave must not make the other
    tab's version stale). The first save that changes something starts the review.
    """
    locked = _locked(review, actor, based_on_version)
    changed = _changed_findings(locked, findings or {})
    to_create, to_update = _answer_changes(locked, answers or {})
    tags_to_add, tags_to_remove = theme_changes(locked, themes or {})
    if not (changed or to_create or to_update or tags_to_add or tags_to_remove):
        return locked
    # The new version first, conditional on the old: where a database (SQLite) has no row locks,
    # this is what makes the second of two simultaneous saves find 0 rows and be refused, before
    # it writes any answer.
    updated = Review.objects.filter(pk=locked.pk, lock_version=based_on_version).update(
        **changed, lock_version=based_on_version + 1, updated_by=actor, updated_at=timezone.now()
    )
    if not updated:
        raise StaleReview(Review.objects.select_related("updated_by").get(pk=locked.pk), actor)
    _write_answers(to_create, to_update, actor)
    write_theme_changes(tags_to_add, tags_to_remove, actor)
    if locked.status == S.ASSIGNED:
        # The move's save() writes the review's history row, with these changes in it.
        review_transition(review=locked, to_status=S.IN_PROGRESS, actor=actor, note="First saved.")
        locked.refresh_from_db()
    else:
        locked.refresh_from_db()
        history_record_update(locked, actor=actor)  # the conditional update sent no signal
    return locked


def review_missing_items(review: Review) -> list[tuple[str, str]]:
    """Everything submit still needs, as (anchor id on the review page, message), in page order:
    every required question unanswered ('not applicable' counts where the question allows it),
    then every required finding."""
    questions = Question.objects.filter(section__version_id=review.toolkit_version_id).order_by(
        "section__position", "section_id", "position", "id"
    )  # the page's order: sections by position, then their questions by position
    answers = {a.question_id: a for a in Answer.objects.filter(review=review)}
    missing = []
    for question, number in _numbered(review, questions):
        answer = answers.get(question.pk)
        if question.required and not is_answered(question, answer):
            missing.append((question_anchor(question), _unanswered_message(question, number)))
    for name, message in REQUIRED_FINDINGS.items():
        value = getattr(review, name)
        if value is None or (isinstance(value, str) and not value.strip()):
            missing.append((finding_anchor(name), message))
    return missing


def _numbered(review: Review, questions):
    """(question, "2.3") in order: the section's place in the toolkit, the question's in it (as
    the review page numbers them)."""
    section_ids = Section.objects.filter(version_id=review.toolkit_version_id).order_by(
        "position", "id"
    )
    section_numbers = {pk: n for n, pk in enumerate(section_ids.values_list("pk", flat=True), 1)}
    counts: dict[int, int] = {}
    for question in questions:
        counts[question.section_id] = counts.get(question.section_id, 0) + 1
        yield question, f"{section_numbers[question.section_id]}.{counts[question.section_id]}"


def is_answered(question: Question, answer: Answer | None) -> bool:
    if answer is None:
        return False
    if answer.not_applicable:
        return question.allow_not_applicable
    return bool(getattr(answer, ANSWER_VALUE_FIELD[question.answer_kind]).strip())


def _unanswered_message(question: Question, number: str) -> str:
    what = {
        AnswerKind.GRADED: "Select a grade for",
        AnswerKind.YES_PARTLY_NO: "Select yes, partly or no for",
        AnswerKind.FREE_TEXT: "Enter an answer to",
    }[question.answer_kind]
    or_na = ", or mark it not applicable" if question.allow_not_applicable else ""
    return f"{what} question {number}, “{question.text}”{or_na}"


@transaction.atomic
def review_submit(*, review: Review, actor, based_on_version: int) -> Review:
    """Submit a complete review for moderation; refuse with every missing item at once."""
    locked = _locked(review, actor, based_on_version)
    missing = review_missing_items(locked)
    if missing:
        raise ReviewIncomplete(missing)
    submitted = review_transition(
        review=locked,
        to_status=S.SUBMITTED,
        actor=actor,
        submitted_at=timezone.now(),
        # A new version, so that a save from another tab after this is refused as stale.
        lock_version=locked.lock_version + 1,
        updated_by=actor,
        final_grade=locked.grade,  # until a moderator regrades it
    )
    if submitted.grade == Grade.INADEQUATE:
        # Seed 003, "Escalations": shared at once, in this transaction (one per review).
        escalation_raise(review=submitted, source=Escalation.Source.SUBMIT, actor=actor)
    return submitted


# Moderation (seed 003, "Moderations"): the moderator agrees the reviewer's grade or regrades it
# with a rationale; both grades are kept and the moderated grade is final. Or the moderator
# returns the review to its reviewer with feedback.


def _moderation_refusal(review: Review, actor) -> str:
    area = review.case.service_area.name
    if review.reviewer_id == actor.pk:
        return f"You wrote this review, so you cannot moderate it: another {area} moderator will."
    return f"Only a moderator of {area} can moderate this review."


def _locked_for_moderation(review: Review, actor) -> Review:
    """The review's row, locked until the transaction ends, if `actor` may moderate it now. The
    lock makes a second press of the button wait here and then find the review moderated."""
    locked = (
        Review.objects.select_for_update(of=("self",))
        .select_related("case__service_area", "reviewer")
        .get(pk=review.pk)
    )
    if not can(actor, "review.moderate", locked):
        raise PermissionDenied(_moderation_refusal(locked, actor))
    if locked.status != S.SUBMITTED:
        raise TransitionRefused(
            f"This review is {locked.get_status_display().lower()}: only a submitted review "
            "can be moderated."
        )
    return locked


def _moderated_grade(review: Review, decision: str, grade: str, rationale: str) -> str:
    """The final grade the decision gives, or ValidationError naming each field at fault."""
    errors = {}
    if decision == Moderation.Decision.AGREED:
        if grade and grade != review.grade:
            errors["grade"] = "To change the reviewer's grade, choose to regrade the review"
        final = review.grade
    elif decision == Moderation.Decision.REGRADED:
        if grade not in Grade.values:
            errors["grade"] = "Select the moderated grade"
        elif grade == review.grade:
            errors["grade"] = (
                f"The reviewer's grade is already {Grade(grade).label}: select a different "
                "grade, or agree the reviewer's grade"
            )
        if not rationale:
            errors["rationale"] = "Enter the rationale for the moderated grade"
        final = grade
    else:
        errors["decision"] = "Select whether you agree the reviewer's grade or regrade the review"
        final = ""
    if errors:
        raise ValidationError(errors)
    return final


@transaction.atomic
def review_moderate(
    *,
    review: Review,
    actor,
    decision: str,
    grade: str = "",
    rationale: str = "",
    feedback_to_reviewer: str = "",
) -> Review:
    """Agree the reviewer's grade or regrade it (a rationale is required when the grade
    changes). A moderated Inadequate raises the review's escalation in this transaction."""
    locked = _locked_for_moderation(review, actor)
    rationale, feedback = rationale.strip(), feedback_to_reviewer.strip()
    final = _moderated_grade(locked, decision, grade, rationale)
    moderation = Moderation.objects.create(
        review=locked,
        moderator=actor,
        decision=decision,
        reviewer_grade=locked.grade,
        moderated_grade=final,
        rationale=rationale,
        feedback_to_reviewer=feedback,
    )
    if decision == Moderation.Decision.AGREED:
        note = f"Moderated: agreed the grade ({Grade(final).label})."
    else:
        note = f"Moderated: regraded from {Grade(locked.grade).label} to {Grade(final).label}."
    moderated = review_transition(
        review=locked,
        to_status=S.MODERATED,
        actor=actor,
        note=note,
        moderated_grade=final,
        moderation_rationale=rationale,
        moderated_by=actor,
        moderated_at=moderation.at,
        final_grade=final,
    )
    if final == Grade.INADEQUATE:
        escalation_raise(review=moderated, source=Escalation.Source.MODERATION, actor=actor)
    notify(
        recipient=moderated.reviewer,
        kind="review_moderated",
        obj=moderation,
        summary=f"Your review of a case in {locked.case.service_area.name} has been moderated",
        url=reverse("reviews:detail", args=[moderated.pk]),
    )
    return moderated


@transaction.atomic
def review_return(*, review: Review, actor, reason: str) -> Review:
    """Return a submitted review to its reviewer, with the reason as feedback: it is in progress
    again, and its grade counts for nothing until it is submitted again."""
    locked = _locked_for_moderation(review, actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why you are returning the review to the reviewer"})
    moderation = Moderation.objects.create(
        review=locked,
        moderator=actor,
        decision=Moderation.Decision.RETURNED,
        reviewer_grade=locked.grade,
        feedback_to_reviewer=reason,
    )
    returned = review_transition(
        review=locked,
        to_status=S.IN_PROGRESS,
        actor=actor,
        note="Returned to the reviewer with the moderator's feedback.",
        final_grade="",
    )
    # One notification per return (the moderation row), however often a review comes back.
    notify(
        recipient=returned.reviewer,
        kind="review_returned",
        obj=moderation,
        summary=f"A moderator returned your review of a case in "
        f"{locked.case.service_area.name}: see their feedback, then submit it again",
        url=reverse("reviews:detail", args=[returned.pk]),
    )
    return returned
