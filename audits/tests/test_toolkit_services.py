"""The toolkit services: drafting, publishing, and never changing what is published."""

import datetime

import pytest

from audits.models import AnswerKind, Cycle, Question, Section, ToolkitKind, ToolkitVersion
from audits.services.toolkits import (
    DOWN,
    UP,
    ToolkitEditRefused,
    ToolkitLocked,
    question_add,
    question_delete,
    question_move,
    question_update,
    section_add,
    section_delete,
    section_move,
    section_update,
    toolkit_create,
    toolkit_new_draft,
    toolkit_version_publish,
)
from audits.tests.factories import CaseFactory, ToolkitFactory
from reviews.models import Answer, Review

pytestmark = pytest.mark.django_db


def content(version: ToolkitVersion) -> list[tuple]:
    """What a version holds, in order, without ids: equal content compares equal."""
    return [
        (
            section.position,
            section.title,
            section.guidance,
            [
                (q.position, q.text, q.guidance, q.answer_kind, q.allow_not_applicable, q.required)
                for q in section.questions.order_by("position", "id")
            ],
        )
        for section in version.sections.order_by("position", "id")
    ]


def titles(version: ToolkitVersion) -> list[str]:
    return list(version.sections.order_by("position", "id").values_list("title", flat=True))


def texts(section: Section) -> list[str]:
    return list(section.questions.order_by("position", "id").values_list("text", flat=True))


@pytest.fixture
def draft(qa_manager) -> ToolkitVersion:
    toolkit = toolkit_create(
        kind=ToolkitKind.PRACTICE_REVIEW, name="Practice Review", actor=qa_manager
    )
    return toolkit.versions.get()


@pytest.fixture
def published(qa_manager) -> ToolkitVersion:
    """Version 1 of a toolkit, published: two sections of two questions."""
    toolkit = toolkit_create(kind=ToolkitKind.PRACTICE_REVIEW, name="Published", actor=qa_manager)
    version = toolkit.versions.get()
    for title in ("Assessment", "Plan"):
        section = section_add(version=version, title=title, guidance="Why", actor=qa_manager)
        for n in (1, 2):
            question_add(
                section=section,
                text=f"{title} question {n}?",
                guidance="Look for it.",
                answer_kind=AnswerKind.GRADED,
                allow_not_applicable=n == 2,
                actor=qa_manager,
            )
    return toolkit_version_publish(version=version, actor=qa_manager, change_note="First version.")


# Creating a toolkit


def test_a_new_toolkit_has_an_empty_draft_version_1(qa_manager):
    toolkit = toolkit_create(
        kind=ToolkitKind.THEMATIC_REVIEW,
        name="Thematic Review: Neglect",
        theme="Neglect",
        description="Our response to neglect.",
        actor=qa_manager,
    )

    version = toolkit.versions.get()
    assert (toolkit.kind, toolkit.theme, toolkit.created_by) == (
        ToolkitKind.THEMATIC_REVIEW,
        "Neglect",
        qa_manager,
    )
    assert (version.number, version.status, version.created_by) == (1, "draft", qa_manager)
    assert not version.sections.exists()


# Sections and questions of a draft


def test_sections_are_added_at_the_end_in_order(draft, qa_manager):
    for title in ("Assessment", "Plan", "Recording"):
        section_add(version=draft, title=title, actor=qa_manager)

    assert titles(draft) == ["Assessment", "Plan", "Recording"]
    assert list(draft.sections.values_list("position", flat=True)) == [1, 2, 3]


def test_a_section_can_be_renamed_and_its_guidance_changed(draft, qa_manager):
    section = section_add(version=draft, title="Plan", actor=qa_manager)

    section_update(
        section=section, title="SMART plan", guidance="By when, who by.", actor=qa_manager
    )

    section.refresh_from_db()
    assert (section.title, section.guidance) == ("SMART plan", "By when, who by.")


def test_deleting_a_section_deletes_its_questions(draft, qa_manager):
    section = section_add(version=draft, title="Plan", actor=qa_manager)
    question_add(section=section, text="How good is the plan?", actor=qa_manager)

    section_delete(section=section, actor=qa_manager)

    assert not Section.objects.filter(version=draft).exists()
    assert not Question.objects.filter(section__version=draft).exists()


def test_sections_move_up_and_down(draft, qa_manager):
    a, _, c = (section_add(version=draft, title=t, actor=qa_manager) for t in "ABC")

    section_move(section=c, direction=UP, actor=qa_manager)
    assert titles(draft) == ["A", "C", "B"]
    section_move(section=a, direction=DOWN, actor=qa_manager)
    assert titles(draft) == ["C", "A", "B"]


def test_moving_the_first_section_up_or_the_last_down_changes_nothing(draft, qa_manager):
    a, b = (section_add(version=draft, title=t, actor=qa_manager) for t in "AB")

    section_move(section=a, direction=UP, actor=qa_manager)
    section_move(section=b, direction=DOWN, actor=qa_manager)

    assert titles(draft) == ["A", "B"]


def test_a_move_must_be_up_or_down(draft, qa_manager):
    section = section_add(version=draft, title="A", actor=qa_manager)

    with pytest.raises(ValueError, match="direction must be"):
        section_move(section=section, direction="sideways", actor=qa_manager)


def test_questions_are_added_with_their_answer_kind_and_whether_they_are_required(
    draft, qa_manager
):
    section = section_add(version=draft, title="Voice of the child", actor=qa_manager)

    graded = question_add(
        section=section,
        text="How well is the child's voice heard?",
        guidance="Seen alone?",
        answer_kind=AnswerKind.GRADED,
        allow_not_applicable=True,
        actor=qa_manager,
    )
    words = question_add(
        section=section,
        text="The child's own words",
        answer_kind=AnswerKind.FREE_TEXT,
        required=False,
        actor=qa_manager,
    )

    assert texts(section) == ["How well is the child's voice heard?", "The child's own words"]
    assert (graded.position, graded.answer_kind, graded.allow_not_applicable, graded.required) == (
        1,
        "graded",
        True,
        True,
    )
    assert (words.position, words.answer_kind, words.required) == (2, "free_text", False)


@pytest.mark.parametrize("answer_kind", [AnswerKind.YES_PARTLY_NO, AnswerKind.FREE_TEXT])
def test_not_applicable_is_refused_on_a_question_that_is_not_graded(draft, qa_manager, answer_kind):
    section = section_add(version=draft, title="Plan", actor=qa_manager)

    with pytest.raises(ToolkitEditRefused, match="only be offered on a graded question"):
        question_add(
            section=section,
            text="Is there a contingency plan?",
            answer_kind=answer_kind,
            allow_not_applicable=True,
            actor=qa_manager,
        )
    assert not section.questions.exists()


def test_a_question_can_be_changed(draft, qa_manager):
    section = section_add(version=draft, title="Plan", actor=qa_manager)
    question = question_add(section=section, text="Plan?", actor=qa_manager)

    question_update(
        question=question,
        text="Is there a contingency plan?",
        guidance="What if the plan fails?",
        answer_kind=AnswerKind.YES_PARTLY_NO,
        allow_not_applicable=False,
        required=False,
        actor=qa_manager,
    )

    question.refresh_from_db()
    assert (question.text, question.guidance, question.answer_kind, question.required) == (
        "Is there a contingency plan?",
        "What if the plan fails?",
        "yes_partly_no",
        False,
    )


def test_a_question_can_be_deleted(draft, qa_manager):
    section = section_add(version=draft, title="Plan", actor=qa_manager)
    keep = question_add(section=section, text="Keep?", actor=qa_manager)
    drop = question_add(section=section, text="Drop?", actor=qa_manager)

    question_delete(question=drop, actor=qa_manager)

    assert list(section.questions.all()) == [keep]


def test_questions_move_up_and_down_within_their_section(draft, qa_manager):
    section = section_add(version=draft, title="Plan", actor=qa_manager)
    first, _, third = (
        question_add(section=section, text=t, actor=qa_manager) for t in ("1?", "2?", "3?")
    )

    question_move(question=third, direction=UP, actor=qa_manager)
    assert texts(section) == ["1?", "3?", "2?"]
    question_move(question=first, direction=DOWN, actor=qa_manager)
    assert texts(section) == ["3?", "1?", "2?"]
    question_move(question=third, direction=UP, actor=qa_manager)
    assert texts(section) == ["3?", "1?", "2?"]


def test_a_section_deleted_in_another_tab_is_not_brought_back_by_a_stale_edit(draft, qa_manager):
    section = section_add(version=draft, title="Plan", actor=qa_manager)
    stale = Section.objects.get(pk=section.pk)
    section_delete(section=section, actor=qa_manager)

    with pytest.raises(ToolkitEditRefused, match="no longer exists"):
        section_update(section=stale, title="Plan again", actor=qa_manager)
    assert not Section.objects.filter(pk=section.pk).exists()


# A published version never changes


def _edits(version: ToolkitVersion, actor):
    """Every editing service, applied to the first section and question of `version`."""
    section = version.sections.order_by("position").first()
    question = section.questions.order_by("position").first()
    return {
        "section_add": lambda: section_add(version=version, title="New", actor=actor),
        "section_update": lambda: section_update(section=section, title="Changed", actor=actor),
        "section_delete": lambda: section_delete(section=section, actor=actor),
        "section_move": lambda: section_move(section=section, direction=DOWN, actor=actor),
        "question_add": lambda: question_add(section=section, text="New?", actor=actor),
        "question_update": lambda: question_update(
            question=question, text="Changed?", answer_kind=AnswerKind.FREE_TEXT, actor=actor
        ),
        "question_delete": lambda: question_delete(question=question, actor=actor),
        "question_move": lambda: question_move(question=question, direction=DOWN, actor=actor),
        "publish": lambda: toolkit_version_publish(
            version=version, actor=actor, change_note="Again."
        ),
    }


EDITS = [
    "section_add",
    "section_update",
    "section_delete",
    "section_move",
    "question_add",
    "question_update",
    "question_delete",
    "question_move",
    "publish",
]


@pytest.mark.parametrize("edit", EDITS)
def test_every_edit_of_a_published_version_is_refused_and_changes_nothing(
    published, qa_manager, edit
):
    before = content(published)

    with pytest.raises(ToolkitLocked, match="is published and never changes"):
        _edits(published, qa_manager)[edit]()

    assert content(published) == before


@pytest.mark.parametrize("edit", EDITS)
def test_an_edit_from_a_tab_opened_before_publishing_is_refused(published, qa_manager, edit):
    # The other tab still holds the version as it was before publishing.
    stale = ToolkitVersion.objects.get(pk=published.pk)
    stale.status = ToolkitVersion.Status.DRAFT
    before = content(published)

    with pytest.raises(ToolkitLocked):
        _edits(stale, qa_manager)[edit]()

    assert content(published) == before


def test_a_draft_that_reviews_were_made_with_is_not_edited(draft, qa_manager, reviewer):
    section = section_add(version=draft, title="Plan", actor=qa_manager)
    _review_with(draft, reviewer)

    with pytest.raises(ToolkitLocked, match="Reviews have been made with version 1"):
        section_update(section=section, title="Changed", actor=qa_manager)


# Publishing


def test_publishing_records_who_when_and_what_changed(draft, qa_manager):
    section = section_add(version=draft, title="Plan", actor=qa_manager)
    question_add(section=section, text="How good is the plan?", actor=qa_manager)

    version = toolkit_version_publish(version=draft, actor=qa_manager, change_note=" First. ")

    version.refresh_from_db()
    assert version.status == ToolkitVersion.Status.PUBLISHED
    assert version.published_by == qa_manager
    assert version.published_at is not None
    assert version.change_note == "First."
    event = version.events.get()
    assert (event.from_status, event.to_status) == ("draft", "published")
    assert (event.actor, event.note) == (qa_manager, "First.")


def test_an_empty_version_is_not_published(draft, qa_manager):
    with pytest.raises(ToolkitEditRefused, match="at least one section"):
        toolkit_version_publish(version=draft, actor=qa_manager, change_note="First.")

    draft.refresh_from_db()
    assert draft.status == ToolkitVersion.Status.DRAFT


def test_a_version_with_a_section_without_questions_is_not_published(draft, qa_manager):
    section = section_add(version=draft, title="Plan", actor=qa_manager)
    question_add(section=section, text="How good is the plan?", actor=qa_manager)
    section_add(version=draft, title="Recording", actor=qa_manager)

    with pytest.raises(ToolkitEditRefused, match="Without questions: Recording"):
        toolkit_version_publish(version=draft, actor=qa_manager, change_note="First.")

    draft.refresh_from_db()
    assert draft.status == ToolkitVersion.Status.DRAFT


def test_a_version_is_not_published_without_saying_what_changed(draft, qa_manager):
    section = section_add(version=draft, title="Plan", actor=qa_manager)
    question_add(section=section, text="How good is the plan?", actor=qa_manager)

    with pytest.raises(ToolkitEditRefused, match="Say what changed"):
        toolkit_version_publish(version=draft, actor=qa_manager, change_note="  ")


# New drafts


def test_a_new_draft_copies_the_published_version_exactly(published, qa_manager):
    draft, created = toolkit_new_draft(toolkit=published.toolkit, actor=qa_manager)

    assert created
    assert (draft.number, draft.status, draft.created_by) == (2, "draft", qa_manager)
    assert content(draft) == content(published)
    # New rows: the published version's own rows are not shared with the draft.
    assert not set(draft.sections.values_list("pk", flat=True)) & set(
        published.sections.values_list("pk", flat=True)
    )


def test_editing_a_new_draft_leaves_the_published_version_untouched(published, qa_manager):
    before = content(published)
    draft, _ = toolkit_new_draft(toolkit=published.toolkit, actor=qa_manager)
    section = draft.sections.order_by("position").first()

    question_delete(question=section.questions.first(), actor=qa_manager)
    section_update(section=section, title="Changed", actor=qa_manager)
    section_delete(section=draft.sections.order_by("position").last(), actor=qa_manager)

    assert content(published) == before
    assert content(draft) != before


def test_a_second_new_draft_returns_the_draft_in_progress(published, qa_manager):
    first, created = toolkit_new_draft(toolkit=published.toolkit, actor=qa_manager)

    again, created_again = toolkit_new_draft(toolkit=published.toolkit, actor=qa_manager)

    assert (again, created, created_again) == (first, True, False)
    assert published.toolkit.versions.count() == 2


def test_version_numbers_increase_with_each_new_draft(published, qa_manager):
    numbers = []
    for change in ("Second.", "Third."):
        draft, _ = toolkit_new_draft(toolkit=published.toolkit, actor=qa_manager)
        toolkit_version_publish(version=draft, actor=qa_manager, change_note=change)
        numbers.append(draft.number)

    assert numbers == [2, 3]
    assert list(published.toolkit.versions.values_list("number", "status")) == [
        (3, "published"),
        (2, "published"),
        (1, "published"),
    ]


def test_a_new_draft_copies_the_newest_published_version(published, qa_manager):
    draft, _ = toolkit_new_draft(toolkit=published.toolkit, actor=qa_manager)
    section_add(version=draft, title="Impact and progress", actor=qa_manager)
    question_add(
        section=draft.sections.get(title="Impact and progress"), text="?", actor=qa_manager
    )
    version_2 = toolkit_version_publish(version=draft, actor=qa_manager, change_note="Impact.")

    version_3, _ = toolkit_new_draft(toolkit=published.toolkit, actor=qa_manager)

    assert content(version_3) == content(version_2)
    assert titles(version_3) == ["Assessment", "Plan", "Impact and progress"]


def test_a_toolkit_with_no_version_gets_an_empty_draft_1(qa_manager):
    toolkit = ToolkitFactory()

    draft, created = toolkit_new_draft(toolkit=toolkit, actor=qa_manager)

    assert (draft.number, created, draft.sections.count()) == (1, True, 0)


# The acceptance test of issue 3


def _review_with(version: ToolkitVersion, reviewer) -> Review:
    cycle = Cycle.objects.create(
        name=f"Cycle for {version}",
        review_starts_on=datetime.date(2026, 11, 1),
        review_ends_on=datetime.date(2026, 11, 30),
        reporting_ends_on=datetime.date(2026, 12, 31),
    )
    return Review.objects.create(
        cycle=cycle,
        case=CaseFactory(),
        toolkit_version=version,
        reviewer=reviewer,
        status=Review.Status.IN_PROGRESS,
        due_on=datetime.date(2026, 11, 30),
    )


def _review_snapshot(review: Review) -> dict:
    version = review.toolkit_version
    return {
        "version": (version.pk, version.number, version.status, version.published_at),
        "sections": list(version.sections.order_by("pk").values_list()),
        "questions": list(
            Question.objects.filter(section__version=version).order_by("pk").values_list()
        ),
        "answers": list(review.answers.order_by("pk").values_list()),
    }


def test_publishing_and_then_editing_a_toolkit_never_changes_a_review_made_with_it(
    published, qa_manager, reviewer
):
    review = _review_with(published, reviewer)
    questions = list(Question.objects.filter(section__version=published).order_by("pk"))
    Answer.objects.create(review=review, question=questions[0], grade="good")
    Answer.objects.create(review=review, question=questions[1], not_applicable=True)
    Answer.objects.create(review=review, question=questions[2], grade="requires_improvement")
    before = _review_snapshot(review)

    draft, _ = toolkit_new_draft(toolkit=published.toolkit, actor=qa_manager)
    first, second = draft.sections.order_by("position")
    for question in first.questions.all():
        question_update(
            question=question,
            text=f"Reworded: {question.text}",
            answer_kind=AnswerKind.YES_PARTLY_NO,
            required=False,
            actor=qa_manager,
        )
    question_delete(question=second.questions.order_by("position").first(), actor=qa_manager)
    section_move(section=second, direction=UP, actor=qa_manager)
    new_section = section_add(version=draft, title="Voice of the child", actor=qa_manager)
    question_add(section=new_section, text="How well is the child heard?", actor=qa_manager)
    version_2 = toolkit_version_publish(version=draft, actor=qa_manager, change_note="Reworded.")

    review = Review.objects.get(pk=review.pk)
    assert review.toolkit_version_id == published.pk
    assert review.toolkit_version.number == 1
    assert _review_snapshot(review) == before
    assert version_2.number == 2
    assert content(version_2) != content(published)
