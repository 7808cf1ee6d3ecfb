"""Query budgets (issue 9): the pages people open every day run the same number of queries with
10 reviews in the database as with 1,000, so they stay fast as years of history pile up.

Each test renders its page over a small world, grows the world a hundredfold with bulk inserts
(cases, reviews, answers, moderations, escalations, actions, theme tags, in two cycles) and
renders it again: an N+1 shows as more queries the second time, and the failure lists them.
"""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import TeamFactory, UserFactory
from audits.models import Case, Cycle
from audits.tests.factories import CycleFactory
from reporting.models import Report
from reviews.models import (
    Action,
    Answer,
    Escalation,
    Moderation,
    PracticeTheme,
    Review,
    ReviewTheme,
)
from reviews.tests.factories import published_version

pytestmark = pytest.mark.django_db

GRADES = ("outstanding", "good", "good", "requires_improvement", "good", "inadequate")
SCOPED = (
    Role.REVIEWER,
    Role.MODERATOR,
    Role.SERVICE_MANAGER,
    Role.HEAD_OF_SERVICE,
    Role.PRACTITIONER,
    Role.PRACTICE_LEAD,
)


@pytest.fixture
def world(service_area, reviewer, moderator, service_manager, qa_manager, leadership):
    team = TeamFactory(service_area=service_area)
    # Someone holding every role sees every panel of "My work".
    everyone = UserFactory(
        team=team,
        roles=[(role, service_area) for role in SCOPED] + [(Role.QA_MANAGER, None)],
    )
    version = published_version(questions=9, sections=3)
    earlier = CycleFactory(status=Cycle.Status.CLOSED, toolkit=version.toolkit)
    current = CycleFactory(status=Cycle.Status.REVIEW, toolkit=version.toolkit)
    Report.objects.create(cycle=earlier, key_findings="Most plans were clear.")
    practice_themes = [PracticeTheme.objects.create(name=f"Theme {n}") for n in range(4)]
    page_case = Case.objects.create(
        reference="CMS-BUDGET",
        team=team,
        service_area=service_area,
        practitioner=everyone,
        opened_on=datetime.date(2026, 1, 5),
    )
    review = Review.objects.create(
        cycle=current,
        case=page_case,
        toolkit_version=version,
        reviewer=reviewer,
        status=Review.Status.IN_PROGRESS,
        due_on=current.review_ends_on,
    )
    people = {
        "reviewer": reviewer,
        "moderator": moderator,
        "service_manager": service_manager,
        "qa_manager": qa_manager,
        "leadership": leadership,
        "everyone": everyone,
    }
    return {
        "area": service_area,
        "team": team,
        "version": version,
        "cycles": (earlier, current),
        "themes": practice_themes,
        "review": review,
        "people": people,
        "made": 0,
    }


def grow(world, count: int) -> None:
    """Add `count` reviews of new cases, alternately in the closed and the current cycle, with
    what hangs off them: answers, moderations, escalations, actions and theme tags."""
    start = world["made"]
    world["made"] += count
    earlier, current = world["cycles"]
    people = world["people"]
    reviewers = [people["reviewer"], people["everyone"], UserFactory()]
    cases = Case.objects.bulk_create(
        Case(
            reference=f"CMS-B{start + n}",
            team=world["team"],
            service_area=world["area"],
            practitioner=people["everyone"],
            opened_on=datetime.date(2026, 1, 5),
        )
        for n in range(count)
    )
    now = timezone.now()
    statuses = itertools.cycle(
        [Review.Status.SUBMITTED, Review.Status.FINALISED, Review.Status.IN_PROGRESS]
    )
    reviews = []
    for n, case in enumerate(cases):
        cycle = earlier if n % 2 else current
        status = Review.Status.FINALISED if cycle is earlier else next(statuses)
        done = status != Review.Status.IN_PROGRESS
        grade = GRADES[(start + n) % len(GRADES)] if done else ""
        reviews.append(
            Review(
                cycle=cycle,
                case=case,
                service_area_id=case.service_area_id,
                toolkit_version=world["version"],
                reviewer=reviewers[n % len(reviewers)],
                status=status,
                due_on=cycle.review_ends_on,
                grade=grade,
                final_grade=grade,
                child_seen=done,
                child_and_family_views="Recorded." if done else "",
                submitted_at=now if done else None,
            )
        )
    reviews = Review.objects.bulk_create(reviews)
    questions = list(world["version"].sections.all()[0].questions.all())
    Answer.objects.bulk_create(
        Answer(review=review, question=question, grade="good")
        for review in reviews
        for question in questions
    )
    submitted = [r for r in reviews if r.submitted_at]
    Moderation.objects.bulk_create(
        Moderation(
            review=review,
            moderator=people["moderator"],
            decision=Moderation.Decision.AGREED,
            reviewer_grade=review.grade,
            moderated_grade=review.grade,
        )
        for review in submitted[::3]
    )
    Escalation.objects.bulk_create(
        Escalation(
            review=review,
            source=Escalation.Source.SUBMIT,
            deadline=datetime.date.today() + datetime.timedelta(days=n % 5 - 2),
            status=(Escalation.Status.RAISED, Escalation.Status.CLOSED)[n % 2],
        )
        for n, review in enumerate(r for r in submitted if r.final_grade == "inadequate")
    )
    Action.objects.bulk_create(
        Action(
            review=review,
            description="Rewrite the plan with the family.",
            owner=people["everyone"],
            due_on=datetime.date.today() + datetime.timedelta(days=n % 30 - 10),
            status=(Action.Status.OPEN, Action.Status.DONE)[n % 2],
        )
        for n, review in enumerate(submitted)
    )
    ReviewTheme.objects.bulk_create(
        ReviewTheme(review=review, theme=theme, kind=kind)
        for review in submitted
        for theme, kind in zip(
            world["themes"][:2],
            (ReviewTheme.Kind.STRENGTH, ReviewTheme.Kind.DEVELOPMENT),
            strict=True,
        )
    )


PAGES = {
    "home": ("everyone", lambda w: "/"),
    "reviews list, filtered and paginated": (
        "qa_manager",
        lambda w: f"/reviews/?service_area={w['area'].pk}&grade=good&page=2",
    ),
    "review page": ("reviewer", lambda w: f"/reviews/{w['review'].pk}/"),
    "moderation queue": ("moderator", lambda w: "/reviews/moderation/"),
    "escalations list": ("service_manager", lambda w: "/reviews/escalations/"),
    "leadership dashboard": ("leadership", lambda w: "/reporting/dashboard/"),
    "report preview": (
        "qa_manager",
        lambda w: f"/reporting/reports/{w['cycles'][0].pk}/preview/",
    ),
}


def _queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [query["sql"] for query in queries]


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_as_many_queries_with_1000_reviews_as_with_10(client, world, page):
    person, url_of = PAGES[page]
    client.force_login(world["people"][person])
    url = url_of(world)
    grow(world, 10)
    client.get(url)  # once first: per-process caches (content types, ...) are filled
    small = _queries(client, url)
    grow(world, 990)
    large = _queries(client, url)
    extra = [sql for sql in large if sql not in small]
    assert len(large) == len(small), (
        f"{page}: {len(small)} queries with 10 reviews, {len(large)} with 1,000; new ones:\n"
        + "\n".join(extra[:5])
    )


def test_the_benchmark_floor_runs_one_query(rf, reviewer, django_assert_num_queries):
    from qaf.views_bench import bench_floor

    request = rf.get("/bench/floor/")
    request.user = reviewer
    with django_assert_num_queries(1):
        response = bench_floor(request)
    assert response.status_code == 200
