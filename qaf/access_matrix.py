"""
Who may use what: the access matrix of every URL of QAF (issue 8, point 1).

One row per URL name: the outcome of a request (a GET, or a POST for POST-only endpoints) for
each subject, on a real object in the subject's service area:

- `anonymous`: nobody logged in;
- `nobody`: logged in, holding no role;
- each `Role` (a key of `accounts.models.Role`), held for the object's service area (QA Manager
  and Leadership hold theirs organisation-wide);
- `superuser`: staff and superuser, holding no role (superusers administer, they do not read case
  work: accounts/permissions.py).

tests/test_access_matrix.py walks every URL pattern of the project and asserts these outcomes,
and that the same object in another service area answers 404 (never 403) to a scoped role the
row allows. A URL without a row fails that test, so no view is added unprotected; so does a new
`Role` until it is added to `DECLARED_ROLES` and every row says what it may do.

Reading a row: `only(QA)` means the QA Manager is let in, anyone else logged in is refused
(403) and anonymous people are sent to log in. `.but(...)` states the exceptions, e.g. an object
the subject may not see at all answers 404 so that its existence does not leak.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from accounts.models import Role


class Outcome(StrEnum):
    ALLOWED = "allowed"  # 2xx: the page, the file or the form
    REDIRECTS = "redirects"  # 3xx not to log-in: the view's normal redirect (after a POST)
    LOGIN = "login"  # 3xx to the log-in page
    FORBIDDEN = "forbidden"  # 403
    NOT_FOUND = "not found"  # 404: outside the subject's scope, or nothing there for anyone
    NOT_ALLOWED = "not allowed"  # 405: wrong method
    BAD_REQUEST = "bad request"  # 400: let in, but the empty form the test POSTs is refused


ALLOWED, REDIRECTS, LOGIN = Outcome.ALLOWED, Outcome.REDIRECTS, Outcome.LOGIN
FORBIDDEN, NOT_FOUND, NOT_ALLOWED = Outcome.FORBIDDEN, Outcome.NOT_FOUND, Outcome.NOT_ALLOWED
BAD_REQUEST = Outcome.BAD_REQUEST
# Outcomes that let the subject in: the IDOR check expects 404 for the same object elsewhere.
LET_IN = frozenset({ALLOWED, REDIRECTS, BAD_REQUEST})

ANONYMOUS, NOBODY, SUPERUSER = "anonymous", "nobody", "superuser"

# The roles this table has a column for. A role added to `Role` fails the access-matrix test until
# it is added here and every row below says what it may do.
DECLARED_ROLES: tuple[str, ...] = (
    Role.REVIEWER,
    Role.MODERATOR,
    Role.SERVICE_MANAGER,
    Role.HEAD_OF_SERVICE,
    Role.PRACTITIONER,
    Role.PRACTICE_LEAD,
    Role.QA_MANAGER,
    Role.LEADERSHIP,
    Role.DATA_PROTECTION_OFFICER,
)
SUBJECTS: tuple[str, ...] = (ANONYMOUS, NOBODY, *DECLARED_ROLES, SUPERUSER)

# Short names for the rows.
REVIEWER, MODERATOR, SM, HOS = (
    Role.REVIEWER,
    Role.MODERATOR,
    Role.SERVICE_MANAGER,
    Role.HEAD_OF_SERVICE,
)
PRACTITIONER, PL, QA, LEADERSHIP, DPO = (
    Role.PRACTITIONER,
    Role.PRACTICE_LEAD,
    Role.QA_MANAGER,
    Role.LEADERSHIP,
    Role.DATA_PROTECTION_OFFICER,
)
# Who reads the reviews of their service areas' cases (accounts/permissions.py REVIEW_READERS).
READERS = (REVIEWER, MODERATOR, SM, HOS, PRACTITIONER, PL, QA)
# Who reads the published QA reports and the dashboard.
REPORT_READERS = (LEADERSHIP, QA, HOS, SM)


@dataclass(frozen=True)
class Row:
    """The declared outcome of one URL for each subject. `method` is the one the test sends:
    GET, or POST for an endpoint that answers only POST (a GET there is never let in)."""

    outcomes: MappingProxyType
    method: str = "GET"
    note: str = field(default="", compare=False)

    def but(self, **changes: Outcome) -> "Row":
        """The same row with some subjects' outcomes changed (keys: subject names)."""
        unknown = set(changes) - set(SUBJECTS)
        if unknown:
            raise ValueError(f"unknown subjects {sorted(unknown)}")
        return Row(MappingProxyType({**self.outcomes, **changes}), self.method, self.note)

    def post(self) -> "Row":
        """A POST-only endpoint: the test POSTs (an empty form) instead of GETting."""
        return Row(self.outcomes, "POST", self.note)

    def __getitem__(self, subject: str) -> Outcome:
        return self.outcomes[subject]


def _row(default: Outcome, anonymous: Outcome, **outcomes: Outcome) -> Row:
    every = dict.fromkeys(SUBJECTS, default)
    every[ANONYMOUS] = anonymous
    return Row(MappingProxyType(every)).but(**outcomes)


def public(outcome: Outcome = ALLOWED) -> Row:
    """Open to everyone, logged in or not."""
    return _row(outcome, outcome)


def signed_in(outcome: Outcome = ALLOWED) -> Row:
    """Anyone logged in, whatever their roles."""
    return _row(outcome, LOGIN)


def only(*roles: str, yes: Outcome = ALLOWED, no: Outcome = FORBIDDEN) -> Row:
    """The listed roles get `yes`; anyone else logged in `no` (superusers included: they
    administer, they do not read case work); anonymous people are sent to log in."""
    return _row(no, LOGIN, **dict.fromkeys(roles, yes))


def case_work(*roles: str, yes: Outcome = ALLOWED) -> Row:
    """A change to a review or its action: the listed roles get `yes`; the others who may read
    the review are refused (403); anyone who may not even see it gets 404."""
    return only(*roles, yes=yes, no=NOT_FOUND).but(
        **{role: FORBIDDEN for role in READERS if role not in roles}
    )


def staff(yes: Outcome = ALLOWED, others: Outcome = LOGIN) -> Row:
    """Django's admin: staff only. Others are sent to the (one) log-in page, which refuses
    anyone already logged in (403)."""
    return _row(others, LOGIN, **{SUPERUSER: yes})


# Models registered in Django's admin: each has changelist, add, change, delete and history pages
# and an unnamed "<object_id>/" pattern that redirects to the change page. Staff only.
ADMIN_MODELS = (
    ("auth", "group"),
    ("accounts", "servicearea"),
    ("accounts", "team"),
    ("accounts", "user"),
    ("audits", "case"),
    ("otp_totp", "totpdevice"),  # two-factor devices (django-otp)
    ("otp_static", "staticdevice"),
    ("axes", "accessattempt"),  # log-in failures and lock-outs (django-axes)
    ("axes", "accesslog"),
    ("axes", "accessfailurelog"),
)

# The matrix. Keys are URL names ("namespace:name"); patterns without a name are keyed by their
# route. Object URLs are requested with a real object of the subject's service area.
# fmt: off
ACCESS: dict[str, Row] = {
    # Log-in, log-out and passwords: public, or for anyone logged in.
    "home": signed_in(),
    "login": signed_in(REDIRECTS).but(anonymous=ALLOWED),  # logged in: on to the home page
    "logout": public(LOGIN).post(),
    "password_reset": public(),
    "password_reset_done": public(),
    "password_reset_confirm": public(),  # a wrong link shows "this link does not work"
    "password_reset_complete": public(),
    "password_change": signed_in(),
    "password_change_done": signed_in(),
    # The organisation and notifications (each person's own: another's answers 404).
    "accounts:organisation": only(QA).but(superuser=ALLOWED),
    "accounts:notifications": signed_in(),
    "accounts:notification_open": signed_in(NOT_FOUND).but(reviewer=REDIRECTS).post(),
    "accounts:notifications_read_all": signed_in(REDIRECTS).post(),
    # Your log-in sessions and two-factor authentication (each person's own).
    "accounts:sessions": signed_in(),
    "accounts:session_end": signed_in(NOT_FOUND).but(reviewer=REDIRECTS).post(),
    "accounts:sessions_end_others": signed_in(REDIRECTS).post(),
    "accounts:session_keep_alive": signed_in().post(),
    "accounts:two_factor": signed_in(),
    "accounts:two_factor_setup": signed_in(),
    "accounts:two_factor_verify": signed_in(REDIRECTS),  # no device yet: off to set one up
    "accounts:recovery_codes": signed_in(REDIRECTS),  # no device yet: to the two-factor page
    "accounts:recovery_codes_new": signed_in(REDIRECTS).post(),
    # Cycles, the calendar, timed jobs, toolkits, cases and the sample: the QA Manager's.
    "audits:cycles": only(QA),
    "audits:calendar_edit": only(QA),
    "audits:cycles_generate": only(QA, yes=REDIRECTS),  # a GET goes back to the cycles
    "audits:cycle_detail": only(QA),
    "audits:cycle_dates": only(QA, yes=REDIRECTS),  # a cycle under review keeps its dates
    "audits:cycle_transition": only(QA),
    "audits:jobs": only(QA),
    "audits:job_run": only(QA, yes=REDIRECTS).post(),
    "audits:toolkits": only(QA),
    "audits:toolkit_create": only(QA),
    "audits:toolkit_detail": only(QA),
    "audits:toolkit_new_draft": only(QA, yes=REDIRECTS).post(),
    "audits:toolkit_version_edit": only(QA),
    "audits:toolkit_version_preview": only(QA),
    "audits:toolkit_version_publish": only(QA),
    "audits:toolkit_section_add": only(QA),
    "audits:toolkit_section_edit": only(QA),
    "audits:toolkit_section_delete": only(QA),
    "audits:toolkit_section_move": only(QA, yes=BAD_REQUEST).post(),
    "audits:toolkit_question_add": only(QA),
    "audits:toolkit_question_edit": only(QA),
    "audits:toolkit_question_delete": only(QA),
    "audits:toolkit_question_move": only(QA, yes=BAD_REQUEST).post(),
    "audits:cases": only(QA),
    "audits:cases_import": only(QA),
    "audits:sample": only(QA),
    "audits:sample_draw": only(QA).post(),
    "audits:sample_add": only(QA).post(),
    "audits:sample_assign": only(QA),
    "audits:sample_remove": only(QA),
    # Reviews: read by the roles of the case's service area; written by the assigned reviewer.
    "reviews:list": only(*READERS),
    "reviews:mine": only(REVIEWER),
    "reviews:detail": only(*READERS, no=NOT_FOUND),
    "reviews:autosave": case_work(REVIEWER, yes=BAD_REQUEST).post(),
    "reviews:moderation": only(MODERATOR),
    "reviews:moderate": only(MODERATOR),
    "reviews:return": only(MODERATOR).post(),
    "reviews:escalations": only(SM, HOS),
    "reviews:escalation": only(SM, HOS),
    "reviews:escalation_assure": only(SM).post(),
    "reviews:escalation_decide": only(HOS).post(),
    # Agreed actions: the reviewer agrees them, the owner marks them done, a Practice Lead
    # verifies or reopens them (an action not yet done: back to the review, with a message).
    "reviews:actions": only(PRACTITIONER, PL, SM, HOS),
    "reviews:action_edit": case_work(REVIEWER),
    "reviews:action_delete": case_work(REVIEWER),
    "reviews:action_done": case_work(PRACTITIONER),
    "reviews:action_verify": case_work(PL, yes=REDIRECTS),
    "reviews:action_reopen": case_work(PL, yes=REDIRECTS),
    "reviews:action_add": case_work(REVIEWER),
    "reviews:follow_up": only(QA, yes=REDIRECTS),  # nothing to follow up on a Good review
    "reviews:close_the_loop": only(PL),
    "reviews:practice_themes": only(QA),
    "reviews:practice_theme_edit": only(QA),
    "reviews:practice_theme_active": only(QA, yes=REDIRECTS),
    "reviews:practice_theme_delete": only(QA),
    # Feedback: IROs (Reviewers) and the QA Manager; complaints for the service's managers.
    "feedback:index": only(QA),
    "feedback:iro_list": only(REVIEWER, QA),
    "feedback:iro_new": only(REVIEWER, QA),
    "feedback:iro_case_lookup": only(REVIEWER, QA).post(),  # the reference stays out of URLs
    "feedback:iro_detail": only(REVIEWER, MODERATOR, SM, HOS, PL, QA),
    "feedback:practitioner_feedback": only(PRACTITIONER, no=NOT_FOUND),  # their own review only
    "feedback:family_list": only(QA),
    "feedback:family_link_new": only(REVIEWER, PRACTITIONER, QA),
    "feedback:family_thanks": public(),  # children and families: no account
    "feedback:family_form": public(),
    "feedback:complaints": only(SM, HOS, QA),
    "feedback:complaints_export": only(SM, HOS, QA),
    "feedback:complaint_add": only(QA),
    "feedback:complaint": only(SM, HOS, QA),
    "feedback:complaint_edit": only(QA),
    "feedback:themes": only(QA),
    "feedback:theme_edit": only(QA),
    "feedback:theme_active": only(QA, yes=REDIRECTS),
    "feedback:theme_delete": only(QA),
    "feedback:you_said_we_did": only(QA),
    # Reporting.
    "reporting:dashboard": only(*REPORT_READERS),
    "reporting:export_reviews_csv": only(*READERS),
    "reporting:export_reviews_xlsx": only(*READERS),
    "reporting:reports": only(*REPORT_READERS),
    "reporting:report_edit": only(QA),
    "reporting:report_preview": only(QA),
    "reporting:plan_item_add": only(QA),
    "reporting:plan_item_remove": only(QA),
    "reporting:report_publish": only(QA),
    "reporting:version_pdf": only(*REPORT_READERS),
    "reporting:benchmarks": only(QA),
    "reporting:benchmark_add": only(QA),
    "reporting:benchmark": only(QA),
    # The audit trail: access records for subject access requests and investigations.
    "audit:access_records": only(QA, DPO),
    "audit:access_records_export": only(QA, DPO, yes=BAD_REQUEST).post(),
    # Django's admin, for staff. Its log-in page is QAF's (anyone logged in is refused there).
    "admin_login": signed_in(FORBIDDEN).but(anonymous=LOGIN),
    "admin:login": signed_in(FORBIDDEN).but(anonymous=LOGIN),  # answered by admin_login
    "admin:index": staff(),
    "admin:logout": staff(LOGIN, others=REDIRECTS).post(),  # not staff: back to the admin
    "admin:password_change": staff(),
    "admin:password_change_done": staff(),
    "admin:autocomplete": staff(FORBIDDEN),  # without its query parameters
    "admin:jsi18n": staff(),
    "admin:view_on_site": staff(NOT_FOUND),  # a case has no page of its own
    "admin:app_list": staff(),
    "admin:auth_user_password_change": staff(),
    "admin:otp_totp_totpdevice_config": staff(),
    "admin:otp_totp_totpdevice_qrcode": staff(),
    "admin/(?P<url>.*)$": staff(NOT_FOUND),  # the admin's catch-all
    **{
        f"admin:{app}_{model}_{page}": staff()
        for app, model in ADMIN_MODELS
        for page in ("changelist", "add", "change", "delete", "history")
    },
    **{f"admin/{app}/{model}/<path:object_id>/": staff(REDIRECTS) for app, model in ADMIN_MODELS},
    # Log-in records are written by django-axes only, never added by hand.
    **{f"admin:axes_{model}_add": staff(FORBIDDEN) for app, model in ADMIN_MODELS if app == "axes"},
}
# fmt: on
