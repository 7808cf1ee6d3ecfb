"""Request tests for the toolkit pages: who may open them, and what each one does."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.models import GRADE_DEFINITIONS, AnswerKind, Question, Toolkit, ToolkitVersion
from audits.services.toolkits import (
    question_add,
    section_add,
    toolkit_create,
    toolkit_new_draft,
    toolkit_version_publish,
)
from audits.tests.factories import ToolkitFactory
from audits.toolkit_library import install_standard_toolkits

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(qa_manager) -> ToolkitVersion:
    """Draft version 1 of a toolkit: one section with a graded question."""
    toolkit = toolkit_create(kind="practice_review", name="Practice Review", actor=qa_manager)
    version = toolkit.versions.get()
    section = section_add(
        version=version, title="Assessment", guidance="Every child assessed.", actor=qa_manager
    )
    question_add(
        section=section,
        text="How good is the assessment?",
        guidance="Look for the child's lived experience.",
        allow_not_applicable=True,
        actor=qa_manager,
    )
    question_add(
        section=section,
        text="Is the assessment up to date?",
        answer_kind=AnswerKind.YES_PARTLY_NO,
        actor=qa_manager,
    )
    return version


@pytest.fixture
def published(draft, qa_manager) -> ToolkitVersion:
    return toolkit_version_publish(version=draft, actor=qa_manager, change_note="First version.")


def _first_section(version):
    return version.sections.order_by("position").first()


def _first_question(version):
    return _first_section(version).questions.order_by("position").first()


# Every page, as (URL name, which object's pk it takes). Pages that only accept POST are apart.
GET_PAGES = {
    "toolkits": None,
    "toolkit_create": None,
    "toolkit_detail": lambda v: v.toolkit_id,
    "toolkit_version_edit": lambda v: v.pk,
    "toolkit_version_preview": lambda v: v.pk,
    "toolkit_version_publish": lambda v: v.pk,
    "toolkit_section_add": lambda v: v.pk,
    "toolkit_section_edit": lambda v: _first_section(v).pk,
    "toolkit_section_delete": lambda v: _first_section(v).pk,
    "toolkit_question_add": lambda v: _first_section(v).pk,
    "toolkit_question_edit": lambda v: _first_question(v).pk,
    "toolkit_question_delete": lambda v: _first_question(v).pk,
}
POST_ONLY = {
    "toolkit_new_draft": lambda v: v.toolkit_id,
    "toolkit_section_move": lambda v: _first_section(v).pk,
    "toolkit_question_move": lambda v: _first_question(v).pk,
}
ALL_PAGES = {**GET_PAGES, **POST_ONLY}
FORBIDDEN = ["reviewer", "leadership", "moderator", "practitioner", "outsider", "superuser"]


def url(name: str, version: ToolkitVersion) -> str:
    pk_of = ALL_PAGES[name]
    return reverse(f"audits:{name}", args=[pk_of(version)] if pk_of else [])


@pytest.mark.parametrize("name", sorted(GET_PAGES))
def test_the_qa_manager_opens_every_toolkit_page(client, qa_manager, draft, name):
    client.force_login(qa_manager)

    response = client.get(url(name, draft))

    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


@pytest.mark.parametrize("name", sorted(ALL_PAGES))
@pytest.mark.parametrize("person", FORBIDDEN)
def test_anyone_else_gets_403_on_every_toolkit_page(client, request, draft, name, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(url(name, draft)).status_code == 403
    assert client.post(url(name, draft), {"direction": "up"}).status_code == 403
    assert draft.toolkit.versions.count() == 1  # nothing was made


@pytest.mark.parametrize("name", sorted(ALL_PAGES))
def test_an_anonymous_visitor_is_sent_to_log_in_and_back(client, draft, name):
    page = url(name, draft)

    response = client.get(page)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={page}"


@pytest.mark.parametrize("name", sorted(name for name, pk_of in ALL_PAGES.items() if pk_of))
def test_a_page_of_a_toolkit_that_does_not_exist_is_404(client, qa_manager, name):
    client.force_login(qa_manager)

    page = reverse(f"audits:{name}", args=[999999])

    assert client.get(page).status_code in (404, 405)
    assert client.post(page, {"direction": "up"}).status_code == 404


@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_post_only_actions_refuse_a_get(client, qa_manager, draft, name):
    client.force_login(qa_manager)

    assert client.get(url(name, draft)).status_code == 405


def test_the_navigation_marks_toolkits_as_current(client, qa_manager, draft):
    client.force_login(qa_manager)

    response = client.get(url("toolkit_version_edit", draft))

    current = [item["label"] for item in response.context["nav_items"] if item["current"]]
    assert current == ["Toolkits"]


# The list


def test_the_list_shows_each_toolkit_with_its_published_version_and_draft(
    client, qa_manager, published
):
    toolkit_new_draft(toolkit=published.toolkit, actor=qa_manager)
    toolkit_create(kind="practice_observation", name="Practice Observation", actor=qa_manager)
    client.force_login(qa_manager)

    content = client.get(reverse("audits:toolkits")).content.decode()

    assert "Practice Review" in content
    assert "Version 1" in content
    assert "Yes: version 2" in content
    assert "Not published yet" in content


def test_the_list_has_an_empty_state(client, qa_manager):
    client.force_login(qa_manager)

    content = client.get(reverse("audits:toolkits")).content.decode()

    assert 'data-testid="empty-state"' in content


def _list_queries(client, count: int) -> int:
    for _ in range(count - Toolkit.objects.count()):
        version = toolkit_create(
            kind="practice_review", name=f"T{Toolkit.objects.count()}", actor=None
        )
        section = section_add(version=version.versions.get(), title="S", actor=None)
        question_add(section=section, text="Q?", actor=None)
        toolkit_version_publish(version=version.versions.get(), actor=None, change_note="First.")
        toolkit_new_draft(toolkit=version, actor=None)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("audits:toolkits"))
    assert response.status_code == 200
    assert response.content.decode().count('<th scope="row">') == count
    return len(queries)


def test_the_list_runs_the_same_queries_for_3_or_10_toolkits(client, qa_manager):
    client.force_login(qa_manager)

    assert _list_queries(client, 3) == _list_queries(client, 10)


# Creating a toolkit


def test_creating_a_toolkit_makes_draft_1_and_opens_the_editor(client, qa_manager):
    client.force_login(qa_manager)

    response = client.post(
        reverse("audits:toolkit_create"),
        {"kind": "thematic_review", "name": "Thematic Review: Neglect", "theme": "Neglect"},
    )

    toolkit = Toolkit.objects.get(name="Thematic Review: Neglect")
    version = toolkit.versions.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("audits:toolkit_version_edit", args=[version.pk])
    assert (toolkit.theme, toolkit.created_by, version.number) == ("Neglect", qa_manager, 1)


def test_a_thematic_review_without_a_theme_is_shown_again_with_the_error(client, qa_manager):
    client.force_login(qa_manager)

    response = client.post(
        reverse("audits:toolkit_create"), {"kind": "thematic_review", "name": "My theme tool"}
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Give the theme of this Thematic Review" in content
    assert 'value="My theme tool"' in content
    assert "There is a problem" in content
    assert not Toolkit.objects.exists()


def test_a_toolkit_name_is_unique(client, qa_manager, draft):
    client.force_login(qa_manager)

    response = client.post(
        reverse("audits:toolkit_create"), {"kind": "practice_review", "name": "Practice Review"}
    )

    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Toolkit.objects.count() == 1


# The toolkit and its versions


def test_the_toolkit_page_lists_versions_with_who_published_them(client, qa_manager, published):
    toolkit_new_draft(toolkit=published.toolkit, actor=qa_manager)
    client.force_login(qa_manager)

    response = client.get(url("toolkit_detail", published))

    content = response.content.decode()
    assert [v.number for v in response.context["versions"]] == [2, 1]
    assert "First version." in content
    assert qa_manager.get_full_name() in content
    assert "Edit the draft (version 2)" in content


def test_the_page_of_a_standard_toolkit_published_by_no_one_opens(client, qa_manager):
    install_standard_toolkits()
    client.force_login(qa_manager)

    for toolkit in Toolkit.objects.all():
        version = toolkit.versions.get()
        assert client.get(reverse("audits:toolkit_detail", args=[toolkit.pk])).status_code == 200
        preview = reverse("audits:toolkit_version_preview", args=[version.pk])
        assert client.get(preview).status_code == 200


def test_edit_on_a_published_toolkit_makes_a_new_draft_and_opens_the_editor(
    client, qa_manager, published
):
    client.force_login(qa_manager)

    response = client.post(url("toolkit_new_draft", published))

    draft = published.toolkit.versions.get(status="draft")
    assert draft.number == 2
    assert response["Location"] == reverse("audits:toolkit_version_edit", args=[draft.pk])
    assert _first_section(draft).title == "Assessment"


def test_edit_with_a_draft_in_progress_opens_that_draft(client, qa_manager, draft):
    client.force_login(qa_manager)

    response = client.post(url("toolkit_new_draft", draft), follow=True)

    assert draft.toolkit.versions.count() == 1
    assert response.redirect_chain[-1][0] == reverse("audits:toolkit_version_edit", args=[draft.pk])
    assert "already a draft" in response.content.decode()


# The editor


def test_the_editor_shows_sections_and_questions_with_their_settings(client, qa_manager, draft):
    client.force_login(qa_manager)

    content = client.get(url("toolkit_version_edit", draft)).content.decode()

    assert "Assessment" in content
    assert "How good is the assessment?" in content
    assert "may be answered “not applicable”" in content
    assert "Yes / partly / no" in content


def test_adding_a_section_puts_it_last(client, qa_manager, draft):
    client.force_login(qa_manager)

    response = client.post(
        url("toolkit_section_add", draft), {"title": "SMART plan", "guidance": "By when."}
    )

    section = draft.sections.get(title="SMART plan")
    assert section.position == 2
    assert response["Location"].endswith(f"#section-{section.pk}")


def test_a_section_without_a_title_is_shown_again_with_the_error(client, qa_manager, draft):
    client.force_login(qa_manager)

    response = client.post(url("toolkit_section_add", draft), {"guidance": "Kept guidance"})

    assert response.status_code == 200
    assert "Kept guidance" in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert draft.sections.count() == 1


def test_editing_a_section(client, qa_manager, draft):
    client.force_login(qa_manager)

    client.post(url("toolkit_section_edit", draft), {"title": "Assessment and analysis"})

    assert _first_section(draft).title == "Assessment and analysis"


def test_adding_a_question(client, qa_manager, draft):
    client.force_login(qa_manager)

    client.post(
        url("toolkit_question_add", draft),
        {
            "text": "Were tools used?",
            "guidance": "",
            "answer_kind": "yes_partly_no",
            "required": "on",
        },
    )

    question = Question.objects.get(text="Were tools used?")
    assert (question.answer_kind, question.required, question.position) == (
        "yes_partly_no",
        True,
        3,
    )


def test_not_applicable_on_free_text_is_shown_again_with_the_error(client, qa_manager, draft):
    client.force_login(qa_manager)

    response = client.post(
        url("toolkit_question_add", draft),
        {"text": "Child's words", "answer_kind": "free_text", "allow_not_applicable": "on"},
    )

    assert response.status_code == 200
    assert "only be offered on a graded question" in response.content.decode()
    assert not Question.objects.filter(text="Child's words").exists()


def test_editing_a_question(client, qa_manager, draft):
    client.force_login(qa_manager)

    client.post(
        url("toolkit_question_edit", draft),
        {"text": "How good is it?", "answer_kind": "graded", "guidance": "New guidance"},
    )

    question = _first_question(draft)
    assert (question.text, question.guidance, question.required) == (
        "How good is it?",
        "New guidance",
        False,
    )


def test_deleting_a_question_asks_first_then_deletes(client, qa_manager, draft):
    client.force_login(qa_manager)
    question = _first_question(draft)

    confirmation = client.get(url("toolkit_question_delete", draft)).content.decode()
    assert "How good is the assessment?" in confirmation
    assert Question.objects.filter(pk=question.pk).exists()

    client.post(url("toolkit_question_delete", draft))
    assert not Question.objects.filter(pk=question.pk).exists()


def test_deleting_a_section_asks_first_then_deletes_it_with_its_questions(
    client, qa_manager, draft
):
    client.force_login(qa_manager)

    confirmation = client.get(url("toolkit_section_delete", draft)).content.decode()
    assert "the section “Assessment” and its 2 questions" in confirmation
    assert draft.sections.exists()

    client.post(url("toolkit_section_delete", draft))
    assert not draft.sections.exists()


def test_moving_a_question_down(client, qa_manager, draft):
    client.force_login(qa_manager)
    question = _first_question(draft)

    response = client.post(url("toolkit_question_move", draft), {"direction": "down"})

    assert response["Location"].endswith(f"#question-{question.pk}")
    assert list(_first_section(draft).questions.values_list("text", flat=True)) == [
        "Is the assessment up to date?",
        "How good is the assessment?",
    ]


def test_moving_a_section_up(client, qa_manager, draft):
    second = section_add(version=draft, title="Plan", actor=qa_manager)
    client.force_login(qa_manager)

    client.post(reverse("audits:toolkit_section_move", args=[second.pk]), {"direction": "up"})

    assert _first_section(draft) == second


def test_a_move_other_than_up_or_down_is_a_bad_request(client, qa_manager, draft):
    client.force_login(qa_manager)

    assert client.post(url("toolkit_section_move", draft), {"direction": "left"}).status_code == 400


# A published version's editing pages


EDITING_PAGES = [
    "toolkit_version_edit",
    "toolkit_version_publish",
    "toolkit_section_add",
    "toolkit_section_edit",
    "toolkit_section_delete",
    "toolkit_question_add",
    "toolkit_question_edit",
    "toolkit_question_delete",
]
EDIT_POSTS = {
    "toolkit_section_add": {"title": "New"},
    "toolkit_section_edit": {"title": "Changed"},
    "toolkit_question_add": {"text": "New?", "answer_kind": "graded"},
    "toolkit_question_edit": {"text": "Changed?", "answer_kind": "graded"},
    "toolkit_section_move": {"direction": "down"},
    "toolkit_question_move": {"direction": "down"},
    "toolkit_version_publish": {"change_note": "Again"},
}


def _content(version):
    return [
        (s.pk, s.position, s.title, [(q.pk, q.position, q.text) for q in s.questions.all()])
        for s in version.sections.order_by("pk")
    ]


@pytest.mark.parametrize("name", EDITING_PAGES)
def test_a_published_versions_editing_pages_send_the_user_to_the_toolkit(
    client, qa_manager, published, name
):
    client.force_login(qa_manager)

    response = client.get(url(name, published), follow=True)

    assert response.redirect_chain[-1][0] == reverse(
        "audits:toolkit_detail", args=[published.toolkit_id]
    )
    assert "is published and never changes" in response.content.decode()


@pytest.mark.parametrize(
    "name", [*EDITING_PAGES[1:], "toolkit_section_move", "toolkit_question_move"]
)
def test_a_post_to_a_published_version_is_refused_and_changes_nothing(
    client, qa_manager, published, name
):
    before = _content(published)
    client.force_login(qa_manager)

    response = client.post(url(name, published), EDIT_POSTS.get(name, {}), follow=True)

    assert "is published and never changes" in response.content.decode()
    assert _content(published) == before
    published.refresh_from_db()
    assert published.change_note == "First version."


# Preview and publishing


def test_the_preview_shows_the_questions_as_a_reviewer_sees_them_disabled(
    client, qa_manager, draft
):
    client.force_login(qa_manager)

    content = client.get(url("toolkit_version_preview", draft)).content.decode()

    assert "1. Assessment" in content
    assert "Every child assessed." in content
    assert "Look for the child&#x27;s lived experience." in content
    for label in ("Outstanding", "Good", "Requires Improvement", "Inadequate", "Not applicable"):
        assert f">{label}</label>" in content
    for label in ("Yes", "Partly", "No"):
        assert f">{label}</label>" in content
    assert "What the grades mean" in content
    assert GRADE_DEFINITIONS["good"].replace("'", "&#x27;") in content


def test_every_preview_question_is_a_disabled_fieldset(client, qa_manager, draft):
    client.force_login(qa_manager)

    content = client.get(url("toolkit_version_preview", draft)).content.decode()

    fieldsets = re.findall(r"<fieldset[^>]*>", content)
    assert len(fieldsets) == 2
    assert all(" disabled" in fieldset for fieldset in fieldsets)


def test_a_published_version_can_be_previewed(client, qa_manager, published):
    client.force_login(qa_manager)

    content = client.get(url("toolkit_version_preview", published)).content.decode()

    assert "is published and never changes" in content
    assert "How good is the assessment?" in content


def test_publishing_asks_for_what_changed_then_publishes(client, qa_manager, draft):
    client.force_login(qa_manager)

    confirmation = client.get(url("toolkit_version_publish", draft)).content.decode()
    assert "Publish version 1 of Practice Review?" in confirmation
    assert "First version." in confirmation  # suggested for a first version

    response = client.post(url("toolkit_version_publish", draft), {"change_note": "First version."})

    draft.refresh_from_db()
    assert response["Location"] == reverse("audits:toolkit_detail", args=[draft.toolkit_id])
    assert (draft.status, draft.published_by, draft.change_note) == (
        "published",
        qa_manager,
        "First version.",
    )


def test_publishing_without_a_change_note_is_shown_again_with_the_error(client, qa_manager, draft):
    client.force_login(qa_manager)

    response = client.post(url("toolkit_version_publish", draft), {"change_note": ""})

    assert "Say what changed in this version." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_publishing_a_section_without_questions_is_refused_with_its_name(client, qa_manager, draft):
    section_add(version=draft, title="Recording", actor=qa_manager)
    client.force_login(qa_manager)

    warning = client.get(url("toolkit_version_publish", draft)).content.decode()
    response = client.post(url("toolkit_version_publish", draft), {"change_note": "x"}, follow=True)

    assert "<li>Recording</li>" in warning
    assert "Without questions: Recording." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_publishing_an_empty_toolkit_is_refused(client, qa_manager):
    version = ToolkitVersion.objects.create(toolkit=ToolkitFactory(), number=1)
    client.force_login(qa_manager)

    response = client.post(
        reverse("audits:toolkit_version_publish", args=[version.pk]),
        {"change_note": "First."},
        follow=True,
    )

    assert "Add at least one section with a question" in response.content.decode()
    version.refresh_from_db()
    assert version.status == "draft"
