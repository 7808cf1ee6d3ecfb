"""The permission rules: can(), has_role(), service_area_scope(), get_object_for_user(), require."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from accounts.models import Role
from accounts.permissions import (
    RULES,
    can,
    get_object_for_user,
    has_role,
    require,
    service_area_scope,
)
from accounts.tests.factories import (
    NotificationFactory,
    ServiceAreaFactory,
    TeamFactory,
    UserFactory,
)
from audits.models import Case
from audits.tests.factories import CaseFactory

CASE_WORK_ACTIONS = (
    "reviews.view_mine",
    "moderation.view_queue",
    "escalations.view",
    "actions.view",
    "cycles.manage",
    "feedback.view",
    "dashboard.view",
)


@pytest.fixture
def case_in_my_area(service_area):
    return CaseFactory(team=TeamFactory(service_area=service_area))


@pytest.fixture
def case_elsewhere(other_service_area):
    return CaseFactory(team=TeamFactory(service_area=other_service_area))


# can(): scoped roles


def test_a_scoped_role_applies_to_an_object_in_its_own_service_area(moderator, case_in_my_area):
    assert can(moderator, "moderation.view_queue", case_in_my_area)


def test_a_scoped_role_does_not_apply_to_an_object_in_another_service_area(
    moderator, case_elsewhere
):
    assert not can(moderator, "moderation.view_queue", case_elsewhere)


def test_a_scoped_role_applies_to_its_own_service_area_itself(moderator, service_area):
    assert can(moderator, "moderation.view_queue", service_area)


def test_a_scoped_role_does_not_apply_to_another_service_area_itself(moderator, other_service_area):
    assert not can(moderator, "moderation.view_queue", other_service_area)


def test_a_scoped_role_in_any_area_is_enough_without_an_object(outsider):
    assert can(outsider, "moderation.view_queue")


def test_a_membership_for_all_service_areas_applies_in_every_area(case_in_my_area, case_elsewhere):
    everywhere = UserFactory(roles=[(Role.MODERATOR, None)])

    assert can(everywhere, "moderation.view_queue", case_in_my_area)
    assert can(everywhere, "moderation.view_queue", case_elsewhere)
    assert can(everywhere, "moderation.view_queue")


def test_a_role_does_not_give_the_actions_of_another_role(reviewer, case_in_my_area):
    assert can(reviewer, "reviews.view_mine", case_in_my_area)
    assert not can(reviewer, "moderation.view_queue", case_in_my_area)
    assert not can(reviewer, "cycles.manage")


def test_organisation_wide_roles_act_in_every_service_area(qa_manager, case_elsewhere):
    assert can(qa_manager, "cycles.manage", case_elsewhere)
    assert can(qa_manager, "dashboard.view", case_elsewhere)


# can(): who can nothing


@pytest.mark.parametrize("action", sorted(RULES))
def test_an_anonymous_user_can_nothing(action):
    assert not can(AnonymousUser(), action)


@pytest.mark.django_db
@pytest.mark.parametrize("action", sorted(RULES))
def test_an_inactive_user_can_nothing_whatever_their_roles(action):
    inactive = UserFactory(
        is_active=False,
        is_staff=True,
        is_superuser=True,
        roles=[(role, None) for role in Role],
    )

    assert not can(inactive, action)


@pytest.mark.django_db
def test_a_user_without_roles_can_only_see_their_home_page_and_notifications():
    nobody = UserFactory()

    assert [action for action in sorted(RULES) if can(nobody, action)] == [
        "home.view",
        "notifications.view",
    ]


@pytest.mark.django_db
def test_a_person_may_open_only_their_own_notifications():
    mine = NotificationFactory()

    assert can(mine.recipient, "notifications.view", mine)
    assert not can(UserFactory(), "notifications.view", mine)


# can(): superusers


@pytest.mark.parametrize("action", CASE_WORK_ACTIONS)
def test_a_superuser_gets_no_case_work_by_being_a_superuser(superuser, action):
    assert not can(superuser, action)


def test_a_superuser_cannot_view_the_moderation_queue(superuser):
    assert not can(superuser, "moderation.view_queue")


def test_a_superuser_can_view_the_organisation(superuser):
    assert can(superuser, "organisation.view")


def test_a_staff_superuser_can_use_the_admin(superuser):
    assert can(superuser, "admin.use")


@pytest.mark.django_db
def test_a_superuser_who_is_not_staff_cannot_use_the_admin():
    not_staff = UserFactory(is_superuser=True, is_staff=False)

    assert not can(not_staff, "admin.use")
    assert can(not_staff, "organisation.view")


@pytest.mark.django_db
def test_a_staff_member_who_is_not_a_superuser_can_use_the_admin_but_not_see_the_organisation():
    staff = UserFactory(is_staff=True)

    assert can(staff, "admin.use")
    assert not can(staff, "organisation.view")


def test_a_qa_manager_can_view_the_organisation_but_not_use_the_admin(qa_manager):
    assert can(qa_manager, "organisation.view")
    assert not can(qa_manager, "admin.use")


# can(): mistakes


def test_an_unknown_action_raises_key_error(reviewer):
    with pytest.raises(KeyError):
        can(reviewer, "reviews.delete_everything")


def test_an_unknown_action_raises_key_error_even_for_an_anonymous_user():
    with pytest.raises(KeyError):
        can(AnonymousUser(), "no.such_action")


# Memberships are read once per user object


def test_memberships_are_read_with_one_query_per_user_object(
    moderator, case_in_my_area, case_elsewhere, django_assert_num_queries
):
    with django_assert_num_queries(1):
        can(moderator, "moderation.view_queue")
        can(moderator, "moderation.view_queue", case_in_my_area)
        can(moderator, "moderation.view_queue", case_elsewhere)
        can(moderator, "reviews.view_mine")
        has_role(moderator, Role.MODERATOR)
        service_area_scope(moderator, Role.MODERATOR)


def test_another_object_for_the_same_user_reads_its_memberships_again(
    moderator, django_assert_num_queries
):
    from accounts.models import User

    fresh = User.objects.get(pk=moderator.pk)
    can(moderator, "moderation.view_queue")

    with django_assert_num_queries(1):
        assert can(fresh, "moderation.view_queue")
        assert can(fresh, "moderation.view_queue")


def test_an_anonymous_user_costs_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        can(AnonymousUser(), "moderation.view_queue")


# has_role()


def test_has_role_is_true_for_a_role_held_in_the_given_area(moderator, service_area):
    assert has_role(moderator, Role.MODERATOR, service_area_id=service_area.pk)


def test_has_role_is_false_for_a_role_held_only_in_another_area(moderator, other_service_area):
    assert not has_role(moderator, Role.MODERATOR, service_area_id=other_service_area.pk)


def test_has_role_without_an_area_is_true_for_a_role_held_in_any_area(moderator):
    assert has_role(moderator, Role.MODERATOR)


def test_has_role_is_true_if_any_of_the_roles_is_held(moderator):
    assert has_role(moderator, Role.REVIEWER, Role.MODERATOR)
    assert not has_role(moderator, Role.REVIEWER, Role.PRACTITIONER)


def test_has_role_for_all_areas_holds_in_any_given_area(db, other_service_area):
    everywhere = UserFactory(roles=[(Role.REVIEWER, None)])

    assert has_role(everywhere, Role.REVIEWER, service_area_id=other_service_area.pk)


def test_has_role_is_false_for_inactive_and_anonymous_users(db, service_area):
    inactive = UserFactory(is_active=False, roles=[(Role.REVIEWER, service_area)])

    assert not has_role(inactive, Role.REVIEWER)
    assert not has_role(AnonymousUser(), Role.REVIEWER)


# service_area_scope()


def test_the_scope_is_the_areas_where_the_user_holds_the_roles(db):
    north, south, east = ServiceAreaFactory.create_batch(3)
    user = UserFactory(
        roles=[(Role.MODERATOR, north), (Role.MODERATOR, south), (Role.REVIEWER, east)]
    )

    assert service_area_scope(user, Role.MODERATOR) == {north.pk, south.pk}
    assert service_area_scope(user, Role.MODERATOR, Role.REVIEWER) == {north.pk, south.pk, east.pk}


def test_the_scope_is_none_meaning_every_area_for_a_membership_without_an_area(db, service_area):
    user = UserFactory(roles=[(Role.MODERATOR, service_area), (Role.MODERATOR, None)])

    assert service_area_scope(user, Role.MODERATOR) is None


def test_the_scope_of_an_organisation_wide_role_is_every_area(qa_manager):
    assert service_area_scope(qa_manager, Role.QA_MANAGER) is None


def test_the_scope_is_empty_for_roles_not_held(reviewer):
    assert service_area_scope(reviewer, Role.MODERATOR) == set()


def test_the_scope_is_empty_for_a_superuser_and_an_anonymous_user(superuser):
    assert service_area_scope(superuser, Role.MODERATOR) == set()
    assert service_area_scope(AnonymousUser(), Role.MODERATOR) == set()


# get_object_for_user()


def test_an_object_in_scope_is_returned(moderator, case_in_my_area):
    found = get_object_for_user(
        moderator, Case.objects.all(), "moderation.view_queue", pk=case_in_my_area.pk
    )

    assert found == case_in_my_area


def test_an_object_outside_the_users_scope_is_not_found(moderator, case_elsewhere):
    with pytest.raises(Http404):
        get_object_for_user(
            moderator, Case.objects.all(), "moderation.view_queue", pk=case_elsewhere.pk
        )


def test_a_missing_object_is_not_found(moderator):
    with pytest.raises(Http404):
        get_object_for_user(moderator, Case.objects.all(), "moderation.view_queue", pk=999_999)


def test_an_object_is_not_found_for_a_user_without_the_role(reviewer, case_in_my_area):
    with pytest.raises(Http404):
        get_object_for_user(
            reviewer, Case.objects.all(), "moderation.view_queue", pk=case_in_my_area.pk
        )


def test_an_object_is_not_found_by_a_superuser_for_case_work(superuser, case_in_my_area):
    with pytest.raises(Http404):
        get_object_for_user(
            superuser, Case.objects.all(), "moderation.view_queue", pk=case_in_my_area.pk
        )


def test_an_object_for_an_unknown_action_raises_key_error(moderator, case_in_my_area):
    with pytest.raises(KeyError):
        get_object_for_user(moderator, Case.objects.all(), "no.such_action", pk=case_in_my_area.pk)


# require


def page(request):
    return HttpResponse("the page")


def request_by(user):
    request = RequestFactory().get("/somewhere/")
    request.user = user
    return request


def test_require_lets_a_user_who_may_take_the_action_through(moderator):
    response = require("moderation.view_queue")(page)(request_by(moderator))

    assert response.content == b"the page"


def test_require_refuses_a_user_who_may_not_take_the_action(reviewer):
    with pytest.raises(PermissionDenied):
        require("moderation.view_queue")(page)(request_by(reviewer))


def test_require_refuses_an_anonymous_user():
    with pytest.raises(PermissionDenied):
        require("home.view")(page)(request_by(AnonymousUser()))


def test_require_keeps_the_views_name():
    assert require("home.view")(page).__name__ == "page"


def test_require_with_an_unknown_action_raises_key_error_when_the_view_is_called(reviewer):
    view = require("no.such_action")(page)

    with pytest.raises(KeyError):
        view(request_by(reviewer))
