"""The organisation import: `manage.py import_organisation` and `organisation_import()`."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.importers import ImportFailed, organisation_import
from accounts.models import Role, RoleMembership, ServiceArea, Team, User
from accounts.tests.factories import TeamFactory, UserFactory

HEADER = "service_area,team,email,first_name,last_name,job_title,roles\n"

GOOD = (
    HEADER + "Children in Need,CIN Team 1,amira.khan@example.org,Amira,Khan,Social Worker,"
    "Practitioner\n"
    "Children in Need,CIN Team 1,joe.bloggs@example.org,Joe,Bloggs,Team Manager,Reviewer\n"
    "Children in Need,,sara.lee@example.org,Sara,Lee,Service Manager,Service Manager; Moderator\n"
    "Child Protection,,sara.lee@example.org,Sara,Lee,Service Manager,Moderator\n"
    "Child Protection,CP Team 2,,,,,\n"
    "Quality Assurance,QA and Practice,qa.manager@example.org,Priya,Shah,QA Manager,QA Manager\n"
    "Quality Assurance,,director@example.org,Dana,Reid,Director,Leadership\n"
)

MODELS = (ServiceArea, Team, User, RoleMembership)


def write(tmp_path: Path, text: str, name: str = "staff.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def run_import(path: Path) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import_organisation", str(path), stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, list[tuple]]:
    return {model.__name__: list(model.objects.order_by("pk").values_list()) for model in MODELS}


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def roles_of(email: str) -> set[tuple[str, str | None]]:
    return {
        (m.role, m.service_area.name if m.service_area_id else None)
        for m in RoleMembership.objects.filter(user__email=email).select_related("service_area")
    }


def import_error(path: Path) -> str:
    with pytest.raises(CommandError) as raised:
        run_import(path)
    return str(raised.value)


# A good file


@pytest.mark.django_db
def test_a_good_file_creates_the_service_areas_and_teams_it_names(tmp_path):
    run_import(write(tmp_path, GOOD))

    assert set(ServiceArea.objects.values_list("name", flat=True)) == {
        "Children in Need",
        "Child Protection",
        "Quality Assurance",
    }
    assert set(Team.objects.values_list("service_area__name", "name")) == {
        ("Children in Need", "CIN Team 1"),
        ("Child Protection", "CP Team 2"),
        ("Quality Assurance", "QA and Practice"),
    }


@pytest.mark.django_db
def test_a_good_file_creates_each_person_once_with_their_details_and_team(tmp_path):
    run_import(write(tmp_path, GOOD))

    assert User.objects.count() == 5
    amira = User.objects.get(email="amira.khan@example.org")
    assert (amira.first_name, amira.last_name, amira.job_title) == (
        "Amira",
        "Khan",
        "Social Worker",
    )
    assert (amira.team.service_area.name, amira.team.name) == ("Children in Need", "CIN Team 1")
    assert User.objects.get(email="sara.lee@example.org").team is None


@pytest.mark.django_db
def test_imported_people_have_no_usable_password_until_they_set_one(tmp_path):
    run_import(write(tmp_path, GOOD))

    assert not User.objects.get(email="amira.khan@example.org").has_usable_password()


@pytest.mark.django_db
def test_scoped_roles_apply_to_the_rows_service_area(tmp_path):
    run_import(write(tmp_path, GOOD))

    assert roles_of("amira.khan@example.org") == {(Role.PRACTITIONER, "Children in Need")}
    assert roles_of("joe.bloggs@example.org") == {(Role.REVIEWER, "Children in Need")}


@pytest.mark.django_db
def test_qa_manager_and_leadership_are_organisation_wide_whatever_the_rows_service_area(
    tmp_path,
):
    run_import(write(tmp_path, GOOD))

    assert roles_of("qa.manager@example.org") == {(Role.QA_MANAGER, None)}
    assert roles_of("director@example.org") == {(Role.LEADERSHIP, None)}


@pytest.mark.django_db
def test_a_person_on_two_rows_holds_moderator_in_both_service_areas(tmp_path):
    run_import(write(tmp_path, GOOD))

    assert User.objects.filter(email="sara.lee@example.org").count() == 1
    assert roles_of("sara.lee@example.org") == {
        (Role.SERVICE_MANAGER, "Children in Need"),
        (Role.MODERATOR, "Children in Need"),
        (Role.MODERATOR, "Child Protection"),
    }
    assert (
        RoleMembership.objects.filter(user__email="sara.lee@example.org", role="moderator").count()
        == 2
    )


@pytest.mark.django_db
def test_roles_may_be_written_as_labels_or_codes_in_any_case(tmp_path):
    text = HEADER + "Children in Need,,a@example.org,Ann,Able,,service_manager; HEAD OF SERVICE\n"

    run_import(write(tmp_path, text))

    assert roles_of("a@example.org") == {
        (Role.SERVICE_MANAGER, "Children in Need"),
        (Role.HEAD_OF_SERVICE, "Children in Need"),
    }


@pytest.mark.django_db
def test_the_command_reports_what_it_created(tmp_path):
    output = run_import(write(tmp_path, GOOD))

    assert "3 service areas and 3 teams created" in output
    assert "5 people created, 0 updated" in output
    assert "7 role memberships added, 0 removed" in output


@pytest.mark.django_db
def test_the_sample_file_in_the_docs_imports():
    sample = Path(__file__).resolve().parents[2] / "docs" / "samples" / "staff.csv"

    run_import(sample)

    assert User.objects.count() == 4
    assert roles_of("sara.lee@example.org") == {
        (Role.SERVICE_MANAGER, "Children in Need"),
        (Role.MODERATOR, "Children in Need"),
        (Role.MODERATOR, "Child Protection"),
    }


@pytest.mark.django_db
def test_a_file_saved_by_excel_with_a_byte_order_mark_and_crlf_line_ends_imports(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(("\ufeff" + GOOD).replace("\n", "\r\n").encode("utf-8"))

    run_import(path)

    assert User.objects.count() == 5


@pytest.mark.django_db
def test_importing_rows_directly_returns_a_summary_and_records_who_granted_the_roles():
    actor = UserFactory()

    summary = organisation_import(rows=GOOD.splitlines(keepends=True), actor=actor)

    assert (summary.service_areas_created, summary.teams_created) == (3, 3)
    assert (summary.people_created, summary.roles_added) == (5, 7)
    assert set(RoleMembership.objects.values_list("granted_by", flat=True)) == {actor.pk}


# Re-running a file


@pytest.mark.django_db
def test_importing_a_good_file_twice_leaves_exactly_the_same_data(tmp_path):
    path = write(tmp_path, GOOD)
    run_import(path)
    before = snapshot()

    run_import(path)

    assert snapshot() == before


@pytest.mark.django_db
def test_the_second_import_of_the_same_file_reports_that_nothing_was_created(tmp_path):
    path = write(tmp_path, GOOD)
    run_import(path)

    output = run_import(path)

    assert "0 service areas and 0 teams created; 0 people created, 0 updated; " in output
    assert "0 role memberships added, 0 removed." in output


@pytest.mark.django_db
def test_re_importing_with_changed_names_team_and_roles_updates_the_person_in_place(tmp_path):
    run_import(write(tmp_path, GOOD))
    amira = User.objects.get(email="amira.khan@example.org")
    changed = (
        HEADER + "Children in Need,CIN Team 2,amira.khan@example.org,Amira,Khan-Jones,"
        "Senior Social Worker,Reviewer\n"
    )

    output = run_import(write(tmp_path, changed, "changed.csv"))

    assert User.objects.filter(email__iexact="amira.khan@example.org").count() == 1
    amira.refresh_from_db()
    assert (amira.last_name, amira.job_title, amira.team.name) == (
        "Khan-Jones",
        "Senior Social Worker",
        "CIN Team 2",
    )
    assert roles_of("amira.khan@example.org") == {(Role.REVIEWER, "Children in Need")}
    assert "0 people created, 1 updated; 1 role memberships added, 1 removed." in output


@pytest.mark.django_db
def test_a_role_removed_from_the_file_is_removed_from_the_person(tmp_path):
    run_import(write(tmp_path, GOOD))
    without_child_protection = GOOD.replace(
        "Child Protection,,sara.lee@example.org,Sara,Lee,Service Manager,Moderator\n", ""
    )

    run_import(write(tmp_path, without_child_protection, "second.csv"))

    assert roles_of("sara.lee@example.org") == {
        (Role.SERVICE_MANAGER, "Children in Need"),
        (Role.MODERATOR, "Children in Need"),
    }


@pytest.mark.django_db
def test_people_not_in_the_file_keep_their_roles(tmp_path):
    run_import(write(tmp_path, GOOD))
    only_amira = HEADER + GOOD.splitlines(keepends=True)[1]

    run_import(write(tmp_path, only_amira, "amira.csv"))

    assert roles_of("joe.bloggs@example.org") == {(Role.REVIEWER, "Children in Need")}


@pytest.mark.django_db
def test_a_re_import_matches_people_by_email_in_any_case(tmp_path):
    run_import(write(tmp_path, GOOD))
    shouting = GOOD.replace(
        "amira.khan@example.org,Amira,Khan", "Amira.Khan@Example.org,Amira,Khan"
    )

    output = run_import(write(tmp_path, shouting, "shouting.csv"))

    assert User.objects.filter(email__iexact="amira.khan@example.org").count() == 1
    assert User.objects.get(email__iexact="amira.khan@example.org").email == (
        "amira.khan@example.org"
    )
    assert "0 people created" in output


@pytest.mark.django_db
def test_an_email_in_mixed_case_is_stored_in_lower_case(tmp_path):
    run_import(
        write(tmp_path, HEADER + "Children in Need,,Amira.Khan@Example.org,Amira,Khan,,Reviewer\n")
    )

    assert list(User.objects.values_list("email", flat=True)) == ["amira.khan@example.org"]


@pytest.mark.django_db
def test_an_existing_account_made_in_the_admin_is_updated_not_duplicated(tmp_path):
    UserFactory(email="amira.khan@example.org", first_name="Amira", last_name="Old")

    run_import(write(tmp_path, GOOD))

    amira = User.objects.get(email__iexact="amira.khan@example.org")
    assert amira.last_name == "Khan"
    assert amira.has_usable_password()  # an existing password is not taken away
    assert User.objects.count() == 5


# A bad row changes nothing

BAD_ROWS = {
    "unknown role": (
        "Children in Need,,bad@example.org,Bad,Row,,Social Worker\n",
        "unknown role(s) 'Social Worker'",
    ),
    "invalid email": (
        "Children in Need,,not-an-email,Bad,Row,,Reviewer\n",
        "'not-an-email' is not a valid email address",
    ),
    "missing first name": (
        "Children in Need,,bad@example.org,,Row,,Reviewer\n",
        "first_name and last_name are needed",
    ),
    "missing last name": (
        "Children in Need,,bad@example.org,Bad,,,Reviewer\n",
        "first_name and last_name are needed",
    ),
    "blank service area": (
        ",CIN Team 1,bad@example.org,Bad,Row,,Reviewer\n",
        "service_area is blank",
    ),
    "a second team for one person": (
        "Children in Need,CIN Team 9,amira.khan@example.org,Amira,Khan,Social Worker,Reviewer\n",
        "amira.khan@example.org is already in team 'CIN Team 1' (Children in Need); one team each",
    ),
    "the same email with another name": (
        "Child Protection,,sara.lee@example.org,Sarah,Lee,Service Manager,Moderator\n",
        "sara.lee@example.org is named differently on line 4",
    ),
    "too many values": (
        "Children in Need,,bad@example.org,Bad,Row,,Reviewer,surplus\n",
        "this row has more values than columns",
    ),
    "a name or roles without an email": (
        "Children in Need,,,Bad,Row,,Reviewer\n",
        "a row with a name or roles needs an email address",
    ),
}


def with_bad_row(bad_row: str) -> str:
    """GOOD with `bad_row` inserted as line 6, between good rows."""
    lines = GOOD.splitlines(keepends=True)
    return "".join([*lines[:5], bad_row, *lines[5:]])


@pytest.mark.django_db
@pytest.mark.parametrize("case", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_one_bad_row_among_good_rows_imports_nothing_into_an_empty_database(tmp_path, case):
    bad_row, _ = case

    with pytest.raises(CommandError):
        run_import(write(tmp_path, with_bad_row(bad_row)))

    assert counts() == {"ServiceArea": 0, "Team": 0, "User": 0, "RoleMembership": 0}


@pytest.mark.django_db
@pytest.mark.parametrize("case", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_one_bad_row_changes_nothing_in_a_database_that_already_has_data(tmp_path, case):
    bad_row, _ = case
    run_import(write(tmp_path, GOOD.replace("Practitioner", "Reviewer"), "first.csv"))
    TeamFactory(name="Existing team")
    before = snapshot()
    before_counts = counts()

    with pytest.raises(CommandError):
        run_import(write(tmp_path, with_bad_row(bad_row)))

    assert counts() == before_counts
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("case", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_the_error_names_the_bad_rows_line_and_the_reason(tmp_path, case):
    bad_row, reason = case
    path = write(tmp_path, with_bad_row(bad_row))

    message = import_error(path)

    assert f"Nothing was imported from {path}" in message
    assert f"line 6: {reason}" in message


@pytest.mark.django_db
def test_every_bad_row_is_reported_not_only_the_first(tmp_path):
    text = (
        HEADER
        + "Children in Need,,one@example.org,One,Person,,Reviewer\n"
        + "Children in Need,,not-an-email,Bad,Row,,Reviewer\n"
        + "Children in Need,,two@example.org,Two,Person,,Wizard\n"
    )

    message = import_error(write(tmp_path, text))

    assert "line 3: 'not-an-email' is not a valid email address" in message
    assert "line 4: unknown role(s) 'Wizard'" in message
    assert "line 2" not in message


@pytest.mark.django_db
def test_a_header_without_a_required_column_fails_on_line_one_and_imports_nothing(tmp_path):
    text = GOOD.replace(",roles\n", "\n", 1)

    message = import_error(write(tmp_path, text))

    assert "line 1: missing column(s): roles." in message
    assert counts() == {"ServiceArea": 0, "Team": 0, "User": 0, "RoleMembership": 0}


@pytest.mark.django_db
def test_a_header_with_an_unknown_column_fails_on_line_one(tmp_path):
    text = GOOD.replace(",roles\n", ",roles,salary\n", 1)

    message = import_error(write(tmp_path, text))

    assert "line 1: unknown column(s): salary" in message
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_an_empty_file_fails_on_line_one_and_imports_nothing(tmp_path):
    message = import_error(write(tmp_path, ""))

    assert "line 1: the file is empty" in message
    assert counts() == {"ServiceArea": 0, "Team": 0, "User": 0, "RoleMembership": 0}


@pytest.mark.django_db
def test_a_file_that_is_not_utf_8_fails_and_imports_nothing(tmp_path):
    UserFactory()
    before = snapshot()
    path = tmp_path / "utf16.csv"
    path.write_bytes(b"\xff\xfe" + GOOD.encode("utf-16-le"))

    message = import_error(path)

    assert f"{path} is not UTF-8 text" in message
    assert snapshot() == before


@pytest.mark.django_db
def test_a_file_not_in_utf_8_after_good_lines_fails_and_imports_nothing(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        GOOD.encode("utf-8")
        + "Children in Need,,z@example.org,Zoë,Ng,,Reviewer\n".encode("latin-1")
    )

    message = import_error(path)

    assert "is not UTF-8 text" in message
    assert counts() == {"ServiceArea": 0, "Team": 0, "User": 0, "RoleMembership": 0}


@pytest.mark.django_db
def test_a_missing_file_fails_with_a_clear_message(tmp_path):
    path = tmp_path / "no-such-file.csv"

    message = import_error(path)

    assert f"Cannot read {path}: No such file or directory." in message
    assert counts() == {"ServiceArea": 0, "Team": 0, "User": 0, "RoleMembership": 0}


@pytest.mark.django_db
def test_importing_bad_rows_directly_raises_import_failed_with_each_rows_error():
    rows = with_bad_row(BAD_ROWS["unknown role"][0]).splitlines(keepends=True)

    with pytest.raises(ImportFailed) as raised:
        organisation_import(rows=rows)

    assert [(error.line, error.message[:15]) for error in raised.value.errors] == [
        (6, "unknown role(s)")
    ]
    assert counts() == {"ServiceArea": 0, "Team": 0, "User": 0, "RoleMembership": 0}


# Line numbers are the file's physical lines


@pytest.mark.django_db
def test_blank_lines_are_skipped_but_still_counted(tmp_path):
    text = (
        HEADER
        + "\n"
        + "Children in Need,,a@example.org,Ann,Able,,Reviewer\n\n"
        + ("Children in Need,,bad@example.org,Bad,Row,,Wizard\n")
    )

    message = import_error(write(tmp_path, text))

    assert "line 5: unknown role(s) 'Wizard'" in message


@pytest.mark.django_db
def test_a_quoted_field_over_two_lines_counts_as_two_lines_for_the_rows_after_it(tmp_path):
    text = (
        HEADER
        + 'Children in Need,,a@example.org,Ann,Able,"Social Worker\n(Newly Qualified)",Reviewer\n'
        + "Children in Need,,bad@example.org,Bad,Row,,Wizard\n"
    )

    message = import_error(write(tmp_path, text))

    assert "line 4: unknown role(s) 'Wizard'" in message


@pytest.mark.django_db
def test_a_bad_row_with_a_quoted_field_over_two_lines_is_named_by_the_line_it_starts_on(
    tmp_path,
):
    text = (
        HEADER
        + "Children in Need,,a@example.org,Ann,Able,,Reviewer\n"
        + 'Children in Need,,bad@example.org,Bad,Row,"Social Worker\n(Newly Qualified)",Wizard\n'
        + "Children in Need,,c@example.org,Cat,Cole,,Reviewer\n"
        + "Children in Need,,not-an-email,Dan,Dee,,Reviewer\n"
    )

    message = import_error(write(tmp_path, text))

    assert "line 3: unknown role(s) 'Wizard'" in message
    assert "line 6: 'not-an-email' is not a valid email address" in message


@pytest.mark.django_db
def test_a_quoted_field_over_two_lines_is_kept_with_its_line_break(tmp_path):
    text = HEADER + 'Children in Need,,a@example.org,Ann,Able,"Social Worker\n(NQSW)",Reviewer\n'

    run_import(write(tmp_path, text))

    assert User.objects.get().job_title == "Social Worker\n(NQSW)"


@pytest.mark.django_db
def test_a_row_the_csv_reader_cannot_parse_fails_with_its_line_and_imports_nothing(tmp_path):
    too_long = "x" * 200_000  # longer than the csv module's field size limit
    text = (
        HEADER
        + "Children in Need,,a@example.org,Ann,Able,,Reviewer\n"
        + "Children in Need,,b@example.org,Bea,Bond,,Reviewer\n"
        + f"Children in Need,,c@example.org,Cat,Cole,{too_long},Reviewer\n"
    )

    message = import_error(write(tmp_path, text))

    assert "line 4: the file is not valid CSV (field larger than field limit" in message
    assert counts() == {"ServiceArea": 0, "Team": 0, "User": 0, "RoleMembership": 0}


def test_the_command_refuses_a_workbook_saved_with_a_csv_name(tmp_path, db):
    path = tmp_path / "staff.csv"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml")

    with pytest.raises(CommandError, match="not a CSV text file: it looks like a ZIP archive"):
        call_command("import_organisation", str(path))
