"""The review's history: every status change, grade, moderation, escalation step and action step,
with who and when, in time order, on the review page, in a constant number of queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import UserFactory
from reviews.history import review_history
from reviews.models import Action, ActionEvent, Escalation, EscalationEvent, Moderation, Review
from reviews.models import ReviewEvent as Event

from .factories import ReviewFactory, published_version

pytestmark = pytest.mark.django_db

START = timezone.make_aware(datetime.datetime(2026, 11, 2, 9, 0))
S, E, A = Review.Status, Escalation.Status, Action.Status


def at(minutes: int) -> datetime.datetime:
    return START + datetime.timedelta(minutes=minutes)


def dated(row, minutes: int):
    """Stamp `at` (auto_now_add on create) with a known time."""
    type(row).objects.filter(pk=row.pk).update(at=at(minutes))
    return row


def review_event(review, minutes, from_status, to_status, actor, note=""):
    event = Event.objects.create(
        review=review, from_status=from_status, to_status=to_status, actor=actor, note=note
    )
    return dated(event, minutes)


def moderation(review, minutes, moderator, decision, reviewer_grade, moderated_grade="", **text):
    row = Moderation.objects.create(
        review=review,
        moderator=moderator,
        decision=decision,
        reviewer_grade=reviewer_grade,
        moderated_grade=moderated_grade,
        **text,
    )
    return dated(row, minutes)


def escalation_event(escalation, minutes, from_status, to_status, actor, note=""):
    event = EscalationEvent.objects.create(
        escalation=escalation, from_status=from_status, to_status=to_status, actor=actor, note=note
    )
    return dated(event, minutes)


def action_event(action, minutes, from_status, to_status, actor, note=""):
    event = ActionEvent.objects.create(
        action=action, from_status=from_status, to_status=to_status, actor=actor, note=note
    )
    return dated(event, minutes)


def named(first: str, last: str, *roles):
    return UserFactory(first_name=first, last_name=last, roles=list(roles))


@pytest.fixture
def people(service_area):
    return {
        "qa": named("Quinn", "Adams", ("qa_manager", None)),
        "reviewer": named("Rita", "Rowe", ("reviewer", service_area)),
        "moderator": named("Mo", "Dale", ("moderator", service_area)),
        "manager": named("Sam", "Manning", ("service_manager", service_area)),
        "head": named("Hana", "Head", ("head_of_service", service_area)),
        "practitioner": named("Pat", "Price", ("practitioner", service_area)),
        "lead": named("Lee", "Lead", ("practice_lead", service_area)),
    }


@pytest.fixture
def review(people, service_area):
    """A review that went the whole way: sampled, assigned, submitted Good, regraded Inadequate,
    escalated and disputed, with an action done, reopened, done again and verified."""
    p = people
    review = ReviewFactory(
        reviewer=p["reviewer"],
        toolkit_version=published_version(6),
        case__team__service_area=service_area,
        case__practitioner=p["practitioner"],
        status=S.MODERATED,
        grade="good",
        moderated_grade="inadequate",
    )
    review_event(review, 0, "", S.UNASSIGNED, p["qa"], "Sampled: 2 cases per team.")
    review_event(review, 10, S.UNASSIGNED, S.ASSIGNED, p["qa"], "Assigned to Rita Rowe.")
    review_event(review, 60, S.ASSIGNED, S.IN_PROGRESS, p["reviewer"], "First saved.")
    review_event(review, 120, S.IN_PROGRESS, S.SUBMITTED, p["reviewer"])
    moderation(
        review, 180, p["moderator"], "regraded", "good", "inadequate", rationale="No safety plan."
    )
    review_event(review, 180, S.SUBMITTED, S.MODERATED, p["moderator"], "Moderated: regraded.")
    escalation = Escalation.objects.create(
        review=review, source="moderation", deadline=datetime.date(2026, 11, 4), urgent=True
    )
    escalation_event(escalation, 181, "", E.RAISED, p["moderator"], "Graded Inadequate.")
    action = Action.objects.create(
        review=review,
        description="Write a safety plan with the family.",
        owner=p["practitioner"],
        due_on=datetime.date(2026, 12, 1),
    )
    action_event(action, 200, "", A.OPEN, p["reviewer"])
    escalation_event(escalation, 300, E.RAISED, E.DISPUTED, p["manager"], "Assurance recorded.")
    action_event(action, 400, A.OPEN, A.DONE, p["practitioner"], "Marked done with the evidence.")
    escalation_event(escalation, 500, E.DISPUTED, E.CLOSED, p["head"], "Decided.")
    action_event(action, 600, A.DONE, A.OPEN, p["lead"], "The plan is not signed by the family.")
    action_event(action, 700, A.OPEN, A.DONE, p["practitioner"], "Marked done with the evidence.")
    action_event(
        action, 800, A.DONE, A.VERIFIED, p["lead"], "Verified: the improvement is evidenced."
    )
    return review


def test_the_history_lists_every_kind_of_event_in_time_order_with_who_and_what(review):
    history = review_history(review)

    assert [(entry.at, entry.who, entry.what) for entry in history] == [
        (at(0), "Quinn Adams", "Added the case to the cycle's sample"),
        (at(10), "Quinn Adams", "Assigned the review"),
        (at(60), "Rita Rowe", "Started the review"),
        (at(120), "Rita Rowe", "Submitted the review with the grade Good"),
        (at(180), "Mo Dale", "Moderated: regraded the review from Good to Inadequate"),
        (
            at(181),
            "Mo Dale",
            "Escalated the Inadequate grade to the service manager: assurance due by "
            "4 November 2026",
        ),
        (at(200), "Rita Rowe", "Agreed an action"),
        (
            at(300),
            "Sam Manning",
            "Recorded assurance and disputed the level of concern; the Head of Service decides",
        ),
        (at(400), "Pat Price", "Marked an action done"),
        (
            at(500),
            "Hana Head",
            "Recorded the Head of Service's final decision; the escalation is closed",
        ),
        (at(600), "Lee Lead", "Reopened an action"),
        (at(700), "Pat Price", "Marked an action done"),
        (at(800), "Lee Lead", "Verified an action: the improvement is evidenced"),
    ]
    assert [entry.kind for entry in history] == [
        *["review"] * 4,
        "moderation",
        "escalation",
        "action",
        "escalation",
        "action",
        "escalation",
        *["action"] * 3,
    ]


def test_the_history_keeps_the_rationale_the_reopening_reason_and_the_action(review):
    details = {entry.what: entry.details for entry in review_history(review)}

    assert details["Moderated: regraded the review from Good to Inadequate"] == (
        "Rationale: No safety plan.",
    )
    assert details["Reopened an action"] == (
        "The action: Write a safety plan with the family.",
        "The plan is not signed by the family.",
    )
    assert details["Assigned the review"] == ("Assigned to Rita Rowe.",)


def test_assurance_that_closes_an_escalation_says_so_and_whether_an_action_is_urgent(people):
    review = ReviewFactory(reviewer=people["reviewer"], grade="inadequate")
    escalation = Escalation.objects.create(
        review=review, source="submit", deadline=datetime.date(2026, 11, 4), urgent=True
    )
    escalation_event(escalation, 1, E.RAISED, E.CLOSED, people["manager"])

    (entry,) = review_history(review)

    assert entry.what == (
        "Recorded assurance on the child's safety (an action is urgent); the escalation is closed"
    )


def test_a_reminder_by_the_timed_job_is_shown_as_done_by_qaf(people):
    review = ReviewFactory(reviewer=people["reviewer"], grade="inadequate")
    escalation = Escalation.objects.create(
        review=review, source="submit", deadline=datetime.date(2026, 11, 4)
    )
    note = "No assurance by the deadline: reminded, and raised to the Head of Service."
    escalation_event(escalation, 1, E.RAISED, E.RAISED, None, note)

    (entry,) = review_history(review)

    assert entry.who == "QAF (automatic)"
    assert entry.what == "No assurance by the deadline: reminded, and raised to the Head of Service"


def test_a_return_and_a_second_submit_show_each_grade_the_reviewer_gave(people):
    p = people
    review = ReviewFactory(reviewer=p["reviewer"], status=S.SUBMITTED, grade="inadequate")
    review_event(review, 1, S.IN_PROGRESS, S.SUBMITTED, p["reviewer"])
    moderation(review, 2, p["moderator"], "returned", "good", feedback_to_reviewer="See 2.1.")
    review_event(review, 2, S.SUBMITTED, S.IN_PROGRESS, p["moderator"], "Returned.")
    review_event(review, 3, S.IN_PROGRESS, S.SUBMITTED, p["reviewer"])

    history = review_history(review)

    assert [(entry.who, entry.what, entry.details) for entry in history] == [
        ("Rita Rowe", "Submitted the review with the grade Good", ()),
        ("Mo Dale", "Returned the review to the reviewer", ("Feedback to the reviewer: See 2.1.",)),
        ("Rita Rowe", "Submitted the review with the grade Inadequate", ()),
    ]


def test_a_status_change_without_its_moderation_row_is_still_listed(people):
    review = ReviewFactory(reviewer=people["reviewer"], status=S.MODERATED, grade="good")
    review_event(review, 1, S.SUBMITTED, S.MODERATED, people["moderator"], "Moderated.")

    assert [entry.what for entry in review_history(review)] == ["Moderated the review"]


def test_another_reviews_events_are_not_in_the_history(review, people):
    other = ReviewFactory(reviewer=people["reviewer"])
    review_event(other, 5, S.ASSIGNED, S.IN_PROGRESS, people["reviewer"])

    assert len(review_history(other)) == 1
    assert len(review_history(review)) == 13


# The review page.


def history_of_page(client, person, review) -> str:
    client.force_login(person)
    response = client.get(f"/reviews/{review.pk}/")
    assert response.status_code == 200
    content = response.content.decode()
    return content.split('data-testid="review-history"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize("person", ["reviewer", "practitioner", "moderator", "qa"])
def test_the_review_page_shows_the_history_to_those_who_read_the_review(
    client, people, review, person
):
    section = history_of_page(client, people[person], review)

    assert '<h2 class="h4" id="review-history">History</h2>' in section
    rows = re.findall(r"<tr>\s*<th scope=\"row\"", section)
    assert len(rows) == 13
    assert '<time datetime="2026-11-02T09:00:00+00:00">2 November 2026, 09:00</time>' in section
    assert "<td>Lee Lead</td>" in section
    assert "Verified an action: the improvement is evidenced" in section
    assert "Rationale: No safety plan." in section


def test_a_review_with_nothing_recorded_says_so(client, reviewer, service_area):
    review = ReviewFactory(
        reviewer=reviewer,
        toolkit_version=published_version(6),
        case__team__service_area=service_area,
    )

    section = history_of_page(client, reviewer, review)

    assert "Nothing has been recorded about this review yet." in section


def test_free_text_in_the_history_is_escaped(client, people, review):
    moderation(review, 900, people["moderator"], "agreed", "good", "good", rationale="<b>x</b>")

    section = history_of_page(client, people["reviewer"], review)

    assert "Rationale: &lt;b&gt;x&lt;/b&gt;" in section


# Queries: one per source, however long the history.


def add_events(review, people, count: int) -> None:
    p = people
    escalation, _ = Escalation.objects.get_or_create(
        review=review, defaults={"source": "submit", "deadline": datetime.date(2026, 11, 4)}
    )
    for n in range(count):
        review_event(review, 1000 + n, S.ASSIGNED, S.ASSIGNED, p["qa"], "Reassigned.")
        moderation(review, 1000 + n, p["moderator"], "agreed", "good", "good")
        escalation_event(escalation, 1000 + n, E.RAISED, E.RAISED, p["manager"], "A step.")
        action = Action.objects.create(
            review=review,
            description=f"Action {n}",
            owner=p["practitioner"],
            due_on=datetime.date(2026, 12, 1),
        )
        action_event(action, 1000 + n, "", A.OPEN, UserFactory())


def test_the_history_takes_four_queries_however_many_events(
    review, people, django_assert_num_queries
):
    add_events(review, people, 25)

    with django_assert_num_queries(4):
        history = review_history(review)

    assert len(history) == 13 + 4 * 25


def page_queries(client, person, review) -> int:
    client.force_login(person)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/reviews/{review.pk}/").status_code == 200
    return len(queries)


def test_the_review_page_runs_as_many_queries_for_a_long_history_as_for_a_short_one(
    client, people, review
):
    short = page_queries(client, people["practitioner"], review)
    add_events(review, people, 20)

    assert page_queries(client, people["practitioner"], review) == short
