"""Who sees which review: in the list, by opening its page, and by guessing its URL.

Practitioners see the reviews of their own cases, reviewers their own, moderators, service
managers, heads of service and practice leads those of their service areas, the QA Manager all;
everything else answers 404, so a review's existence does not leak.
"""

import pytest

from accounts.permissions import can
from accounts.tests.factories import TeamFactory, UserFactory
from reviews.selectors import reviews_visible_to

from .factories import ReviewFactory

pytestmark = pytest.mark.django_db

PEOPLE = [
    "reviewer",
    "moderator",
    "service_manager",
    "head_of_service",
    "practitioner",
    "practice_lead",
    "qa_manager",
    "leadership",
    "superuser",
    "outsider",
]

# Which of the three reviews (see `reviews` below) each person may read.
VISIBLE = {
    "reviewer": {"mine"},  # a reviewer reads only the reviews assigned to them
    "practitioner": {"mine"},  # ... a practitioner only those of their cases
    "moderator": {"mine", "same_area"},
    "service_manager": {"mine", "same_area"},
    "head_of_service": {"mine", "same_area"},
    "practice_lead": {"mine", "same_area"},
    "qa_manager": {"mine", "same_area", "other_area"},
    "leadership": set(),  # dashboards and reports, not case work
    "superuser": set(),  # administers the organisation, reads no case work for that
    "outsider": {"other_area"},  # every scoped role, in the other service area
}


@pytest.fixture
def reviews(reviewer, practitioner, service_area, other_service_area):
    """`mine`: assigned to the reviewer fixture, about the practitioner fixture's case;
    `same_area`: someone else's, in the same service area; `other_area`: in the other one."""
    return {
        "mine": ReviewFactory(
            reviewer=reviewer,
            case__practitioner=practitioner,
            case__team=TeamFactory(service_area=service_area),
        ),
        "same_area": ReviewFactory(case__team=TeamFactory(service_area=service_area)),
        "other_area": ReviewFactory(case__team=TeamFactory(service_area=other_service_area)),
    }


@pytest.mark.parametrize("person", PEOPLE)
def test_each_person_opens_exactly_the_reviews_in_their_scope_and_404_for_the_rest(
    client, request, reviews, person
):
    client.force_login(request.getfixturevalue(person))

    for name, review in reviews.items():
        response = client.get(f"/reviews/{review.pk}/")
        expected = 200 if name in VISIBLE[person] else 404
        assert response.status_code == expected, f"{person} opening {name}"


@pytest.mark.parametrize("person", PEOPLE)
def test_guessing_the_autosave_url_of_a_review_outside_scope_answers_404(
    client, request, reviews, person
):
    client.force_login(request.getfixturevalue(person))

    for name, review in reviews.items():
        if name in VISIBLE[person]:
            continue
        response = client.post(f"/reviews/{review.pk}/autosave/", {"lock_version": 0})
        assert response.status_code == 404, f"{person} autosaving {name}"


def test_a_review_that_does_not_exist_answers_404_like_one_out_of_scope(client, qa_manager):
    client.force_login(qa_manager)

    assert client.get("/reviews/987654/").status_code == 404


@pytest.mark.parametrize("person", [p for p in PEOPLE if VISIBLE[p]])
def test_the_list_shows_each_person_exactly_the_reviews_in_their_scope(
    client, request, reviews, person
):
    client.force_login(request.getfixturevalue(person))

    response = client.get("/reviews/")

    assert response.status_code == 200
    listed = set(response.context["page_obj"].object_list)
    assert listed == {reviews[name] for name in VISIBLE[person]}


@pytest.mark.parametrize("person", ["leadership", "superuser"])
def test_people_who_read_no_reviews_cannot_open_the_list(client, request, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get("/reviews/").status_code == 403


def test_a_practitioner_sees_the_reviews_of_their_cases_in_any_service_area(
    client, practitioner, other_service_area
):
    # The case moved to a team in another service area: it is still theirs.
    review = ReviewFactory(
        case__practitioner=practitioner, case__team=TeamFactory(service_area=other_service_area)
    )
    client.force_login(practitioner)

    assert client.get(f"/reviews/{review.pk}/").status_code == 200


def test_a_person_holding_an_area_role_everywhere_reads_every_review(client, reviews):
    everywhere = UserFactory(roles=[("moderator", None)])
    client.force_login(everywhere)

    for review in reviews.values():
        assert client.get(f"/reviews/{review.pk}/").status_code == 200


def test_the_rule_and_its_query_agree_for_every_person_and_review(request, reviews):
    # accounts/permissions.py decides "review.view" for one review; reviews/selectors.py asks
    # the same question of the database. They must never disagree.
    extra = [
        ReviewFactory(reviewer=request.getfixturevalue("reviewer")),  # another area, but theirs
        ReviewFactory(case__practitioner=request.getfixturevalue("practitioner")),
        ReviewFactory(status="unassigned", reviewer=None),
    ]
    every_review = [*reviews.values(), *extra]
    for person in PEOPLE:
        user = request.getfixturevalue(person)
        visible = set(reviews_visible_to(user))
        for review in every_review:
            assert can(user, "review.view", review) == (review in visible), (person, review)
