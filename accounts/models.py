"""The organisation (service areas and teams), its people and their role memberships."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower


class ServiceArea(models.Model):
    """A service of the authority, e.g. Children in Need or Children in Care."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["service_area__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_area", "name"], name="team_name_unique_in_service"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.service_area.name})"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("Every user needs an email address.")
        user = self.model(email=normalise_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


def normalise_email(email: str) -> str:
    # Staff log in with their work address; case must never create a second account.
    return email.strip().lower()


class User(AbstractUser):
    """A member of staff. Logs in with their work email address."""

    username = None
    email = models.EmailField("email address", unique=True)
    job_title = models.CharField(max_length=100, blank=True)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_any_case")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = normalise_email(self.email)


class Role(models.TextChoices):
    REVIEWER = "reviewer", "Reviewer"
    MODERATOR = "moderator", "Moderator"
    SERVICE_MANAGER = "service_manager", "Service Manager"
    HEAD_OF_SERVICE = "head_of_service", "Head of Service"
    PRACTITIONER = "practitioner", "Practitioner"
    PRACTICE_LEAD = "practice_lead", "Practice Lead"
    QA_MANAGER = "qa_manager", "QA Manager"
    LEADERSHIP = "leadership", "Leadership"
    # Searches and exports the access records (UK GDPR: subject access requests, investigations).
    DATA_PROTECTION_OFFICER = "data_protection_officer", "Data Protection Officer"


# These roles act for the whole organisation, never for one service area.
ORGANISATION_WIDE_ROLES = frozenset(
    {Role.QA_MANAGER, Role.LEADERSHIP, Role.DATA_PROTECTION_OFFICER}
)


class RoleMembership(models.Model):
    """A person holds a role, either for one service area or (no service area) for all of them."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    service_area = models.ForeignKey(
        ServiceArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        help_text="Leave blank for every service area. QA Manager, Leadership and Data "
        "Protection Officer are always organisation-wide.",
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["user", "role", "service_area__name"]
        constraints = [
            # NULL never equals NULL in a unique index, so the organisation-wide case needs
            # its own partial constraint.
            models.UniqueConstraint(
                fields=["user", "role", "service_area"],
                condition=models.Q(service_area__isnull=False),
                name="membership_unique_per_service",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(service_area__isnull=True),
                name="membership_unique_organisation_wide",
            ),
            models.CheckConstraint(
                condition=~models.Q(role__in=sorted(ORGANISATION_WIDE_ROLES))
                | models.Q(service_area__isnull=True),
                name="organisation_wide_roles_have_no_service",
                violation_error_message="QA Manager, Leadership and Data Protection Officer "
                "act for the whole organisation: leave the service area blank.",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_is_known"
            ),
        ]

    def __str__(self) -> str:
        scope = self.service_area.name if self.service_area_id else "all service areas"
        return f"{self.user}: {self.get_role_display()} ({scope})"


class Notification(models.Model):
    """An in-app notification and the outbox row of its e-mail.

    Written in the same transaction as the change that causes it; a task sends the e-mail after
    commit and a sweeper re-sends what is still unsent, so the database, not the broker, is the
    record of what must go out. `key` (kind, object, period, recipient) makes a second write of
    the same notification a no-op. E-mails carry a link and the one-line summary only: never
    case details or free text.
    """

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=50)
    key = models.CharField(max_length=200, unique=True)
    summary = models.CharField(max_length=200, help_text="One line, no case details.")
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["emailed_at", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.summary


class UserSession(models.Model):
    """One log-in session of a person, for "Your sessions" (Django's sessions table has no user
    column). Deleted with its session row: at log-out, when it expires or is ended."""

    # Never shown: the key is the log-in itself. Pages name a session by its id.
    session = models.OneToOneField("sessions.Session", on_delete=models.CASCADE)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="log_in_sessions")
    created_at = models.DateTimeField(help_text="When the person logged in.")
    last_seen_at = models.DateTimeField(help_text="To the minute: updated at most once a minute.")
    user_agent = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.user} since {self.created_at:%Y-%m-%d %H:%M}"
