"""Practice themes: the QA Manager's taxonomy (a qaf.taxonomy.Taxonomy), and the themes a reviewer
tags on a review as strengths or areas for development (written by services.review_save)."""

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from simple_history.utils import bulk_create_with_history

from qaf.taxonomy import Taxonomy

from .models import PracticeTheme, Review, ReviewTheme

# Drawn from the seeds' themes of practice (Ofsted's judgement areas, seed 002's audit themes).
DEFAULT_PRACTICE_THEMES = (
    "The child's voice and lived experience",
    "Direct work with the child",
    "Assessment and analysis of risk",
    "Planning and outcome focus",
    "Management oversight and supervision",
    "Multi-agency working",
    "Working with families",
    "Timeliness and drift",
    "Permanence planning",
    "Recording and chronology",
    "Identity, equality and diversity",
)

KINDS = ReviewTheme.Kind


def _uses() -> dict[int, int]:
    rows = ReviewTheme.objects.values("theme_id").annotate(n=Count("review_id", distinct=True))
    return {row["theme_id"]: row["n"] for row in rows}


PRACTICE_THEMES = Taxonomy(
    model=PracticeTheme,
    rule="practice_themes.manage",
    namespace="reviews",
    prefix="practice_theme",
    title="Practice themes",
    lead="The themes reviewers tag on each review as strengths or areas for development, "
    "counted for each cycle's report.",
    used_by="reviews",
    uses=_uses,
)


def install_default_practice_themes() -> int:
    return PRACTICE_THEMES.install(DEFAULT_PRACTICE_THEMES)


def tagged_theme_ids(review: Review) -> dict[str, set[int]]:
    """{kind: {theme id}} of the review: what its form shows ticked."""
    tagged: dict[str, set[int]] = {kind: set() for kind in KINDS.values}
    for kind, theme_id in ReviewTheme.objects.filter(review=review).values_list("kind", "theme"):
        tagged[kind].add(theme_id)
    return tagged


def themes_offered(tagged: dict[str, set[int]]) -> list[PracticeTheme]:
    """The active themes, and any inactive one already on the review (`tagged`, from
    tagged_theme_ids: it stays on it)."""
    on_review = set().union(*tagged.values())
    return list(PracticeTheme.objects.filter(Q(active=True) | Q(pk__in=on_review)).order_by("name"))


def review_themes_by_kind(review: Review) -> dict[str, list[str]]:
    """{"strength": [names], "development": [names]} for the read-only pages."""
    tagged: dict[str, list[str]] = {kind: [] for kind in KINDS.values}
    rows = ReviewTheme.objects.filter(review=review).order_by("theme__name")
    for kind, name in rows.values_list("kind", "theme__name"):
        tagged[kind].append(name)
    return tagged


def theme_changes(
    review: Review, wanted: dict[str, set[int]]
) -> tuple[list[ReviewTheme], list[int]]:
    """(tags to add, ids of tags to remove) to make the review's tags of each kind given in
    `wanted` exactly those; a kind not given is left as it is."""
    unknown = set(wanted) - set(KINDS.values)
    if unknown:
        raise ValueError(f"Not a kind of theme: {', '.join(sorted(unknown))}")
    on_review = list(ReviewTheme.objects.filter(review=review).values_list("pk", "kind", "theme"))
    existing = {(kind, theme_id): pk for pk, kind, theme_id in on_review if kind in wanted}
    wanted_pairs = {(kind, theme_id) for kind, ids in wanted.items() for theme_id in ids}
    offered = {theme_id for _, _, theme_id in on_review}
    offered |= set(PracticeTheme.objects.filter(active=True).values_list("pk", flat=True))
    if any(theme_id not in offered for _, theme_id in wanted_pairs):
        raise ValidationError("Choose only practice themes that are offered.")
    to_add = [
        ReviewTheme(review=review, kind=kind, theme_id=theme_id)
        for kind, theme_id in sorted(wanted_pairs - set(existing))
    ]
    to_remove = [pk for pair, pk in existing.items() if pair not in wanted_pairs]
    return to_add, to_remove


def write_theme_changes(to_add: list[ReviewTheme], to_remove: list[int], actor) -> None:
    for tag in to_add:
        tag.added_by = actor
    # delete() sends a signal per tag, so simple_history notes each removal.
    ReviewTheme.objects.filter(pk__in=to_remove).delete()
    bulk_create_with_history(to_add, ReviewTheme, default_user=actor)
