"""The demo authority: `manage.py load_demo [--if-empty]`."""

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from accounts.models import Role, RoleMembership, ServiceArea, Team, User
from accounts.tests.factories import UserFactory
from audits.demo import DEMO_DOMAIN, DEMO_PASSWORD
from audits.models import Case

MODELS = (ServiceArea, Team, User, RoleMembership, Case)


def _authenticate(email: str, password: str):
    # django-axes (log-in lockout) needs the request a log-in comes with.
    return authenticate(RequestFactory().post("/login/"), username=email, password=password)


def load_demo(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, list[tuple]]:
    return {model.__name__: list(model.objects.order_by("pk").values_list()) for model in MODELS}


def printed_logins(output: str) -> list[str]:
    return re.findall(rf"\S+@{re.escape(DEMO_DOMAIN)}", output)


@pytest.fixture
def demo(db) -> str:
    return load_demo()


def test_the_demo_has_six_service_areas_and_fifteen_teams(demo):
    assert ServiceArea.objects.count() == 6
    assert Team.objects.count() == 15


def test_the_demo_has_forty_one_staff_and_one_superuser(demo):
    assert User.objects.filter(is_superuser=False).count() == 41
    assert list(User.objects.filter(is_superuser=True).values_list("email", flat=True)) == [
        f"admin@{DEMO_DOMAIN}"
    ]
    assert User.objects.get(is_superuser=True).is_staff


def test_the_demo_has_three_hundred_cases(demo):
    assert Case.objects.count() == 300


def test_every_role_has_at_least_one_member_in_the_demo(demo):
    held = set(RoleMembership.objects.values_list("role", flat=True))

    assert held == set(Role.values)


def test_the_demo_superuser_holds_no_role(demo):
    assert not RoleMembership.objects.filter(user__is_superuser=True).exists()


def test_every_demo_case_belongs_to_a_team_of_its_own_service_area(demo):
    mismatched = [
        case.reference
        for case in Case.objects.select_related("team")
        if case.team.service_area_id != case.service_area_id
    ]

    assert mismatched == []


def test_every_allocated_demo_case_has_a_practitioner_of_its_service_area(demo):
    practitioners = set(
        RoleMembership.objects.filter(role=Role.PRACTITIONER).values_list(
            "user_id", "service_area_id"
        )
    )
    allocated = Case.objects.exclude(practitioner=None).values_list(
        "reference", "practitioner_id", "service_area_id"
    )

    assert allocated  # the demo allocates cases, so the check below checks something
    assert [ref for ref, user, area in allocated if (user, area) not in practitioners] == []


def test_loading_the_demo_reports_what_it_built(demo):
    assert "Demo authority ready: 6 service areas, 15 teams" in demo
    assert "300 cases, 15 reviews." in demo


def test_the_demo_has_a_cycle_in_its_review_phase_with_a_case_per_team_assigned(demo):
    from audits.models import Cycle
    from reviews.models import Escalation, Review

    cycle = Cycle.objects.get(status=Cycle.Status.REVIEW)
    assert cycle.name == "November–December 2026"
    reviews = Review.objects.filter(cycle=cycle).select_related("case", "reviewer")
    assert sorted(r.case.team_id for r in reviews) == sorted(
        Team.objects.values_list("pk", flat=True)
    )
    statuses = sorted(r.status for r in reviews)
    assert statuses == ["assigned"] * 12 + ["submitted"] * 3
    # One submitted review was graded Inadequate: it raised its escalation.
    submitted = reviews.filter(status=Review.Status.SUBMITTED)
    assert sorted(submitted.values_list("final_grade", flat=True)) == [
        "good", "inadequate", "requires_improvement",
    ]  # fmt: skip
    assert Escalation.objects.get().review.final_grade == "inadequate"
    # No conflict of interest: never a reviewer's own team, never their own case.
    assert all(r.reviewer.team_id != r.case.team_id for r in reviews)
    assert all(r.case.practitioner_id != r.reviewer_id for r in reviews)
    assert reviews.filter(reviewer__email="reviewer@demo.qaf.example").exists()
    assert set(Cycle.objects.exclude(pk=cycle.pk).values_list("status", flat=True)) == {"closed"}


def test_loading_the_demo_twice_leaves_identical_data(demo):
    before = snapshot()

    load_demo()

    assert snapshot() == before


def test_loading_the_demo_after_a_demo_user_changed_their_password_restores_the_demo_password(
    demo,
):
    user = User.objects.get(email=f"reviewer@{DEMO_DOMAIN}")
    user.set_password("something else entirely")
    user.save()

    load_demo()

    assert _authenticate(f"reviewer@{DEMO_DOMAIN}", DEMO_PASSWORD) == user


@pytest.mark.django_db
def test_if_empty_builds_the_demo_in_an_empty_database():
    load_demo("--if-empty")

    assert User.objects.count() == 42
    assert Case.objects.count() == 300


@pytest.mark.django_db
def test_if_empty_leaves_a_database_with_users_as_it_is():
    UserFactory()

    output = load_demo("--if-empty")

    assert "already has users: demo data left as it is" in output
    assert User.objects.count() == 1
    assert ServiceArea.objects.count() == 0
    assert Case.objects.count() == 0


def test_the_output_lists_a_demo_log_in_for_each_kind_of_user(demo):
    assert f"password for all: {DEMO_PASSWORD}" in demo
    assert printed_logins(demo) == [
        f"admin@{DEMO_DOMAIN}",
        f"qa.manager@{DEMO_DOMAIN}",
        f"reviewer@{DEMO_DOMAIN}",
        f"service.manager@{DEMO_DOMAIN}",
        f"head.of.service1@{DEMO_DOMAIN}",
        f"practitioner@{DEMO_DOMAIN}",
        f"practice.lead@{DEMO_DOMAIN}",
        f"director@{DEMO_DOMAIN}",
        f"dpo@{DEMO_DOMAIN}",
    ]


def test_every_printed_demo_log_in_authenticates_with_the_demo_password(demo):
    for email in printed_logins(demo):
        user = _authenticate(email, DEMO_PASSWORD)
        assert user is not None, f"{email} does not log in with the demo password"
        assert user.email == email


def test_each_printed_demo_log_in_holds_the_role_it_is_listed_for(demo):
    expected = {
        f"qa.manager@{DEMO_DOMAIN}": {Role.QA_MANAGER},
        f"reviewer@{DEMO_DOMAIN}": {Role.REVIEWER},
        f"service.manager@{DEMO_DOMAIN}": {Role.SERVICE_MANAGER, Role.MODERATOR},
        f"head.of.service1@{DEMO_DOMAIN}": {Role.HEAD_OF_SERVICE},
        f"practitioner@{DEMO_DOMAIN}": {Role.PRACTITIONER},
        f"practice.lead@{DEMO_DOMAIN}": {Role.PRACTICE_LEAD},
        f"director@{DEMO_DOMAIN}": {Role.LEADERSHIP},
        f"dpo@{DEMO_DOMAIN}": {Role.DATA_PROTECTION_OFFICER},
    }

    held = {
        email: set(RoleMembership.objects.filter(user__email=email).values_list("role", flat=True))
        for email in expected
    }

    assert held == expected


@pytest.mark.django_db
def test_the_demo_log_ins_are_printed_even_when_the_demo_is_left_as_it_is():
    UserFactory()

    output = load_demo("--if-empty")

    assert len(printed_logins(output)) == 9
