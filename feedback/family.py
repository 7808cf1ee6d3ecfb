"""Children's and families' feedback through single-use links (issue 5, point 2).

A link carries a random token of 256 bits; only its SHA-256 is stored, so the link is shown (and
printed) once, when it is made. A link answers once, until it expires; submissions through the
public page are counted per sender's address (hashed) and throttled.
"""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.notifications import notify

from .models import FamilyFeedback, FamilyFeedbackLink, PublicSubmission

TOKEN_BYTES = 32  # 256 bits
DEFAULT_DAYS = 28
THROTTLE_LIMIT = 10  # submissions from one address...
THROTTLE_WINDOW = datetime.timedelta(hours=1)  # ...in this long


class LinkClosed(Exception):
    """The link is unknown, used or expired: `state` says which."""

    def __init__(self, state: str):
        super().__init__(state)
        self.state = state


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def address_hash(address: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}{address}".encode()).hexdigest()


# Services


@transaction.atomic
def link_create(*, case, version: str, actor, days: int = DEFAULT_DAYS):
    """A new link for `case`; returns (link, token). The token is never stored."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = FamilyFeedbackLink.objects.create(
        case=case,
        version=version,
        token_hash=token_hash(token),
        created_by=actor,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    return link, token


@transaction.atomic
def family_feedback_submit(*, token: str, data: dict, now=None) -> FamilyFeedback:
    """Store what the family said against the link's case and close the link.

    Raises LinkClosed when the link is unknown, used or expired; nothing is saved then.
    """
    now = now or timezone.now()
    link = _find(FamilyFeedbackLink.objects.select_for_update(), token)
    state = link_state(link, now=now)
    if state != "open":
        raise LinkClosed(state)
    feedback = FamilyFeedback.objects.create(
        link=link,
        case_id=link.case_id,
        respondent=data.get("respondent") or FamilyFeedback.Respondent.CHILD,
        listened_to=data["listened_to"],
        helped=data["helped"],
        went_well=data.get("went_well", ""),
        could_be_better=data.get("could_be_better", ""),
    )
    link.used_at = now
    link.save(update_fields=["used_at"])
    return feedback


def public_submission_record(*, address: str, now=None) -> bool:
    """Record a submission from `address`; False when it is over the limit (throttled).

    Every attempt counts, the refused ones too, so a flood stays refused until it stops.
    """
    now = now or timezone.now()
    digest = address_hash(address)
    PublicSubmission.objects.create(address_hash=digest)
    recent = PublicSubmission.objects.filter(address_hash=digest, at__gt=now - THROTTLE_WINDOW)
    return recent.count() <= THROTTLE_LIMIT


# Selectors


def _find(queryset, token: str) -> FamilyFeedbackLink | None:
    digest = token_hash(token)
    link = queryset.filter(token_hash=digest).first()
    # The index finds the row; the comparison that decides is in constant time.
    if link is None or not hmac.compare_digest(link.token_hash, digest):
        return None
    return link


def link_for_token(token: str) -> FamilyFeedbackLink | None:
    return _find(FamilyFeedbackLink.objects.all(), token)


def link_state(link: FamilyFeedbackLink | None, *, now=None) -> str:
    """ "unknown", "used", "expired" or "open"."""
    now = now or timezone.now()
    if link is None:
        return "unknown"
    if link.used_at is not None:
        return "used"
    if link.expires_at <= now:
        return "expired"
    return "open"


def links_expired_unused(now=None):
    """Links that expired without an answer (for housekeeping and reporting)."""
    now = now or timezone.now()
    return FamilyFeedbackLink.objects.filter(used_at__isnull=True, expires_at__lte=now)


def links_expire_unused(now=None) -> int:
    """The job "expire-feedback-links": mark each link that expired unanswered, and tell the
    person who made it (once: the conditional UPDATE claims the row, and the notification's key
    is unique), so they can ask for the family's views another way. Returns how many."""
    now = now or timezone.now()
    due = links_expired_unused(now).filter(expired_at__isnull=True).select_related("created_by")
    url = reverse("feedback:family_link_new")
    expired = 0
    for link in due.order_by("pk"):
        with transaction.atomic():
            claimed = FamilyFeedbackLink.objects.filter(
                pk=link.pk, expired_at__isnull=True, used_at__isnull=True
            ).update(expired_at=now)
            if not claimed:
                continue  # used at the last moment, or claimed by another run
            made = timezone.localtime(link.created_at)  # the day in London, not in UTC
            notify(
                recipient=link.created_by,
                kind="feedback_link_expired",
                obj=link,
                summary=f"A family feedback link you made on {made:%-d %B %Y} "
                "expired without an answer",
                url=url,
            )
            expired += 1
    return expired


def family_feedback_list():
    """Every family's answers, newest first, with what a list shows of their case."""
    return FamilyFeedback.objects.select_related(
        "case__service_area", "case__team", "link"
    ).order_by("-submitted_at", "-id")
