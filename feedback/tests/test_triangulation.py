"""Triangulation: all feedback about a case on its review page, in date order, and theme counts
per cycle and service for the report."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import TeamFactory
from audits.tests.factories import CaseFactory, CycleFactory
from feedback.models import FamilyFeedback
from feedback.tests.factories import (
    ComplaintComplimentFactory,
    FamilyFeedbackOnCaseFactory,
    FeedbackThemeFactory,
    IROFeedbackFactory,
)
from feedback.triangulation import feedback_for_case, theme_counts
from reviews.tests.factories import ReviewFactory


def _days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def _family(case, on: datetime.date, **kwargs) -> FamilyFeedback:
    feedback = FamilyFeedbackOnCaseFactory(case=case, **kwargs)
    at = timezone.make_aware(datetime.datetime.combine(on, datetime.time(12)))
    FamilyFeedback.objects.filter(pk=feedback.pk).update(submitted_at=at)
    return feedback


@pytest.fixture
def case(service_area):
    return CaseFactory(team=TeamFactory(service_area=service_area), reference="CMS-777001")


def test_all_feedback_about_a_case_is_listed_oldest_first(case):
    IROFeedbackFactory(
        case=case, meeting_on=_days_ago(10), child_words="I want to stay at my school."
    )
    _family(case, _days_ago(20), listened_to=5, helped=1)
    ComplaintComplimentFactory(
        case=case, team=case.team, kind="compliment", received_on=_days_ago(5), from_whom="carer"
    )
    ComplaintComplimentFactory(case=case, team=case.team, received_on=_days_ago(30))
    ComplaintComplimentFactory(team=case.team)  # about no case
    IROFeedbackFactory()  # another case

    items = feedback_for_case(case)

    assert [item.kind for item in items] == [
        "Complaint",
        "Family feedback",
        "IRO / CP chair feedback",
        "Compliment",
    ]
    assert [item.on for item in items] == sorted(item.on for item in items)


def test_family_feedback_shows_its_scales_in_words(case):
    _family(case, _days_ago(1), listened_to=5, helped=1, went_well="Secret free text")

    (item,) = feedback_for_case(case)

    assert "Felt listened to: Yes, a lot" in item.summary
    assert "The help made things better: No, not at all" in item.summary
    assert "Secret free text" not in item.summary


def test_iro_feedback_shows_the_childs_words_and_nothing_else_written(case):
    IROFeedbackFactory(case=case, child_words="I like my foster carer.")

    (item,) = feedback_for_case(case)

    assert "I like my foster carer." in item.summary
    assert "Child protection conference" in item.summary


def test_the_queries_are_one_per_source_however_much_feedback(case):
    for _ in range(3):
        IROFeedbackFactory(case=case)
        _family(case, _days_ago(2))
        ComplaintComplimentFactory(case=case, team=case.team)

    with CaptureQueriesContext(connection) as queries:
        assert len(feedback_for_case(case)) == 9

    assert len(queries) == 3


def test_the_review_page_shows_the_cases_feedback(client, qa_manager, case):
    review = ReviewFactory(case=case)
    ComplaintComplimentFactory(case=case, team=case.team, summary="Worker never rang back")
    client.force_login(qa_manager)

    page = client.get(f"/reviews/{review.pk}/").content.decode()

    assert "Feedback about this case" in page
    assert "Worker never rang back" in page


def test_the_review_page_says_when_there_is_no_feedback(client, qa_manager, case):
    review = ReviewFactory(case=case)
    client.force_login(qa_manager)

    page = client.get(f"/reviews/{review.pk}/").content.decode()

    assert "No feedback has been recorded about this case." in page


def test_the_review_pages_queries_do_not_grow_with_the_cases_feedback(client, qa_manager, case):
    review = ReviewFactory(case=case)
    IROFeedbackFactory(case=case)
    client.force_login(qa_manager)
    with CaptureQueriesContext(connection) as one:
        client.get(f"/reviews/{review.pk}/")

    for _ in range(4):
        IROFeedbackFactory(case=case)
        _family(case, _days_ago(3))
        ComplaintComplimentFactory(case=case, team=case.team)
    with CaptureQueriesContext(connection) as many:
        client.get(f"/reviews/{review.pk}/")

    assert len(many) == len(one)


# Theme counts.


@pytest.fixture
def cycle(db):
    return CycleFactory(
        review_starts_on=datetime.date(2026, 9, 1),
        review_ends_on=datetime.date(2026, 9, 30),
        reporting_ends_on=datetime.date(2026, 10, 31),
    )


def test_themes_are_counted_per_service_across_every_source(
    cycle, service_area, other_service_area
):
    respect, timeliness = (
        FeedbackThemeFactory(name="Respect"),
        FeedbackThemeFactory(name="Timeliness"),
    )
    here = CaseFactory(team=TeamFactory(service_area=service_area))
    there = CaseFactory(team=TeamFactory(service_area=other_service_area))
    in_cycle = datetime.date(2026, 9, 15)
    ComplaintComplimentFactory(team=here.team, received_on=in_cycle, themes=[respect, timeliness])
    ComplaintComplimentFactory(
        team=here.team, received_on=datetime.date(2026, 10, 31), themes=[respect]
    )
    IROFeedbackFactory(case=here, meeting_on=datetime.date(2026, 9, 1)).themes.add(respect)
    _family(here, in_cycle, themes=[timeliness])
    _family(there, in_cycle, themes=[respect])
    # Outside the cycle: not counted.
    ComplaintComplimentFactory(
        team=here.team, received_on=datetime.date(2026, 8, 31), themes=[respect]
    )
    IROFeedbackFactory(case=here, meeting_on=datetime.date(2026, 11, 1)).themes.add(respect)
    _family(here, datetime.date(2026, 11, 2), themes=[respect])
    ComplaintComplimentFactory(team=here.team, received_on=in_cycle)  # no theme

    assert theme_counts(cycle=cycle) == {
        "Children in Care": {"Respect": 1},
        "Children in Need": {"Respect": 3, "Timeliness": 2},
    }


def test_theme_counts_can_be_for_one_service(cycle, service_area, other_service_area):
    respect = FeedbackThemeFactory(name="Respect")
    ComplaintComplimentFactory(
        team=TeamFactory(service_area=service_area),
        received_on=datetime.date(2026, 9, 2),
        themes=[respect],
    )
    ComplaintComplimentFactory(
        team=TeamFactory(service_area=other_service_area),
        received_on=datetime.date(2026, 9, 2),
        themes=[respect],
    )

    assert theme_counts(cycle=cycle, service_area=service_area) == {
        "Children in Need": {"Respect": 1}
    }


def test_theme_counts_are_three_grouped_queries(cycle, service_area):
    respect = FeedbackThemeFactory(name="Respect")
    for _ in range(3):
        ComplaintComplimentFactory(received_on=datetime.date(2026, 9, 2), themes=[respect])

    with CaptureQueriesContext(connection) as queries:
        theme_counts(cycle=cycle)

    assert len(queries) == 3
    assert all("GROUP BY" in query["sql"] for query in queries)
