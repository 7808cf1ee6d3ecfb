"""Request tests for a cycle's sample pages: draw, add, remove, suggest and assign reviewers."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from accounts.tests.factories import TeamFactory, UserFactory
from audits.models import Cycle, ToolkitKind
from audits.tests.factories import CaseFactory, CycleFactory, ToolkitFactory, ToolkitVersionFactory
from reviews.models import Review
from reviews.tests.factories import AnswerFactory, ReviewFactory

FORBIDDEN = [
    "reviewer",
    "moderator",
    "service_manager",
    "head_of_service",
    "practitioner",
    "practice_lead",
    "leadership",
    "superuser",
    "outsider",
]


@pytest.fixture
def toolkit(db):
    toolkit = ToolkitFactory(name="Practice Review", kind=ToolkitKind.PRACTICE_REVIEW)
    ToolkitVersionFactory(toolkit=toolkit, published=True)
    return toolkit


@pytest.fixture
def cycle(toolkit):
    start = datetime.date(2026, 1, 1)
    return CycleFactory(
        name="January 2026",
        toolkit=toolkit,
        review_starts_on=start,
        review_ends_on=datetime.date(2026, 1, 31),
        reporting_ends_on=datetime.date(2026, 2, 28),
    )


@pytest.fixture
def team(service_area):
    return TeamFactory(service_area=service_area, name="CIN Team 1")


def unassigned(cycle, **kwargs) -> Review:
    return ReviewFactory(
        cycle=cycle, status="unassigned", reviewer=None, toolkit_version=_version(cycle), **kwargs
    )


def _version(cycle):
    return cycle.toolkit.versions.get()


def urls(cycle, review=None) -> dict[str, str]:
    base = f"/cycles/{cycle.pk}/sample/"
    return {
        "sample": base,
        "draw": f"{base}draw/",
        "add": f"{base}add/",
        "assign": f"{base}assign/",
        "remove": f"{base}{review.pk if review else 1}/remove/",
    }


def make_reviewer(area, team=None, **kwargs):
    return UserFactory(team=team, roles=[(Role.REVIEWER, area)], **kwargs)


# Who may open the pages


@pytest.mark.parametrize("page", ["sample", "assign", "remove"])
def test_the_qa_manager_opens_each_page(client, qa_manager, cycle, page):
    review = unassigned(cycle)
    client.force_login(qa_manager)

    assert client.get(urls(cycle, review)[page]).status_code == 200


@pytest.mark.parametrize("page", ["sample", "draw", "add", "assign", "remove"])
@pytest.mark.parametrize("person", FORBIDDEN)
def test_everyone_else_gets_403(client, request, cycle, person, page):
    review = unassigned(cycle)
    client.force_login(request.getfixturevalue(person))

    assert client.get(urls(cycle, review)[page]).status_code == 403
    assert client.post(urls(cycle, review)[page]).status_code == 403
    assert Review.objects.filter(pk=review.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["sample", "draw", "add", "assign", "remove"])
def test_an_anonymous_visitor_is_sent_to_log_in(client, cycle, page):
    url = urls(cycle)[page]

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


@pytest.mark.parametrize("page", ["sample", "draw", "add", "assign", "remove"])
def test_a_cycle_that_does_not_exist_is_404(client, qa_manager, page):
    client.force_login(qa_manager)
    url = urls(Cycle(pk=999999))[page]

    assert client.get(url).status_code in (404, 405)  # draw and add answer POST only
    assert client.post(url).status_code == 404


def test_a_review_of_another_cycle_is_404_on_this_cycles_remove_page(client, qa_manager, cycle):
    elsewhere = ReviewFactory()
    client.force_login(qa_manager)

    assert client.get(urls(cycle, elsewhere)["remove"]).status_code == 404
    assert client.post(urls(cycle, elsewhere)["remove"]).status_code == 404
    assert Review.objects.filter(pk=elsewhere.pk).exists()


# The sample page


def test_an_empty_sample_offers_to_draw_one_with_the_defaults(client, qa_manager, cycle):
    client.force_login(qa_manager)

    response = client.get(urls(cycle)["sample"])

    content = response.content.decode()
    assert '<h1 class="h2">Sample: January 2026</h1>' in content
    assert "No cases have been sampled for this cycle yet." in content
    form = response.context["sample_form"]
    assert (form["per_team"].value(), form["seed"].value(), form["exclude_months"].value()) == (
        2,
        cycle.pk,
        12,
    )
    assert response.context["add_form"]["toolkit"].value() == cycle.toolkit_id


def test_the_sample_lists_each_review_and_counts_per_team_and_legal_status(
    client, qa_manager, cycle, team
):
    person = make_reviewer(team.service_area, first_name="Jo", last_name="Bloggs")
    unassigned(cycle, case=CaseFactory(reference="CMS-1", team=team, legal_status="child_in_need"))
    ReviewFactory(
        cycle=cycle,
        reviewer=person,
        toolkit_version=_version(cycle),
        case=CaseFactory(reference="CMS-2", team=team, legal_status="child_protection"),
    )
    client.force_login(qa_manager)

    response = client.get(urls(cycle)["sample"])

    content = response.content.decode()
    for text in ["CMS-1", "CMS-2", "CIN Team 1", "Child protection", "Jo Bloggs", "Assigned"]:
        assert text in content
    [(row_team, cells, total)] = response.context["counts"]["rows"]
    assert (row_team, cells, total) == (team, [1, 1, 0, 0, 0], 2)


def test_a_closed_cycle_shows_its_sample_but_no_way_to_change_it(client, qa_manager, cycle):
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.CLOSED)
    unassigned(cycle)
    client.force_login(qa_manager)

    content = client.get(urls(cycle)["sample"]).content.decode()

    assert "its sample can no longer change" in content
    assert "Sample cases</button>" not in content
    assert "/remove/" not in content


def _sample_page_queries(client, cycle, team, count) -> int:
    Review.objects.all().delete()
    for _ in range(count):
        ReviewFactory(
            cycle=cycle, toolkit_version=_version(cycle), case=CaseFactory(team=TeamFactory())
        )
    with CaptureQueriesContext(connection) as queries:
        response = client.get(urls(cycle)["sample"])
    assert len(response.context["reviews"]) == count
    return len(queries)


def test_the_sample_page_runs_the_same_queries_for_3_reviews_as_for_30(
    client, qa_manager, cycle, team
):
    client.force_login(qa_manager)

    assert _sample_page_queries(client, cycle, team, 3) == _sample_page_queries(
        client, cycle, team, 30
    )


# Drawing a sample


def test_drawing_a_sample_creates_the_reviews_and_says_how_many(client, qa_manager, cycle, team):
    for _ in range(5):
        CaseFactory(team=team, opened_on=datetime.date(2025, 1, 1))
    client.force_login(qa_manager)

    response = client.post(
        urls(cycle)["draw"], {"per_team": 3, "seed": 9, "exclude_months": 12}, follow=True
    )

    assert response.redirect_chain == [(urls(cycle)["sample"], 302)]
    assert "3 case(s) sampled (seed 9)." in response.content.decode()
    assert Review.objects.filter(cycle=cycle).count() == 3


def test_a_draw_with_nothing_to_draw_says_why(client, qa_manager, cycle):
    client.force_login(qa_manager)

    response = client.post(
        urls(cycle)["draw"], {"per_team": 2, "seed": 1, "exclude_months": 12}, follow=True
    )

    assert "No case was sampled" in response.content.decode()


def test_a_bad_draw_form_is_shown_again_with_what_was_typed(client, qa_manager, cycle):
    client.force_login(qa_manager)

    response = client.post(urls(cycle)["draw"], {"per_team": 0, "seed": 77, "exclude_months": 12})

    assert response.status_code == 200
    content = response.content.decode()
    assert "Ensure this value is greater than or equal to 1." in content
    assert 'value="77"' in content
    assert "<title>Error: Sample" in content


def test_a_refused_draw_shows_the_reason(client, qa_manager, cycle):
    Cycle.objects.filter(pk=cycle.pk).update(toolkit=None)
    client.force_login(qa_manager)

    response = client.post(urls(cycle)["draw"], {"per_team": 2, "seed": 1, "exclude_months": 12})

    assert "has no toolkit yet" in response.content.decode()
    assert not Review.objects.exists()


# Adding and removing by hand


def test_a_case_is_added_by_reference_with_the_chosen_toolkit(client, qa_manager, cycle):
    observation = ToolkitFactory(name="Practice Observation", kind=ToolkitKind.PRACTICE_OBSERVATION)
    version = ToolkitVersionFactory(toolkit=observation, published=True)
    CaseFactory(reference="CMS-42")
    client.force_login(qa_manager)

    response = client.post(
        urls(cycle)["add"], {"reference": "cms-42", "toolkit": observation.pk}, follow=True
    )

    assert "Case CMS-42 added (Practice Observation)." in response.content.decode()
    review = Review.objects.get(cycle=cycle)
    assert (review.case.reference, review.toolkit_version, review.added_by_hand) == (
        "CMS-42",
        version,
        True,
    )


def test_an_unknown_reference_is_reported_beside_what_was_typed(client, qa_manager, cycle):
    client.force_login(qa_manager)

    response = client.post(
        urls(cycle)["add"], {"reference": "CMS-404", "toolkit": cycle.toolkit_id}
    )

    content = response.content.decode()
    assert "No case has the reference CMS-404." in content
    assert 'value="CMS-404"' in content


def test_a_case_already_sampled_is_refused_with_a_message(client, qa_manager, cycle):
    review = unassigned(cycle, case=CaseFactory(reference="CMS-5"))
    client.force_login(qa_manager)

    response = client.post(urls(cycle)["add"], {"reference": "CMS-5", "toolkit": cycle.toolkit_id})

    assert "Case CMS-5 is already in the sample of January 2026." in response.content.decode()
    assert list(Review.objects.all()) == [review]


def test_removing_asks_first_then_removes(client, qa_manager, cycle):
    review = unassigned(cycle, case=CaseFactory(reference="CMS-9"))
    client.force_login(qa_manager)

    confirm = client.get(urls(cycle, review)["remove"]).content.decode()
    assert "Remove case CMS-9 from the sample?" in confirm
    assert Review.objects.filter(pk=review.pk).exists()

    response = client.post(urls(cycle, review)["remove"], follow=True)

    assert "Case CMS-9 was removed from the sample." in response.content.decode()
    assert not Review.objects.filter(pk=review.pk).exists()


def test_a_started_review_is_not_removed_and_the_page_says_why(client, qa_manager, cycle):
    review = ReviewFactory(cycle=cycle, toolkit_version=_version(cycle))
    AnswerFactory(review=review)
    client.force_login(qa_manager)

    response = client.post(urls(cycle, review)["remove"], follow=True)

    assert "cannot be removed from the sample" in response.content.decode()
    assert Review.objects.filter(pk=review.pk).exists()


# Suggesting and assigning reviewers


def test_the_assign_page_is_filled_with_suggestions_that_avoid_conflicts(
    client, qa_manager, cycle, team, service_area
):
    insider = make_reviewer(service_area, team, last_name="Adams")
    outsider = make_reviewer(service_area, last_name="Zane")
    review = unassigned(cycle, case=CaseFactory(team=team))
    client.force_login(qa_manager)

    response = client.get(urls(cycle)["assign"])

    form = response.context["form"]
    field = form[f"review_{review.pk}"]
    assert field.value() == outsider.pk
    offered = [value for value, _ in field.field.choices]
    assert insider.pk not in offered
    assert f'<option value="{outsider.pk}" selected>' in response.content.decode()


def test_assigning_applies_the_choices_and_returns_to_the_sample(
    client, qa_manager, cycle, service_area
):
    person = make_reviewer(service_area)
    reviews = [unassigned(cycle) for _ in range(2)]
    client.force_login(qa_manager)

    response = client.post(
        urls(cycle)["assign"],
        {f"review_{reviews[0].pk}": person.pk, f"review_{reviews[1].pk}": ""},
        follow=True,
    )

    assert response.redirect_chain == [(urls(cycle)["sample"], 302)]
    assert "1 review(s) assigned or reassigned." in response.content.decode()
    assert [r.status for r in Review.objects.order_by("pk")] == ["assigned", "unassigned"]


def test_a_conflict_sent_anyway_is_refused_and_nothing_is_assigned(
    client, qa_manager, cycle, team, service_area
):
    insider = make_reviewer(service_area, team, first_name="Jo", last_name="Bloggs")
    # Jo is offered on a review of another team, then the page is tampered with.
    fine = unassigned(cycle)
    conflicted = unassigned(cycle, case=CaseFactory(team=team, reference="CMS-13"))
    client.force_login(qa_manager)

    response = client.post(
        urls(cycle)["assign"],
        {f"review_{fine.pk}": insider.pk, f"review_{conflicted.pk}": insider.pk},
    )

    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not Review.objects.filter(reviewer=insider).exists()


def test_the_service_refusal_reaches_the_page(
    client, qa_manager, cycle, team, service_area, monkeypatch
):
    # The form offers no conflicts; a conflict arising between page and post (the reviewer
    # moved into the case's team) is refused by the service and shown.
    person = make_reviewer(service_area, first_name="Jo", last_name="Bloggs")
    review = unassigned(cycle, case=CaseFactory(team=team, reference="CMS-14"))
    client.force_login(qa_manager)
    from audits.forms import sampling as forms

    monkeypatch.setattr(forms, "conflict_of_interest", lambda user, case: None)
    person.team = team
    person.save()

    response = client.post(urls(cycle)["assign"], {f"review_{review.pk}": person.pk})

    content = response.content.decode()
    assert "Conflict of interest: Jo Bloggs works in CIN Team 1, the team of case CMS-14" in content
    review.refresh_from_db()
    assert review.status == "unassigned"


def test_an_empty_sample_has_nothing_to_assign(client, qa_manager, cycle):
    client.force_login(qa_manager)

    content = client.get(urls(cycle)["assign"]).content.decode()

    assert "No case in this sample is waiting for a reviewer." in content


def _assign_page_queries(client, cycle, count) -> int:
    Review.objects.all().delete()
    for _ in range(count):
        unassigned(cycle, case=CaseFactory(team=TeamFactory()))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(urls(cycle)["assign"])
    assert len(response.context["form"].rows) == count
    return len(queries)


def test_the_assign_page_runs_the_same_queries_for_3_reviews_as_for_30(
    client, qa_manager, cycle, service_area
):
    for _ in range(4):
        make_reviewer(service_area, team=TeamFactory())
    client.force_login(qa_manager)

    assert _assign_page_queries(client, cycle, 3) == _assign_page_queries(client, cycle, 30)


def test_a_review_not_yet_started_is_reassigned_from_the_same_page(
    client, qa_manager, cycle, service_area
):
    before = make_reviewer(service_area, first_name="Ann", last_name="Able")
    after = make_reviewer(service_area, first_name="Bob", last_name="Brown")
    review = ReviewFactory(cycle=cycle, reviewer=before, toolkit_version=_version(cycle))
    client.force_login(qa_manager)

    field = client.get(urls(cycle)["assign"]).context["form"][f"review_{review.pk}"]
    assert field.value() == before.pk
    client.post(urls(cycle)["assign"], {f"review_{review.pk}": after.pk})

    review.refresh_from_db()
    assert review.reviewer == after
    assert review.events.get().note == "Reassigned from Ann Able to Bob Brown."
