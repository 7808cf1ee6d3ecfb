"""The standard toolkits QAF ships, the command that installs them, and the demo that uses it."""

from io import StringIO

import pytest
from django.core.management import call_command

from audits.demo import build_demo_authority
from audits.models import AnswerKind, Question, Toolkit, ToolkitVersion
from audits.services.toolkits import section_update, toolkit_new_draft
from audits.toolkit_library import STANDARD_TOOLKITS, install_standard_toolkits

pytestmark = pytest.mark.django_db

NAMES = [
    "Practice Review",
    "Thematic Review: Neglect",
    "Practice Observation",
    "IRO / CP chair case feedback",
]

# Seed 003's "what good looks like", as the issue lists it.
PRACTICE_REVIEW_SECTIONS = [
    "Assessment",
    "SMART plan",
    "Support and direct work",
    "Recording",
    "Practice model",
    "Management oversight and supervision",
    "Voice of the child",
    "Impact and progress",
]


def install() -> str:
    out = StringIO()
    call_command("install_toolkits", stdout=out)
    return out.getvalue()


def test_the_standard_toolkits_are_installed_as_published_version_1():
    install_standard_toolkits()

    versions = ToolkitVersion.objects.select_related("toolkit").order_by("toolkit__name")
    assert sorted(v.toolkit.name for v in versions) == sorted(NAMES)
    assert {(v.number, v.status) for v in versions} == {(1, "published")}
    assert all(v.published_at for v in versions)


def test_the_practice_review_covers_what_good_looks_like():
    install_standard_toolkits()

    version = ToolkitVersion.objects.get(toolkit__name="Practice Review")
    titles = list(version.sections.order_by("position").values_list("title", flat=True))
    assert titles == PRACTICE_REVIEW_SECTIONS


def test_every_standard_section_has_a_question_and_not_applicable_only_on_graded_ones():
    install_standard_toolkits()

    for toolkit in Toolkit.objects.prefetch_related("versions__sections__questions"):
        for section in toolkit.versions.get().sections.all():
            assert section.questions.all(), f"{toolkit}: {section} has no question"
    assert (
        not Question.objects.filter(allow_not_applicable=True)
        .exclude(answer_kind=AnswerKind.GRADED)
        .exists()
    )


def test_installing_again_leaves_existing_toolkits_and_their_new_versions_alone(qa_manager):
    install_standard_toolkits()
    practice_review = Toolkit.objects.get(name="Practice Review")
    draft, _ = toolkit_new_draft(toolkit=practice_review, actor=qa_manager)
    section_update(
        section=draft.sections.order_by("position").first(), title="Changed", actor=qa_manager
    )

    assert install_standard_toolkits() == []

    assert Toolkit.objects.count() == len(STANDARD_TOOLKITS)
    assert practice_review.versions.count() == 2
    assert draft.sections.order_by("position").first().title == "Changed"


def test_the_command_says_what_it_installed_and_what_was_there_already():
    first = install()
    second = install()

    for name in NAMES:
        assert f"Installed {name} (version 1, published)." in first
        assert f"{name} is already installed: left as it is." in second
    assert "Installed" not in second


def test_the_demo_authority_has_the_standard_toolkits():
    build_demo_authority()

    assert sorted(Toolkit.objects.values_list("name", flat=True)) == sorted(NAMES)
