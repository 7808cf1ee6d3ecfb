"""The review page and its autosave: completing, saving, submitting, and reading a review."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import TEST_PASSWORD
from audits.models import AnswerKind, Question, ToolkitVersion
from audits.toolkit_library import install_standard_toolkits
from reviews.models import Answer, Review
from reviews.services import review_save

from .factories import (
    QuestionFactory,
    ReviewFactory,
    SectionFactory,
    ToolkitVersionFactory,
    complete_answers,
    complete_findings,
    published_version,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(reviewer, service_area):
    return ReviewFactory(
        reviewer=reviewer,
        toolkit_version=published_version(6),
        case__team__service_area=service_area,
    )


def url(review):
    return f"/reviews/{review.pk}/"


def autosave_url(review):
    return f"/reviews/{review.pk}/autosave/"


def questions_of(review, kind=None):
    questions = Question.objects.filter(section__version=review.toolkit_version).order_by(
        "section__position", "position"
    )
    return list(questions.filter(answer_kind=kind) if kind else questions)


def form_data(review, *, answers=None, findings=None, lock_version=None, **extra):
    """What the review page's form posts: `answers` by question id, as the services take them."""
    data = {"lock_version": review.lock_version if lock_version is None else lock_version}
    for question_id, values in (answers or {}).items():
        value = values.get("grade") or values.get("choice") or values.get("text") or ""
        data[f"q-{question_id}"] = value
        if values.get("not_applicable"):
            data[f"q-{question_id}-na"] = "on"
    for name, value in (findings or {}).items():
        data[name] = {True: "True", False: "False", None: ""}.get(value, value)
    return data | extra


def complete_form_data(review, **extra):
    return form_data(
        review,
        answers=complete_answers(review.toolkit_version),
        findings=complete_findings(),
        **extra,
    )


def inputs_in_main(content: str) -> list[str]:
    main = content.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return re.findall(r"<(?:input|textarea|select)\b[^>]*>", main)


# The page.


def test_the_reviewer_sees_the_review_page_with_its_header_sections_and_form(
    client, reviewer, review
):
    client.force_login(reviewer)

    response = client.get(url(review))

    assert response.status_code == 200
    content = response.content.decode()
    assert (
        f'<h1 class="h2">{review.toolkit_version.toolkit.name}: case {review.case.reference}'
        in (content)
    )
    for text in (
        review.case.service_area.name,
        review.case.team.name,
        f"{review.toolkit_version.toolkit.name} v{review.toolkit_version.number}",
        review.cycle.name,
        str(reviewer),
        "Assigned",
        "0 of 6</strong> questions answered",
        "What good looks like:",
    ):
        assert text in content
    for question in questions_of(review):
        assert f'id="q-{question.pk}"' in content
        assert f'name="q-{question.pk}"' in content
        assert (f'name="q-{question.pk}-na"' in content) == question.allow_not_applicable
    assert 'name="lock_version"' in content
    assert f'hx-post="/reviews/{review.pk}/autosave/"' in content
    assert 'hx-trigger="change, keyup changed delay:1s"' in content
    assert 'aria-live="polite"' in content


def test_graded_questions_offer_the_four_grades_with_their_definitions(client, reviewer, review):
    client.force_login(reviewer)

    content = client.get(url(review)).content.decode()

    question = questions_of(review, AnswerKind.GRADED)[0]
    for value in ("outstanding", "good", "requires_improvement", "inadequate"):
        assert f'name="q-{question.pk}" id="id_q-{question.pk}_' in content
        assert f'value="{value}"' in content
    assert "What the grades mean" in content
    assert "Requires Improvement" in content
    assert "The planning and intervention are failing to protect the child" in content


def test_the_real_practice_review_shows_its_name_and_version(client, reviewer, service_area):
    install_standard_toolkits()
    version = ToolkitVersion.objects.get(toolkit__name="Practice Review", number=1)
    review = ReviewFactory(
        reviewer=reviewer, toolkit_version=version, case__team__service_area=service_area
    )
    client.force_login(reviewer)

    content = client.get(url(review)).content.decode()

    assert "Practice Review v1" in content
    assert "Management oversight and supervision" in content
    assert "How good is the child&#x27;s plan?" in content


def test_the_page_shows_the_cases_previous_reviews_with_their_grades(client, reviewer, review):
    earlier = ReviewFactory(
        case=review.case,
        status=Review.Status.SUBMITTED,
        grade="requires_improvement",
        submitted_at="2026-01-30T10:00:00Z",
    )
    client.force_login(reviewer)

    content = client.get(url(review)).content.decode()

    assert "Previous reviews of this case" in content
    assert earlier.cycle.name in content
    assert "Requires Improvement" in content


def test_a_case_reviewed_for_the_first_time_says_so(client, reviewer, review):
    client.force_login(reviewer)

    assert (
        "This case has not been reviewed in another cycle."
        in client.get(url(review)).content.decode()
    )


def test_anonymous_visitors_are_sent_to_log_in_and_back(client, review):
    for page in (url(review), autosave_url(review)):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"] == f"/login/?next={page}"
        assert client.post(page).status_code == 302


def test_someone_who_may_read_but_not_write_gets_403_on_posting(client, moderator, review):
    client.force_login(moderator)

    assert client.get(url(review)).status_code == 200
    assert client.post(url(review), form_data(review)).status_code == 403
    response = client.post(autosave_url(review), form_data(review))
    assert response.status_code == 403
    assert "cannot be changed" in response.content.decode()


def test_a_review_outside_the_users_scope_answers_404_to_get_and_post(client, outsider, review):
    client.force_login(outsider)

    assert client.get(url(review)).status_code == 404
    assert client.post(url(review), form_data(review)).status_code == 404
    assert client.post(autosave_url(review), form_data(review)).status_code == 404


def test_autosave_only_takes_posts(client, reviewer, review):
    client.force_login(reviewer)

    assert client.get(autosave_url(review)).status_code == 405


# Autosave.


def test_autosave_stores_the_answers_and_a_reload_shows_them(client, reviewer, review):
    graded, choice, text = (questions_of(review, kind)[0] for kind in AnswerKind)
    client.force_login(reviewer)

    response = client.post(
        autosave_url(review),
        form_data(
            review,
            answers={
                graded.pk: {"grade": "requires_improvement"},
                choice.pk: {"choice": "partly"},
                text.pk: {"text": "The child's own words."},
            },
            findings={"working_well": "Regular visits."},
        ),
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "Saved at" in content
    assert (
        '<input type="hidden" name="lock_version" id="id_lock_version" value="1" '
        'hx-swap-oob="true">'
    ) in content
    assert '<p id="review-progress" class="mb-0" hx-swap-oob="true"><strong>3 of 6' in content
    page = client.get(url(review)).content.decode()
    assert re.search(rf'name="q-{graded.pk}"[^>]*value="requires_improvement" checked', page)
    assert re.search(rf'name="q-{choice.pk}"[^>]*value="partly" checked', page)
    assert "The child&#x27;s own words.</textarea>" in page
    assert "Regular visits.</textarea>" in page
    assert 'name="lock_version" value="1"' in page
    assert "3 of 6</strong> questions answered" in page
    review.refresh_from_db()
    assert review.status == Review.Status.IN_PROGRESS


def test_autosave_keeps_the_valid_fields_when_one_is_not_valid(client, reviewer, review):
    client.force_login(reviewer)

    response = client.post(
        autosave_url(review),
        form_data(
            review, findings={"discussion_on": "the 32nd", "working_well": "Kept despite that."}
        ),
    )

    content = response.content.decode()
    assert "Saved at" in content
    assert "except:" in content
    assert "Enter a valid date." in content
    review.refresh_from_db()
    assert review.working_well == "Kept despite that."
    assert review.discussion_on is None


def test_a_stale_autosave_is_refused_with_who_and_when_and_changes_nothing(
    client, reviewer, review
):
    question = questions_of(review, AnswerKind.GRADED)[0]
    client.force_login(reviewer)
    first = form_data(review, answers={question.pk: {"grade": "good"}}, lock_version=0)
    assert client.post(autosave_url(review), first).status_code == 200

    # A second tab, opened at the same version, saves something else.
    second = form_data(review, answers={question.pk: {"grade": "inadequate"}}, lock_version=0)
    response = client.post(autosave_url(review), second)

    assert response.status_code == 409
    assert response["X-Autosave-Status"] == "refused"  # the page's script shows it
    content = response.content.decode()
    assert 'role="alert"' in content
    assert "You saved this review in another tab or window at " in content
    assert "lock_version" not in content  # the page keeps its version: every later save refused
    assert Answer.objects.get(review=review, question=question).grade == "good"


def test_autosave_of_a_submitted_review_is_refused(client, reviewer, review):
    submitted = submit_complete_review(client, review)

    response = client.post(autosave_url(review), complete_form_data(submitted))

    assert response.status_code == 403
    assert "This review is submitted, so it cannot be changed. Nothing was saved." in (
        response.content.decode()
    )


# Save draft and submit: plain forms, no JavaScript needed.


def test_save_draft_stores_everything_and_comes_back_to_the_page(client, reviewer, review):
    client.force_login(reviewer)

    response = client.post(url(review), complete_form_data(review, action="save"), follow=True)

    assert response.redirect_chain == [(url(review), 302)]
    assert "Draft saved at" in response.content.decode()
    assert Answer.objects.filter(review=review).count() == 6
    review.refresh_from_db()
    assert review.grade_rationale == complete_findings()["grade_rationale"]


def test_a_stale_save_draft_redisplays_the_page_with_the_input_kept(client, reviewer, review):
    client.force_login(reviewer)
    client.post(autosave_url(review), form_data(review, findings={"working_well": "Tab one."}))

    response = client.post(
        url(review),
        form_data(review, lock_version=0, findings={"working_well": "Tab two."}, action="save"),
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert "You saved this review in another tab or window" in content
    assert "Tab two.</textarea>" in content
    review.refresh_from_db()
    assert review.working_well == "Tab one."


def test_an_invalid_value_redisplays_the_page_with_a_linked_error(client, reviewer, review):
    client.force_login(reviewer)

    response = client.post(
        url(review),
        form_data(review, findings={"discussion_on": "not a date", "working_well": "Kept"}),
    )

    content = response.content.decode()
    assert '<a class="alert-link" href="#id_discussion_on">Enter a valid date.</a>' in content
    assert "Kept</textarea>" in content
    assert response.context["form"].errors


def test_submit_with_a_missing_answer_lists_every_missing_item_and_keeps_the_input(
    client, reviewer, review
):
    left_out = questions_of(review, AnswerKind.GRADED)[0]
    data = complete_form_data(review, action="submit")
    del data[f"q-{left_out.pk}"]
    data["recommendations"] = ""
    client.force_login(reviewer)

    response = client.post(url(review), data)

    assert response.status_code == 200
    content = response.content.decode()
    assert "<title>Error: " in content
    summary = content.split("data-error-summary>", 1)[1].split("</div>", 1)[0]
    assert re.findall(r'href="#([^"]+)"', summary) == [f"q-{left_out.pk}", "id_recommendations"]
    assert f"Select a grade for question 1.1, “{left_out.text}”" in summary
    assert "Enter your recommendations" in summary
    # The rest was saved, and the page shows it at the new version.
    assert complete_findings()["working_well"] + "</textarea>" in content
    review.refresh_from_db()
    assert review.status == Review.Status.IN_PROGRESS
    assert f'name="lock_version" value="{review.lock_version}"' in content
    assert Answer.objects.filter(review=review).count() == 5


def submit_complete_review(client, review):
    client.force_login(review.reviewer)
    response = client.post(url(review), complete_form_data(review, action="submit"))
    assert response.status_code == 302, response.content.decode()[:3000]
    review.refresh_from_db()
    return review


def test_a_complete_review_is_submitted_and_then_read_only(client, reviewer, review):
    submitted = submit_complete_review(client, review)

    assert submitted.status == Review.Status.SUBMITTED
    page = client.get(url(review))
    content = page.content.decode()
    assert "Review submitted." in content
    assert inputs_in_main(content) == []
    assert "Submit review" not in content
    assert complete_findings()["recommendations"] in content
    assert "Good" in content
    assert "Seen alone and listened to." in content


def test_posting_to_a_submitted_review_is_refused(client, reviewer, review):
    submitted = submit_complete_review(client, review)

    response = client.post(url(review), complete_form_data(submitted, action="save"))

    assert response.status_code == 403


def test_a_review_keeps_its_toolkit_version_after_the_toolkit_gets_a_new_one(
    client, reviewer, review
):
    question = questions_of(review, AnswerKind.GRADED)[0]
    review_save(
        review=review, actor=reviewer, based_on_version=0, answers={question.pk: {"grade": "good"}}
    )
    newer = ToolkitVersionFactory(
        toolkit=review.toolkit_version.toolkit, number=review.toolkit_version.number + 1
    )
    QuestionFactory(section=SectionFactory(version=newer), text="A question only in v2?")
    ToolkitVersion.objects.filter(pk=newer.pk).update(
        status="published", published_at="2026-12-01T00:00Z"
    )
    client.force_login(reviewer)

    content = client.get(url(review)).content.decode()

    assert f"v{review.toolkit_version.number}</dd>" in content
    assert "A question only in v2?" not in content
    assert question.text in content
    assert re.search(rf'name="q-{question.pk}"[^>]*value="good" checked', content)


def test_after_the_session_ends_logging_in_again_returns_to_the_draft(client, reviewer, review):
    question = questions_of(review, AnswerKind.FREE_TEXT)[0]
    client.force_login(reviewer)
    client.post(
        autosave_url(review), form_data(review, answers={question.pk: {"text": "Typed before."}})
    )
    client.logout()  # as an expired session would

    away = client.get(url(review))
    assert away["Location"] == f"/login/?next={url(review)}"
    back = client.post(
        away["Location"], {"username": reviewer.email, "password": TEST_PASSWORD}, follow=True
    )

    assert back.redirect_chain[-1][0] == url(review)
    assert "Typed before.</textarea>" in back.content.decode()


# Queries: the page's count does not grow with the toolkit.


def queries_for_page(client, person, review) -> int:
    client.force_login(person)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(review))
    assert response.status_code == 200
    return len(queries)


def answered_review(reviewer, service_area, questions):
    review = ReviewFactory(
        reviewer=reviewer,
        toolkit_version=published_version(questions, sections=max(3, questions // 6)),
        case__team__service_area=service_area,
    )
    review_save(
        review=review,
        actor=reviewer,
        based_on_version=0,
        answers=complete_answers(review.toolkit_version),
        findings=complete_findings(),
    )
    ReviewFactory.create_batch(2, case=review.case)  # previous reviews
    return review


@pytest.mark.parametrize("person", ["reviewer", "qa_manager"])
def test_the_review_page_of_60_questions_runs_as_many_queries_as_one_of_6(
    client, request, reviewer, service_area, person
):
    viewer = request.getfixturevalue(person)  # the reviewer edits; the QA Manager reads
    small = answered_review(reviewer, service_area, 6)
    large = answered_review(reviewer, service_area, 60)

    assert queries_for_page(client, viewer, small) == queries_for_page(client, viewer, large)


def test_autosave_runs_as_many_queries_for_60_questions_as_for_6(client, reviewer, service_area):
    counts = []
    for size in (6, 60):
        review = ReviewFactory(
            reviewer=reviewer,
            toolkit_version=published_version(size, sections=max(3, size // 6)),
            case__team__service_area=service_area,
        )
        client.force_login(reviewer)
        client.post(autosave_url(review), form_data(review, findings={"working_well": "a"}))
        review.refresh_from_db()
        with CaptureQueriesContext(connection) as queries:
            client.post(
                autosave_url(review),
                form_data(
                    review,
                    answers=complete_answers(review.toolkit_version),
                    findings={"working_well": "b"},
                ),
            )
        counts.append(len(queries))

    assert counts[0] == counts[1]
