"""Sampling a cycle's cases, adding and removing them by hand, and assigning reviewers."""

import datetime
import random
from collections import Counter

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role, User
from accounts.tests.factories import ServiceAreaFactory, TeamFactory, UserFactory
from audits.models import Case, Cycle, LegalStatus, ToolkitKind
from audits.services.sampling import (
    conflict_of_interest,
    months_before,
    reviews_assign,
    sample_add_case,
    sample_cases,
    sample_remove_review,
    suggest_reviewers,
)
from audits.tests.factories import (
    CaseFactory,
    CycleFactory,
    ToolkitFactory,
    ToolkitVersionFactory,
)
from reviews.models import Review, ReviewEvent
from reviews.tests.factories import AnswerFactory, ReviewFactory

START = datetime.date(2026, 1, 1)
LS = LegalStatus


@pytest.fixture
def toolkit(db):
    toolkit = ToolkitFactory(name="Practice Review", kind=ToolkitKind.PRACTICE_REVIEW)
    ToolkitVersionFactory(toolkit=toolkit, number=1, published=True)
    return toolkit


def make_cycle(toolkit, start=START, **kwargs) -> Cycle:
    return CycleFactory(
        toolkit=toolkit,
        review_starts_on=start,
        review_ends_on=start + datetime.timedelta(days=30),
        reporting_ends_on=start + datetime.timedelta(days=60),
        **kwargs,
    )


@pytest.fixture
def cycle(toolkit):
    return make_cycle(toolkit)


@pytest.fixture
def area(db):
    return ServiceAreaFactory(name="Children in Need")


def add_cases(team, count, legal_status=LS.CHILD_IN_NEED, **kwargs) -> list[Case]:
    return [
        CaseFactory(
            team=team,
            legal_status=legal_status,
            opened_on=kwargs.pop("opened_on", datetime.date(2025, 6, 1)),
            **kwargs,
        )
        for _ in range(count)
    ]


def unassigned(**kwargs) -> Review:
    return ReviewFactory(status=Review.Status.UNASSIGNED, reviewer=None, **kwargs)


def sampled(reviews) -> set[str]:
    return {review.case.reference for review in reviews}


def per_team(cycle) -> Counter:
    return Counter(Review.objects.filter(cycle=cycle).values_list("case__team__name", flat=True))


# Drawing the sample


def test_the_same_seed_draws_the_same_cases(cycle, qa_manager, area):
    for _ in range(3):
        add_cases(TeamFactory(service_area=area), 10)
    first = sampled(sample_cases(cycle=cycle, per_team=2, seed=42, actor=qa_manager))
    Review.objects.all().delete()

    again = sampled(sample_cases(cycle=cycle, per_team=2, seed=42, actor=qa_manager))

    assert first == again
    assert len(first) == 6


def test_a_different_seed_usually_draws_different_cases(cycle, qa_manager, area):
    add_cases(TeamFactory(service_area=area), 20)
    draws = set()
    for seed in range(1, 6):
        draws.add(frozenset(sampled(sample_cases(cycle=cycle, per_team=3, seed=seed, actor=None))))
        Review.objects.all().delete()

    assert len(draws) > 1


def test_each_team_gets_the_number_asked_for_or_all_it_has(cycle, qa_manager, area):
    big, other, small = (TeamFactory(service_area=area, name=n) for n in ("A", "B", "C"))
    add_cases(big, 10)
    add_cases(other, 5)
    add_cases(small, 1)

    sample_cases(cycle=cycle, per_team=2, seed=1, actor=qa_manager)

    assert per_team(cycle) == {"A": 2, "B": 2, "C": 1}


@pytest.mark.parametrize("seed", range(10))
def test_two_legal_statuses_share_a_sample_of_two_equally(cycle, area, seed):
    team = TeamFactory(service_area=area)
    add_cases(team, 4, LS.CHILD_IN_NEED)
    add_cases(team, 4, LS.CHILD_PROTECTION)

    reviews = sample_cases(cycle=cycle, per_team=2, seed=seed, actor=None)

    assert sorted(r.case.legal_status for r in reviews) == [LS.CHILD_IN_NEED, LS.CHILD_PROTECTION]


@pytest.mark.parametrize("seed", range(10))
def test_a_small_legal_status_group_gives_all_it_has_and_the_rest_share_equally(cycle, area, seed):
    team = TeamFactory(service_area=area)
    add_cases(team, 10, LS.CHILD_IN_NEED)
    add_cases(team, 10, LS.CHILD_PROTECTION)
    add_cases(team, 1, LS.CHILD_IN_CARE)

    reviews = sample_cases(cycle=cycle, per_team=5, seed=seed, actor=None)

    assert Counter(r.case.legal_status for r in reviews) == {
        LS.CHILD_IN_NEED: 2,
        LS.CHILD_PROTECTION: 2,
        LS.CHILD_IN_CARE: 1,
    }


@pytest.mark.parametrize("seed", range(10))
def test_every_legal_status_present_gets_a_share_as_equal_as_possible(cycle, area, seed):
    team = TeamFactory(service_area=area)
    for status in LS.values:
        add_cases(team, 3, status)

    reviews = sample_cases(cycle=cycle, per_team=7, seed=seed, actor=None)

    shares = Counter(r.case.legal_status for r in reviews)
    assert set(shares) == set(LS.values)
    assert max(shares.values()) - min(shares.values()) <= 1


def test_only_cases_open_during_the_review_phase_are_drawn(cycle, area):
    team = TeamFactory(service_area=area)
    [open_case] = add_cases(team, 1)
    [closes_later] = add_cases(team, 1, closed_on=START + datetime.timedelta(days=3))
    add_cases(team, 1, closed_on=START)  # closed when the review phase starts
    add_cases(team, 1, closed_on=datetime.date(2025, 7, 1))
    add_cases(team, 1, opened_on=cycle.review_ends_on)  # opens as the phase ends
    add_cases(team, 1, opened_on=datetime.date(2026, 3, 1))

    reviews = sample_cases(cycle=cycle, per_team=10, seed=1, actor=None)

    assert sampled(reviews) == {open_case.reference, closes_later.reference}


def test_cases_already_in_the_cycle_are_not_drawn_again(cycle, area):
    add_cases(TeamFactory(service_area=area), 5)
    first = sampled(sample_cases(cycle=cycle, per_team=2, seed=1, actor=None))

    second = sampled(sample_cases(cycle=cycle, per_team=2, seed=1, actor=None))

    assert len(second) == 2
    assert not first & second
    assert Review.objects.filter(cycle=cycle).count() == 4


@pytest.mark.parametrize(
    ("months_ago", "exclude_months", "drawn"),
    [
        (6, 12, False),  # reviewed within the window
        (12, 12, False),  # on its first day
        (13, 12, True),  # before it
        (6, 3, True),  # a shorter window
        (1, 0, True),  # no window at all
    ],
)
def test_cases_reviewed_in_the_last_months_are_left_out(
    toolkit, area, months_ago, exclude_months, drawn
):
    earlier = make_cycle(toolkit, start=months_before(START, months_ago))
    cycle = make_cycle(toolkit)
    [case] = add_cases(TeamFactory(service_area=area), 1)
    ReviewFactory(cycle=earlier, case=case)

    reviews = sample_cases(
        cycle=cycle, per_team=1, seed=1, exclude_months=exclude_months, actor=None
    )

    assert (case.reference in sampled(reviews)) is drawn


def test_a_review_in_a_later_cycle_does_not_leave_a_case_out(toolkit, area):
    cycle = make_cycle(toolkit)
    later = make_cycle(toolkit, start=datetime.date(2026, 3, 1))
    [case] = add_cases(TeamFactory(service_area=area), 1)
    ReviewFactory(cycle=later, case=case)

    assert sampled(sample_cases(cycle=cycle, per_team=1, seed=1, actor=None)) == {case.reference}


def test_sampled_reviews_are_unassigned_with_the_published_version_and_the_phase_end_as_due(
    toolkit, cycle, qa_manager, area
):
    newest = ToolkitVersionFactory(toolkit=toolkit, number=2, published=True)
    ToolkitVersionFactory(toolkit=toolkit, number=3)  # a draft: never used
    add_cases(TeamFactory(service_area=area), 2)

    reviews = sample_cases(cycle=cycle, per_team=2, seed=1, actor=qa_manager)

    for review in Review.objects.filter(pk__in=[r.pk for r in reviews]):
        assert review.status == Review.Status.UNASSIGNED
        assert review.reviewer is None
        assert review.toolkit_version == newest
        assert review.due_on == cycle.review_ends_on
        assert review.created_by == qa_manager
        assert not review.added_by_hand
        [event] = review.events.all()
        assert (event.from_status, event.to_status, event.actor) == ("", "unassigned", qa_manager)
        assert "seed 1" in event.note


def test_a_cycle_in_its_review_phase_can_still_be_sampled(toolkit, area):
    cycle = make_cycle(toolkit, status=Cycle.Status.REVIEW)
    add_cases(TeamFactory(service_area=area), 1)

    assert len(sample_cases(cycle=cycle, per_team=1, seed=1, actor=None)) == 1


@pytest.mark.parametrize("status", [Cycle.Status.REPORTING, Cycle.Status.CLOSED])
def test_a_cycle_past_its_review_phase_cannot_be_sampled(toolkit, area, status):
    cycle = make_cycle(toolkit, status=status)
    add_cases(TeamFactory(service_area=area), 1)

    with pytest.raises(ValidationError, match="only while the cycle is planned or in its review"):
        sample_cases(cycle=cycle, per_team=1, seed=1, actor=None)
    assert not Review.objects.exists()


def test_a_cycle_without_a_toolkit_cannot_be_sampled(area):
    cycle = make_cycle(None)
    add_cases(TeamFactory(service_area=area), 1)

    with pytest.raises(ValidationError, match="has no toolkit yet"):
        sample_cases(cycle=cycle, per_team=1, seed=1, actor=None)


def test_a_toolkit_never_published_cannot_be_sampled_with(area):
    draft_only = ToolkitFactory(name="Neglect")
    ToolkitVersionFactory(toolkit=draft_only)
    cycle = make_cycle(draft_only)
    add_cases(TeamFactory(service_area=area), 1)

    with pytest.raises(ValidationError, match="Neglect has no published version yet"):
        sample_cases(cycle=cycle, per_team=1, seed=1, actor=None)


def test_at_least_one_case_per_team_is_asked_for(cycle):
    with pytest.raises(ValidationError, match="at least one case per team"):
        sample_cases(cycle=cycle, per_team=0, seed=1, actor=None)


# Adding and removing by hand


def test_a_case_added_by_hand_uses_the_cycles_toolkit(toolkit, cycle, qa_manager):
    case = CaseFactory()

    review = sample_add_case(cycle=cycle, case=case, actor=qa_manager)

    assert review.added_by_hand
    assert review.toolkit_version.toolkit == toolkit
    assert review.status == Review.Status.UNASSIGNED
    assert review.created_by == qa_manager


def test_a_practice_observation_is_added_one_by_one_with_its_own_toolkit(cycle, qa_manager):
    observation = ToolkitFactory(name="Practice Observation", kind=ToolkitKind.PRACTICE_OBSERVATION)
    version = ToolkitVersionFactory(toolkit=observation, published=True)

    review = sample_add_case(cycle=cycle, case=CaseFactory(), actor=qa_manager, toolkit=observation)

    assert review.toolkit_version == version


def test_a_case_already_in_the_sample_is_refused(cycle, qa_manager):
    case = CaseFactory(reference="CMS-7")
    sample_add_case(cycle=cycle, case=case, actor=qa_manager)

    with pytest.raises(ValidationError, match="Case CMS-7 is already in the sample"):
        sample_add_case(cycle=cycle, case=case, actor=qa_manager)
    assert Review.objects.count() == 1


def test_a_feedback_form_is_not_a_review_toolkit(cycle, qa_manager):
    form = ToolkitFactory(name="IRO feedback", kind=ToolkitKind.IRO_FEEDBACK)
    ToolkitVersionFactory(toolkit=form, published=True)

    with pytest.raises(ValidationError, match="not a review toolkit"):
        sample_add_case(cycle=cycle, case=CaseFactory(), actor=qa_manager, toolkit=form)


def test_no_case_is_added_to_a_closed_cycle(toolkit, qa_manager):
    cycle = make_cycle(toolkit, status=Cycle.Status.CLOSED)

    with pytest.raises(ValidationError):
        sample_add_case(cycle=cycle, case=CaseFactory(), actor=qa_manager)


def test_an_unassigned_review_is_removed(cycle, qa_manager):
    review = unassigned(cycle=cycle)

    sample_remove_review(review=review, actor=qa_manager)

    assert not Review.objects.filter(pk=review.pk).exists()


def test_an_assigned_review_not_started_is_removed(cycle, qa_manager, reviewer):
    review = ReviewFactory(cycle=cycle, reviewer=reviewer, status=Review.Status.ASSIGNED)

    sample_remove_review(review=review, actor=qa_manager)

    assert not Review.objects.filter(pk=review.pk).exists()


def test_an_assigned_review_with_answers_is_kept(cycle, qa_manager, reviewer):
    review = ReviewFactory(cycle=cycle, reviewer=reviewer, status=Review.Status.ASSIGNED)
    AnswerFactory(review=review)

    with pytest.raises(ValidationError, match="has started it"):
        sample_remove_review(review=review, actor=qa_manager)
    assert Review.objects.filter(pk=review.pk).exists()


@pytest.mark.parametrize("status", ["in_progress", "submitted", "moderated", "finalised"])
def test_a_review_under_way_or_done_is_kept(cycle, qa_manager, reviewer, status):
    review = ReviewFactory(cycle=cycle, reviewer=reviewer, status=status)

    with pytest.raises(ValidationError, match="cannot be removed from the sample"):
        sample_remove_review(review=review, actor=qa_manager)
    assert Review.objects.filter(pk=review.pk).exists()


# Suggesting reviewers


def make_reviewer(area, team=None, **kwargs):
    return UserFactory(team=team, roles=[(Role.REVIEWER, area)], **kwargs)


def test_a_reviewer_is_never_suggested_for_a_case_of_their_own_team(cycle, area):
    team, other_team = TeamFactory(service_area=area), TeamFactory(service_area=area)
    insider = make_reviewer(area, team, last_name="Adams")
    outsider = make_reviewer(area, other_team, last_name="Zane")
    reviews = [unassigned(cycle=cycle, case=case) for case in add_cases(team, 3)]

    suggestions = suggest_reviewers(cycle=cycle, reviews=reviews)

    assert set(suggestions.values()) == {outsider}
    assert insider not in suggestions.values()


def test_a_reviewer_is_never_suggested_for_a_case_they_practise_on(cycle, area):
    team = TeamFactory(service_area=area)
    worker = make_reviewer(area, last_name="Adams")
    other = make_reviewer(area, last_name="Zane")
    review = unassigned(cycle=cycle, case=add_cases(team, 1, practitioner=worker)[0])

    assert suggest_reviewers(cycle=cycle, reviews=[review]) == {review.pk: other}


def test_a_review_nobody_may_take_gets_no_suggestion(cycle, area):
    team = TeamFactory(service_area=area)
    make_reviewer(area, team)
    review = unassigned(cycle=cycle, case=add_cases(team, 1)[0])

    assert suggest_reviewers(cycle=cycle, reviews=[review]) == {review.pk: None}


def test_only_active_reviewers_are_suggested(cycle, area):
    make_reviewer(area, is_active=False)
    UserFactory(roles=[(Role.MODERATOR, area)])
    review = unassigned(cycle=cycle)

    assert suggest_reviewers(cycle=cycle, reviews=[review]) == {review.pk: None}


def test_reviewers_of_any_service_area_review_across_services(cycle, area, other_service_area):
    elsewhere = make_reviewer(other_service_area)
    review = unassigned(cycle=cycle, case=add_cases(TeamFactory(service_area=area), 1)[0])

    assert suggest_reviewers(cycle=cycle, reviews=[review]) == {review.pk: elsewhere}


def test_ties_go_to_the_reviewer_first_by_name(cycle, area):
    make_reviewer(area, last_name="Young")
    first = make_reviewer(area, last_name="Baker")
    review = unassigned(cycle=cycle)

    assert suggest_reviewers(cycle=cycle, reviews=[review]) == {review.pk: first}


def test_reviews_already_assigned_in_the_cycle_count_towards_the_load(cycle, area):
    busy = make_reviewer(area, last_name="Adams")
    free = make_reviewer(area, last_name="Zane")
    for _ in range(2):
        ReviewFactory(cycle=cycle, reviewer=busy, status="assigned")
    ReviewFactory(reviewer=free, status="assigned")  # another cycle: does not count
    reviews = [unassigned(cycle=cycle) for _ in range(3)]

    suggestions = suggest_reviewers(cycle=cycle, reviews=reviews)

    assert Counter(suggestions.values()) == {free: 2, busy: 1}


def _random_configuration(rng: random.Random, cycle, area, version):
    """Teams, reviewers (some in those teams, some practitioners) and reviews of their cases."""
    Review.objects.all().delete()
    Case.objects.all().delete()
    Cycle.objects.exclude(pk=cycle.pk).delete()
    User.objects.update(is_active=False)  # reviewers of earlier configurations drop out
    teams = [TeamFactory(service_area=area) for _ in range(rng.randint(1, 4))]
    reviewers = [
        make_reviewer(area, rng.choice([*teams, None]), last_name=rng.choice("ABC"))
        for _ in range(rng.randint(1, 6))
    ]
    reviews = []
    for _ in range(rng.randint(1, 12)):
        practitioner = rng.choice([*reviewers, None, None])
        [case] = add_cases(rng.choice(teams), 1, practitioner=practitioner)
        reviews.append(unassigned(cycle=cycle, case=case, toolkit_version=version))
    return reviewers, reviews


def test_no_suggestion_is_ever_a_conflict_of_interest(cycle, area, toolkit):
    rng = random.Random(20260101)
    for _ in range(40):
        reviewers, reviews = _random_configuration(rng, cycle, area, toolkit.versions.get())

        suggestions = suggest_reviewers(cycle=cycle, reviews=reviews)

        for review in reviews:
            chosen = suggestions[review.pk]
            if chosen is None:  # only when every reviewer has a conflict
                assert all(conflict_of_interest(user, review.case) for user in reviewers)
            else:
                assert conflict_of_interest(chosen, review.case) is None
                assert chosen.team_id != review.case.team_id or chosen.team_id is None
                assert review.case.practitioner_id != chosen.pk


def test_without_conflicts_the_load_is_balanced_to_within_one(cycle, area, toolkit):
    rng = random.Random(7)
    for _ in range(30):
        Review.objects.all().delete()
        User.objects.update(is_active=False)
        reviewers = [
            make_reviewer(area, last_name=rng.choice("ABC")) for _ in range(rng.randint(1, 7))
        ]
        reviews = [
            unassigned(cycle=cycle, toolkit_version=toolkit.versions.get())
            for _ in range(rng.randint(1, 20))
        ]

        suggestions = suggest_reviewers(cycle=cycle, reviews=reviews)

        load = Counter(suggestions.values())
        counts = [load.get(user, 0) for user in reviewers]
        assert None not in load
        assert max(counts) - min(counts) <= 1


# Assigning


def test_assigning_moves_each_review_to_assigned_with_its_reviewer(cycle, area, qa_manager):
    person = make_reviewer(area)
    reviews = [unassigned(cycle=cycle) for _ in range(2)]

    changed = reviews_assign(assignments=dict.fromkeys(reviews, person), actor=qa_manager)

    assert len(changed) == 2
    for review in reviews:
        review.refresh_from_db()
        assert (review.status, review.reviewer) == ("assigned", person)
        event = review.events.get()
        assert (event.from_status, event.to_status, event.actor) == (
            "unassigned",
            "assigned",
            qa_manager,
        )


def test_one_conflict_refuses_the_whole_batch_and_names_the_case_and_reviewer(
    cycle, area, qa_manager
):
    team = TeamFactory(service_area=area, name="CIN Team 1")
    person = make_reviewer(area, team, first_name="Jo", last_name="Bloggs")
    fine = unassigned(cycle=cycle)
    conflicted = unassigned(cycle=cycle, case=add_cases(team, 1, reference="CMS-77")[0])

    with pytest.raises(ValidationError) as raised:
        reviews_assign(assignments={fine: person, conflicted: person}, actor=qa_manager)

    [message] = raised.value.messages
    assert "Jo Bloggs works in CIN Team 1, the team of case CMS-77" in message
    assert not Review.objects.exclude(status="unassigned").exists()
    assert not ReviewEvent.objects.exists()


def test_assigning_a_case_to_its_own_practitioner_is_refused(cycle, area, qa_manager):
    person = make_reviewer(area, first_name="Jo", last_name="Bloggs")
    review = unassigned(cycle=cycle, case=add_cases(TeamFactory(), 1, practitioner=person)[0])

    with pytest.raises(ValidationError, match="Jo Bloggs is the allocated practitioner"):
        reviews_assign(assignments={review: person}, actor=qa_manager)


def test_someone_who_is_not_a_reviewer_is_refused(cycle, area, qa_manager, moderator):
    review = unassigned(cycle=cycle)

    with pytest.raises(ValidationError, match="is not an active reviewer"):
        reviews_assign(assignments={review: moderator}, actor=qa_manager)


def test_reassigning_before_work_starts_changes_the_reviewer_and_records_it(
    cycle, area, qa_manager
):
    before = make_reviewer(area, first_name="Ann", last_name="Able")
    after = make_reviewer(area, first_name="Bob", last_name="Brown")
    review = ReviewFactory(cycle=cycle, reviewer=before, status="assigned")

    reviews_assign(assignments={review: after}, actor=qa_manager)

    review.refresh_from_db()
    assert (review.status, review.reviewer) == ("assigned", after)
    event = review.events.get()
    assert (event.from_status, event.to_status, event.actor) == ("assigned", "assigned", qa_manager)
    assert event.note == "Reassigned from Ann Able to Bob Brown."


def test_a_review_with_answers_keeps_its_reviewer(cycle, area, qa_manager):
    before, after = make_reviewer(area), make_reviewer(area)
    review = ReviewFactory(cycle=cycle, reviewer=before, status="assigned")
    AnswerFactory(review=review)

    with pytest.raises(ValidationError, match="has been started"):
        reviews_assign(assignments={review: after}, actor=qa_manager)
    review.refresh_from_db()
    assert review.reviewer == before


def test_assigning_the_same_reviewer_again_changes_nothing(cycle, area, qa_manager):
    person = make_reviewer(area)
    review = ReviewFactory(cycle=cycle, reviewer=person, status="assigned")

    assert reviews_assign(assignments={review: person}, actor=qa_manager) == []
    assert not ReviewEvent.objects.exists()


def test_months_before_keeps_the_day_or_takes_the_months_last():
    assert months_before(datetime.date(2026, 1, 15), 12) == datetime.date(2025, 1, 15)
    assert months_before(datetime.date(2026, 3, 31), 1) == datetime.date(2026, 2, 28)
    assert months_before(datetime.date(2026, 1, 1), 0) == datetime.date(2026, 1, 1)
