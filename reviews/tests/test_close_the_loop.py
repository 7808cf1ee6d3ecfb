"""The Practice Leads' "close the loop" board (seed 003): Requires Improvement and Inadequate
reviews of their services with their open, done and verified actions and follow-up reviews."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from audits.models import Cycle
from audits.tests.factories import CycleFactory
from reviews.models import Action, Review

from .factories import ActionFactory, ReviewFactory

pytestmark = pytest.mark.django_db

URL = "/reviews/close-the-loop/"
A = Action.Status
S = Review.Status


def graded(area, final_grade, **fields):
    """A moderated review of a case in `area`, with `final_grade`."""
    return ReviewFactory(
        status=S.MODERATED,
        grade="good",
        moderated_grade=final_grade,
        submitted_at=timezone.now(),
        case__team__service_area=area,
        **fields,
    )


def board(client, person, query=""):
    client.force_login(person)
    response = client.get(URL + query)
    return response, response.content.decode()


def rows(response) -> list[int]:
    return [review.pk for review in response.context["page_obj"]]


# Who may open it.

ALLOWED = ["practice_lead", "outsider"]
FORBIDDEN = [
    "reviewer", "moderator", "service_manager", "head_of_service", "practitioner", "qa_manager",
    "leadership", "superuser",
]  # fmt: skip


@pytest.mark.parametrize("person", ALLOWED)
def test_a_practice_lead_opens_the_board(client, request, person):
    response, content = board(client, request.getfixturevalue(person))

    assert response.status_code == 200
    assert '<h1 class="h2">Close the loop</h1>' in content
    current = [item["label"] for item in response.context["nav_items"] if item["current"]]
    assert current == ["Close the loop"]


@pytest.mark.parametrize("person", FORBIDDEN)
def test_other_roles_get_403(client, request, person):
    response, _ = board(client, request.getfixturevalue(person))

    assert response.status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={URL}"


def test_an_empty_board_says_nothing_is_waiting(client, practice_lead):
    _, content = board(client, practice_lead)

    assert (
        "No Requires Improvement or Inadequate reviews are waiting for improvement to be "
        "evidenced." in content
    )


# What it lists.


def test_the_board_lists_ri_and_inadequate_reviews_of_the_practice_leads_services_by_final_grade(
    client, practice_lead, service_area, other_service_area
):
    ri = graded(service_area, "requires_improvement")
    inadequate = graded(service_area, "inadequate")
    graded(service_area, "good")
    graded(service_area, "outstanding")
    ReviewFactory(  # moderated up to Good: its final grade is Good
        status=S.MODERATED, grade="inadequate", moderated_grade="good",
        submitted_at=timezone.now(), case__team__service_area=service_area,
    )  # fmt: skip
    ReviewFactory(status=S.IN_PROGRESS, grade="inadequate", case__team__service_area=service_area)
    graded(other_service_area, "inadequate")

    response, content = board(client, practice_lead, "?show=all")

    assert sorted(rows(response)) == sorted([ri.pk, inadequate.pk])
    assert "Requires Improvement" in content
    assert "Inadequate" in content


def test_an_organisation_wide_practice_lead_sees_every_service(
    client, service_area, other_service_area
):
    everywhere = UserFactory(roles=[(Role.PRACTICE_LEAD, None)])
    here = graded(service_area, "inadequate")
    there = graded(other_service_area, "inadequate")

    response, _ = board(client, everywhere)

    assert sorted(rows(response)) == sorted([here.pk, there.pk])


def test_each_review_shows_its_open_done_and_verified_actions_and_the_loop(
    client, practice_lead, service_area
):
    review = graded(service_area, "requires_improvement")
    ActionFactory(review=review)
    ActionFactory(review=review, due_on=timezone.localdate().replace(year=2000))
    ActionFactory.create_batch(2, review=review, status=A.DONE)
    ActionFactory.create_batch(3, review=review, status=A.VERIFIED)

    response, content = board(client, practice_lead)

    [row] = response.context["page_obj"]
    assert (row.open_count, row.overdue_count, row.done_count, row.verified_count) == (2, 1, 2, 3)
    assert "<td>2 (1 overdue)</td>" in content
    assert "<td>Actions open</td>" in content
    assert f'<a href="/reviews/{review.pk}/#agreed-actions">{review.case.reference}</a>' in content


def test_the_loop_is_closed_when_every_agreed_action_is_verified(
    client, practice_lead, service_area
):
    no_actions = graded(service_area, "inadequate")
    waiting = graded(service_area, "inadequate")
    ActionFactory(review=waiting, status=A.DONE)
    ActionFactory(review=waiting, status=A.VERIFIED)
    closed = graded(service_area, "inadequate")
    ActionFactory.create_batch(2, review=closed, status=A.VERIFIED)

    still_open, open_content = board(client, practice_lead)
    done, closed_content = board(client, practice_lead, "?show=closed")
    everything, _ = board(client, practice_lead, "?show=all")

    assert sorted(rows(still_open)) == sorted([no_actions.pk, waiting.pk])
    assert "<td>No actions agreed yet</td>" in open_content
    assert "<td>Waiting for verification</td>" in open_content
    assert rows(done) == [closed.pk]
    assert "<td>Closed</td>" in closed_content
    assert len(rows(everything)) == 3


def test_the_board_shows_the_follow_up_and_its_change_of_grade(
    client, practice_lead, service_area, reviewer
):
    review = graded(service_area, "inadequate")
    not_followed = graded(service_area, "requires_improvement")
    later = CycleFactory(status=Cycle.Status.REVIEW)
    follow_up = ReviewFactory(
        cycle=later, case=review.case, follow_up_of=review, reviewer=reviewer,
        status=S.SUBMITTED, grade="good", submitted_at=timezone.now(),
    )  # fmt: skip

    response, content = board(client, practice_lead)

    by_pk = {r.pk: r for r in response.context["page_obj"]}
    assert by_pk[review.pk].follow_up_pk == follow_up.pk
    assert by_pk[not_followed.pk].follow_up_pk is None
    assert f'<a href="/reviews/{follow_up.pk}/">{later.name}</a>: Inadequate → Good' in content
    assert "<td>None planned</td>" in content


def test_a_follow_up_not_yet_graded_says_so(client, practice_lead, service_area):
    review = graded(service_area, "inadequate")
    ReviewFactory(
        cycle=CycleFactory(status=Cycle.Status.PLANNED), case=review.case, follow_up_of=review,
        status=S.UNASSIGNED, reviewer=None,
    )  # fmt: skip

    _, content = board(client, practice_lead)

    assert ": not graded yet</td>" in content


def test_the_board_paginates_and_keeps_its_filter(client, practice_lead, service_area):
    for _ in range(26):
        graded(service_area, "inadequate")

    response, content = board(client, practice_lead, "?show=all")

    assert len(rows(response)) == 25
    assert "?show=all&amp;page=2" in content


def test_the_board_runs_as_many_queries_for_12_reviews_as_for_2(
    client, practice_lead, service_area, reviewer
):
    def count():
        client.force_login(practice_lead)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL + "?show=all").status_code == 200
        return len(queries)

    def add_reviews(n):
        for _ in range(n):
            review = graded(service_area, "inadequate")
            ActionFactory(review=review)
            ActionFactory(review=review, status=A.DONE)
            ReviewFactory(
                cycle=CycleFactory(status=Cycle.Status.PLANNED), case=review.case,
                follow_up_of=review, status=S.UNASSIGNED, reviewer=None,
            )  # fmt: skip

    add_reviews(2)
    few = count()
    add_reviews(10)

    assert count() == few
