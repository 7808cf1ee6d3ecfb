"""Feedback themes (the QA Manager's configurable list) and "you said, we did": writes and reads.

A theme in use is never deleted (complaints, feedback and responses point at it); it is made
inactive instead, so it stays on old records but is no longer offered.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet

from audits.models import Cycle

from .models import ComplaintCompliment, FamilyFeedback, FeedbackTheme, IROFeedback, YouSaidWeDid

DEFAULT_THEMES = (
    "Communication",
    "Being listened to",
    "Timeliness",
    "Consistency of worker",
    "Quality of plans",
    "Support offered",
    "Respect",
)

# The many-to-many tables that point at themes (their reverse names are "+": asked directly).
_THEMED = (ComplaintCompliment, IROFeedback, FamilyFeedback)


def install_default_themes() -> int:
    """Add the default themes not there yet (by name); returns how many were added."""
    existing = set(FeedbackTheme.objects.values_list("name", flat=True))
    missing = [FeedbackTheme(name=name) for name in DEFAULT_THEMES if name not in existing]
    FeedbackTheme.objects.bulk_create(missing)
    return len(missing)


def active_themes() -> QuerySet[FeedbackTheme]:
    return FeedbackTheme.objects.filter(active=True).order_by("name")


def theme_in_use(theme: FeedbackTheme) -> bool:
    if YouSaidWeDid.objects.filter(theme=theme).exists():
        return True
    return any(m.themes.through.objects.filter(feedbacktheme=theme).exists() for m in _THEMED)


def themes_with_use() -> list[FeedbackTheme]:
    """Every theme, each with `.uses`: how many records point at it (one query per source)."""
    uses: dict[int, int] = {}
    for model in _THEMED:
        rows = model.themes.through.objects.values("feedbacktheme_id").annotate(n=Count("id"))
        for row in rows:
            uses[row["feedbacktheme_id"]] = uses.get(row["feedbacktheme_id"], 0) + row["n"]
    for row in YouSaidWeDid.objects.values("theme_id").annotate(n=Count("id")):
        uses[row["theme_id"]] = uses.get(row["theme_id"], 0) + row["n"]
    themes = list(FeedbackTheme.objects.order_by("-active", "name"))
    for theme in themes:
        theme.uses = uses.get(theme.pk, 0)
    return themes


def _check_name(name: str, *, theme: FeedbackTheme | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Enter the theme's name."})
    clash = FeedbackTheme.objects.filter(name__iexact=name)
    if theme is not None:
        clash = clash.exclude(pk=theme.pk)
    if clash.exists():
        raise ValidationError({"name": f"There is already a theme called “{name}”."})
    return name


@transaction.atomic
def theme_create(*, name: str, actor) -> FeedbackTheme:
    return FeedbackTheme.objects.create(name=_check_name(name))


@transaction.atomic
def theme_rename(*, theme: FeedbackTheme, name: str, actor) -> FeedbackTheme:
    theme.name = _check_name(name, theme=theme)
    theme.save(update_fields=["name"])
    return theme


@transaction.atomic
def theme_set_active(*, theme: FeedbackTheme, active: bool, actor) -> FeedbackTheme:
    theme.active = active
    theme.save(update_fields=["active"])
    return theme


@transaction.atomic
def theme_delete(*, theme: FeedbackTheme, actor) -> None:
    """Only a theme nothing points at; one in use is made inactive instead."""
    theme = FeedbackTheme.objects.select_for_update().get(pk=theme.pk)
    if theme_in_use(theme):
        raise ValidationError(
            f"“{theme.name}” is used by feedback already, so it cannot be deleted. "
            "Make it inactive instead: it stays on old records but is no longer offered."
        )
    theme.delete()


# "You said, we did".


@transaction.atomic
def you_said_we_did_record(
    *, cycle: Cycle, theme: FeedbackTheme, you_said: str, we_did: str, actor
) -> YouSaidWeDid:
    if not you_said.strip():
        raise ValidationError({"you_said": "Enter what children, families or others said."})
    if not we_did.strip():
        raise ValidationError({"we_did": "Enter what was done in response."})
    return YouSaidWeDid.objects.create(
        cycle=cycle,
        theme=theme,
        you_said=you_said.strip(),
        we_did=we_did.strip(),
        recorded_by=actor,
    )


def you_said_we_did_for(cycle: Cycle) -> QuerySet[YouSaidWeDid]:
    """A cycle's responses by theme, for the page and the cycle's report."""
    return (
        YouSaidWeDid.objects.filter(cycle=cycle)
        .select_related("theme", "recorded_by")
        .order_by("theme__name", "created_at", "pk")
    )


def you_said_we_did_by_cycle() -> list[tuple[Cycle, list[YouSaidWeDid]]]:
    """Every response grouped by cycle, newest cycle first: one query."""
    rows = YouSaidWeDid.objects.select_related("cycle", "theme").order_by(
        "-cycle__review_starts_on", "cycle_id", "theme__name", "created_at", "pk"
    )
    groups: list[tuple[Cycle, list[YouSaidWeDid]]] = []
    for row in rows:
        if not groups or groups[-1][0].pk != row.cycle_id:
            groups.append((row.cycle, []))
        groups[-1][1].append(row)
    return groups
