"""A reviewer completes a Practice Review in the browser: answers autosave and survive a reload,
submit lists what is missing, and a submitted review is read only. axe checks the page."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import TEST_PASSWORD, ServiceAreaFactory, TeamFactory, UserFactory
from audits.models import AnswerKind, Question, ToolkitVersion
from audits.toolkit_library import install_standard_toolkits
from reviews.models import Review
from reviews.tests.factories import ReviewFactory
from reviews.themes import install_default_practice_themes
from tests.browser.conftest import assert_accessible, login

pytestmark = pytest.mark.browser

FINDINGS = {
    "Who took part": "The social worker, their team manager and me",
    "The practitioner's reflections": "The plan needs clearer timescales.",
    "How the child's and family's views were obtained": "A home visit with the child and mother.",
    "What the child and family said": "The child said their worker listens to them.",
    "What is working well": "Purposeful visits and direct work.",
    "What needs to improve": "Contingency planning.",
    "Recommendations": "Review the plan with the family within four weeks.",
    "Rationale for the overall grade": "Good support that is improving the child's outcomes.",
}
ANSWER = {AnswerKind.GRADED: "Good", AnswerKind.YES_PARTLY_NO: "Yes"}
TEXT_ANSWER = "Seen alone; said they feel safe at home."


def answer(page: Page, question: Question) -> None:
    block = page.locator(f"#q-{question.pk}")
    if question.answer_kind == AnswerKind.FREE_TEXT:
        block.get_by_role("textbox").fill(TEXT_ANSWER)
        block.get_by_role("textbox").press("Tab")  # the change event that autosaves
    else:
        block.get_by_label(ANSWER[question.answer_kind], exact=True).check()


def expect_all_saved(page: Page) -> None:
    """Wait until no autosave is on its way (htmx marks the form while one is)."""
    expect(page.locator("form[data-autosave]")).not_to_have_class(re.compile(r"\bhtmx-request\b"))
    expect(page.locator("#autosave-status")).to_contain_text("Saved at")


def expect_answered(page: Page, question: Question) -> None:
    block = page.locator(f"#q-{question.pk}")
    if question.answer_kind == AnswerKind.FREE_TEXT:
        expect(block.get_by_role("textbox")).to_have_value(TEXT_ANSWER)
    else:
        expect(block.get_by_label(ANSWER[question.answer_kind], exact=True)).to_be_checked()


def test_a_reviewer_completes_and_submits_a_practice_review(
    page: Page, live_server, transactional_db
):
    install_standard_toolkits()
    install_default_practice_themes()
    version = ToolkitVersion.objects.get(toolkit__name="Practice Review", number=1)
    area = ServiceAreaFactory(name="Children in Need")
    reviewer = UserFactory(roles=[("reviewer", area)])
    review = ReviewFactory(
        reviewer=reviewer,
        toolkit_version=version,
        case__team=TeamFactory(service_area=area),
        case__reference="CMS-424242",
    )
    questions = list(
        Question.objects.filter(section__version=version).order_by(
            "section__position", "section_id", "position", "id"
        )
    )
    left_out = next(q for q in questions if q.required and q.answer_kind == AnswerKind.GRADED)

    # From "My reviews" to the review.
    login(page, live_server, reviewer.email, TEST_PASSWORD)
    page.get_by_test_id("main-nav").get_by_role("link", name="My reviews").click()
    expect(page.get_by_role("table")).to_contain_text("Practice Review")
    assert_accessible(page)
    page.get_by_role("link", name="CMS-424242").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice Review: case CMS-424242")
    expect(page.get_by_test_id("review-header")).to_contain_text("Practice Review v1")
    assert_accessible(page)

    # Answer everything but one required question, and every finding; each change autosaves.
    for question in questions:
        if question != left_out:
            answer(page, question)
    page.get_by_label("Date of the discussion with the practitioner").fill("2026-11-20")
    page.locator("#id_child_seen_0").check()
    for label, text in FINDINGS.items():
        page.get_by_label(label, exact=True).fill(text)
    page.get_by_label("Good", exact=True).last.check()  # the overall grade
    strengths = page.get_by_role("group", name="Themes of what is working well")
    strengths.get_by_label("Direct work with the child").check()
    needs = page.get_by_role("group", name="Themes of what needs to improve")
    needs.get_by_label("Planning and outcome focus").focus()
    page.keyboard.press("Space")  # a keyboard user ticks a theme
    expect_all_saved(page)
    total = len(questions)
    expect(page.locator("#review-progress")).to_have_text(
        f"{total - 1} of {total} questions answered"
    )

    # A reload finds every answer kept.
    page.reload()
    for question in questions:
        if question != left_out:
            expect_answered(page, question)
    for label, text in FINDINGS.items():
        expect(page.get_by_label(label, exact=True)).to_have_value(text)
    expect(page.get_by_label("Date of the discussion with the practitioner")).to_have_value(
        "2026-11-20"
    )
    expect(strengths.get_by_label("Direct work with the child")).to_be_checked()
    expect(needs.get_by_label("Planning and outcome focus")).to_be_checked()
    assert Review.objects.get(pk=review.pk).status == Review.Status.IN_PROGRESS

    # Submitting with the missing answer shows it, linked to the question.
    page.get_by_role("button", name="Submit review").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(1)
    link = summary.get_by_role("link", name=re.compile(r"^Select a grade for question 1\.1"))
    expect(link).to_have_attribute("href", f"#q-{left_out.pk}")
    assert_accessible(page)

    # Complete it and submit: the review becomes read only.
    link.click()
    answer(page, left_out)
    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_role("status")).to_contain_text("Review submitted.")
    expect(page.get_by_test_id("review-header")).to_contain_text("Submitted")
    main = page.locator("main")
    expect(main.locator("input, textarea, select")).to_have_count(0)
    expect(main.get_by_role("button", name="Submit review")).to_have_count(0)
    expect(main).to_contain_text(TEXT_ANSWER)
    expect(main).to_contain_text("Direct work with the child")
    assert_accessible(page)
    assert Review.objects.get(pk=review.pk).status == Review.Status.SUBMITTED


@pytest.fixture
def practice_review(transactional_db):
    install_standard_toolkits()
    area = ServiceAreaFactory(name="Children in Need")
    return ReviewFactory(
        reviewer=UserFactory(roles=[("reviewer", area)]),
        toolkit_version=ToolkitVersion.objects.get(toolkit__name="Practice Review", number=1),
        case__team=TeamFactory(service_area=area),
    )


def test_a_second_tab_that_saves_a_stale_version_is_told_and_keeps_its_input(
    page: Page, live_server, practice_review
):
    login(page, live_server, practice_review.reviewer.email, TEST_PASSWORD)
    review_url = f"{live_server.url}/reviews/{practice_review.pk}/"
    page.goto(review_url)
    other_tab = page.context.new_page()
    other_tab.goto(review_url)

    page.get_by_label("What is working well").fill("Typed in the first tab.")
    page.get_by_label("What is working well").press("Tab")
    expect_all_saved(page)
    other_tab.get_by_label("What is working well").fill("Typed in the second tab.")
    other_tab.get_by_label("What is working well").press("Tab")

    refusal = other_tab.locator("#autosave-status").get_by_role("alert")
    expect(refusal).to_contain_text("You saved this review in another tab or window at ")
    expect(other_tab.get_by_label("What is working well")).to_have_value("Typed in the second tab.")
    assert Review.objects.get(pk=practice_review.pk).working_well == "Typed in the first tab."
    assert_accessible(other_tab)


def test_an_expired_session_is_explained_and_logging_in_returns_to_the_draft(
    page: Page, live_server, practice_review
):
    login(page, live_server, practice_review.reviewer.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/reviews/{practice_review.pk}/")
    page.get_by_label("Recommendations").fill("Saved before the session ended.")
    page.get_by_label("Recommendations").press("Tab")
    expect_all_saved(page)

    page.context.clear_cookies(name="sessionid")  # the session ends
    page.get_by_label("What is working well").fill("Typed after it ended.")
    page.get_by_label("What is working well").press("Tab")

    status = page.locator("#autosave-status")
    expect(status.get_by_role("alert")).to_contain_text("Your session has ended")
    status.get_by_role("link", name="log in again").click()
    page.get_by_label("Work email address").fill(practice_review.reviewer.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_label("Recommendations")).to_have_value("Saved before the session ended.")


def test_the_reviews_list_with_filters_and_rows_is_accessible(
    page: Page, live_server, practice_review
):
    qa_manager = UserFactory(roles=[("qa_manager", None)])
    ReviewFactory.create_batch(3, toolkit_version=practice_review.toolkit_version)
    login(page, live_server, qa_manager.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/reviews/")
    page.get_by_label("Toolkit").select_option(label="Practice Review")
    page.get_by_role("button", name="Filter").click()

    expect(page.get_by_role("table").get_by_role("row")).to_have_count(5)  # a header and 4 rows
    assert_accessible(page)
