"""How far reviewers agree in a Benchmarking Review (issue 6, point 6).

Seed 003: "all nominated Reviewers review the same file/service/child/carer", then a
Reflective Session and a short BR Report "highlighting good consistency of Review practice,
as well as where improvements need to be made". These are the figures for that report: the
share of pairs of reviewers who gave the same grade, the share at most one grade apart, and
Krippendorff's alpha, which corrects agreement for what chance alone would give.

Pure Python, no database: grades go in as numbers on the ordinal scale (Inadequate = 1 to
Outstanding = 4) or, in agreement_summary, as Grade values. None means "not graded".
"""

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from audits.models import Grade

# Worst to best, as the ordinal values the statistics use.
GRADE_SCALE = {
    Grade.INADEQUATE.value: 1,
    Grade.REQUIRES_IMPROVEMENT.value: 2,
    Grade.GOOD.value: 3,
    Grade.OUTSTANDING.value: 4,
}
# The key of a reviewer's overall grade in agreement_summary's input.
OVERALL = "overall"
LEVELS = ("nominal", "ordinal", "interval")


def _present(unit: Iterable) -> list:
    """The values given in one unit, without the missing ones."""
    return [value for value in unit if value is not None]


def _pairs(ratings: Iterable[Iterable]) -> list[tuple]:
    """Every unordered pair of reviewers' values within each unit, over all units."""
    return [pair for unit in ratings for pair in combinations(_present(unit), 2)]


def exact_agreement(ratings: Iterable[Iterable[float | None]]) -> float | None:
    """The share of pairs of reviewers, within each unit, who gave the same grade.
    None when no unit has two grades to compare."""
    pairs = _pairs(ratings)
    if not pairs:
        return None
    return sum(a == b for a, b in pairs) / len(pairs)


def agreement_within_one(ratings: Iterable[Iterable[float | None]]) -> float | None:
    """The share of pairs of reviewers, within each unit, whose grades are at most one step
    apart (Good and Outstanding agree; Good and Inadequate do not). None with no pairs."""
    pairs = _pairs(ratings)
    if not pairs:
        return None
    return sum(abs(a - b) <= 1 for a, b in pairs) / len(pairs)


def _coincidences(units: Iterable[Iterable]) -> Counter:
    """Krippendorff's coincidence matrix o[(c, k)]: each ordered pair of values from different
    observers in a unit counts 1 / (m_u - 1), m_u being the values that unit has. Units with
    fewer than two values cannot be paired and add nothing."""
    matrix: Counter = Counter()
    for unit in units:
        values = _present(unit)
        m = len(values)
        if m < 2:
            continue
        for i, c in enumerate(values):
            for j, k in enumerate(values):
                if i != j:
                    matrix[(c, k)] += 1 / (m - 1)
    return matrix


def _distance(level: str, totals: dict) -> Callable[[Hashable, Hashable], float]:
    """The squared difference function delta²(c, k) of the metric, given the marginal totals
    n_c (the ordinal metric counts the values lying between c and k)."""
    if level == "nominal":
        return lambda c, k: 0.0 if c == k else 1.0
    if level == "interval":
        return lambda c, k: float(c - k) ** 2
    ranked = sorted(totals)
    position = {value: index for index, value in enumerate(ranked)}

    def ordinal(c, k):
        low, high = sorted((position[c], position[k]))
        between = sum(totals[ranked[g]] for g in range(low, high + 1))
        return (between - (totals[c] + totals[k]) / 2) ** 2

    return ordinal


def krippendorff_alpha(
    units: Iterable[Sequence[Hashable | None]], level: str = "ordinal"
) -> float | None:
    """Krippendorff's alpha by the coincidence-matrix method (Krippendorff, K. (2011)
    "Computing Krippendorff's Alpha-Reliability", Annenberg School for Communication,
    University of Pennsylvania).

    `units` is a list of units (here: questions, or cases), each the list of values the
    observers gave it, None where an observer gave none. level is "nominal", "ordinal" or
    "interval" (ordinal and interval need values that sort; interval needs numbers).

        alpha = 1 - (n - 1) * sum(o_ck * delta²_ck) / sum(n_c * n_k * delta²_ck)

    Returns None when alpha is undefined: no unit has two values, or every value is the same
    (no variation, so no disagreement is expected by chance to compare with).
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    matrix = _coincidences(units)
    totals: Counter = Counter()
    for (c, _k), count in matrix.items():
        totals[c] += count
    n = sum(totals.values())
    if len(totals) < 2:
        return None
    delta = _distance(level, totals)
    observed = sum(count * delta(c, k) for (c, k), count in matrix.items())
    expected = sum(totals[c] * totals[k] * delta(c, k) for c in totals for k in totals)
    if expected == 0:
        return None
    return 1 - (n - 1) * observed / expected


def grade_value(grade) -> int | None:
    """A grade on the ordinal scale 1..4: from a Grade value ("good"), or a number already on
    the scale. Blank or None is missing."""
    if grade is None or grade == "":
        return None
    if isinstance(grade, str):
        try:
            return GRADE_SCALE[grade]
        except KeyError:
            raise ValueError(f"{grade!r} is not a grade") from None
    if grade not in GRADE_SCALE.values():
        raise ValueError(f"{grade!r} is not on the grade scale 1 to 4")
    return int(grade)


@dataclass(frozen=True)
class Agreement:
    """One row of the BR Report's consistency table."""

    label: str
    reviewers: int  # reviewers who graded it
    exact: float | None  # share of pairs giving the same grade
    within_one: float | None  # share of pairs at most one grade apart
    alpha: float | None  # Krippendorff's ordinal alpha; None where undefined


def _row(label: str, units: list[list[int | None]], *, alpha: bool) -> Agreement:
    return Agreement(
        label=label,
        reviewers=max((len(_present(unit)) for unit in units), default=0),
        exact=exact_agreement(units),
        within_one=agreement_within_one(units),
        alpha=krippendorff_alpha(units, "ordinal") if alpha else None,
    )


def agreement_summary(grades_by_reviewer: dict[str, dict[Hashable, object]]) -> dict:
    """The consistency of one Benchmarking Review, for the BR Report.

    `grades_by_reviewer` maps each reviewer to their grades: {question: grade}, with the key
    OVERALL ("overall") for the overall grade. Grades are Grade values or 1..4; blank or None
    when not graded.

    Returns {"questions": [Agreement per question, in the order first given],
             "all_questions": Agreement pooling every question,
             "overall": Agreement for the overall grade, or None if nobody gave one}.

    Alpha is given only where there are several units: for all questions together (each
    question a unit, each reviewer an observer). For one question, or the overall grade, of
    one case there is a single unit, and alpha there is always 0 when reviewers differ at all
    and undefined when they agree, which says nothing exact agreement does not; so it is None.
    """
    keys: list = []
    for grades in grades_by_reviewer.values():
        keys.extend(key for key in grades if key not in keys)
    reviewers = list(grades_by_reviewer)

    def unit(key) -> list[int | None]:
        return [grade_value(grades_by_reviewer[r].get(key)) for r in reviewers]

    question_keys = [key for key in keys if key != OVERALL]
    question_units = [unit(key) for key in question_keys]
    return {
        "questions": [
            _row(str(key), [values], alpha=False)
            for key, values in zip(question_keys, question_units, strict=True)
        ],
        "all_questions": _row("All questions", question_units, alpha=True),
        "overall": _row("Overall grade", [unit(OVERALL)], alpha=False) if OVERALL in keys else None,
    }
