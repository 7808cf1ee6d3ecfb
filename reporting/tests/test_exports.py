"""CSV and Excel exports of the reviews list: same rows as the list, their columns and values,
formula-injection guard, permissions and query counts."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounts.tests.factories import TeamFactory
from audits.models import Question
from feedback.tests.factories import FamilyFeedbackOnCaseFactory, IROFeedbackFactory
from reporting.exports import FIXED_HEADER
from reviews.models import Action, Answer, Escalation, PracticeTheme, Review, ReviewTheme
from reviews.tests.factories import (
    ActionFactory,
    CycleFactory,
    EscalationFactory,
    ReviewFactory,
    published_version,
    submitted_review,
)

pytestmark = pytest.mark.django_db

CSV_URL = "/reporting/exports/reviews.csv"
XLSX_URL = "/reporting/exports/reviews.xlsx"


def csv_rows(client, query="") -> list[dict[str, str]]:
    response = client.get(CSV_URL + query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def xlsx_rows(client, query="") -> list[list]:
    response = client.get(XLSX_URL + query)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in workbook["Reviews"].iter_rows(values_only=True)]


def listed_references(client, query="") -> list[str]:
    response = client.get(f"/reviews/{query}")
    assert response.status_code == 200
    return [review.case.reference for review in response.context["page_obj"].object_list]


def column(rows, name) -> list[str]:
    return [row[name] for row in rows]


def test_the_export_has_the_rows_the_filtered_list_shows_in_its_order(client, qa_manager):
    cycle, other_cycle = CycleFactory(), CycleFactory()
    for _ in range(3):
        submitted_review(cycle=cycle)
        ReviewFactory(cycle=cycle)  # assigned: filtered out by status
        submitted_review(cycle=other_cycle)
    client.force_login(qa_manager)
    query = f"?cycle={cycle.pk}&status=submitted"

    rows = csv_rows(client, query)

    assert column(rows, "Case reference") == listed_references(client, query)
    assert len(rows) == 3
    assert set(column(rows, "Cycle")) == {cycle.name}


def test_a_moderator_exports_only_their_service_areas_reviews(
    client, moderator, service_area, other_service_area
):
    mine = [submitted_review(service_area=service_area) for _ in range(2)]
    submitted_review(service_area=other_service_area)
    client.force_login(moderator)

    rows = csv_rows(client)

    assert sorted(column(rows, "Case reference")) == sorted(r.case.reference for r in mine)
    assert column(rows, "Case reference") == listed_references(client)


def test_an_outsider_exports_no_reviews_of_another_area(client, outsider, service_area):
    submitted_review(service_area=service_area)
    client.force_login(outsider)

    assert csv_rows(client) == []
    assert xlsx_rows(client) == [list(FIXED_HEADER)]


def test_each_row_holds_the_reviews_details_grades_escalation_actions_and_feedback(
    client, qa_manager
):
    review = submitted_review(
        grade="inadequate",
        submitted_at=datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC),
    )
    review.status = Review.Status.MODERATED
    review.moderated_grade = review.final_grade = "requires_improvement"
    review.save()
    EscalationFactory(review=review, deadline=datetime.date(2026, 11, 25))
    ActionFactory(review=review)
    ActionFactory(review=review, status=Action.Status.DONE)
    ActionFactory.create_batch(2, review=review, status=Action.Status.VERIFIED)
    client.force_login(qa_manager)

    [row] = csv_rows(client)

    assert row["Case reference"] == review.case.reference
    assert row["Cycle"] == review.cycle.name
    assert row["Service"] == review.case.service_area.name
    assert row["Team"] == review.case.team.name
    assert row["Toolkit"] == review.toolkit_version.toolkit.name
    assert row["Toolkit version"] == str(review.toolkit_version.number)
    assert row["Reviewer"] == str(review.reviewer)
    assert row["Status"] == "Moderated"
    assert row["Reviewer's grade"] == "Inadequate"
    assert row["Moderated grade"] == "Requires Improvement"
    assert row["Final grade"] == "Requires Improvement"  # the moderated grade is final
    assert row["Submitted on"] == "2026-11-20"
    assert row["Escalation"] == Escalation.Status.RAISED.label
    assert row["Escalation deadline"] == "2026-11-25"
    assert (row["Actions open"], row["Actions done"], row["Actions verified"]) == ("1", "1", "2")
    assert (row["IRO feedback on the case"], row["Family feedback on the case"]) == ("0", "0")


def test_the_iro_and_family_feedback_on_each_case_is_counted(client, qa_manager):
    review, quiet = submitted_review(), submitted_review()
    IROFeedbackFactory.create_batch(2, case=review.case)
    FamilyFeedbackOnCaseFactory(case=review.case)
    client.force_login(qa_manager)

    counts = {
        row["Case reference"]: (row["IRO feedback on the case"], row["Family feedback on the case"])
        for row in csv_rows(client)
    }

    assert counts == {review.case.reference: ("2", "1"), quiet.case.reference: ("0", "0")}


def test_free_text_findings_are_left_out(client, qa_manager):
    review = submitted_review()
    client.force_login(qa_manager)

    response = client.get(CSV_URL)
    text = b"".join(response.streaming_content).decode("utf-8-sig")

    assert review.needs_to_improve not in text
    assert "working well" not in text.lower()


def _answered_review(version, status=Review.Status.SUBMITTED) -> Review:
    review = ReviewFactory(toolkit_version=version, status=status, grade="good")
    questions = list(Question.objects.filter(section__version=version).order_by("position"))
    values = [
        {"grade": "good"},
        {"choice": "partly"},
        {"not_applicable": True},
        {"grade": "inadequate"},
        {"choice": "no"},
        {"text": "Seen alone and listened to."},
    ]
    Answer.objects.bulk_create(
        Answer(review=review, question=q, **value)
        for q, value in zip(questions, values, strict=True)
    )
    return review


def test_one_column_per_question_numbered_as_the_review_page_holds_each_answer(client, qa_manager):
    version = published_version(questions=6, sections=3)
    _answered_review(version)
    client.force_login(qa_manager)

    [row] = csv_rows(client)

    # Question n goes to section n % 3, so section 1 holds questions 1 and 4.
    assert list(row)[len(FIXED_HEADER) :] == [
        "1.1 Question 1?",
        "1.2 Question 4?",
        "2.1 Question 2?",
        "2.2 Question 5?",
        "3.1 Question 3?",
        "3.2 Question 6?",
    ]
    assert row["1.1 Question 1?"] == "Good"
    assert row["2.1 Question 2?"] == "Partly"
    assert row["3.1 Question 3?"] == "Not applicable"
    assert row["1.2 Question 4?"] == "Inadequate"
    assert row["2.2 Question 5?"] == "No"
    assert row["3.2 Question 6?"] == "Seen alone and listened to."


def test_the_practice_themes_tagged_on_a_submitted_review_are_exported(client, qa_manager):
    review, draft = submitted_review(), ReviewFactory()
    planning, work, records = (
        PracticeTheme.objects.create(name=name) for name in ("Planning", "Direct work", "Records")
    )
    strength, development = ReviewTheme.Kind.STRENGTH, ReviewTheme.Kind.DEVELOPMENT
    for tagged, theme, kind in (
        (review, work, strength),
        (review, planning, strength),
        (review, records, development),
        (draft, records, strength),
    ):
        ReviewTheme.objects.create(review=tagged, theme=theme, kind=kind)
    client.force_login(qa_manager)

    rows = {row["Case reference"]: row for row in csv_rows(client)}

    assert rows[review.case.reference]["Strength themes"] == "Direct work; Planning"
    assert rows[review.case.reference]["Development themes"] == "Records"
    assert rows[draft.case.reference]["Strength themes"] == ""  # the reviewer's working notes


def test_a_drafts_grade_and_answers_are_not_exported(client, qa_manager):
    version = published_version(questions=6, sections=3)
    _answered_review(version, status=Review.Status.IN_PROGRESS)
    client.force_login(qa_manager)

    [row] = csv_rows(client)

    assert row["Reviewer's grade"] == ""
    assert row["Final grade"] == ""
    assert all(row[name] == "" for name in list(row)[len(FIXED_HEADER) :])


def test_mixed_toolkit_versions_get_a_column_per_question_of_each(client, qa_manager):
    first = published_version(questions=3, sections=1)
    second = published_version(questions=2, sections=1)
    ReviewFactory(toolkit_version=first)
    ReviewFactory(toolkit_version=second)
    client.force_login(qa_manager)

    header = xlsx_rows(client)[0]

    questions = header[len(FIXED_HEADER) :]
    assert len(questions) == 5
    assert f"{first.toolkit.name} v{first.number} 1.1 Question 1?" in questions
    assert f"{second.toolkit.name} v{second.number} 1.2 Question 2?" in questions


@pytest.mark.parametrize("dangerous", ["=HYPERLINK(1)", "+1", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_cells_a_spreadsheet_would_run_as_formulas_start_with_a_quote(
    client, qa_manager, dangerous
):
    version = published_version(questions=3, sections=1)
    review = ReviewFactory(toolkit_version=version, status=Review.Status.SUBMITTED)
    free_text = Question.objects.get(section__version=version, position=2)
    Answer.objects.create(review=review, question=free_text, grade="", text=dangerous)
    team = review.case.team
    team.name = dangerous
    team.save()
    client.force_login(qa_manager)

    [row] = csv_rows(client)
    sheet_row = xlsx_rows(client)[1]

    assert row["Team"] == "'" + dangerous
    assert row["1.3 Question 3?"] == "'" + dangerous
    # (Excel files store a carriage return as a line feed: compare the first character.)
    assert sheet_row[FIXED_HEADER.index("Team")].startswith("'")
    assert sheet_row[-1].startswith("'")


def test_the_excel_file_opens_and_has_the_same_rows_as_the_csv(client, qa_manager):
    version = published_version(questions=6, sections=3)
    for _ in range(3):
        _answered_review(version)
    ReviewFactory(toolkit_version=version)
    client.force_login(qa_manager)

    rows = csv_rows(client)
    sheet = xlsx_rows(client)

    assert sheet[0] == list(rows[0])
    as_text = [["" if cell is None else str(cell) for cell in row] for row in sheet[1:]]
    expected = [list(row.values()) for row in rows]
    # Excel keeps dates and numbers as such; compare them as the CSV writes them.
    for got, want in zip(as_text, expected, strict=True):
        got[FIXED_HEADER.index("Submitted on")] = got[FIXED_HEADER.index("Submitted on")][:10]
        assert got == want


def test_the_reviews_list_links_to_both_exports_with_its_filters(client, qa_manager):
    review = ReviewFactory()
    client.force_login(qa_manager)

    content = client.get(f"/reviews/?cycle={review.cycle_id}").content.decode()

    assert f'href="{CSV_URL}?cycle={review.cycle_id}"' in content
    assert f'href="{XLSX_URL}?cycle={review.cycle_id}"' in content


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_anonymous_people_are_sent_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(f"/login/?next={url}")


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_leadership_who_may_not_open_the_reviews_list_are_refused(client, leadership, url):
    client.force_login(leadership)

    assert client.get(url).status_code == 403


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        else:
            assert response.content
    return len(queries)


def _make_reviews(count, version, cycle):
    for _ in range(count):
        review = _answered_review(version)
        review.cycle = cycle
        review.case.team = TeamFactory()
        review.save()
        ActionFactory(review=review)
        EscalationFactory(review=review)
        theme = PracticeTheme.objects.get_or_create(name="Planning")[0]
        ReviewTheme.objects.create(review=review, theme=theme, kind=ReviewTheme.Kind.STRENGTH)


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_the_number_of_queries_does_not_grow_with_the_rows(client, qa_manager, url):
    version = published_version(questions=6, sections=3)
    cycle = CycleFactory()
    client.force_login(qa_manager)
    _make_reviews(5, version, cycle)
    few = _queries(client, url)

    _make_reviews(25, version, cycle)
    many = _queries(client, url)

    assert few == many
