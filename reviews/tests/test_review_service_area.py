"""Review.service_area (issue 9): the case's service area copied onto each review so that lists
filter by it with an index. Who may see a review follows it, so it must never drift from the
case's: every way a review is made, and every way a case moves area, keeps the two in step."""

import io

from accounts.tests.factories import ServiceAreaFactory, TeamFactory, UserFactory
from audits.models import Case
from audits.services.cases import cases_import
from audits.services.sampling import sample_add_case, sample_cases
from audits.tests.factories import CaseFactory, CycleFactory, ToolkitVersionFactory
from reviews.models import Review, follow_cases_to_their_areas
from reviews.selectors import escalations_visible_to, reviews_visible_to
from reviews.tests.factories import EscalationFactory, ReviewFactory


def drifted() -> list[int]:
    """Reviews whose service area is not their case's."""
    return [
        pk
        for pk, own, cases in Review.objects.values_list(
            "pk", "service_area_id", "case__service_area_id"
        )
        if own != cases
    ]


def test_a_new_review_takes_its_cases_service_area(service_area):
    review = ReviewFactory(case__service_area=service_area)

    review.refresh_from_db()
    assert review.service_area_id == service_area.pk


def test_sampling_gives_each_review_its_cases_service_area(qa_manager, service_area):
    other = ServiceAreaFactory(name="Children in Care")
    for area in (service_area, other):
        team = TeamFactory(service_area=area)
        CaseFactory.create_batch(3, team=team, service_area=area)
    version = ToolkitVersionFactory(published=True)
    cycle = CycleFactory(toolkit=version.toolkit)

    reviews = sample_cases(cycle=cycle, per_team=2, seed=7, actor=qa_manager)
    added = sample_add_case(
        cycle=cycle,
        case=CaseFactory(service_area=other, team=TeamFactory(service_area=other)),
        actor=qa_manager,
    )

    assert len(reviews) == 4
    assert {r.service_area_id for r in reviews} == {service_area.pk, other.pk}
    assert added.service_area_id == other.pk
    assert drifted() == []


def test_a_case_that_moves_area_takes_its_reviews_and_who_may_see_them(service_area):
    other = ServiceAreaFactory(name="Children in Care")
    old_manager = UserFactory(roles=[("service_manager", service_area)])
    new_manager = UserFactory(roles=[("service_manager", other)])
    review = ReviewFactory(case__service_area=service_area)
    escalation = EscalationFactory(review=review)
    case = review.case

    case.service_area = other
    case.team = TeamFactory(service_area=other)
    case.save()

    assert drifted() == []
    assert not reviews_visible_to(old_manager).filter(pk=review.pk).exists()
    assert reviews_visible_to(new_manager).filter(pk=review.pk).exists()
    assert not escalations_visible_to(old_manager).filter(pk=escalation.pk).exists()
    assert escalations_visible_to(new_manager).filter(pk=escalation.pk).exists()


def test_a_case_list_import_that_moves_a_case_moves_its_reviews(db):
    cin = ServiceAreaFactory(name="Children in Need")
    cp = ServiceAreaFactory(name="Child Protection")
    TeamFactory(service_area=cin, name="CIN Team 1")
    TeamFactory(service_area=cp, name="CP Team 2")
    header = "case_reference,service,team,practitioner_email,case_type,opened_on,closed_on\n"
    row = "CMS-1001,{},{},,Child in Need plan,2025-03-01,\n"
    first = header + row.format("Children in Need", "CIN Team 1")
    cases_import(rows=io.StringIO(first), actor=None)
    stays = ReviewFactory(case=CaseFactory(service_area=cin))
    moves = ReviewFactory(case=Case.objects.get(reference="CMS-1001"))
    assert moves.service_area_id == cin.pk

    summary = cases_import(
        rows=io.StringIO(header + row.format("Child Protection", "CP Team 2")), actor=None
    )

    assert summary.updated == 1
    moves.refresh_from_db()
    stays.refresh_from_db()
    assert (moves.service_area_id, stays.service_area_id) == (cp.pk, cin.pk)
    assert drifted() == []


def test_following_cases_moves_only_the_reviews_of_the_cases_named(service_area):
    other = ServiceAreaFactory(name="Children in Care")
    named, unnamed = ReviewFactory.create_batch(2, case__service_area=service_area)
    Case.objects.filter(pk__in=[named.case_id, unnamed.case_id]).update(service_area=other)

    assert follow_cases_to_their_areas([named.case_id]) == 1

    assert drifted() == [unnamed.pk]  # the one left out keeps its old area: the function's scope


def test_the_reviews_list_filters_by_the_reviews_own_area_with_an_index_of_its_own(service_area):
    from django.db import connection

    ReviewFactory.create_batch(3, case__service_area=service_area, final_grade="good")
    listed = Review.objects.filter(service_area=service_area, final_grade="good")
    listed = listed.order_by().values("pk")  # the filter alone, without the default order
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Review._meta.db_table)
    indexed = [c["columns"] for c in constraints.values() if c["index"]]

    assert listed.count() == 3
    assert "audits_case" not in str(listed.query)  # no join through the case
    assert ["service_area_id", "final_grade"] in indexed
    assert ["service_area_id", "status"] in indexed
