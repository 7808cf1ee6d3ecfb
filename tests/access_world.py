"""
A small, complete world for the access-matrix test (tests/test_access_matrix.py): one of every
object a URL can name, in service area A (where the subjects hold their roles) and again in
service area B (held by other people), and how to build each URL's arguments from it.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ORGANISATION_WIDE_ROLES, Role, UserSession
from accounts.tests.factories import (
    NotificationFactory,
    ServiceAreaFactory,
    TeamFactory,
    UserFactory,
)
from audits.models import Cycle
from audits.tests.factories import (
    CaseFactory,
    CycleFactory,
    QuestionFactory,
    SectionFactory,
    ToolkitVersionFactory,
)
from feedback.family import link_create
from feedback.models import FamilyFeedbackLink
from feedback.tests.factories import (
    ComplaintComplimentFactory,
    FamilyFeedbackOnCaseFactory,
    FeedbackThemeFactory,
    IROFeedbackFactory,
)
from qaf.access_matrix import ANONYMOUS, NOBODY, SUPERUSER
from reporting.benchmarks import benchmark_create
from reporting.models import ActionPlanItem, ReportVersion
from reporting.reports import report_draft
from reviews.models import PracticeTheme, Review
from reviews.tests.factories import (
    ActionFactory,
    EscalationFactory,
    ReviewFactory,
    published_version,
)

AREA_ROLES = [role for role in Role if role not in ORGANISATION_WIDE_ROLES]


@dataclass
class Area:
    """The case work of one service area."""

    area: object
    people: dict  # role -> the user who holds it in this area
    team: object
    case: object
    review: object  # assigned to the area's reviewer, not yet submitted
    submitted: object  # submitted by the area's reviewer, graded Inadequate, escalated
    finalised: object  # finalised: its practitioner may give feedback on it
    escalation: object
    action: object  # agreed from `review`, owned by the area's practitioner
    iro: object  # IRO feedback submitted by the area's reviewer
    complaint: object
    notification: object  # the area's reviewer's
    log_in_session: object  # another log-in session of the area's reviewer


@dataclass
class World:
    subjects: dict  # subject name -> user (None for anonymous)
    a: Area
    b: Area
    cycle: object
    toolkit: object
    draft: object  # a draft toolkit version, with a section and a question
    section: object
    question: object
    report_version: object
    plan_item: object
    benchmark: object
    feedback_theme: object
    practice_theme: object
    family_token: str
    group: object
    totp_device: object
    static_device: object
    access_attempt: object
    access_log: object
    access_failure: object


def _area(name: str, people: dict, *, cycle, version) -> Area:
    area = ServiceAreaFactory(name=name)
    team = TeamFactory(service_area=area)
    practitioner, reviewer = people[Role.PRACTITIONER], people[Role.REVIEWER]

    def case():
        return CaseFactory(team=team, practitioner=practitioner)

    def review(**fields):
        return ReviewFactory(
            cycle=cycle, case=case(), toolkit_version=version, reviewer=reviewer, **fields
        )

    main_case = case()
    in_progress = ReviewFactory(
        cycle=cycle,
        case=main_case,
        toolkit_version=version,
        reviewer=reviewer,
        status=Review.Status.IN_PROGRESS,
    )
    submitted_at = timezone.now() - datetime.timedelta(days=1)
    submitted = review(
        status=Review.Status.SUBMITTED,
        grade="inadequate",
        submitted_at=submitted_at,
        needs_to_improve="Contingency planning.",
    )
    finalised = review(status=Review.Status.FINALISED, grade="good", submitted_at=submitted_at)
    FamilyFeedbackOnCaseFactory(case=main_case)
    return Area(
        area=area,
        people=people,
        team=team,
        case=main_case,
        review=in_progress,
        submitted=submitted,
        finalised=finalised,
        escalation=EscalationFactory(review=submitted),
        action=ActionFactory(review=in_progress, owner=practitioner),
        iro=IROFeedbackFactory(case=main_case, submitted_by=reviewer),
        complaint=ComplaintComplimentFactory(team=team),
        notification=NotificationFactory(recipient=reviewer),
        log_in_session=_log_in_session(reviewer),
    )


def _log_in_session(user):
    session = Session.objects.create(
        session_key=f"access-matrix-{user.pk}",
        session_data="",
        expire_date=timezone.now() + datetime.timedelta(hours=1),
    )
    return UserSession.objects.create(
        session=session, user=user, created_at=timezone.now(), last_seen_at=timezone.now()
    )


def build_world(roles) -> World:
    """`roles`: every role to make a subject for (the test derives it from `Role`)."""
    area_a = ServiceAreaFactory(name="Area A")
    subjects = {ANONYMOUS: None, NOBODY: UserFactory()}
    for role in roles:
        scope = None if role in ORGANISATION_WIDE_ROLES else area_a
        subjects[role] = UserFactory(roles=[(role, scope)])
    subjects[SUPERUSER] = UserFactory(is_staff=True, is_superuser=True)
    area_b = ServiceAreaFactory(name="Area B")
    people_b = {role: UserFactory(roles=[(role, area_b)]) for role in AREA_ROLES}

    cycle = CycleFactory(status=Cycle.Status.REVIEW)
    version = published_version(3, sections=1)
    people_a = {role: subjects[role] for role in AREA_ROLES if role in subjects}
    a = _area("Area A", people_a, cycle=cycle, version=version)
    b = _area("Area B", people_b, cycle=cycle, version=version)

    draft = ToolkitVersionFactory()
    section = SectionFactory(version=draft, position=1)
    question = QuestionFactory(section=section, position=1)

    qa_manager = subjects.get(Role.QA_MANAGER) or UserFactory(roles=[(Role.QA_MANAGER, None)])
    report = report_draft(cycle=cycle, actor=qa_manager)
    plan_item = ActionPlanItem.objects.create(
        report=report, action="Audit the plans", owner="QA Manager", due_on=cycle.reporting_ends_on
    )
    report_version = ReportVersion(report=report, number=1, figures={}, narrative={})
    report_version.pdf.save("qa-report.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    report_version.pdf_status = ReportVersion.PdfStatus.READY
    report_version.save()

    benchmark = benchmark_create(
        cycle=cycle,
        case=CaseFactory(team=a.team),
        toolkit_version=version,
        title="Benchmarking Review",
        reviewers=[UserFactory(roles=[(Role.REVIEWER, a.area)]) for _ in range(2)],
        actor=qa_manager,
    )
    _, token = link_create(
        case=a.case, version=FamilyFeedbackLink.Version.STANDARD, actor=a.people[Role.REVIEWER]
    )
    return World(
        subjects=subjects,
        a=a,
        b=b,
        cycle=cycle,
        toolkit=version.toolkit,
        draft=draft,
        section=section,
        question=question,
        report_version=report_version,
        plan_item=plan_item,
        benchmark=benchmark,
        feedback_theme=FeedbackThemeFactory(),
        practice_theme=PracticeTheme.objects.create(name="Management oversight"),
        family_token=token,
        group=Group.objects.create(name="Auditors"),
        totp_device=TOTPDevice.objects.create(user=UserFactory(), name="Phone"),
        static_device=StaticDevice.objects.create(user=UserFactory(), name="Recovery"),
        access_attempt=AccessAttempt.objects.create(failures_since_start=1, **_attempt()),
        access_log=AccessLog.objects.create(**_attempt()),
        access_failure=AccessFailureLog.objects.create(**_attempt()),
    )


def _attempt() -> dict:
    return {
        "username": "someone@example.org",
        "ip_address": "192.0.2.1",
        "user_agent": "test",
        "path_info": "/login/",
        "attempt_time": timezone.now(),
    }


# How to build each URL's arguments. `scoped` ones name an object of a service area: the test
# asks for area A's object, then (IDOR) for area B's. `org` ones name something of the whole
# organisation (a cycle, a toolkit, a theme), the same for everyone.
Kwargs = Callable[..., dict]


@dataclass(frozen=True)
class Args:
    build: Kwargs  # (world, area) -> kwargs
    scoped: bool


def scoped(build: Callable[[Area], dict]) -> Args:
    return Args(lambda world, area: build(area), scoped=True)


def org(build: Callable[[World], dict]) -> Args:
    return Args(lambda world, area: build(world), scoped=False)


def _admin(model_of: Callable[[World], object]) -> Args:
    return org(lambda w: {"object_id": str(model_of(w).pk)})


ADMIN_OBJECTS = {
    ("auth", "group"): lambda w: w.group,
    ("accounts", "servicearea"): lambda w: w.a.area,
    ("accounts", "team"): lambda w: w.a.team,
    ("accounts", "user"): lambda w: w.subjects[Role.REVIEWER],
    ("audits", "case"): lambda w: w.a.case,
    ("otp_totp", "totpdevice"): lambda w: w.totp_device,
    ("otp_static", "staticdevice"): lambda w: w.static_device,
    ("axes", "accessattempt"): lambda w: w.access_attempt,
    ("axes", "accesslog"): lambda w: w.access_log,
    ("axes", "accessfailurelog"): lambda w: w.access_failure,
}

URL_ARGS: dict[str, Args] = {
    "password_reset_confirm": org(lambda w: {"uidb64": "MQ", "token": "set-password"}),
    "accounts:notification_open": scoped(lambda a: {"pk": a.notification.pk}),
    "accounts:session_end": scoped(lambda a: {"pk": a.log_in_session.pk}),
    "audits:cycle_detail": org(lambda w: {"pk": w.cycle.pk}),
    "audits:cycle_dates": org(lambda w: {"pk": w.cycle.pk}),
    "audits:cycle_transition": org(lambda w: {"pk": w.cycle.pk, "to_status": "reporting"}),
    "audits:job_run": org(lambda w: {"name": "qa-calendar"}),
    "audits:toolkit_detail": org(lambda w: {"pk": w.toolkit.pk}),
    "audits:toolkit_new_draft": org(lambda w: {"pk": w.toolkit.pk}),
    "audits:toolkit_version_edit": org(lambda w: {"pk": w.draft.pk}),
    "audits:toolkit_version_preview": org(lambda w: {"pk": w.draft.pk}),
    "audits:toolkit_version_publish": org(lambda w: {"pk": w.draft.pk}),
    "audits:toolkit_section_add": org(lambda w: {"pk": w.draft.pk}),
    "audits:toolkit_section_edit": org(lambda w: {"pk": w.section.pk}),
    "audits:toolkit_section_delete": org(lambda w: {"pk": w.section.pk}),
    "audits:toolkit_section_move": org(lambda w: {"pk": w.section.pk}),
    "audits:toolkit_question_add": org(lambda w: {"pk": w.section.pk}),
    "audits:toolkit_question_edit": org(lambda w: {"pk": w.question.pk}),
    "audits:toolkit_question_delete": org(lambda w: {"pk": w.question.pk}),
    "audits:toolkit_question_move": org(lambda w: {"pk": w.question.pk}),
    "audits:sample": org(lambda w: {"pk": w.cycle.pk}),
    "audits:sample_draw": org(lambda w: {"pk": w.cycle.pk}),
    "audits:sample_add": org(lambda w: {"pk": w.cycle.pk}),
    "audits:sample_assign": org(lambda w: {"pk": w.cycle.pk}),
    "audits:sample_remove": Args(
        lambda w, a: {"pk": w.cycle.pk, "review_pk": a.review.pk}, scoped=True
    ),
    "reviews:detail": scoped(lambda a: {"pk": a.review.pk}),
    "reviews:autosave": scoped(lambda a: {"pk": a.review.pk}),
    "reviews:moderate": scoped(lambda a: {"pk": a.submitted.pk}),
    "reviews:return": scoped(lambda a: {"pk": a.submitted.pk}),
    "reviews:escalation": scoped(lambda a: {"pk": a.escalation.pk}),
    "reviews:escalation_assure": scoped(lambda a: {"pk": a.escalation.pk}),
    "reviews:escalation_decide": scoped(lambda a: {"pk": a.escalation.pk}),
    "reviews:action_edit": scoped(lambda a: {"pk": a.action.pk}),
    "reviews:action_delete": scoped(lambda a: {"pk": a.action.pk}),
    "reviews:action_done": scoped(lambda a: {"pk": a.action.pk}),
    "reviews:action_verify": scoped(lambda a: {"pk": a.action.pk}),
    "reviews:action_reopen": scoped(lambda a: {"pk": a.action.pk}),
    "reviews:action_add": scoped(lambda a: {"pk": a.review.pk}),
    "reviews:follow_up": scoped(lambda a: {"pk": a.finalised.pk}),
    "reviews:practice_theme_edit": org(lambda w: {"pk": w.practice_theme.pk}),
    "reviews:practice_theme_active": org(lambda w: {"pk": w.practice_theme.pk}),
    "reviews:practice_theme_delete": org(lambda w: {"pk": w.practice_theme.pk}),
    "feedback:iro_detail": scoped(lambda a: {"pk": a.iro.pk}),
    "feedback:practitioner_feedback": scoped(lambda a: {"review_pk": a.finalised.pk}),
    "feedback:family_form": org(lambda w: {"token": w.family_token}),
    "feedback:complaint": scoped(lambda a: {"pk": a.complaint.pk}),
    "feedback:complaint_edit": scoped(lambda a: {"pk": a.complaint.pk}),
    "feedback:theme_edit": org(lambda w: {"pk": w.feedback_theme.pk}),
    "feedback:theme_active": org(lambda w: {"pk": w.feedback_theme.pk}),
    "feedback:theme_delete": org(lambda w: {"pk": w.feedback_theme.pk}),
    "reporting:report_edit": org(lambda w: {"cycle_pk": w.cycle.pk}),
    "reporting:report_preview": org(lambda w: {"cycle_pk": w.cycle.pk}),
    "reporting:plan_item_add": org(lambda w: {"cycle_pk": w.cycle.pk}),
    "reporting:report_publish": org(lambda w: {"cycle_pk": w.cycle.pk}),
    "reporting:plan_item_remove": org(lambda w: {"pk": w.plan_item.pk}),
    "reporting:version_pdf": org(lambda w: {"pk": w.report_version.pk}),
    "reporting:benchmark": org(lambda w: {"pk": w.benchmark.pk}),
    # Django's admin: real objects of each registered model.
    "admin:view_on_site": org(
        lambda w: {
            "content_type_id": str(ContentType.objects.get_for_model(w.a.case).pk),
            "object_id": str(w.a.case.pk),
        }
    ),
    "admin:app_list": org(lambda w: {"app_label": "accounts"}),
    "admin:otp_totp_totpdevice_config": org(lambda w: {"pk": w.totp_device.pk}),
    "admin:otp_totp_totpdevice_qrcode": org(lambda w: {"pk": w.totp_device.pk}),
    "admin:auth_user_password_change": org(lambda w: {"id": str(w.subjects[Role.REVIEWER].pk)}),
    # The admin's unnamed "<object_id>/" patterns (redirects to the change page) and catch-all.
    **{
        f"admin/{app}/{model}/<path:object_id>/": _admin(get)
        for (app, model), get in ADMIN_OBJECTS.items()
    },
    "admin/(?P<url>.*)$": org(lambda w: {"url": "no-such-page/"}),
    **{
        f"admin:{app}_{model}_{page}": _admin(get)
        for (app, model), get in ADMIN_OBJECTS.items()
        for page in ("history", "delete", "change")
    },
}
