"""
A fictional local authority for demonstrations and manual testing.

Deterministic (a fixed random seed) and re-runnable: people are matched by email and cases by
reference, so running it again updates rows in place and never duplicates them. Every name is
invented; case references are made up and point to no real child.
"""

import datetime
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Case as DjangoCase
from django.db.models import When

from accounts.models import Role, RoleMembership, ServiceArea, Team, User
from feedback.themes import install_default_themes
from reviews.models import PracticeTheme, Review
from reviews.themes import install_default_practice_themes

from .models import Case, Cycle, Question, legal_status_for
from .services.cycles import cycle_transition, cycles_generate
from .services.sampling import reviews_assign, sample_cases, suggest_reviewers
from .toolkit_library import install_standard_toolkits

DEMO_PASSWORD = "qaf-demo-password"
DEMO_DOMAIN = "demo.qaf.example"
SEED = 2026
DEMO_YEAR = 2026
# 24 letters and digits: the 128 bits of entropy Django expects of a salt.
DEMO_PASSWORD_SALT = "qafDemoAuthority2026Salt"

SERVICE_AREAS = {
    "Front Door and MASH": ["MASH Team", "Assessment Team"],
    "Children in Need": ["CIN Team North", "CIN Team South", "CIN Team East"],
    "Child Protection": ["CP Team 1", "CP Team 2", "CP Team 3"],
    "Children in Care": ["Children in Care Team A", "Children in Care Team B", "Permanence Team"],
    "Care Leavers": ["Care Leavers Team", "Staying Close Team"],
    "Fostering": ["Fostering Assessment Team", "Kinship Team"],
}

CASE_TYPES = {
    "Front Door and MASH": ["Contact and referral", "Single assessment"],
    "Children in Need": ["Child in Need plan", "Child in Need (disabled child)"],
    "Child Protection": [
        "Child Protection plan: neglect",
        "Child Protection plan: emotional abuse",
        "Child Protection plan: physical abuse",
        "Public Law Outline",
    ],
    "Children in Care": [
        "Looked after: interim care order",
        "Looked after: full care order",
        "Looked after: section 20",
        "Placement order",
    ],
    "Care Leavers": ["Care leaver (18-21)", "Care leaver (21-25)", "Relevant child (16-17)"],
    "Fostering": ["Kinship assessment (regulation 24)", "Special guardianship assessment"],
}

FIRST_NAMES = [
    "Amira",
    "Ben",
    "Chloe",
    "Dev",
    "Ella",
    "Femi",
    "Grace",
    "Hassan",
    "Isla",
    "Jamal",
    "Kate",
    "Liam",
    "Maya",
    "Niall",
    "Olu",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tariq",
    "Uma",
    "Vik",
    "Wendy",
    "Xander",
    "Yasmin",
    "Zac",
    "Aoife",
    "Bilal",
    "Carys",
    "Dan",
    "Esme",
    "Farah",
    "Gareth",
    "Hana",
    "Ivan",
    "Jo",
    "Kiran",
    "Lola",
    "Marcus",
    "Nadia",
    "Owen",
]
LAST_NAMES = [
    "Ahmed",
    "Brown",
    "Clarke",
    "Davies",
    "Evans",
    "Fraser",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nowak",
    "Owen",
    "Patel",
    "Quigley",
    "Roberts",
    "Singh",
    "Taylor",
    "Usman",
    "Vaughan",
    "Walker",
    "Xu",
    "Young",
    "Zielinski",
    "Adeyemi",
    "Begum",
    "Campbell",
    "Doyle",
    "Ellis",
    "Foster",
    "Gill",
    "Hall",
    "Igwe",
    "Jackson",
    "Kaur",
    "Lloyd",
    "Mensah",
    "Nolan",
    "Osei",
]


def _email(first: str, last: str) -> str:
    return f"{first}.{last}@{DEMO_DOMAIN}".lower()


def _staff_plan() -> list[dict]:
    """Who works where, as (name, job title, team, roles); 41 people covering every role."""
    names = iter(zip(FIRST_NAMES, LAST_NAMES, strict=True))
    plan = []

    def person(title, *, team=None, roles=(), email=None):
        first, last = next(names)
        plan.append(
            {
                "first": first,
                "last": last,
                "email": email or _email(first, last),
                "title": title,
                "team": team,
                "roles": list(roles),
            }
        )

    person(
        "QA and Practice Service Manager",
        roles=[(Role.QA_MANAGER, None)],
        email=f"qa.manager@{DEMO_DOMAIN}",
    )
    person(
        "Director of Children's Services",
        roles=[(Role.LEADERSHIP, None)],
        email=f"director@{DEMO_DOMAIN}",
    )
    person("Trust Board member", roles=[(Role.LEADERSHIP, None)])
    person(
        "Data Protection Officer",
        roles=[(Role.DATA_PROTECTION_OFFICER, None)],
        email=f"dpo@{DEMO_DOMAIN}",
    )
    person(
        "Principal Social Worker",
        roles=[(Role.PRACTICE_LEAD, None)],
        email=f"practice.lead@{DEMO_DOMAIN}",
    )
    person(
        "Advanced Practitioner (Academy)", roles=[(Role.PRACTICE_LEAD, None), (Role.REVIEWER, None)]
    )
    areas = list(SERVICE_AREAS)
    for index, group in enumerate((areas[:3], areas[3:])):
        person(
            "Head of Service",
            roles=[(Role.HEAD_OF_SERVICE, area) for area in group],
            email=f"head.of.service{index + 1}@{DEMO_DOMAIN}" if index == 0 else None,
        )
    for index, area in enumerate(areas):
        person(
            f"Service Manager, {area}",
            roles=[(Role.SERVICE_MANAGER, area), (Role.MODERATOR, area)],
            email=f"service.manager@{DEMO_DOMAIN}" if index == 1 else None,
        )
    for area, teams in SERVICE_AREAS.items():
        for team in teams:
            person(
                "Social Worker",
                team=(area, team),
                roles=[(Role.PRACTITIONER, area)],
                email=f"practitioner@{DEMO_DOMAIN}" if team == "CIN Team North" else None,
            )
    for area, teams in SERVICE_AREAS.items():
        for team in teams[:2]:
            person(
                "Team Manager",
                team=(area, team),
                roles=[(Role.REVIEWER, area)],
                email=f"reviewer@{DEMO_DOMAIN}" if team == "CIN Team North" else None,
            )
    return plan


DEMO_LOGINS = [
    ("Superuser (admin)", f"admin@{DEMO_DOMAIN}"),
    (Role.QA_MANAGER.label, f"qa.manager@{DEMO_DOMAIN}"),
    (Role.REVIEWER.label, f"reviewer@{DEMO_DOMAIN}"),
    (f"{Role.MODERATOR.label} and {Role.SERVICE_MANAGER.label}", f"service.manager@{DEMO_DOMAIN}"),
    (Role.HEAD_OF_SERVICE.label, f"head.of.service1@{DEMO_DOMAIN}"),
    (Role.PRACTITIONER.label, f"practitioner@{DEMO_DOMAIN}"),
    (Role.PRACTICE_LEAD.label, f"practice.lead@{DEMO_DOMAIN}"),
    (Role.LEADERSHIP.label, f"director@{DEMO_DOMAIN}"),
    (Role.DATA_PROTECTION_OFFICER.label, f"dpo@{DEMO_DOMAIN}"),
]


@transaction.atomic
def build_demo_authority() -> dict[str, int]:
    rng = random.Random(SEED)
    # One hash for every demo account: hashing 40 passwords would take half a minute. A fixed
    # salt makes it the same hash on every run, so re-running changes no row (the password is
    # public anyway).
    password = make_password(DEMO_PASSWORD, salt=DEMO_PASSWORD_SALT)
    areas = {name: ServiceArea.objects.get_or_create(name=name)[0] for name in SERVICE_AREAS}
    teams = {
        (area, name): Team.objects.get_or_create(service_area=areas[area], name=name)[0]
        for area, names in SERVICE_AREAS.items()
        for name in names
    }
    User.objects.update_or_create(
        email=f"admin@{DEMO_DOMAIN}",
        defaults={
            "first_name": "QAF",
            "last_name": "Administrator",
            "password": password,
            "is_staff": True,
            "is_superuser": True,
        },
    )
    practitioners_by_team: dict[tuple[str, str], list[User]] = {}
    for person in _staff_plan():
        user, _ = User.objects.update_or_create(
            email=person["email"],
            defaults={
                "first_name": person["first"],
                "last_name": person["last"],
                "job_title": person["title"],
                "password": password,
                "team": teams[person["team"]] if person["team"] else None,
            },
        )
        for role, area in person["roles"]:
            RoleMembership.objects.get_or_create(
                user=user, role=role, service_area=areas[area] if area else None
            )
        if (Role.PRACTITIONER, person["team"][0] if person["team"] else None) in person["roles"]:
            practitioners_by_team.setdefault(person["team"], []).append(user)
    cases = _demo_cases(rng, areas, teams, practitioners_by_team)
    Case.objects.bulk_create(
        cases,
        update_conflicts=True,
        unique_fields=["reference"],
        update_fields=[
            "service_area",
            "team",
            "practitioner",
            "case_type",
            "opened_on",
            "closed_on",
        ],
    )
    install_standard_toolkits()  # only those not there yet: a QA Manager's versions are safe
    install_default_themes()  # feedback themes not there yet, by name
    install_default_practice_themes()  # likewise the practice themes reviews are tagged with
    reviews = _demo_cycles(User.objects.get(email=f"qa.manager@{DEMO_DOMAIN}"))
    return {
        "service_areas": len(areas),
        "teams": len(teams),
        "staff": User.objects.count(),
        "cases": Case.objects.count(),
        "reviews": reviews,
    }


def _demo_cycles(qa_manager: User) -> int:
    """The demo year's cycles: those before November closed, November's in its review phase with
    one case per team sampled and assigned, so the demo reviewers have work waiting."""
    cycles_generate(year=DEMO_YEAR, actor=qa_manager)
    order = [Cycle.Status.PLANNED, Cycle.Status.REVIEW, Cycle.Status.REPORTING, Cycle.Status.CLOSED]
    for cycle in Cycle.objects.filter(review_starts_on__year=DEMO_YEAR).order_by(
        "review_starts_on"
    ):
        target = Cycle.Status.REVIEW if cycle.review_starts_on.month == 11 else Cycle.Status.CLOSED
        for status in order[order.index(cycle.status) + 1 : order.index(target) + 1]:
            cycle = cycle_transition(cycle=cycle, to_status=status, actor=qa_manager)
        if target == Cycle.Status.REVIEW and not cycle.reviews.exists():
            sampled = sample_cases(cycle=cycle, per_team=1, seed=DEMO_YEAR, actor=qa_manager)
            sampled = Review.objects.filter(pk__in=[r.pk for r in sampled])
            sampled = sampled.select_related("case__team")
            suggestions = suggest_reviewers(cycle=cycle, reviews=sampled)
            assignments = {r: suggestions[r.pk] for r in sampled if suggestions[r.pk]}
            reviews_assign(assignments=assignments, actor=qa_manager)
            _demo_submitted_reviews(cycle)
    return Review.objects.count()


def _demo_cases(rng, areas, teams, practitioners_by_team, count=300) -> list[Case]:
    today = datetime.date(2026, 11, 1)
    team_keys = sorted(teams)
    cases = []
    for number in range(count):
        area, team = team_keys[number % len(team_keys)]
        opened = today - datetime.timedelta(days=rng.randint(30, 3 * 365))
        closed = (
            opened + datetime.timedelta(days=rng.randint(60, 400)) if rng.random() < 0.1 else None
        )
        cases.append(
            Case(
                reference=f"CMS-{100001 + number}",
                service_area=areas[area],
                team=teams[(area, team)],
                practitioner=rng.choice(practitioners_by_team.get((area, team)) or [None]),
                case_type=(case_type := rng.choice(CASE_TYPES[area])),
                legal_status=legal_status_for(case_type),
                opened_on=opened,
                closed_on=closed if closed and closed < today else None,
            )
        )
    return cases


# Three reviews already submitted, so moderators, service managers and practice leads have work:
# (grade, what needs to improve, the agreed action or "").
DEMO_SUBMISSIONS = [
    ("inadequate", "Risks from the adult's drinking are not assessed; the plan does not address "
     "them.", "Update the assessment of risk and review the plan with the team manager."),
    ("requires_improvement", "The plan is not SMART: outcomes and timescales are unclear.",
     "Rewrite the child's plan with the family: clear outcomes, who does what, by when."),
    ("good", "Keep the chronology up to date after each visit.", ""),
]  # fmt: skip


def _demo_submitted_reviews(cycle: Cycle) -> None:
    from reviews.actions import action_add
    from reviews.services import review_save, review_submit

    answer = {
        "graded": {"grade": "good"},
        "yes_partly_no": {"choice": "partly"},
        "free_text": {"text": "Seen at home with her grandmother; said she feels safe."},
    }
    # In the services of the demo Service Manager, moderator and Head of Service log-ins
    # (Children in Need first), and not the demo reviewer's own assignment.
    in_need = DjangoCase(When(case__service_area__name="Children in Need", then=0), default=1)
    reviews = (
        cycle.reviews.exclude(reviewer__email=f"reviewer@{DEMO_DOMAIN}")
        .filter(case__service_area__name__in=["Children in Need", "Child Protection"])
        .select_related("reviewer", "case__practitioner")
        .order_by(in_need, "case__reference")[: len(DEMO_SUBMISSIONS)]
    )
    theme_ids = dict(PracticeTheme.objects.values_list("name", "pk"))
    strengths = {theme_ids["Direct work with the child"], theme_ids["Working with families"]}
    development = {theme_ids["Planning and outcome focus"]}
    for review, (grade, improve, action) in zip(reviews, DEMO_SUBMISSIONS, strict=False):
        questions = Question.objects.filter(section__version=review.toolkit_version)
        findings = {
            "discussion_on": cycle.review_starts_on + datetime.timedelta(days=7),
            "discussion_participants": "Reviewer, practitioner and team manager",
            "practitioner_reflections": "Knows the family well; wants help with the plan.",
            "child_seen": True,
            "views_obtained_how": "Home visit with the practitioner; phone call with the parent.",
            "child_and_family_views": "The child likes her social worker; mum wants more support.",
            "working_well": "A consistent, trusted relationship with the child.",
            "needs_to_improve": improve,
            "recommendations": "Strengthen the plan and its review.",
            "grade": grade,
            "grade_rationale": f"Judged against the grade definitions: {improve}",
        }
        saved = review_save(
            review=review,
            actor=review.reviewer,
            based_on_version=review.lock_version,
            answers={q.pk: {**answer[q.answer_kind], "not_applicable": False} for q in questions},
            findings=findings,
            themes={"strength": strengths, "development": development},
        )
        if action and review.case.practitioner:
            action_add(
                review=saved,
                actor=review.reviewer,
                description=action,
                owner=review.case.practitioner,
                due_on=datetime.date.today() + datetime.timedelta(days=28),
            )
        review_submit(review=saved, actor=review.reviewer, based_on_version=saved.lock_version)
