"""IRO / CP chair case feedback (issue 5, seeds 000 and 002): a short form after each child
protection conference or looked-after review, on the toolkit of kind "IRO / CP chair case
feedback" (so the QA Manager edits its questions, with versions), and an optional management
alert that tells the case's Service Managers at once."""

import datetime
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import Role
from accounts.notifications import notify
from accounts.permissions import REVIEW_AREA_ROLES, has_role, service_area_scope
from audits.models import AnswerKind, Case, Choice, Grade, Question, ToolkitKind, ToolkitVersion
from reviews.escalations import people_with_role

from .models import IROFeedback, IROFeedbackAnswer

NOT_APPLICABLE = "na"
ALERT_KIND = "iro_management_alert"


# Reads.


def iro_toolkit_version() -> ToolkitVersion | None:
    """The latest published version of the IRO / CP chair feedback toolkit."""
    return (
        ToolkitVersion.objects.filter(
            toolkit__kind=ToolkitKind.IRO_FEEDBACK, status=ToolkitVersion.Status.PUBLISHED
        )
        .select_related("toolkit")
        .order_by("-published_at", "-number", "-pk")
        .first()
    )


def questions_of(version: ToolkitVersion) -> list[Question]:
    return list(
        Question.objects.filter(section__version=version).order_by(
            "section__position", "section__id", "position", "id"
        )
    )


def case_by_reference(reference: str) -> Case | None:
    reference = (reference or "").strip()
    if not reference:
        return None
    return (
        Case.objects.select_related("service_area", "team")
        .filter(reference__iexact=reference)
        .first()
    )


def iro_feedback_visible_to(user) -> QuerySet[IROFeedback]:
    """What the user may open: the QA Manager everything; others what they submitted and the
    feedback on cases of the service areas they read reviews for."""
    qs = IROFeedback.objects.select_related(
        "case__service_area", "case__team", "submitted_by", "toolkit_version__toolkit"
    )
    if has_role(user, Role.QA_MANAGER):
        return qs
    scope = service_area_scope(user, *REVIEW_AREA_ROLES)
    if scope is None:
        return qs
    return qs.filter(Q(submitted_by=user) | Q(case__service_area_id__in=scope))


def iro_feedback_listed_for(user) -> QuerySet[IROFeedback]:
    """The list page: the QA Manager sees all; a reviewer (IRO or CP chair) their own."""
    qs = iro_feedback_visible_to(user)
    if has_role(user, Role.QA_MANAGER):
        return qs
    return qs.filter(submitted_by=user)


def answers_of(feedback: IROFeedback) -> list[IROFeedbackAnswer]:
    return list(
        feedback.answers.select_related("question__section").order_by(
            "question__section__position", "question__position", "question__id"
        )
    )


def answer_display(answer: IROFeedbackAnswer) -> str:
    if answer.not_applicable:
        return "Not applicable"
    if answer.question.answer_kind == AnswerKind.GRADED:
        return answer.get_grade_display()
    if answer.question.answer_kind == AnswerKind.YES_PARTLY_NO:
        return answer.get_choice_display()
    return answer.text


# Writes.


def _answer_for(question: Question, value: str) -> IROFeedbackAnswer | None:
    """The answer row for `value`, None when left blank; ValidationError when not allowed."""
    value = (value or "").strip()
    if not value:
        if question.required:
            raise ValidationError(f"Answer the question: {question.text}")
        return None
    if value == NOT_APPLICABLE:
        if not question.allow_not_applicable:
            raise ValidationError(f"“Not applicable” is not an answer to: {question.text}")
        return IROFeedbackAnswer(question=question, not_applicable=True)
    if question.answer_kind == AnswerKind.GRADED:
        if value not in Grade.values:
            raise ValidationError(f"Choose a grade for: {question.text}")
        return IROFeedbackAnswer(question=question, grade=value)
    if question.answer_kind == AnswerKind.YES_PARTLY_NO:
        if value not in Choice.values:
            raise ValidationError(f"Choose yes, partly or no for: {question.text}")
        return IROFeedbackAnswer(question=question, choice=value)
    return IROFeedbackAnswer(question=question, text=value)


@transaction.atomic
def iro_feedback_submit(
    *,
    case: Case,
    actor,
    meeting_type: str,
    meeting_on: datetime.date,
    participation: str,
    child_words: str = "",
    management_alert: bool = False,
    answers: Mapping[int, str],
) -> IROFeedback:
    """Record the feedback and its answers (`answers`: question id -> grade, choice, text or
    "na") on the latest published IRO toolkit; with a management alert, tell the Service
    Managers of the case's service area (once, after commit)."""
    version = iro_toolkit_version()
    if version is None:
        raise ValidationError("There is no published IRO / CP chair feedback toolkit yet.")
    if meeting_type not in IROFeedback.MeetingType.values:
        raise ValidationError("Choose the type of meeting.")
    if participation not in IROFeedback.Participation.values:
        raise ValidationError("Choose how the child participated.")
    if meeting_on > timezone.localdate():
        raise ValidationError("The date of the meeting cannot be in the future.")
    rows = [
        row
        for question in questions_of(version)
        if (row := _answer_for(question, answers.get(question.pk, ""))) is not None
    ]
    feedback = IROFeedback.objects.create(
        case=case,
        toolkit_version=version,
        meeting_type=meeting_type,
        meeting_on=meeting_on,
        participation=participation,
        child_words=child_words.strip(),
        management_alert=management_alert,
        submitted_by=actor,
    )
    for row in rows:
        row.feedback = feedback
    bulk_create_with_history(rows, IROFeedbackAnswer, default_user=actor)
    if management_alert:
        _alert_service_managers(feedback)
    return feedback


def _alert_service_managers(feedback: IROFeedback) -> None:
    area = feedback.case.service_area
    url = reverse("feedback:iro_detail", args=[feedback.pk])
    # One line, no case details: it travels by e-mail.
    summary = (
        f"An IRO or CP chair raised a management alert on a case in {area.name}: read it today"
    )
    for person in people_with_role(Role.SERVICE_MANAGER, area.pk):
        notify(recipient=person, kind=ALERT_KIND, obj=feedback, summary=summary, url=url)
