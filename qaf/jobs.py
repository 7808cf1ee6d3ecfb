"""Every timed job of QAF, declared here and only here (DESIGN.md "What runs on a timer").

settings.CELERY_BEAT_SCHEDULE is built from JOBS, and the QA Manager's Jobs page lists them.
Beat sends one task, `audits.tasks.run_job`, naming the job; the "Run now" button queues the
same task, so both take the same code path.

Each job decides from the database what is due (never from "the last time it ran") and claims
each piece of work atomically (a status transition under select_for_update, a conditional
UPDATE, or a notification's unique key), so two beat processes, a retried task or a job run
late after downtime still do each thing exactly once, and a run after downtime catches up.

This module is imported by settings: nothing here may import Django models.
"""

from dataclasses import dataclass
from importlib import import_module

from celery.schedules import crontab, schedule

RUN_JOB_TASK = "audits.tasks.run_job"


@dataclass(frozen=True)
class Job:
    name: str  # its key: the beat entry's name and the JobRun.job value
    function: str  # "module:function"; called with no arguments, returns what it did
    schedule: schedule
    title: str
    when: str  # the schedule in words, for the Jobs page
    description: str

    def call(self):
        module, function = self.function.split(":")
        return getattr(import_module(module), function)()


HOURLY = crontab(minute=5)

JOBS = (
    Job(
        name="qa-calendar",
        function="audits.services.calendar_jobs:run_qa_calendar",
        schedule=HOURLY,
        title="The QA calendar",
        when="Every hour, at 5 past",
        description=(
            "Opens each cycle's review phase on its start date and tells each reviewer their "
            "assignments; reminds reviewers before the review phase closes; when it closes, "
            "marks unfinished reviews overdue, tells the QA Manager, starts the reporting "
            "phase and drafts the cycle's report; closes the cycle at its end."
        ),
    ),
    Job(
        name="remind-overdue-escalations",
        function="reviews.escalations:escalations_remind_overdue",
        schedule=HOURLY,
        title="Escalation deadlines",
        when="Every hour, at 5 past",
        description=(
            "Reminds the Service Managers of each escalation past its deadline without safety "
            "assurance, and raises it to the Head of Service, once."
        ),
    ),
    Job(
        name="send-overdue-actions-digest",
        function="reviews.actions:actions_send_overdue_digest",
        schedule=crontab(minute=0, hour=8, day_of_week="mon"),
        title="Overdue actions digest",
        when="Mondays at 08:00",
        description=(
            "Tells the owners of overdue agreed actions, and their Service Managers, once a week."
        ),
    ),
    Job(
        name="draft-reports",
        function="reporting.reports:reports_draft_for_reporting_cycles",
        schedule=crontab(minute=0, hour=6),
        title="QA report drafts",
        when="Daily at 06:00",
        description="Starts the report of every cycle in its reporting phase that has none.",
    ),
    Job(
        name="expire-feedback-links",
        function="feedback.family:links_expire_unused",
        schedule=crontab(minute=30, hour=2),
        title="Family feedback links",
        when="Daily at 02:30",
        description=(
            "Marks links that expired unanswered and tells the person who made each one, so "
            "they can ask for the family's feedback another way."
        ),
    ),
    Job(
        name="send-unsent-notifications",
        function="accounts.notifications:notifications_send_unsent",
        schedule=crontab(minute="*/5"),
        title="Notification e-mails",
        when="Every 5 minutes",
        description=(
            "Sends again any notification e-mail still unsent a few minutes after it was "
            "written (a lost task, a broker restart, a mail server that was down); each is "
            "still sent once."
        ),
    ),
    Job(
        name="clear-expired-sessions",
        function="accounts.sessions:sessions_clear_expired",
        schedule=crontab(minute=15, hour="*/6"),
        title="Expired sessions",
        when="Every 6 hours",
        description="Deletes expired log-in sessions (Django does not delete them itself).",
    ),
    Job(
        name="apply-retention",
        function="audits.services.retention:run_retention",
        # Weekly is enough: the period is counted in months; Sunday night is quiet.
        schedule=crontab(minute=30, hour=3, day_of_week="sun"),
        title="Retention",
        when="Sundays at 03:30",
        description=(
            "Deletes the free text of reviews and feedback older than the retention period "
            "and anonymises the references of cases with nothing newer; grades, statuses and "
            "dates stay, so the figures of past cycles do not change."
        ),
    ),
)

JOBS_BY_NAME = {job.name: job for job in JOBS}


def beat_schedule() -> dict:
    """CELERY_BEAT_SCHEDULE: one entry per job, each sending run_job with the job's name."""
    return {
        job.name: {"task": RUN_JOB_TASK, "schedule": job.schedule, "args": (job.name,)}
        for job in JOBS
    }
