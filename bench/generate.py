"""Large-authority data generator (issue 9): a PostgreSQL database filled with ten years of QA.

Sixty cycles (six a year, the last in its review phase), 500 reviews a cycle with 40 answers
each (about 30,000 reviews and 1.2 million answers), 150,000 cases in 12 service areas and 40
teams, 60,000 actions, 2,000 escalations, 20,000 feedback items, moderations on about 30% of
the reviews, practice theme tags, and the log-in people the load benchmark uses (one per role,
password printed at the end).

Usage:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/qaf_bench .venv/bin/python bench/generate.py \
      [--scale 1.0 | --small] [--reset] [--big-cycle 2000] [--force]

Refuses SQLite, and a database whose name does not start with "qaf_bench" unless --force.
Migrates first. Rows go in with PostgreSQL's COPY (explicit ids, sequences moved on after), so a
full-size run takes a few minutes; --scale 0.05 (or --small) makes a quick one. --reset empties
the database first (manage.py flush); without it, a second run refuses to add a second authority.
"""

import argparse
import datetime
import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 2026
PASSWORD = "qaf-bench-password"
DOMAIN = "bench.qaf.example"
UTC = datetime.UTC

# Twelve service areas, forty teams (three or four a service).
SERVICE_AREAS = [
    "Front Door and MASH",
    "Early Help",
    "Children in Need North",
    "Children in Need South",
    "Child Protection North",
    "Child Protection South",
    "Children in Care",
    "Permanence",
    "Care Leavers",
    "Fostering",
    "Disabled Children",
    "Youth Justice",
]
TEAMS_PER_AREA = [4, 3, 4, 3, 4, 3, 4, 3, 3, 3, 3, 3]  # 40 in all
CASE_TYPES = [
    ("Child in Need plan", "child_in_need"),
    ("Single assessment", "child_in_need"),
    ("Child Protection plan: neglect", "child_protection"),
    ("Child Protection plan: emotional abuse", "child_protection"),
    ("Looked after: section 20", "child_in_care"),
    ("Looked after: full care order", "child_in_care"),
    ("Care leaver (18-21)", "care_leaver"),
    ("Kinship assessment (regulation 24)", "other"),
]
# The brief's distribution of final grades: 10% Outstanding, 55% Good, 28% RI, 7% Inadequate.
GRADES = ["outstanding", "good", "requires_improvement", "inadequate"]
GRADE_WEIGHTS = [10, 55, 28, 7]
IMPROVE = [
    "The plan is not SMART: outcomes and timescales are unclear.",
    "Keep the chronology up to date after each visit.",
    "Record the child's own words, not a summary of them.",
    "Management oversight is not evident between supervisions.",
    "Contingency planning is missing from the plan.",
]
WELL = [
    "A consistent, trusted relationship with the child.",
    "Direct work with the child is creative and recorded well.",
    "Good multi-agency working with school and health.",
    "The assessment analyses risk clearly.",
]
ANSWER_TEXT = [
    "Seen at home with her grandmother; said she feels safe.",
    "Visits are on time; the child's views are recorded.",
    "Plan reviewed at the core group; actions are clear.",
    "Chronology is up to date.",
]
QUESTION_KINDS = ["graded"] * 30 + ["yes_partly_no"] * 6 + ["free_text"] * 4  # 40 questions


def _configure(force: bool) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the generator never runs on SQLite.")
    name = url.rsplit("/", 1)[-1].split("?")[0]
    if not name.startswith("qaf_bench") and not force:
        sys.exit(f'Refusing to fill "{name}": its name does not start with qaf_bench (--force).')
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qaf.settings")
    _create_database(url, name)


def _create_database(url: str, name: str) -> None:
    """CREATE DATABASE when it is not there yet, through the server's "postgres" database."""
    import psycopg2
    from psycopg2 import sql

    try:
        psycopg2.connect(url).close()
        return
    except psycopg2.OperationalError as error:
        if "does not exist" not in str(error):
            raise
    connection = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()
    print(f"created the database {name}")


class Timer:
    def __init__(self):
        self.start = time.perf_counter()

    def step(self, label: str, rows: int | None = None) -> None:
        now = time.perf_counter()
        count = f"{rows:>11,}" if rows is not None else " " * 11
        print(f"{label:<44} {count} rows {now - self.start:8.2f} s", flush=True)
        self.start = now


# COPY in PostgreSQL's text format: tab-separated, \N for NULL.
def _text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return (
            value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "")
        )
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _copy(model, fields: list[str], rows, chunk: int = 200_000) -> int:
    """COPY rows (tuples in `fields` order) into the model's table; returns how many."""
    from django.db import connection

    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)
    sql = f"COPY {table} ({columns}) FROM STDIN"
    total = 0
    buffer: list[str] = []

    def flush():
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(sql, io.StringIO("".join(buffer)))
        buffer.clear()

    for row in rows:
        buffer.append("\t".join(_text(v) for v in row) + "\n")
        total += 1
        if len(buffer) >= chunk:
            flush()
    if buffer:
        flush()
    return total


def _next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def _reset_sequences(models) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'COALESCE((SELECT MAX(id) FROM "{table}"), 1))'
            )


def _cycle_dates(count: int, today: datetime.date) -> list[tuple[str, datetime.date, ...]]:
    """`count` bi-monthly cycles ending with the one whose review phase holds today."""
    months = []
    year, month = today.year, today.month - (today.month - 1) % 2  # odd months start cycles
    for _ in range(count):
        months.append((year, month))
        month -= 2
        if month < 1:
            month += 12
            year -= 1
    names = "January February March April May June July August September October November December"
    names = names.split()
    cycles = []
    for year, month in reversed(months):
        start = datetime.date(year, month, 1)
        review_end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(1)
        report_end = (review_end + datetime.timedelta(days=32)).replace(day=1) + datetime.timedelta(
            days=27
        )
        second = names[month % 12]
        cycles.append((f"{names[month - 1]}\u2013{second} {year}", start, review_end, report_end))
    return cycles


def _organisation(rng, t: Timer) -> dict:
    from django.contrib.auth.hashers import make_password

    from accounts.models import (
        ORGANISATION_WIDE_ROLES,
        Role,
        RoleMembership,
        ServiceArea,
        Team,
        User,
    )

    password = make_password(PASSWORD)  # one hash for every bench account
    areas = ServiceArea.objects.bulk_create(ServiceArea(name=name) for name in SERVICE_AREAS)
    teams = Team.objects.bulk_create(
        Team(service_area=area, name=f"{area.name} Team {n + 1}")
        for area, size in zip(areas, TEAMS_PER_AREA, strict=True)
        for n in range(size)
    )
    people = []

    def person(email, first, last, title, team=None):
        people.append(
            User(
                email=email,
                first_name=first,
                last_name=last,
                job_title=title,
                team=team,
                password=password,
            )
        )
        return people[-1]

    practitioners = {
        team.pk: [
            person(f"sw{t}.{p}@{DOMAIN}", "Social", f"Worker {t}.{p}", "Social Worker", team)
            for p in range(10)
        ]
        for t, team in enumerate(teams)
    }
    reviewers = [
        person(f"tm{t}@{DOMAIN}", "Team", f"Manager {t}", "Team Manager", team)
        for t, team in enumerate(teams)
    ]
    reviewers += [
        person(f"ap{n}@{DOMAIN}", "Advanced", f"Pr {n}", "Advanced Practitioner") for n in range(20)
    ]
    managers = [
        person(f"sm{a}@{DOMAIN}", "Service", f"Manager {a}", f"Service Manager, {area.name}")
        for a, area in enumerate(areas)
    ]
    heads = [
        person(f"hos{n}@{DOMAIN}", "Head", f"of Service {n}", "Head of Service") for n in range(4)
    ]
    # The log-in people of the load benchmark, one per role.
    logins = {
        role: person(f"{role.replace('_', '.')}@{DOMAIN}", "Bench", role.label, role.label)
        for role in Role
    }
    User.objects.bulk_create(people, batch_size=2000)
    memberships = []
    for team in teams:
        for user in practitioners[team.pk]:
            memberships.append(
                RoleMembership(
                    user=user, role=Role.PRACTITIONER, service_area_id=team.service_area_id
                )
            )
    for n, user in enumerate(reviewers):
        area_id = user.team.service_area_id if user.team else areas[n % len(areas)].pk
        memberships.append(RoleMembership(user=user, role=Role.REVIEWER, service_area_id=area_id))
    for area, user in zip(areas, managers, strict=True):
        memberships.append(RoleMembership(user=user, role=Role.SERVICE_MANAGER, service_area=area))
        memberships.append(RoleMembership(user=user, role=Role.MODERATOR, service_area=area))
    for n, user in enumerate(heads):
        for area in areas[n * 3 : n * 3 + 3]:
            memberships.append(
                RoleMembership(user=user, role=Role.HEAD_OF_SERVICE, service_area=area)
            )
    # Scoped sensibly: the scoped roles hold the first three service areas (a Head of Service's
    # span); QA Manager and Leadership are organisation-wide; the Practice Lead acts for all.
    for role, user in logins.items():
        if role in ORGANISATION_WIDE_ROLES or role == Role.PRACTICE_LEAD:
            memberships.append(RoleMembership(user=user, role=role))
        else:
            memberships += [RoleMembership(user=user, role=role, service_area=a) for a in areas[:3]]
    RoleMembership.objects.bulk_create(memberships, batch_size=2000)
    logins[Role.PRACTITIONER].team = teams[0]
    logins[Role.PRACTITIONER].save(update_fields=["team"])
    t.step("organisation (areas, teams, staff, roles)", len(people))
    return {
        "areas": areas,
        "teams": teams,
        "practitioners": practitioners,
        "reviewers": reviewers,
        "managers": managers,
        "logins": logins,
    }


def _toolkit(name: str, kind: str, questions: int, sections: int, qa_manager):
    from django.utils import timezone

    from audits.models import Question, Section, Toolkit, ToolkitVersion

    toolkit = Toolkit.objects.create(kind=kind, name=name, created_by=qa_manager)
    version = ToolkitVersion.objects.create(
        toolkit=toolkit,
        number=1,
        status=ToolkitVersion.Status.PUBLISHED,
        published_at=timezone.now(),
        published_by=qa_manager,
    )
    made = Section.objects.bulk_create(
        Section(version=version, position=s, title=f"Section {s + 1}: practice area {s + 1}")
        for s in range(sections)
    )
    per = questions // sections
    kinds = (QUESTION_KINDS * 2)[:questions] if questions != 40 else QUESTION_KINDS
    made_questions = Question.objects.bulk_create(
        Question(
            section=made[min(q // per, sections - 1)],
            position=q,
            text=f"Question {q + 1}: is the practice evidenced in the record?",
            guidance="Look for the plan, the visits and the child's words.",
            answer_kind=kinds[q],
            allow_not_applicable=q % 7 == 0,
        )
        for q in range(questions)
    )
    return version, made_questions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 is the full size")
    parser.add_argument("--small", action="store_true", help="the same as --scale 0.05")
    parser.add_argument("--reset", action="store_true", help="empty the database first")
    parser.add_argument(
        "--big-cycle",
        type=int,
        default=0,
        metavar="N",
        help="give the most recent closed cycle N reviews (e.g. 2000, for bench/report_large.py)",
    )
    parser.add_argument("--force", action="store_true", help="allow any PostgreSQL database")
    args = parser.parse_args()
    scale = 0.05 if args.small else args.scale
    _configure(args.force)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Role, User
    from audits.models import Case, Cycle, QACalendar, ToolkitKind
    from feedback.models import (
        ComplaintCompliment,
        FamilyFeedback,
        FamilyFeedbackLink,
        FeedbackTheme,
        IROFeedback,
    )
    from feedback.themes import install_default_themes
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
    from reviews.themes import install_default_practice_themes

    total = time.perf_counter()
    t = Timer()
    call_command("migrate", verbosity=0)
    t.step("migrate")
    if args.reset:
        call_command("flush", interactive=False, verbosity=0)
        t.step("flush (--reset)")
    if User.objects.filter(email__endswith=f"@{DOMAIN}").exists():
        sys.exit("This database already holds the bench authority: run again with --reset.")

    rng = random.Random(SEED)
    n_cycles = 60
    per_cycle = max(20, round(500 * scale))
    n_cases = max(per_cycle * 4, round(150_000 * scale), args.big_cycle)
    n_actions = round(60_000 * scale)
    n_escalations = round(2_000 * scale)
    n_feedback = round(20_000 * scale)
    today = timezone.localdate()
    now = timezone.now()

    with transaction.atomic():
        org = _organisation(rng, t)
        logins = org["logins"]
        qa_manager = logins[Role.QA_MANAGER]
        QACalendar.load()
        install_default_practice_themes()
        install_default_themes()
        version, questions = _toolkit(
            "Practice Review (bench)", ToolkitKind.PRACTICE_REVIEW, 40, 8, qa_manager
        )
        long_version, long_questions = _toolkit(
            "Practice Review, extended (bench)", ToolkitKind.PRACTICE_REVIEW, 60, 10, qa_manager
        )
        iro_version, _ = _toolkit(
            "IRO case feedback (bench)", ToolkitKind.IRO_FEEDBACK, 8, 1, qa_manager
        )
        t.step("toolkits (40, 60 and 8 questions), themes")

        cycle_rows = _cycle_dates(n_cycles, today)
        cycles = Cycle.objects.bulk_create(
            Cycle(
                name=name,
                review_starts_on=start,
                review_ends_on=review_end,
                reporting_ends_on=report_end,
                status=Cycle.Status.REVIEW if i == n_cycles - 1 else Cycle.Status.CLOSED,
                toolkit=version.toolkit,
                created_by=qa_manager,
            )
            for i, (name, start, review_end, report_end) in enumerate(cycle_rows)
        )
        t.step("cycles", len(cycles))

        # Cases: spread over the teams; the practitioner is one of the team's ten.
        teams = org["teams"]
        case_id = _next_id(Case)
        case_team = []
        case_practitioner = []

        def case_rows():
            first_day = cycle_rows[0][1] - datetime.timedelta(days=400)
            span = (today - first_day).days
            for n in range(n_cases):
                team = teams[n % len(teams)]
                worker = org["practitioners"][team.pk][rng.randrange(10)]
                case_team.append(team)
                case_practitioner.append(worker.pk)
                case_type, legal = CASE_TYPES[rng.randrange(len(CASE_TYPES))]
                opened = first_day + datetime.timedelta(days=rng.randrange(span))
                closed = opened + datetime.timedelta(days=rng.randint(60, 900))
                yield (
                    case_id + n,
                    f"CMS-{1_000_000 + n}",
                    team.service_area_id,
                    team.pk,
                    worker.pk,
                    case_type,
                    legal,
                    opened,
                    closed if rng.random() < 0.6 and closed < today else None,
                    now,
                    now,
                )

        fields = [
            "id",
            "reference",
            "service_area",
            "team",
            "practitioner",
            "case_type",
            "legal_status",
            "opened_on",
            "closed_on",
            "created_at",
            "updated_at",
        ]
        t.step("cases", _copy(Case, fields, case_rows()))
        _reset_sequences([Case])

        # Reviews: per_cycle a cycle (the big cycle more), each on a different case.
        reviewers = org["reviewers"]
        bench_reviewer = logins[Role.REVIEWER]
        review_id = _next_id(Review)
        reviews = []  # (id, cycle index, case index, status, final grade, submitted_at)
        R = Review.Status
        big_index = n_cycles - 2 if args.big_cycle else None
        for c, cycle in enumerate(cycles):
            count = args.big_cycle if c == big_index else per_cycle
            current = c == n_cycles - 1
            for case_index in rng.sample(range(n_cases), count):
                grade = rng.choices(GRADES, GRADE_WEIGHTS)[0]
                if current:
                    status = rng.choices(
                        [R.ASSIGNED, R.IN_PROGRESS, R.SUBMITTED, R.MODERATED], [30, 30, 30, 10]
                    )[0]
                else:
                    status = R.FINALISED
                submitted = status in (R.SUBMITTED, R.MODERATED, R.FINALISED)
                at = datetime.datetime.combine(
                    cycle.review_starts_on + datetime.timedelta(days=rng.randrange(25)),
                    datetime.time(10, rng.randrange(60)),
                    tzinfo=UTC,
                )
                reviews.append(
                    (
                        review_id + len(reviews),
                        c,
                        case_index,
                        status,
                        grade if submitted else "",
                        at if submitted else None,
                    )
                )
        # The bench reviewer's own work in the current cycle: a dozen open reviews.
        current_open = [
            i
            for i, r in enumerate(reviews)
            if r[1] == n_cycles - 1 and r[3] in (R.ASSIGNED, R.IN_PROGRESS)
        ]
        own = set(current_open[:12])
        moderated = {}  # review id -> (moderator grade, moderator, decision)
        review_objects_fields = [
            "id",
            "cycle",
            "case",
            "service_area",
            "toolkit_version",
            "reviewer",
            "status",
            "due_on",
            "discussion_on",
            "discussion_participants",
            "practitioner_reflections",
            "child_seen",
            "views_obtained_how",
            "child_and_family_views",
            "working_well",
            "needs_to_improve",
            "recommendations",
            "grade",
            "grade_rationale",
            "lock_version",
            "updated_at",
            "created_at",
            "submitted_at",
            "moderated_grade",
            "moderation_rationale",
            "moderated_by",
            "moderated_at",
            "final_grade",
            "created_by",
            "added_by_hand",
        ]
        managers = org["managers"]
        area_index = {area.pk: i for i, area in enumerate(org["areas"])}

        def review_rows():
            for i, (pk, c, case_index, status, grade, submitted_at) in enumerate(reviews):
                cycle = cycles[c]
                team = case_team[case_index]
                reviewer = bench_reviewer if i in own else reviewers[rng.randrange(len(reviewers))]
                worked = status != R.ASSIGNED
                moderated_grade = moderation_rationale = ""
                moderated_by = moderated_at = None
                final = grade
                if grade and (
                    status == R.MODERATED or (status == R.FINALISED and rng.random() < 0.3)
                ):
                    moderated_grade = (
                        grade if rng.random() < 0.8 else rng.choices(GRADES, GRADE_WEIGHTS)[0]
                    )
                    moderation_rationale = (
                        "Agreed with the reviewer's evaluation."
                        if moderated_grade == grade
                        else "Regraded against the grade definitions."
                    )
                    moderated_by = managers[area_index[team.service_area_id]].pk
                    moderated_at = submitted_at + datetime.timedelta(days=3)
                    final = moderated_grade
                    moderated[pk] = (grade, moderated_grade, moderated_by, moderated_at)
                yield (
                    pk,
                    cycle.pk,
                    case_id + case_index,
                    team.service_area_id,
                    version.pk,
                    reviewer.pk,
                    status,
                    cycle.review_ends_on,
                    cycle.review_starts_on + datetime.timedelta(days=7) if worked else None,
                    "Reviewer, practitioner and team manager" if worked else "",
                    "Knows the family well; wants help with the plan." if worked else "",
                    (rng.random() < 0.8) if worked else None,
                    "Home visit with the practitioner." if worked else "",
                    "The child likes her social worker." if worked and rng.random() < 0.85 else "",
                    WELL[rng.randrange(len(WELL))] if worked else "",
                    IMPROVE[rng.randrange(len(IMPROVE))] if worked else "",
                    "Strengthen the plan and its review." if worked else "",
                    grade,
                    "Judged against the grade definitions." if grade else "",
                    3 if worked else 0,
                    submitted_at or now,
                    datetime.datetime.combine(cycle.review_starts_on, datetime.time(9), tzinfo=UTC),
                    submitted_at,
                    moderated_grade,
                    moderation_rationale,
                    moderated_by,
                    moderated_at,
                    final,
                    qa_manager.pk,
                    False,
                )

        t.step("reviews", _copy(Review, review_objects_fields, review_rows()))
        _reset_sequences([Review])

        # Answers: 40 per worked review (those still only assigned have none yet).
        choices = ["yes", "partly", "no"]

        def answer_rows():
            for pk, _, _, status, grade, submitted_at in reviews:
                if status == R.ASSIGNED:
                    continue
                when = submitted_at or now
                for q in questions:
                    kind = q.answer_kind
                    yield (
                        pk,
                        q.pk,
                        (grade if rng.random() < 0.6 else rng.choices(GRADES, GRADE_WEIGHTS)[0])
                        if kind == "graded"
                        else "",
                        choices[rng.randrange(3)] if kind == "yes_partly_no" else "",
                        ANSWER_TEXT[rng.randrange(len(ANSWER_TEXT))] if kind == "free_text" else "",
                        False,
                        when,
                    )

        answer_fields = [
            "review",
            "question",
            "grade",
            "choice",
            "text",
            "not_applicable",
            "updated_at",
        ]
        t.step("answers", _copy(Answer, answer_fields, answer_rows()))

        # The review page of the load benchmark: the 60-question toolkit, half answered.
        long_case = Case.objects.create(
            reference="CMS-BENCH-60",
            service_area=org["areas"][0],
            team=teams[0],
            practitioner_id=case_practitioner[0],
            case_type="Child in Need plan",
            legal_status="child_in_need",
            opened_on=today - datetime.timedelta(days=200),
        )
        long_review = Review.objects.create(
            cycle=cycles[-1],
            case=long_case,
            toolkit_version=long_version,
            reviewer=bench_reviewer,
            status=R.IN_PROGRESS,
            due_on=cycles[-1].review_ends_on,
            working_well=WELL[0],
            needs_to_improve=IMPROVE[0],
        )
        Answer.objects.bulk_create(
            Answer(
                review=long_review,
                question=q,
                grade="good" if q.answer_kind == "graded" else "",
                choice="yes" if q.answer_kind == "yes_partly_no" else "",
                text=ANSWER_TEXT[0] if q.answer_kind == "free_text" else "",
            )
            for q in long_questions[:30]
        )
        t.step("the 60-question review", 31)

        def moderation_rows():
            for pk, (grade, moderated_grade, moderator, at) in moderated.items():
                decision = "agreed" if grade == moderated_grade else "regraded"
                yield (
                    pk,
                    moderator,
                    decision,
                    grade,
                    moderated_grade,
                    "Checked against the grade definitions.",
                    "",
                    at,
                )

        moderation_fields = [
            "review",
            "moderator",
            "decision",
            "reviewer_grade",
            "moderated_grade",
            "rationale",
            "feedback_to_reviewer",
            "at",
        ]
        t.step("moderations", _copy(Moderation, moderation_fields, moderation_rows()))

        # Practice theme tags: one to three strengths and areas for development a worked review.
        theme_ids = list(PracticeTheme.objects.values_list("pk", flat=True))

        def theme_rows():
            for pk, _, _, status, _, submitted_at in reviews:
                if status == R.ASSIGNED:
                    continue
                tagged = rng.sample(theme_ids, 4)
                for n, theme in enumerate(tagged[: rng.randint(2, 4)]):
                    yield (
                        pk,
                        theme,
                        "strength" if n % 2 == 0 else "development",
                        submitted_at or now,
                    )

        t.step(
            "practice theme tags",
            _copy(ReviewTheme, ["review", "theme", "kind", "added_at"], theme_rows()),
        )

        # Escalations: the Inadequate reviews, newest first; closed unless in the last cycles.
        final_grade = {
            pk: (moderated[pk][1] if pk in moderated else grade)
            for pk, _, _, _, grade, _ in reviews
        }
        inadequate = [r for r in reviews if r[5] and final_grade[r[0]] == "inadequate"]
        escalated = sorted(inadequate, key=lambda r: r[5], reverse=True)[:n_escalations]

        def escalation_rows():
            for pk, c, case_index, _, _, submitted_at in escalated:
                recent = c >= n_cycles - 2
                status = (
                    rng.choice(["raised", "raised", "disputed", "closed"]) if recent else "closed"
                )
                manager = managers[area_index[case_team[case_index].service_area_id]].pk
                assured = (
                    submitted_at + datetime.timedelta(days=rng.randint(1, 4))
                    if status != "raised"
                    else None
                )
                yield (
                    pk,
                    status,
                    "submit",
                    submitted_at,
                    None,
                    (submitted_at + datetime.timedelta(days=2)).date(),
                    "Visited today; the child is safe." if assured else "",
                    "Safety plan agreed with the family." if assured else "",
                    "Strategy discussion this week." if assured else "",
                    False,
                    manager if assured else None,
                    assured,
                    "The level of concern is disputed." if status == "disputed" else "",
                    "",
                    None,
                    None,
                    None,
                )

        escalation_fields = [
            "review",
            "status",
            "source",
            "raised_at",
            "raised_by",
            "deadline",
            "safety_assurance",
            "mitigation",
            "actions_needed",
            "urgent",
            "assured_by",
            "assured_at",
            "dispute_reason",
            "decision",
            "decided_by",
            "decided_at",
            "reminded_at",
        ]
        t.step("escalations", _copy(Escalation, escalation_fields, escalation_rows()))

        # Actions: two a submitted review on average, owned by the case's practitioner.
        submitted = [r for r in reviews if r[5]]
        bench_practitioner = logins[Role.PRACTITIONER].pk

        def action_rows():
            for n in range(n_actions):
                pk, c, case_index, _, _, submitted_at = submitted[n % len(submitted)]
                due = submitted_at.date() + datetime.timedelta(days=28)
                old = c < n_cycles - 3
                status = (
                    "verified"
                    if old and rng.random() < 0.6
                    else ("done" if old or rng.random() < 0.4 else "open")
                )
                done_at = (
                    submitted_at + datetime.timedelta(days=rng.randint(5, 40))
                    if status != "open"
                    else None
                )
                owner = bench_practitioner if n % 500 == 0 else case_practitioner[case_index]
                yield (
                    pk,
                    IMPROVE[n % len(IMPROVE)],
                    owner,
                    due,
                    status,
                    "Plan rewritten with the family." if done_at else "",
                    done_at,
                    None,
                    done_at + datetime.timedelta(days=3) if status == "verified" else None,
                    submitted_at,
                    None,
                )

        action_fields = [
            "review",
            "description",
            "owner",
            "due_on",
            "status",
            "evidence",
            "done_at",
            "verified_by",
            "verified_at",
            "created_at",
            "created_by",
        ]
        t.step("actions", _copy(Action, action_fields, action_rows()))

        # Feedback: IRO feedback, family feedback (each through its own link) and complaints.
        n_iro, n_family = n_feedback * 2 // 5, n_feedback * 3 // 10
        n_complaints = n_feedback - n_iro - n_family
        first, span = cycle_rows[0][1], (today - cycle_rows[0][1]).days
        iro_by = logins[Role.REVIEWER].pk
        iro_id, link_id = _next_id(IROFeedback), _next_id(FamilyFeedbackLink)

        def day():
            return first + datetime.timedelta(days=rng.randrange(span))

        def iro_rows():
            for n in range(n_iro):
                meeting = day()
                yield (
                    iro_id + n,
                    case_id + rng.randrange(n_cases),
                    iro_version.pk,
                    ["cp_conference", "cp_review", "lac_review"][n % 3],
                    meeting,
                    ["attended_spoke", "advocate", "written", "not_sought", "too_young"][n % 5],
                    "I want to stay at my nan's." if n % 2 else "",
                    n % 50 == 0,
                    iro_by,
                    datetime.datetime.combine(meeting, datetime.time(15), tzinfo=UTC),
                )

        iro_fields = [
            "id",
            "case",
            "toolkit_version",
            "meeting_type",
            "meeting_on",
            "participation",
            "child_words",
            "management_alert",
            "submitted_by",
            "submitted_at",
        ]
        rows = _copy(IROFeedback, iro_fields, iro_rows())
        feedback_themes = list(FeedbackTheme.objects.values_list("pk", flat=True))
        Through = IROFeedback.themes.through
        Through.objects.bulk_create(
            (
                Through(
                    irofeedback_id=iro_id + n,
                    feedbacktheme_id=feedback_themes[n % len(feedback_themes)],
                )
                for n in range(0, n_iro, 2)
            ),
            batch_size=5000,
        )
        family_days = [day() for _ in range(n_family)]

        def link_rows():
            for n, when in enumerate(family_days):
                at = datetime.datetime.combine(when, datetime.time(11), tzinfo=UTC)
                yield (
                    link_id + n,
                    case_id + rng.randrange(n_cases),
                    f"bench{n:059d}",
                    "standard",
                    qa_manager.pk,
                    at - datetime.timedelta(days=5),
                    at + datetime.timedelta(days=9),
                    at,
                    None,
                )

        link_fields = [
            "id",
            "case",
            "token_hash",
            "version",
            "created_by",
            "created_at",
            "expires_at",
            "used_at",
            "expired_at",
        ]
        _copy(FamilyFeedbackLink, link_fields, link_rows())
        link_cases = dict(
            FamilyFeedbackLink.objects.filter(pk__gte=link_id).values_list("pk", "case_id")
        )

        def family_rows():
            for n, when in enumerate(family_days):
                at = datetime.datetime.combine(when, datetime.time(11), tzinfo=UTC)
                yield (
                    link_id + n,
                    link_cases[link_id + n],
                    ["child", "parent", "carer", "other"][n % 4],
                    rng.randint(2, 5),
                    rng.randint(1, 5),
                    "My worker listens to me." if n % 2 else "",
                    "Answer my calls." if n % 3 else "",
                    at,
                )

        family_fields = [
            "link",
            "case",
            "respondent",
            "listened_to",
            "helped",
            "went_well",
            "could_be_better",
            "submitted_at",
        ]
        rows += _copy(FamilyFeedback, family_fields, family_rows())

        def complaint_rows():
            for n in range(n_complaints):
                case_index = rng.randrange(n_cases)
                team = case_team[case_index]
                received = day()
                at = datetime.datetime.combine(received, datetime.time(9), tzinfo=UTC)
                yield (
                    "complaint" if n % 3 else "compliment",
                    received,
                    ["child", "parent", "carer", "professional", "other"][n % 5],
                    team.service_area_id,
                    team.pk,
                    case_id + case_index,
                    "Visits were cancelled at short notice."
                    if n % 3
                    else "Thank you for your support.",
                    "Upheld in part; apology given." if n % 3 else "",
                    "",
                    qa_manager.pk,
                    at,
                    at,
                )

        complaint_fields = [
            "kind",
            "received_on",
            "from_whom",
            "service_area",
            "team",
            "case",
            "summary",
            "outcome",
            "learning",
            "recorded_by",
            "created_at",
            "updated_at",
        ]
        rows += _copy(ComplaintCompliment, complaint_fields, complaint_rows())
        t.step("feedback (IRO, family, complaints)", rows)

        # Draft reports for the last six cycles, so the report preview has one to show.
        Report.objects.bulk_create(
            Report(
                cycle=cycle,
                key_findings="Most plans were clear.",
                strengths="Direct work.",
                areas_for_development="Contingency planning.",
                created_by=qa_manager,
            )
            for cycle in cycles[-6:]
        )
        _reset_sequences([IROFeedback, FamilyFeedbackLink])
        t.step("reports, sequences")

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # fresh statistics for the planner
    t.step("vacuum analyze")
    counts = {
        "cycles": Cycle.objects.count(),
        "cases": Case.objects.count(),
        "reviews": Review.objects.count(),
        "answers": Answer.objects.count(),
        "moderations": Moderation.objects.count(),
        "escalations": Escalation.objects.count(),
        "actions": Action.objects.count(),
        "feedback items": IROFeedback.objects.count()
        + FamilyFeedback.objects.count()
        + ComplaintCompliment.objects.count(),
    }
    print("\n" + ", ".join(f"{n:,} {name}" for name, n in counts.items()))
    print(f"total {time.perf_counter() - total:.1f} s (scale {scale})")
    print(f"\nLog-ins (password {PASSWORD}):")
    for role, user in logins.items():
        print(f"  {role.label:<16} {user.email}")
    print(f"  review page (60 questions): /reviews/{long_review.pk}/")


if __name__ == "__main__":
    main()
