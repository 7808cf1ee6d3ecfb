"""The case import: `cases_import()` and `manage.py import_cases`."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts import importers
from accounts.tests.factories import ServiceAreaFactory, TeamFactory, UserFactory
from audits.models import Case, LegalStatus
from audits.services.cases import cases_import
from audits.tests.factories import CaseFactory
from qaf import csvimport
from qaf.csvimport import ImportFailed

HEADER = "case_reference,service,team,practitioner_email,case_type,opened_on,closed_on\n"


@pytest.fixture
def organisation(db):
    cin = ServiceAreaFactory(name="Children in Need")
    cp = ServiceAreaFactory(name="Child Protection")
    teams = {
        "CIN Team 1": TeamFactory(service_area=cin, name="CIN Team 1"),
        "CP Team 2": TeamFactory(service_area=cp, name="CP Team 2"),
    }
    practitioner = UserFactory(email="amira.khan@example.org")
    return {"cin": cin, "cp": cp, "teams": teams, "practitioner": practitioner}


GOOD = (
    HEADER + "CMS-1001,Children in Need,CIN Team 1,Amira.Khan@Example.org,Child in Need plan,"
    "2025-03-01,\n"
    "CMS-1002,Child Protection,CP Team 2,,Child Protection plan: neglect,15/04/2025,\n"
    "CMS-1003,Children in Need,CIN Team 1,,Child in Need plan,2024-01-10,2025-06-30\n"
)


def run(text: str):
    return cases_import(rows=io.StringIO(text, newline=""), actor=None)


def errors_of(text: str) -> list[str]:
    with pytest.raises(ImportFailed) as raised:
        run(text)
    return [str(error) for error in raised.value.errors]


def snapshot() -> list[tuple]:
    return list(Case.objects.order_by("pk").values_list())


# A good file


def test_a_good_file_creates_each_case_with_its_service_team_and_dates(organisation):
    summary = run(GOOD)

    assert (summary.created, summary.updated, summary.unchanged) == (3, 0, 0)
    first = Case.objects.get(reference="CMS-1001")
    assert first.service_area == organisation["cin"]
    assert first.team == organisation["teams"]["CIN Team 1"]
    assert first.opened_on == datetime.date(2025, 3, 1)
    assert first.closed_on is None
    assert Case.objects.get(reference="CMS-1003").closed_on == datetime.date(2025, 6, 30)


def test_dates_are_read_as_iso_or_as_day_month_year(organisation):
    run(GOOD)

    assert Case.objects.get(reference="CMS-1002").opened_on == datetime.date(2025, 4, 15)


def test_the_practitioner_is_matched_by_email_in_any_case(organisation):
    run(GOOD)

    assert Case.objects.get(reference="CMS-1001").practitioner == organisation["practitioner"]
    assert Case.objects.get(reference="CMS-1002").practitioner is None


def test_the_legal_status_is_derived_from_the_case_type(organisation):
    run(GOOD)

    statuses = dict(Case.objects.values_list("reference", "legal_status"))
    assert statuses["CMS-1001"] == LegalStatus.CHILD_IN_NEED
    assert statuses["CMS-1002"] == LegalStatus.CHILD_PROTECTION


def test_the_columns_may_come_in_any_order_and_any_case(organisation):
    text = (
        "Opened_On,Team,Case Reference,Service,Case_Type,Closed_On,Practitioner_Email\n"
        "2025-03-01,CIN Team 1,CMS-2001,Children in Need,Section 20,,\n"
    )

    run(text)

    case = Case.objects.get(reference="CMS-2001")
    assert case.team.name == "CIN Team 1"
    assert case.legal_status == LegalStatus.CHILD_IN_CARE


def test_the_optional_columns_may_be_left_out(organisation):
    run(
        "case_reference,service,team,case_type,opened_on\n"
        "CMS-1,Children in Need,CIN Team 1,,2025-01-01\n"
    )

    case = Case.objects.get(reference="CMS-1")
    assert case.practitioner is None
    assert case.closed_on is None
    assert case.legal_status == LegalStatus.OTHER


def test_service_and_team_names_match_in_any_case(organisation):
    run(HEADER + "CMS-1,children in need,cin team 1,,,2025-01-01,\n")

    assert Case.objects.get(reference="CMS-1").team == organisation["teams"]["CIN Team 1"]


def test_blank_lines_and_empty_rows_are_skipped(organisation):
    run(HEADER + "\n,,,,,,\nCMS-1,Children in Need,CIN Team 1,,,2025-01-01,\n\n")

    assert Case.objects.count() == 1


def test_an_unknown_practitioner_email_imports_the_case_without_one_and_says_so(organisation):
    summary = run(HEADER + "CMS-1,Children in Need,CIN Team 1,left@example.org,,2025-01-01,\n")

    assert Case.objects.get(reference="CMS-1").practitioner is None
    assert summary.unknown_practitioners == {"left@example.org": 2}
    assert "1 practitioner email(s) match no one in QAF" in str(summary)


# Importing again


def test_importing_the_same_file_again_changes_nothing_and_duplicates_nothing(organisation):
    run(GOOD)
    before = snapshot()

    summary = run(GOOD)

    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 3)
    assert snapshot() == before


def test_a_changed_row_updates_the_case_in_place(organisation):
    run(GOOD)
    case = Case.objects.get(reference="CMS-1002")
    unchanged = Case.objects.get(reference="CMS-1001")
    changed = GOOD.replace(
        "CMS-1002,Child Protection,CP Team 2,,Child Protection plan: neglect,15/04/2025,",
        "CMS-1002,Children in Need,CIN Team 1,amira.khan@example.org,Child in Need plan,"
        "15/04/2025,2025-09-01",
    )

    summary = run(changed)

    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 2)
    case.refresh_from_db()
    assert case.team == organisation["teams"]["CIN Team 1"]
    assert case.service_area == organisation["cin"]
    assert case.practitioner == organisation["practitioner"]
    assert case.legal_status == LegalStatus.CHILD_IN_NEED
    assert case.closed_on == datetime.date(2025, 9, 1)
    assert case.updated_at > case.created_at
    assert Case.objects.get(reference="CMS-1001").updated_at == unchanged.updated_at
    assert Case.objects.count() == 3


def test_cases_missing_from_a_later_file_are_kept(organisation):
    CaseFactory(reference="CMS-OLD", team=organisation["teams"]["CP Team 2"])

    run(GOOD)

    assert Case.objects.filter(reference="CMS-OLD").exists()


# Data minimisation


@pytest.mark.parametrize(
    "column",
    ["name", "child_name", "first_name", "surname", "dob", "date_of_birth", "Child Name", "DOB"],
)
def test_a_file_with_a_column_like_a_childs_name_is_refused_whole(organisation, column):
    text = f"case_reference,service,team,case_type,opened_on,{column}\n"
    text += "CMS-1,Children in Need,CIN Team 1,,2025-01-01,Alex\n"

    [error] = errors_of(text)

    assert error.startswith("line 1: ")
    assert "never a child's name" in error
    assert "data minimisation" in error
    assert Case.objects.count() == 0


def test_columns_that_merely_contain_a_name_like_word_are_not_mistaken(organisation):
    assert errors_of("case_reference,service,team,case_type,opened_on,team_name\n") == [
        "line 1: unknown column(s): team_name; expected case_reference, service, team, "
        "practitioner_email, case_type, opened_on, closed_on."
    ]


# A bad file: every error with its line number, nothing applied


def test_a_bad_file_reports_every_bad_row_with_its_line_number_and_imports_nothing(organisation):
    text = GOOD + (
        "CMS-1004,Fostering,Team A,,,2025-01-01,\n"  # line 5
        "CMS-1005,Children in Need,CIN Team 1,,,2025-13-01,\n"  # line 6
        "CMS-1006,Children in Need,CIN Team 1,,,2025-01-01,\n"  # line 7: fine
        ",Children in Need,CIN Team 1,,,2025-01-01,\n"  # line 8
    )

    errors = errors_of(text)

    assert [error.split(":")[0] for error in errors] == ["line 5", "line 6", "line 8"]
    assert "unknown service 'Fostering'" in errors[0]
    assert "opened_on '2025-13-01' is not a date" in errors[1]
    assert "case_reference is blank" in errors[2]
    assert Case.objects.count() == 0


def test_a_bad_re_import_leaves_every_case_as_it_was(organisation):
    run(GOOD)
    before = snapshot()
    bad = GOOD.replace("CIN Team 1,,Child in Need plan,2024", "CIN Team 9,,Child in Need plan,2024")

    errors_of(bad.replace("2025-03-01", "2020-01-01"))

    assert snapshot() == before


def test_an_unknown_service_names_the_known_ones(organisation):
    [error] = errors_of(HEADER + "CMS-1,Fostering,Team A,,,2025-01-01,\n")

    assert error == (
        "line 2: unknown service 'Fostering'; QAF's service areas are Child Protection, "
        "Children in Need."
    )


def test_an_unknown_team_is_reported(organisation):
    [error] = errors_of(HEADER + "CMS-1,Children in Need,CIN Team 9,,,2025-01-01,\n")

    assert error == "line 2: team 'CIN Team 9' is unknown in Children in Need."


def test_a_team_of_another_service_is_reported_with_its_service(organisation):
    [error] = errors_of(HEADER + "CMS-1,Children in Need,CP Team 2,,,2025-01-01,\n")

    assert error == "line 2: team 'CP Team 2' belongs to Child Protection, not Children in Need."


def test_a_reference_twice_in_the_file_is_reported_on_its_second_line(organisation):
    errors = errors_of(
        HEADER
        + "CMS-1,Children in Need,CIN Team 1,,,2025-01-01,\n"
        + "CMS-1,Children in Need,CIN Team 1,,,2025-01-02,\n"
    )

    assert errors == ["line 3: case reference 'CMS-1' is also on line 2."]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ("CMS-1,,CIN Team 1,,,2025-01-01,", "service is blank."),
        ("CMS-1,Children in Need,,,,2025-01-01,", "team is blank."),
        ("CMS-1,Children in Need,CIN Team 1,,,,", "opened_on is blank."),
        (
            "CMS-1,Children in Need,CIN Team 1,,,01-02-2025,",
            "opened_on '01-02-2025' is not a date; write YYYY-MM-DD or DD/MM/YYYY.",
        ),
        (
            "CMS-1,Children in Need,CIN Team 1,,,2025-01-01,31/02/2025",
            "closed_on '31/02/2025' is not a date; write YYYY-MM-DD or DD/MM/YYYY.",
        ),
        (
            "CMS-1,Children in Need,CIN Team 1,,,2025-02-01,2025-01-01",
            "closed_on 01/01/2025 is before opened_on 01/02/2025.",
        ),
        (
            "CMS-1,Children in Need,CIN Team 1,not-an-email,,2025-01-01,",
            "practitioner_email 'not-an-email' is not a valid email address.",
        ),
        ("X" * 51 + ",Children in Need,CIN Team 1,,,2025-01-01,", "longer than 50 characters"),
        ("CMS-1,Children in Need,CIN Team 1,,,2025-01-01,,extra", "more values than columns"),
    ],
)
def test_each_bad_value_is_reported_with_its_reason(organisation, values, message):
    [error] = errors_of(HEADER + values + "\n")

    assert error.startswith("line 2: ")
    assert message in error


def test_a_row_with_several_problems_reports_each(organisation):
    errors = errors_of(HEADER + "CMS-1,Nowhere,,,,yesterday,\n")

    assert errors == [
        "line 2: team is blank.",
        "line 2: opened_on 'yesterday' is not a date; write YYYY-MM-DD or DD/MM/YYYY.",
    ]


def test_line_numbers_count_the_lines_of_a_value_that_spans_lines(organisation):
    text = (
        HEADER + 'CMS-1,Children in Need,CIN Team 1,,"Child in Need\nplan",2025-01-01,\n'
        "CMS-2,Nowhere,CIN Team 1,,,2025-01-01,\n"
    )

    [error] = errors_of(text)

    assert error.startswith("line 4: unknown service 'Nowhere'")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("", "line 1: the file is empty; the first line must name the columns."),
        (
            "case_reference,service,opened_on\n",
            "line 1: missing column(s): team, case_type.",
        ),
        (
            "case_reference,service,team,case_type,opened_on,postcode\n",
            "line 1: unknown column(s): postcode; expected case_reference, service, team, "
            "practitioner_email, case_type, opened_on, closed_on.",
        ),
        (
            "case_reference,service,team,team,case_type,opened_on\n",
            "line 1: column(s) named twice: team.",
        ),
    ],
)
def test_a_bad_header_is_reported_on_line_1(organisation, header, message):
    assert message in errors_of(header)


# The shared CSV helpers


def test_the_staff_import_and_the_case_import_share_one_error_type():
    assert importers.ImportFailed is csvimport.ImportFailed
    assert importers.RowError is csvimport.RowError


# The command


def write(tmp_path: Path, text: str, *, bom: bool = False) -> Path:
    path = tmp_path / "cases.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode())
    return path


def test_the_command_imports_a_file_saved_by_excel_with_a_byte_order_mark(organisation, tmp_path):
    out = io.StringIO()

    call_command("import_cases", str(write(tmp_path, GOOD, bom=True)), stdout=out)

    assert "3 cases created, 0 updated, 0 unchanged." in out.getvalue()
    assert Case.objects.count() == 3


def test_the_command_lists_unknown_practitioners(organisation, tmp_path):
    out = io.StringIO()
    text = HEADER + "CMS-1,Children in Need,CIN Team 1,left@example.org,,2025-01-01,\n"

    call_command("import_cases", str(write(tmp_path, text)), stdout=out)

    assert "line 2: no one in QAF has the email left@example.org." in out.getvalue()


def test_the_command_reports_every_error_and_imports_nothing(organisation, tmp_path):
    text = GOOD + "CMS-9,Nowhere,CIN Team 1,,,2025-01-01,\n"

    with pytest.raises(CommandError) as raised:
        call_command("import_cases", str(write(tmp_path, text)))

    assert "Nothing was imported" in str(raised.value)
    assert "line 5: unknown service 'Nowhere'" in str(raised.value)
    assert Case.objects.count() == 0


def test_the_command_explains_a_file_that_is_not_utf8(organisation, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_bytes(HEADER.encode() + "CMS-1,Sérvice\n".encode("latin-1"))

    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_cases", str(path))


def test_the_command_explains_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_cases", str(tmp_path / "missing.csv"))


def test_the_sample_file_in_the_docs_imports_after_the_sample_staff_file(db):
    samples = Path(__file__).resolve().parents[2] / "docs" / "samples"
    call_command("import_organisation", str(samples / "staff.csv"), stdout=io.StringIO())
    out = io.StringIO()

    call_command("import_cases", str(samples / "cases.csv"), stdout=out)

    assert "5 cases created" in out.getvalue()
    assert Case.objects.filter(practitioner__email="amira.khan@example.org").count() == 2
