import factory

from accounts.models import Notification, RoleMembership, ServiceArea, Team, User

TEST_PASSWORD = "correct horse battery staple"
# Every person fixture conftest.py provides, plus `nobody` (logged in, no role): tables of who
# may open a page list each of them.
EVERY_FIXTURE_PERSON = frozenset({
    "reviewer", "moderator", "service_manager", "head_of_service", "practitioner",
    "practice_lead", "qa_manager", "leadership", "data_protection_officer", "superuser",
    "outsider", "nobody",
})  # fmt: skip
FIRST_NAMES = ["Alys", "Bram", "Cerys", "Dara", "Eamon", "Fenella", "Gwilym", "Hollis", "Ines"]
LAST_NAMES = ["Ashdown", "Brookfield", "Carrow", "Dunmore", "Elmsley", "Fairweather", "Greaves"]


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceArea
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Service area {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    service_area = factory.SubFactory(ServiceAreaFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    """A member of staff. `roles=[(role, service_area or None), ...]` grants memberships."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    # Fixed lists, not Faker: a random "O'Donnell" would make tests that look for a name in
    # escaped HTML fail now and then. Escaping has tests of its own.
    first_name = factory.Sequence(lambda n: FIRST_NAMES[n % len(FIRST_NAMES)])
    last_name = factory.Sequence(lambda n: LAST_NAMES[(n // len(FIRST_NAMES)) % len(LAST_NAMES)])
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role, service_area in extracted or ():
            RoleMembership.objects.create(user=self, role=role, service_area=service_area)


class RoleMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleMembership

    user = factory.SubFactory(UserFactory)
    role = "reviewer"
    service_area = factory.SubFactory(ServiceAreaFactory)


class NotificationFactory(factory.django.DjangoModelFactory):
    """A notification as notify() writes it (its e-mail not sent yet)."""

    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "test"
    key = factory.Sequence(lambda n: f"test:notification:{n}")
    summary = factory.Sequence(lambda n: f"A review in Children in Need needs you ({n})")
    url = "/reviews/"
