"""Feedback themes (the QA Manager's configurable list, a qaf.taxonomy.Taxonomy) and "you said,
we did": writes and reads."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet

from audits.models import Cycle
from qaf.taxonomy import Taxonomy

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


def _uses() -> dict[int, int]:
    """{theme id: records pointing at it}: one query per source."""
    uses: dict[int, int] = {}
    for model in _THEMED:
        rows = model.themes.through.objects.values("feedbacktheme_id").annotate(n=Count("id"))
        for row in rows:
            uses[row["feedbacktheme_id"]] = uses.get(row["feedbacktheme_id"], 0) + row["n"]
    for row in YouSaidWeDid.objects.values("theme_id").annotate(n=Count("id")):
        uses[row["theme_id"]] = uses.get(row["theme_id"], 0) + row["n"]
    return uses


FEEDBACK_THEMES = Taxonomy(
    model=FeedbackTheme,
    rule="feedback.themes",
    namespace="feedback",
    prefix="theme",
    title="Feedback themes",
    lead="The themes offered when complaints, compliments and feedback are recorded, counted "
    "for each cycle's report.",
    used_by="feedback",
    uses=_uses,
)


def install_default_themes() -> int:
    """Add the default themes not there yet (by name); returns how many were added."""
    return FEEDBACK_THEMES.install(DEFAULT_THEMES)


def active_themes() -> QuerySet[FeedbackTheme]:
    return FEEDBACK_THEMES.active()


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
