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
from django.utils import timezone

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


def family_feedback_list():
    """Every family's answers, newest first, with what a list shows of their case."""
    return FamilyFeedback.objects.select_related(
        "case__service_area", "case__team", "link"
    ).order_by("-submitted_at", "-id")
