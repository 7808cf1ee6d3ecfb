"""The database keeps the organisation consistent by itself, on SQLite and on PostgreSQL."""

import pytest
from django.db import IntegrityError, connection, transaction

from accounts.models import RoleMembership
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.postgres
def test_the_suite_runs_on_postgresql_when_asked_to():
    assert connection.vendor == "postgresql"


def test_an_organisation_wide_role_cannot_be_held_twice(qa_manager):
    # NULL is never equal to NULL in a plain unique index: the partial constraint catches it.
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleMembership.objects.create(user=qa_manager, role="qa_manager", service_area=None)


def test_a_scoped_role_cannot_be_held_twice_in_one_service_area(moderator, service_area):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleMembership.objects.create(user=moderator, role="moderator", service_area=service_area)


def test_a_scoped_role_can_be_held_in_several_service_areas(moderator, other_service_area):
    RoleMembership.objects.create(user=moderator, role="moderator", service_area=other_service_area)
    assert moderator.memberships.count() == 2


def test_qa_manager_and_leadership_cannot_be_scoped_to_one_service_area(service_area):
    user = UserFactory()
    for role in ("qa_manager", "leadership"):
        with pytest.raises(IntegrityError), transaction.atomic():
            RoleMembership.objects.create(user=user, role=role, service_area=service_area)


def test_an_email_address_belongs_to_one_account_whatever_its_case():
    UserFactory(email="amira.khan@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="Amira.Khan@Example.org")
