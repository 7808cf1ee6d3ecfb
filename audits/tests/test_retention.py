"""Retention (issue 8, point 5): free text past the period deleted, case references anonymised
when nothing newer is left, figures unchanged; a dry run that changes nothing; idempotent."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command

from audits.models import Case, Cycle
from audits.services.retention import retention_apply, retention_cutoff
from audits.tests.factories import CaseFactory, CycleFactory
from feedback.models import FamilyFeedback
from feedback.tests.factories import (
    ComplaintComplimentFactory,
    FamilyFeedbackOnCaseFactory,
    IROFeedbackFactory,
    PractitionerFeedbackFactory,
)
from qaf.jobs import JOBS_BY_NAME
from reporting.figures import cycle_figures
from reviews.models import Action, Answer, Escalation, Review
from reviews.tests.factories import (
    ActionFactory,
    AnswerFactory,
    EscalationFactory,
    submitted_review,
)

TODAY = datetime.date(2026, 11, 23)  # with 72 months, the cut-off is 23 November 2020
TEXT = "The child said she felt safe at her nan's."


@pytest.fixture
def old_cycle(db):
    return CycleFactory(
        name="Spring 2019",
        status=Cycle.Status.CLOSED,
        review_starts_on=datetime.date(2019, 3, 1),
        review_ends_on=datetime.date(2019, 3, 15),
        reporting_ends_on=datetime.date(2019, 3, 29),
    )


@pytest.fixture
def new_cycle(db):
    return CycleFactory(
        name="Autumn 2026",
        status=Cycle.Status.REVIEW,
        review_starts_on=datetime.date(2026, 11, 1),
        review_ends_on=datetime.date(2026, 11, 14),
        reporting_ends_on=datetime.date(2026, 11, 28),
    )


def _review(cycle, case=None, grade="good", **fields) -> Review:
    review = submitted_review(
        cycle=cycle,
        grade=grade,
        working_well=TEXT,
        grade_rationale=TEXT,
        moderation_rationale=TEXT,
        **({"case": case} if case else {}),
        **fields,
    )
    AnswerFactory(review=review, text=TEXT)
    return review


@pytest.fixture
def world(old_cycle, new_cycle):
    """An old case with only old records, a case with an old and a new review, a new case."""
    old_case = CaseFactory(reference="CMS-2019-1")
    mixed_case = CaseFactory(reference="CMS-MIXED")
    old = _review(old_cycle, old_case, grade="inadequate")
    EscalationFactory(review=old, safety_assurance=TEXT, mitigation=TEXT)
    ActionFactory(review=old, description=TEXT, evidence=TEXT)
    PractitionerFeedbackFactory(review=old, what_helped=TEXT)
    IROFeedbackFactory(case=old_case, meeting_on=datetime.date(2019, 2, 1), child_words=TEXT)
    ComplaintComplimentFactory(case=old_case, received_on=datetime.date(2019, 1, 5), outcome=TEXT)
    with time_machine.travel(datetime.datetime(2019, 2, 2, 12, tzinfo=datetime.UTC)):
        FamilyFeedbackOnCaseFactory(case=old_case, went_well=TEXT)
    mixed_old = _review(old_cycle, mixed_case)
    _review(new_cycle, mixed_case)
    new = _review(new_cycle)
    return {"old": old, "mixed_old": mixed_old, "new": new, "old_case": old_case}


def test_the_default_period_is_six_years_and_counts_back_from_today(settings):
    assert settings.QAF_RETENTION_MONTHS == 72
    assert retention_cutoff(today=TODAY) == datetime.date(2020, 11, 23)


def test_the_run_deletes_old_free_text_and_keeps_grades_statuses_and_dates(world):
    result = retention_apply(today=TODAY)

    old = Review.objects.get(pk=world["old"].pk)
    assert (old.working_well, old.grade_rationale, old.moderation_rationale) == ("", "", "")
    assert (old.grade, old.final_grade, old.status) == ("inadequate", "inadequate", "submitted")
    assert old.submitted_at is not None
    assert Answer.objects.get(review=old).text == ""
    assert Answer.objects.get(review=old).grade == "good"
    escalation = Escalation.objects.get(review=old)
    assert (escalation.safety_assurance, escalation.mitigation) == ("", "")
    assert Action.objects.get(review=old).description == ""
    assert old.practitioner_feedback.what_helped == ""
    assert world["old_case"].iro_feedback.get().child_words == ""
    assert world["old_case"].complaints_compliments.get().outcome == ""
    assert FamilyFeedback.objects.get(case=world["old_case"]).went_well == ""
    assert result.counts["reviews"] == 2  # the old case's and the mixed case's old review
    assert result.counts["answers"] == 2


def test_the_run_leaves_records_inside_the_period_untouched(world):
    retention_apply(today=TODAY)

    new = Review.objects.get(pk=world["new"].pk)
    assert new.working_well == TEXT
    assert Answer.objects.get(review=new).text == TEXT
    assert new.case.reference.startswith("CMS-")


def test_only_a_case_with_nothing_newer_is_anonymised(world):
    result = retention_apply(today=TODAY)

    old_case = Case.objects.get(pk=world["old_case"].pk)
    assert old_case.reference == f"ANON-{old_case.pk}"
    assert Case.objects.get(reference="CMS-MIXED")  # a newer review keeps the reference
    assert result.case_ids == [old_case.pk]


def test_access_records_of_an_anonymised_case_lose_their_copy_of_the_reference(world, reviewer):
    from audit.models import AccessRecord

    old_case = world["old_case"]
    seen = AccessRecord.objects.create(
        user=reviewer, case=old_case, case_reference=old_case.reference, page="review", object_id=1
    )
    kept = AccessRecord.objects.create(
        user=reviewer, case=world["new"].case, case_reference="CMS-KEPT", page="review", object_id=2
    )

    retention_apply(today=TODAY)

    seen.refresh_from_db()
    kept.refresh_from_db()
    assert seen.case_reference == f"ANON-{old_case.pk}"
    assert kept.case_reference == "CMS-KEPT"


def test_the_figures_of_the_old_cycle_are_the_same_after(world, old_cycle):
    before = cycle_figures(cycle=old_cycle)

    retention_apply(today=TODAY)

    assert cycle_figures(cycle=Cycle.objects.get(pk=old_cycle.pk)) == before


def test_a_dry_run_lists_what_it_would_do_and_changes_nothing(world):
    texts = sorted(Review.objects.values_list("working_well", flat=True))
    references = sorted(Case.objects.values_list("reference", flat=True))

    result = retention_apply(dry_run=True, today=TODAY)

    assert result.dry_run
    assert result.counts["reviews"] == 2
    assert result.counts["escalations"] == 1
    assert result.counts["family feedback"] == 1
    assert result.case_ids == [world["old_case"].pk]
    assert sorted(Review.objects.values_list("working_well", flat=True)) == texts
    assert sorted(Case.objects.values_list("reference", flat=True)) == references
    assert str(result).startswith("Would change records older than 23 November 2020")


def test_a_second_run_changes_nothing(world):
    retention_apply(today=TODAY)

    again = retention_apply(today=TODAY)

    assert str(again) == "Nothing older than 23 November 2020 is left to anonymise."
    assert again.changed == 0
    assert set(again.counts.values()) == {0}
    assert again.case_ids == []


def test_a_shorter_period_reaches_newer_records(world, settings):
    settings.QAF_RETENTION_MONTHS = 0  # everything that has ended before today

    result = retention_apply(today=datetime.date(2027, 1, 1))

    assert Review.objects.get(pk=world["new"].pk).working_well == ""
    assert Case.objects.get(pk=world["new"].case_id).reference.startswith("ANON-")
    assert result.counts["reviews"] == 4


@time_machine.travel(datetime.datetime(2026, 11, 23, 12, tzinfo=datetime.UTC))
def test_the_command_dry_run_prints_counts_and_case_ids_and_changes_nothing(world):
    out = io.StringIO()

    call_command("apply_retention", "--dry-run", stdout=out)

    text = out.getvalue()
    assert "Would change records older than 23 November 2020" in text
    assert "  reviews: 2" in text
    assert f"cases to anonymise (ids): {world['old_case'].pk}" in text
    assert Case.objects.filter(reference="CMS-2019-1").exists()


@time_machine.travel(datetime.datetime(2026, 11, 23, 12, tzinfo=datetime.UTC))
def test_the_command_applies_it(world):
    out = io.StringIO()

    call_command("apply_retention", stdout=out)

    assert "cases anonymised (ids)" in out.getvalue()
    assert not Case.objects.filter(reference="CMS-2019-1").exists()


@time_machine.travel(datetime.datetime(2026, 11, 23, 12, tzinfo=datetime.UTC))
def test_the_weekly_job_applies_it_and_says_what_it_did(world):
    job = JOBS_BY_NAME["apply-retention"]

    summary = job.call()

    assert summary.startswith("Changed records older than 23 November 2020")
    assert job.schedule.day_of_week == {0}  # Sunday
    assert job.call() == 0  # "Nothing was due." on the Jobs page


def test_an_unreviewed_case_is_left_alone(db):
    CaseFactory(reference="CMS-NEVER-REVIEWED")

    assert retention_apply(today=TODAY).case_ids == []
