"""
Every write to a toolkit and its versions.

A published version never changes: reviews keep the version they were made with, and their answers
point at its questions. So every edit re-reads the version under `select_for_update` and refuses
unless it is a draft; publishing takes the same lock, so an edit from one tab and a publish from
another cannot interleave (the later one sees the version as the earlier one left it).
"""

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from qaf.workflow import transition

from ..models import AnswerKind, Question, Section, Toolkit, ToolkitVersion, ToolkitVersionEvent

UP, DOWN = "up", "down"


class ToolkitEditRefused(Exception):
    """A change QAF does not allow; `str(exc)` is fit to show the user."""


class ToolkitLocked(ToolkitEditRefused):
    """The version is published (or already in use), so it never changes."""


def published_message(version: ToolkitVersion) -> str:
    return (
        f"Version {version.number} of {version.toolkit.name} is published and never changes. "
        "To change the toolkit, make a new draft version."
    )


def _locked_draft(version_id: int) -> ToolkitVersion:
    """The version, locked for the rest of the transaction; refused unless it is a draft."""
    version = (
        ToolkitVersion.objects.select_for_update().select_related("toolkit").get(pk=version_id)
    )
    if version.is_published:
        raise ToolkitLocked(published_message(version))
    # Belt and braces: reviews are made with published versions only, but if one ever pointed
    # at a draft, editing the draft would rewrite that review's questions.
    if version.reviews.exists():
        raise ToolkitLocked(
            f"Reviews have been made with version {version.number} of {version.toolkit.name}, "
            "so it cannot change."
        )
    return version


def _fresh(model, pk: int, version: ToolkitVersion, *, path: str):
    """Re-read a section or question of the locked version: another tab may have deleted it."""
    row = model.objects.filter(pk=pk, **{path: version}).first()
    if row is None:
        raise ToolkitEditRefused(
            f"This {model._meta.verbose_name} no longer exists: it may have been deleted in "
            "another tab."
        )
    return row


def _check_not_applicable(answer_kind: str, allow_not_applicable: bool) -> None:
    if allow_not_applicable and answer_kind != AnswerKind.GRADED:
        raise ToolkitEditRefused("'Not applicable' can only be offered on a graded question.")


def _next_position(queryset) -> int:
    return (queryset.aggregate(last=Max("position"))["last"] or 0) + 1


def _move(siblings: list, row, direction: str) -> None:
    """Swap `row` with its neighbour in `siblings` (in display order) and renumber 1..n."""
    if direction not in (UP, DOWN):
        raise ValueError(f"direction must be {UP!r} or {DOWN!r}")
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == row.pk)
    other = index - 1 if direction == UP else index + 1
    if not 0 <= other < len(siblings):
        return  # already first or last: nothing to do
    siblings[index], siblings[other] = siblings[other], siblings[index]
    changed = []
    for position, sibling in enumerate(siblings, start=1):
        if sibling.position != position:
            sibling.position = position
            changed.append(sibling)
    type(row).objects.bulk_update(changed, ["position"])


@transaction.atomic
def toolkit_create(
    *, kind: str, name: str, theme: str = "", description: str = "", actor
) -> Toolkit:
    """A new toolkit with an empty draft version 1, ready for sections and questions."""
    toolkit = Toolkit.objects.create(
        kind=kind, name=name, theme=theme, description=description, created_by=actor
    )
    ToolkitVersion.objects.create(toolkit=toolkit, number=1, created_by=actor)
    return toolkit


@transaction.atomic
def section_add(*, version: ToolkitVersion, title: str, guidance: str = "", actor) -> Section:
    version = _locked_draft(version.pk)
    return Section.objects.create(
        version=version,
        position=_next_position(version.sections.all()),
        title=title,
        guidance=guidance,
    )


@transaction.atomic
def section_update(*, section: Section, title: str, guidance: str = "", actor) -> Section:
    version = _locked_draft(section.version_id)
    section = _fresh(Section, section.pk, version, path="version")
    section.title, section.guidance = title, guidance
    section.save(update_fields=["title", "guidance"])
    return section


@transaction.atomic
def section_delete(*, section: Section, actor) -> None:
    """Delete a section of a draft and its questions."""
    version = _locked_draft(section.version_id)
    _fresh(Section, section.pk, version, path="version").delete()


@transaction.atomic
def section_move(*, section: Section, direction: str, actor) -> None:
    version = _locked_draft(section.version_id)
    section = _fresh(Section, section.pk, version, path="version")
    _move(list(version.sections.order_by("position", "id")), section, direction)


@transaction.atomic
def question_add(
    *,
    section: Section,
    text: str,
    guidance: str = "",
    answer_kind: str = AnswerKind.GRADED,
    allow_not_applicable: bool = False,
    required: bool = True,
    actor,
) -> Question:
    version = _locked_draft(section.version_id)
    section = _fresh(Section, section.pk, version, path="version")
    _check_not_applicable(answer_kind, allow_not_applicable)
    return Question.objects.create(
        section=section,
        position=_next_position(section.questions.all()),
        text=text,
        guidance=guidance,
        answer_kind=answer_kind,
        allow_not_applicable=allow_not_applicable,
        required=required,
    )


@transaction.atomic
def question_update(
    *,
    question: Question,
    text: str,
    guidance: str = "",
    answer_kind: str,
    allow_not_applicable: bool = False,
    required: bool = True,
    actor,
) -> Question:
    version = _locked_draft(question.section.version_id)
    question = _fresh(Question, question.pk, version, path="section__version")
    _check_not_applicable(answer_kind, allow_not_applicable)
    question.text, question.guidance, question.answer_kind = text, guidance, answer_kind
    question.allow_not_applicable, question.required = allow_not_applicable, required
    question.save(
        update_fields=["text", "guidance", "answer_kind", "allow_not_applicable", "required"]
    )
    return question


@transaction.atomic
def question_delete(*, question: Question, actor) -> None:
    version = _locked_draft(question.section.version_id)
    _fresh(Question, question.pk, version, path="section__version").delete()


@transaction.atomic
def question_move(*, question: Question, direction: str, actor) -> None:
    """Move a question up or down within its section."""
    version = _locked_draft(question.section.version_id)
    question = _fresh(Question, question.pk, version, path="section__version")
    siblings = list(
        Question.objects.filter(section_id=question.section_id).order_by("position", "id")
    )
    _move(siblings, question, direction)


@transaction.atomic
def toolkit_version_publish(*, version: ToolkitVersion, actor, change_note: str) -> ToolkitVersion:
    """Publish a draft: from now on it never changes, and new reviews use it.

    Refused for an empty version or one with a section without questions: a reviewer would
    meet a heading with nothing to answer.
    """
    version = _locked_draft(version.pk)
    change_note = change_note.strip()
    if not change_note:
        raise ToolkitEditRefused("Say what changed in this version.")
    sections = version.sections.order_by("position", "id").annotate(
        questions_count=Count("questions")
    )
    if not sections:
        raise ToolkitEditRefused("Add at least one section with a question before publishing.")
    empty = [section.title for section in sections if not section.questions_count]
    if empty:
        raise ToolkitEditRefused(
            "Every section needs at least one question before publishing. Without questions: "
            + ", ".join(empty)
            + "."
        )
    return transition(
        version,
        to_status=ToolkitVersion.Status.PUBLISHED,
        actor=actor,
        allowed=VERSION_TRANSITIONS,
        event_model=ToolkitVersionEvent,
        note=change_note,
        changes={"published_at": timezone.now(), "published_by": actor, "change_note": change_note},
    )


# A version makes one move: a published version never changes again.
VERSION_TRANSITIONS = {(ToolkitVersion.Status.DRAFT, ToolkitVersion.Status.PUBLISHED)}


@transaction.atomic
def toolkit_new_draft(*, toolkit: Toolkit, actor) -> tuple[ToolkitVersion, bool]:
    """Start editing a toolkit: a new draft numbered after every existing version, holding a copy
    of the newest published version's sections and questions.

    A toolkit has at most one draft (a database constraint): if there is one already, it is
    returned instead, with False.
    """
    # Lock the toolkit so that two tabs pressing "Edit" at once make one draft, not an error.
    toolkit = Toolkit.objects.select_for_update().get(pk=toolkit.pk)
    existing = toolkit.versions.filter(status=ToolkitVersion.Status.DRAFT).first()
    if existing is not None:
        return existing, False
    versions = toolkit.versions.order_by("-number")
    source = versions.filter(status=ToolkitVersion.Status.PUBLISHED).first()
    draft = ToolkitVersion.objects.create(
        toolkit=toolkit, number=_next_number(versions), created_by=actor
    )
    if source is not None:
        _copy_content(source, draft)
    return draft, True


def _next_number(versions) -> int:
    return (versions.aggregate(last=Max("number"))["last"] or 0) + 1


def _copy_content(source: ToolkitVersion, draft: ToolkitVersion) -> None:
    """Copy sections and questions as new rows: the source's rows stay exactly as they were."""
    sections = list(source.sections.order_by("position", "id").prefetch_related("questions"))
    copies = Section.objects.bulk_create(
        Section(version=draft, position=s.position, title=s.title, guidance=s.guidance)
        for s in sections
    )
    Question.objects.bulk_create(
        Question(
            section=copy,
            position=q.position,
            text=q.text,
            guidance=q.guidance,
            answer_kind=q.answer_kind,
            allow_not_applicable=q.allow_not_applicable,
            required=q.required,
        )
        for original, copy in zip(sections, copies, strict=True)
        for q in original.questions.all()
    )
