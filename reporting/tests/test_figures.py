import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import TeamFactory, UserFactory
from audits.models import AnswerKind, Case
from audits.tests.factories import CycleFactory, QuestionFactory, SectionFactory
from feedback.models import FamilyFeedback
from feedback.tests.factories import (
    ComplaintComplimentFactory,
    FamilyFeedbackOnCaseFactory,
    FeedbackThemeFactory,
    IROFeedbackFactory,
)
from reporting.figures import cycle_figures, wilson_interval
from reviews.models import Action, Escalation, PracticeTheme, Review, ReviewTheme
from reviews.tests.factories import (
    ActionFactory,
    AnswerFactory,
    EscalationFactory,
    ReviewFactory,
    ToolkitVersionFactory,
    submitted_review,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def at_noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def a_cycle(starts_on: datetime.date, **fields):
    return CycleFactory(
        review_starts_on=starts_on,
        review_ends_on=starts_on + 13 * DAY,
        reporting_ends_on=starts_on + 27 * DAY,
        **fields,
    )


@pytest.fixture
def world(service_area, other_service_area):
    """A cycle running now: three of four reviews submitted in Children in Need, one of two in
    Children in Care; the figures below are counted by hand from it."""
    cycle = a_cycle(TODAY - 10 * DAY)
    ann = UserFactory(first_name="Ann", last_name="Able")
    ben = UserFactory(first_name="Ben", last_name="Brown")
    # Children in Need. A: Good, moderated up to Outstanding. B: Good. C: Requires Improvement,
    # moderated down to Inadequate. D: not submitted.
    a = submitted_review(
        service_area=service_area,
        cycle=cycle,
        reviewer=ann,
        grade="good",
        moderated_grade="outstanding",
        child_seen=True,
        child_and_family_views="They said their worker listens.",
    )
    b = submitted_review(
        service_area=service_area, cycle=cycle, reviewer=ann, grade="good", child_seen=False
    )
    c = submitted_review(
        service_area=service_area,
        cycle=cycle,
        reviewer=ben,
        grade="requires_improvement",
        moderated_grade="inadequate",
        child_seen=True,
    )
    d = ReviewFactory(cycle=cycle, case__team=a.case.team)
    # Children in Care. E: Good, moderated and agreed. F: not submitted.
    e = submitted_review(
        service_area=other_service_area,
        cycle=cycle,
        reviewer=ben,
        grade="good",
        moderated_grade="good",
    )
    ReviewFactory(cycle=cycle, case__team=TeamFactory(service_area=other_service_area))

    # Graded answers per section; the not-submitted review's and the yes/no answer do not count.
    planning = SectionFactory(title="Planning")
    voice = SectionFactory(title="The child's voice")
    q_plan = QuestionFactory(section=planning, answer_kind=AnswerKind.GRADED)
    q_yes_no = QuestionFactory(section=planning, answer_kind=AnswerKind.YES_PARTLY_NO)
    q_voice = QuestionFactory(section=voice, answer_kind=AnswerKind.GRADED)
    AnswerFactory(review=a, question=q_plan, grade="good")
    AnswerFactory(review=b, question=q_plan, grade="requires_improvement")
    AnswerFactory(review=a, question=q_voice, grade="outstanding")
    AnswerFactory(review=d, question=q_plan, grade="inadequate")
    AnswerFactory(review=b, question=q_yes_no, grade="", choice="yes")

    # Escalations: one closed after 2 days, one disputed after 4, one overdue.
    closed = EscalationFactory(review=c, status=Escalation.Status.CLOSED)
    disputed = EscalationFactory(review=b, status=Escalation.Status.DISPUTED)
    EscalationFactory(review=a, deadline=TODAY - DAY)
    for escalation, days in ((closed, 2), (disputed, 4)):
        Escalation.objects.filter(pk=escalation.pk).update(
            assured_at=escalation.raised_at + days * DAY
        )

    # Actions: done on time, verified but done late, overdue, open and not yet due.
    due = TODAY - 3 * DAY
    ActionFactory(review=a, due_on=due, status=Action.Status.DONE, done_at=at_noon(due - DAY))
    ActionFactory(
        review=a, due_on=due, status=Action.Status.VERIFIED, done_at=at_noon(due + 2 * DAY)
    )
    ActionFactory(review=b, due_on=TODAY - DAY)
    ActionFactory(review=b, due_on=TODAY + 5 * DAY)

    # Feedback: family feedback on A's and D's cases now, on B's case years ago.
    FamilyFeedbackOnCaseFactory(case=a.case)
    FamilyFeedbackOnCaseFactory(case=d.case)
    old = FamilyFeedbackOnCaseFactory(case=b.case)
    FamilyFeedback.objects.filter(pk=old.pk).update(submitted_at=at_noon(TODAY - 900 * DAY))
    IROFeedbackFactory(case=c.case)
    ComplaintComplimentFactory(
        team=TeamFactory(service_area=other_service_area),
        themes=[FeedbackThemeFactory(name="Communication")],
    )
    ComplaintComplimentFactory(kind="compliment", team=TeamFactory(service_area=service_area))
    # Practice themes: D's tag does not count (not submitted); A tags one theme both ways.
    work, plans, records = (
        PracticeTheme.objects.create(name=name)
        for name in ("Direct work with the child", "Planning", "Recording")
    )
    strength, development = ReviewTheme.Kind.STRENGTH, ReviewTheme.Kind.DEVELOPMENT
    for review, theme, kind in (
        (a, work, strength),
        (a, plans, development),
        (a, work, development),
        (b, work, strength),
        (d, plans, development),
        (e, records, development),
    ):
        ReviewTheme.objects.create(review=review, theme=theme, kind=kind)
    return {"cycle": cycle, "ann": ann, "ben": ben, "a": a, "e": e}


def test_how_much_was_planned_and_completed_per_service_and_team(world):
    volume = cycle_figures(cycle=world["cycle"]).volume

    assert (volume["planned"], volume["completed"]) == (6, 4)
    assert volume["completed_share"] == pytest.approx(4 / 6)
    assert volume["by_area"] == [
        {"area": "Children in Care", "planned": 2, "completed": 1},
        {"area": "Children in Need", "planned": 4, "completed": 3},
    ]
    team_of_a = next(row for row in volume["by_team"] if row["team"] == world["a"].case.team.name)
    assert (team_of_a["planned"], team_of_a["completed"]) == (2, 1)
    assert sum(row["planned"] for row in volume["by_team"]) == 6


def test_the_grades_use_the_final_grade_the_moderated_one_overriding_the_reviewers(world):
    figures = cycle_figures(cycle=world["cycle"])

    grades = figures.grades["grades"]
    assert figures.grades["total"] == 4
    assert {g: grades[g]["count"] for g in grades} == {
        "outstanding": 1,
        "good": 2,
        "requires_improvement": 0,
        "inadequate": 1,
    }
    assert grades["good"]["share"] == 0.5
    assert grades["requires_improvement"]["share"] == 0
    in_need = figures.grades_by_area["Children in Need"]
    assert in_need["total"] == 3
    assert in_need["grades"]["outstanding"]["count"] == 1
    assert in_need["grades"]["inadequate"]["share"] == pytest.approx(1 / 3)
    assert figures.grades_by_area["Children in Care"]["grades"]["good"]["count"] == 1


def test_the_grades_per_toolkit_section_count_the_submitted_graded_answers(world):
    sections = cycle_figures(cycle=world["cycle"]).grades_by_section

    assert list(sections) == ["Planning", "The child's voice"]
    planning = sections["Planning"]
    assert planning["total"] == 2
    assert planning["grades"]["good"]["count"] == 1
    assert planning["grades"]["requires_improvement"]["count"] == 1
    assert planning["grades"]["inadequate"]["count"] == 0
    assert sections["The child's voice"]["grades"]["outstanding"]["share"] == 1


def test_moderation_counts_agreed_regraded_up_and_down_overall_and_per_reviewer(world):
    figures = cycle_figures(cycle=world["cycle"])

    moderation = figures.moderation
    assert (moderation["submitted"], moderation["moderated"]) == (4, 3)
    assert (moderation["agreed"], moderation["regraded_up"], moderation["regraded_down"]) == (
        1,
        1,
        1,
    )
    assert moderation["share_agreed"] == pytest.approx(1 / 3)
    assert moderation["share_moderated"] == 0.75
    ann, ben = figures.moderation_by_reviewer
    assert ann == {
        "reviewer_id": world["ann"].pk,
        "reviewer": "Ann Able",
        "submitted": 2,
        "moderated": 1,
        "agreed": 0,
        "regraded_up": 1,
        "regraded_down": 0,
    }
    assert (ben["reviewer"], ben["moderated"], ben["agreed"], ben["regraded_down"]) == (
        "Ben Brown",
        2,
        1,
        1,
    )


def test_escalations_raised_closed_overdue_and_the_time_to_assurance(world):
    escalations = cycle_figures(cycle=world["cycle"]).escalations

    assert (escalations["raised"], escalations["closed"], escalations["overdue"]) == (3, 1, 1)
    assert escalations["assured"] == 2
    assert escalations["days_to_assurance_median"] == pytest.approx(3)
    assert escalations["days_to_assurance_longest"] == pytest.approx(4)


def test_actions_agreed_completed_on_time_overdue_and_verified(world):
    assert cycle_figures(cycle=world["cycle"]).actions == {
        "agreed": 4,
        "completed_on_time": 1,
        "overdue": 1,
        "verified": 1,
    }


def test_the_childs_voice_shares(world):
    voice = cycle_figures(cycle=world["cycle"]).childs_voice

    assert (voice["submitted"], voice["child_seen"], voice["views_recorded"]) == (4, 2, 1)
    assert voice["child_seen_share"] == 0.5
    assert voice["views_recorded_share"] == 0.25
    # A's and D's cases had family feedback in the cycle's dates; B's was years ago.
    assert voice["cases_with_family_feedback"] == 2
    assert voice["family_feedback_share"] == pytest.approx(2 / 6)


def test_the_feedback_received_in_the_cycles_dates(world):
    feedback = cycle_figures(cycle=world["cycle"]).feedback

    assert (feedback["iro"], feedback["family"]) == (1, 2)
    assert (feedback["complaints"], feedback["compliments"]) == (1, 1)
    assert feedback["themes"] == {"Children in Care": {"Communication": 1}}


def test_the_good_or_better_trend_covers_this_and_earlier_cycles_with_wilson_intervals(
    world, service_area
):
    earlier = a_cycle(TODAY - 70 * DAY, name="Earlier cycle")
    a_cycle(TODAY + 60 * DAY, name="Later cycle")
    for grade in ["good"] * 6 + ["outstanding"] * 2 + ["inadequate", "requires_improvement"]:
        submitted_review(service_area=service_area, cycle=earlier, grade=grade)

    trend = cycle_figures(cycle=world["cycle"]).trend

    assert trend["cycles"] == ["Earlier cycle", world["cycle"].name]
    then, now = trend["areas"]["Children in Need"]
    assert (then["n"], then["good_or_better"], then["share"]) == (10, 8, 0.8)
    assert then["interval"] == pytest.approx((0.490, 0.943), abs=0.001)
    assert (now["n"], now["good_or_better"]) == (3, 2)
    before, _ = trend["areas"]["Children in Care"]
    assert (before["n"], before["share"], before["interval"]) == (0, None, None)


def test_the_trend_shows_at_most_the_last_six_cycles(db):
    cycles = [a_cycle(datetime.date(2025, month, 1)) for month in range(1, 9)]

    trend = cycle_figures(cycle=cycles[6]).trend

    assert trend["cycles"] == [c.name for c in cycles[1:7]]


def test_the_figures_for_one_service_area_leave_the_others_out(world, other_service_area):
    figures = cycle_figures(cycle=world["cycle"], service_area=other_service_area)

    assert (figures.volume["planned"], figures.volume["completed"]) == (2, 1)
    assert list(figures.grades_by_area) == ["Children in Care"]
    assert figures.grades["grades"]["good"]["count"] == 1
    assert (figures.moderation["moderated"], figures.moderation["agreed"]) == (1, 1)
    assert figures.escalations["raised"] == 0
    assert figures.actions["agreed"] == 0
    assert figures.grades_by_section == {}
    assert list(figures.trend["areas"]) == ["Children in Care"]
    assert figures.childs_voice["cases_with_family_feedback"] == 0
    assert (figures.feedback["complaints"], figures.feedback["compliments"]) == (1, 0)
    assert (figures.feedback["iro"], figures.feedback["family"]) == (0, 0)


def test_practice_themes_count_the_submitted_reviews_tagging_each_theme_either_way(world):
    figures = cycle_figures(cycle=world["cycle"])

    assert figures.practice_themes == {
        "reviews_tagged": 3,
        "themes": [  # the most tagged first, then by name
            {"theme": "Direct work with the child", "strengths": 2, "development": 1},
            {"theme": "Planning", "strengths": 0, "development": 1},
            {"theme": "Recording", "strengths": 0, "development": 1},
        ],
    }


def test_practice_themes_of_one_service_area_leave_the_others_out(world, service_area):
    figures = cycle_figures(cycle=world["cycle"], service_area=service_area)

    assert figures.practice_themes["reviews_tagged"] == 2
    assert [t["theme"] for t in figures.practice_themes["themes"]] == [
        "Direct work with the child",
        "Planning",
    ]


def test_a_cycle_with_no_reviews_gives_zeros_and_no_shares(db):
    figures = cycle_figures(cycle=a_cycle(TODAY))

    assert (figures.volume["planned"], figures.volume["completed_share"]) == (0, None)
    assert figures.grades["total"] == 0
    assert all(g["share"] is None for g in figures.grades["grades"].values())
    assert figures.moderation["share_agreed"] is None
    assert figures.moderation["share_moderated"] is None
    assert figures.escalations["days_to_assurance_median"] is None
    assert figures.escalations["days_to_assurance_longest"] is None
    assert figures.actions == {"agreed": 0, "completed_on_time": 0, "overdue": 0, "verified": 0}
    assert figures.childs_voice["child_seen_share"] is None
    assert figures.childs_voice["family_feedback_share"] is None
    assert figures.trend["areas"] == {}
    assert figures.practice_themes == {"reviews_tagged": 0, "themes": []}


def test_the_wilson_interval_matches_known_values():
    assert wilson_interval(8, 10) == pytest.approx((0.490, 0.943), abs=0.001)
    assert wilson_interval(0, 0) is None
    low, high = wilson_interval(10, 10)
    assert high == 1
    assert low == pytest.approx(0.722, abs=0.001)
    assert wilson_interval(0, 10)[0] == 0


def _many_reviews(cycle, how_many: int):
    """`how_many` reviews in bulk, half of them submitted and moderated, in two services."""
    teams = [TeamFactory(), TeamFactory()]
    version = ToolkitVersionFactory(published=True)
    reviewers = [UserFactory(), UserFactory()]
    start = Case.objects.count()
    cases = Case.objects.bulk_create(
        Case(
            reference=f"BULK-{start + n}",
            team=teams[n % 2],
            service_area_id=teams[n % 2].service_area_id,
            opened_on=datetime.date(2026, 1, 5),
        )
        for n in range(how_many)
    )
    grades = ["outstanding", "good", "requires_improvement", "inadequate"]
    Review.objects.bulk_create(
        Review(
            cycle=cycle,
            case=case,
            service_area_id=case.service_area_id,
            toolkit_version=version,
            reviewer=reviewers[n % 2],
            due_on=cycle.review_ends_on,
            status=Review.Status.MODERATED if n % 2 else Review.Status.ASSIGNED,
            submitted_at=timezone.now() if n % 2 else None,
            grade=grades[n % 4] if n % 2 else "",
            moderated_grade=grades[(n + 1) % 4] if n % 2 else "",
            final_grade=grades[(n + 1) % 4] if n % 2 else "",
            child_seen=True,
        )
        for n, case in enumerate(cases)
    )
    theme = PracticeTheme.objects.get_or_create(name="Planning")[0]
    ReviewTheme.objects.bulk_create(
        ReviewTheme(review=review, theme=theme, kind=ReviewTheme.Kind.STRENGTH)
        for review in Review.objects.filter(cycle=cycle, submitted_at__isnull=False)
    )


def _queries_for(how_many: int) -> int:
    cycle = a_cycle(TODAY - 400 * DAY + how_many * DAY)
    _many_reviews(cycle, how_many)
    with CaptureQueriesContext(connection) as queries:
        figures = cycle_figures(cycle=cycle)
    assert figures.volume["planned"] == how_many
    return len(queries)


def test_the_figures_for_a_cycle_use_the_same_number_of_queries_at_40_and_at_400_reviews(db):
    at_40 = _queries_for(40)

    assert at_40 == _queries_for(400)
    assert at_40 <= 20
