"""The complaints and compliments log's services, selector and CSV export."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.permissions import can
from accounts.tests.factories import TeamFactory
from audits.tests.factories import CaseFactory
from feedback.complaints import (
    complaint_record,
    complaint_update,
    complaints_csv_rows,
    complaints_visible_to,
    complaints_write_csv,
    csv_safe,
)
from feedback.models import ComplaintCompliment
from feedback.tests.factories import ComplaintComplimentFactory, FeedbackThemeFactory


@pytest.fixture
def team(service_area):
    return TeamFactory(service_area=service_area, name="CIN Team North")


def _record(team, actor, **overrides):
    arguments = {
        "kind": "complaint",
        "received_on": timezone.localdate(),
        "from_whom": "parent",
        "service_area": team.service_area,
        "team": team,
        "summary": "  Visits were cancelled at short notice.  ",
        "actor": actor,
    }
    return complaint_record(**{**arguments, **overrides})


def test_a_complaint_is_recorded_with_its_themes_and_who_logged_it(team, qa_manager):
    theme = FeedbackThemeFactory(name="Timeliness")
    case = CaseFactory(team=team)

    entry = _record(team, qa_manager, case=case, themes=[theme], outcome="Upheld")

    entry.refresh_from_db()
    assert entry.summary == "Visits were cancelled at short notice."
    assert entry.case == case
    assert list(entry.themes.all()) == [theme]
    assert entry.outcome == "Upheld"
    assert entry.recorded_by == qa_manager


def test_a_date_received_in_the_future_is_refused(team, qa_manager):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as refused:
        _record(team, qa_manager, received_on=tomorrow)

    assert "received_on" in refused.value.message_dict
    assert not ComplaintCompliment.objects.exists()


def test_a_team_of_another_service_is_refused(team, qa_manager, other_service_area):
    with pytest.raises(ValidationError) as refused:
        _record(team, qa_manager, service_area=other_service_area)

    assert "team" in refused.value.message_dict


def test_a_case_of_another_service_is_refused(team, qa_manager, other_service_area):
    elsewhere = CaseFactory(team=TeamFactory(service_area=other_service_area))

    with pytest.raises(ValidationError) as refused:
        _record(team, qa_manager, case=elsewhere)

    assert "case_reference" in refused.value.message_dict


def test_an_empty_summary_is_refused(team, qa_manager):
    with pytest.raises(ValidationError):
        _record(team, qa_manager, summary="   ")


def test_an_entry_is_updated_with_its_outcome_learning_and_themes(team, qa_manager):
    entry = ComplaintComplimentFactory(team=team, themes=[FeedbackThemeFactory(name="Respect")])
    communication = FeedbackThemeFactory(name="Communication")

    complaint_update(
        entry=entry,
        themes=[communication],
        outcome="Partly upheld",
        learning="Tell families when a visit moves.",
        actor=qa_manager,
    )

    entry.refresh_from_db()
    assert entry.outcome == "Partly upheld"
    assert entry.learning == "Tell families when a visit moves."
    assert list(entry.themes.all()) == [communication]


def test_an_update_is_validated_like_a_new_entry(team, qa_manager):
    entry = ComplaintComplimentFactory(team=team)

    with pytest.raises(ValidationError):
        complaint_update(
            entry=entry,
            themes=[],
            received_on=timezone.localdate() + datetime.timedelta(days=3),
            actor=qa_manager,
        )


def test_a_field_that_is_not_editable_is_a_programming_error(team, qa_manager):
    entry = ComplaintComplimentFactory(team=team)

    with pytest.raises(TypeError):
        complaint_update(entry=entry, themes=[], recorded_by=qa_manager, actor=qa_manager)


# Who reads what.


def test_the_qa_manager_reads_every_service_areas_entries(
    qa_manager, service_area, other_service_area
):
    mine = ComplaintComplimentFactory(team=TeamFactory(service_area=service_area))
    theirs = ComplaintComplimentFactory(team=TeamFactory(service_area=other_service_area))

    assert set(complaints_visible_to(qa_manager)) == {mine, theirs}


@pytest.mark.parametrize("person", ["service_manager", "head_of_service"])
def test_managers_read_only_their_own_areas_entries(
    request, person, service_area, other_service_area
):
    mine = ComplaintComplimentFactory(team=TeamFactory(service_area=service_area))
    ComplaintComplimentFactory(team=TeamFactory(service_area=other_service_area))

    assert list(complaints_visible_to(request.getfixturevalue(person))) == [mine]


@pytest.mark.parametrize("person", ["reviewer", "practitioner", "moderator", "leadership"])
def test_other_roles_read_no_entries(request, person, service_area):
    ComplaintComplimentFactory(team=TeamFactory(service_area=service_area))

    assert not complaints_visible_to(request.getfixturevalue(person)).exists()


# CSV export.


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("A fair complaint = upheld", "A fair complaint = upheld"),
        ("", ""),
    ],
)
def test_a_cell_that_a_spreadsheet_would_run_as_a_formula_is_quoted(cell, written):
    assert csv_safe(cell) == written


def test_the_csv_has_a_header_and_a_row_per_entry_without_case_details(team):
    case = CaseFactory(team=team, reference="CMS-555001")
    entry = ComplaintComplimentFactory(
        team=team,
        case=case,
        kind="compliment",
        from_whom="carer",
        summary="=cmd|' /C calc'!A0",
        themes=[FeedbackThemeFactory(name="Respect"), FeedbackThemeFactory(name="Communication")],
        outcome="Shared with the team",
    )

    header, row = list(complaints_csv_rows(ComplaintCompliment.objects.all()))

    assert header[0] == "Kind"
    assert "Case reference" in header
    assert row == [
        "Compliment",
        entry.received_on.isoformat(),
        "Carer",
        team.service_area.name,
        "CIN Team North",
        "CMS-555001",
        "'=cmd|' /C calc'!A0",
        "Communication; Respect",
        "Shared with the team",
        "",
    ]
    assert "Child in Need plan" not in ",".join(row)  # the case type: a case detail


def test_the_csv_is_written_as_comma_separated_text(team):
    ComplaintComplimentFactory(team=team, summary="Late, and then cancelled")
    out = io.StringIO()

    complaints_write_csv(ComplaintCompliment.objects.all(), out)

    assert '"Late, and then cancelled"' in out.getvalue()
    assert len(out.getvalue().splitlines()) == 2


# The rules.


def test_the_reading_rule_follows_the_entrys_service_area(
    service_manager, head_of_service, qa_manager, service_area, other_service_area
):
    mine = ComplaintComplimentFactory(team=TeamFactory(service_area=service_area))
    theirs = ComplaintComplimentFactory(team=TeamFactory(service_area=other_service_area))

    for person in (service_manager, head_of_service):
        assert can(person, "feedback.complaints", mine)
        assert not can(person, "feedback.complaints", theirs)
    assert can(qa_manager, "feedback.complaints", theirs)


@pytest.mark.parametrize("rule", ["feedback.complaints_record", "feedback.themes"])
def test_only_the_qa_manager_records_entries_and_manages_themes(
    rule, qa_manager, service_manager, head_of_service, reviewer, leadership
):
    assert can(qa_manager, rule)
    for person in (service_manager, head_of_service, reviewer, leadership):
        assert not can(person, rule)
