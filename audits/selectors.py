"""Reads for toolkits, cycles and cases."""

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from .models import Case, Cycle, CycleEvent, Section, Toolkit, ToolkitVersion


def published_version(toolkit: Toolkit) -> ToolkitVersion | None:
    """The newest published version of a toolkit: the one new reviews are made with."""
    return (
        ToolkitVersion.objects.filter(toolkit=toolkit, status=ToolkitVersion.Status.PUBLISHED)
        .order_by("-number")
        .first()
    )


def cycles_with_review_counts() -> QuerySet[Cycle]:
    """Every cycle in date order, with its toolkit and `review_count`, in one query."""
    return (
        Cycle.objects.select_related("toolkit")
        .annotate(review_count=Count("reviews"))
        .order_by("review_starts_on", "name")
    )


def cycle_events(cycle: Cycle) -> QuerySet[CycleEvent]:
    """A cycle's history, oldest first, with who made each change."""
    return cycle.events.select_related("actor").order_by("at", "id")


def toolkits_for_list() -> QuerySet[Toolkit]:
    """Every toolkit with its current published version's number, its draft's number (None when
    there is no draft) and how many reviews use it: one query however many toolkits there are."""
    published = Q(versions__status=ToolkitVersion.Status.PUBLISHED)
    draft = Q(versions__status=ToolkitVersion.Status.DRAFT)
    return Toolkit.objects.annotate(
        published_number=Max("versions__number", filter=published),
        draft_number=Max("versions__number", filter=draft),
        review_count=Count("versions__reviews", distinct=True),
    ).order_by("kind", "name")


def toolkit_versions(toolkit: Toolkit) -> QuerySet[ToolkitVersion]:
    """A toolkit's versions, newest first, with who published them and what they hold."""
    return (
        toolkit.versions.select_related("published_by", "created_by")
        .annotate(
            section_count=Count("sections", distinct=True),
            question_count=Count("sections__questions", distinct=True),
            review_count=Count("reviews", distinct=True),
        )
        .order_by("-number")
    )


def version_sections(version: ToolkitVersion) -> QuerySet[Section]:
    """A version's sections in order, each with its questions in order (two queries)."""
    return version.sections.order_by("position", "id").prefetch_related("questions")


def cases_for_list() -> QuerySet[Case]:
    """Cases with their service, team and practitioner: one query per page of the case list."""
    return Case.objects.select_related("service_area", "team", "practitioner").order_by("reference")


def sample_of_cycle(cycle: Cycle) -> QuerySet:
    """A cycle's reviews, grouped by team then case reference, with what the sample page shows
    and `has_answers` (whether the reviewer has started): one query however many reviews."""
    from reviews.models import Answer, Review

    return (
        Review.objects.filter(cycle=cycle)
        .select_related(
            "case__team__service_area", "case__practitioner", "toolkit_version__toolkit", "reviewer"
        )
        .annotate(has_answers=Exists(Answer.objects.filter(review=OuterRef("pk"))))
        .order_by("case__team__service_area__name", "case__team__name", "case__reference")
    )


def reviewer_candidates() -> list:
    """Active people with the Reviewer role (in any service area: reviewers review across
    services), in name order, with their team."""
    from accounts.models import Role, User

    return list(
        User.objects.filter(is_active=True, memberships__role=Role.REVIEWER)
        .select_related("team")
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def reviews_assigned_per_reviewer(cycle: Cycle) -> dict[int, int]:
    """How many of the cycle's reviews each reviewer holds: reviewer id -> count."""
    rows = (
        cycle.reviews.filter(reviewer__isnull=False)
        .order_by()
        .values_list("reviewer_id")
        .annotate(count=Count("id"))
    )
    return dict(rows)
