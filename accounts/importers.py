"""
Import service areas, teams and staff from a CSV file.

One row per person and service area (a moderator for two services has two rows); a row without an
email only declares a service area and team. Columns:

    service_area, team, email, first_name, last_name, job_title, roles

`roles` lists role names separated by ";" (e.g. "Reviewer; Moderator"). Scoped roles apply to the
row's service area; QA Manager and Leadership are organisation-wide.

The file is checked whole before anything is written: any bad row fails the import with its line
number and reason, and nothing from that file is applied. Re-running a file updates in place and
never duplicates: people are matched by email (any case), and the roles of each person in the file
become exactly the roles the file gives them.
"""

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from qaf.csvimport import ImportFailed, RowError, numbered_rows

from .models import (
    ORGANISATION_WIDE_ROLES,
    Role,
    RoleMembership,
    ServiceArea,
    Team,
    User,
    normalise_email,
)

COLUMNS = ("service_area", "team", "email", "first_name", "last_name", "job_title", "roles")
REQUIRED_COLUMNS = ("service_area", "email", "roles")

# Accept the role's label ("Service Manager") or its code ("service_manager"), in any case.
_ROLE_NAMES = {
    name.casefold(): role
    for role in Role
    for name in (role.label, role.value, role.value.replace("_", " "))
}


@dataclass
class _Person:
    line: int
    first_name: str
    last_name: str
    job_title: str
    team: tuple[str, str] | None
    roles: set[tuple[str, str | None]] = field(default_factory=set)


@dataclass
class ImportSummary:
    service_areas_created: int = 0
    teams_created: int = 0
    people_created: int = 0
    people_updated: int = 0
    roles_added: int = 0
    roles_removed: int = 0

    def __str__(self) -> str:
        return (
            f"{self.service_areas_created} service areas and {self.teams_created} teams created; "
            f"{self.people_created} people created, {self.people_updated} updated; "
            f"{self.roles_added} role memberships added, {self.roles_removed} removed."
        )


def _parse_roles(text: str) -> tuple[set[str], list[str]]:
    roles, unknown = set(), []
    for name in (part.strip() for part in text.split(";")):
        if not name:
            continue
        role = _ROLE_NAMES.get(name.casefold())
        if role is None:
            unknown.append(name)
        else:
            roles.add(role)
    return roles, unknown


def _check_header(fieldnames: list[str] | None) -> list[RowError]:
    if not fieldnames:
        return [RowError(1, "the file is empty; the first line must name the columns.")]
    missing = [column for column in REQUIRED_COLUMNS if column not in fieldnames]
    unknown = [column for column in fieldnames if column not in COLUMNS]
    errors = []
    if missing:
        errors.append(RowError(1, f"missing column(s): {', '.join(missing)}."))
    if unknown:
        errors.append(
            RowError(1, f"unknown column(s): {', '.join(unknown)}; expected {', '.join(COLUMNS)}.")
        )
    return errors


def _check_row(line: int, row: dict, people: dict[str, _Person]) -> list[str]:
    """Validate one row and fold it into `people`; returns the row's error messages."""
    value = {column: (row.get(column) or "").strip() for column in COLUMNS}
    area, team, email = value["service_area"], value["team"], value["email"]
    if not area:
        return ["service_area is blank."]
    if not email:
        if value["roles"] or value["first_name"] or value["last_name"]:
            return ["a row with a name or roles needs an email address."]
        return []
    try:
        validate_email(email)
    except ValidationError:
        return [f"'{email}' is not a valid email address."]
    roles, unknown = _parse_roles(value["roles"])
    errors = []
    if unknown:
        errors.append(
            f"unknown role(s) {', '.join(repr(name) for name in unknown)}; "
            f"expected any of {', '.join(Role.labels)}."
        )
    if not value["first_name"] or not value["last_name"]:
        errors.append("first_name and last_name are needed for a person.")
    if errors:
        return errors
    key = normalise_email(email)
    person = people.get(key)
    if person is None:
        person = people[key] = _Person(
            line, value["first_name"], value["last_name"], value["job_title"], None
        )
    elif (person.first_name, person.last_name) != (value["first_name"], value["last_name"]):
        return [f"{email} is named differently on line {person.line}."]
    if team:
        if person.team not in (None, (area, team)):
            other_area, other_team = person.team
            return [f"{email} is already in team '{other_team}' ({other_area}); one team each."]
        person.team = (area, team)
    for role in roles:
        person.roles.add((role, None if role in ORGANISATION_WIDE_ROLES else area))
    return []


def organisation_import(*, rows: Iterable[str], actor: User | None = None) -> ImportSummary:
    """Check the whole CSV text (`rows`, lines of a file), then apply it in one transaction."""
    reader = csv.DictReader(rows)
    errors = _check_header(reader.fieldnames)
    if errors:
        raise ImportFailed(errors)
    areas: set[str] = set()
    teams: set[tuple[str, str]] = set()
    people: dict[str, _Person] = {}
    try:
        for line, row in numbered_rows(reader):
            if None in row:
                errors.append(RowError(line, "this row has more values than columns."))
                continue
            if not any((v or "").strip() for v in row.values()):
                continue  # a blank line
            for message in _check_row(line, row, people):
                errors.append(RowError(line, message))
            area, team = (row.get("service_area") or "").strip(), (row.get("team") or "").strip()
            if area:
                areas.add(area)
                if team:
                    teams.add((area, team))
    except csv.Error as exc:
        errors.append(RowError(reader.reader.line_num, f"the file is not valid CSV ({exc})."))
    if errors:
        raise ImportFailed(errors)
    return _apply(areas, teams, people, actor)


@transaction.atomic
def _apply(areas, teams, people, actor) -> ImportSummary:
    # A whole organisation is a few thousand rows: read what exists once, write in bulk.
    summary = ImportSummary()
    area_by_name = {}
    for name in sorted(areas):
        area_by_name[name], created = ServiceArea.objects.get_or_create(name=name)
        summary.service_areas_created += created
    team_by_key = {}
    for area, name in sorted(teams):
        team_by_key[(area, name)], created = Team.objects.get_or_create(
            service_area=area_by_name[area], name=name
        )
        summary.teams_created += created
    users = _upsert_people(people, team_by_key, summary)
    _sync_roles(users, people, area_by_name, actor, summary)
    return summary


def _upsert_people(people: dict[str, _Person], team_by_key, summary) -> dict[str, User]:
    existing = {normalise_email(user.email): user for user in User.objects.all()}
    new, changed = [], []
    for email, person in people.items():
        fields = {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "job_title": person.job_title,
        }
        if person.team:
            fields["team"] = team_by_key[person.team]
        user = existing.get(email)
        if user is None:
            # No password: the person sets one through "Forgotten your password?".
            user = existing[email] = User(email=email, **fields)
            user.set_unusable_password()
            new.append(user)
        elif any(getattr(user, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(user, name, value)
            changed.append(user)
    User.objects.bulk_create(new, batch_size=500)
    User.objects.bulk_update(
        changed, ["first_name", "last_name", "job_title", "team"], batch_size=500
    )
    summary.people_created, summary.people_updated = len(new), len(changed)
    if new and new[0].pk is None:  # backends that do not return ids from bulk inserts
        existing.update({u.email: u for u in User.objects.filter(email__in=[u.email for u in new])})
    return {email: existing[email] for email in people}


def _sync_roles(users: dict[str, User], people, area_by_name, actor, summary) -> None:
    """Make each listed person's role memberships exactly those the file gives them."""
    current: dict[int, dict[tuple[str, int | None], int]] = {}
    memberships = RoleMembership.objects.values_list("pk", "user_id", "role", "service_area_id")
    for membership_id, user_id, role, area_id in memberships:
        current.setdefault(user_id, {})[(role, area_id)] = membership_id
    to_delete, to_create = [], []
    for email, person in people.items():
        user = users[email]
        wanted = {(role, area_by_name[area].pk if area else None) for role, area in person.roles}
        held = current.get(user.pk, {})
        to_delete += [held[key] for key in held.keys() - wanted]
        to_create += [
            RoleMembership(user=user, role=role, service_area_id=area_id, granted_by=actor)
            for role, area_id in wanted - held.keys()
        ]
    RoleMembership.objects.filter(pk__in=to_delete).delete()
    RoleMembership.objects.bulk_create(to_create, batch_size=500)
    summary.roles_removed, summary.roles_added = len(to_delete), len(to_create)
