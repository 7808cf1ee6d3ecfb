"""Charts drawn once, on the server, as SVG: inlined in web pages and in the PDF.

Each function takes plain Python data and returns a `Chart`: its title, the SVG (ready to
inline in HTML) and a data table (header row, then rows) as the text alternative for screen
readers and for anyone who prefers numbers. Render it with
`{% include "reporting/includes/chart.html" with chart=... %}`.

Why it is built this way:
- Agg backend and `Figure()` objects, never pyplot: pyplot keeps global state and is not safe
  in threaded web workers.
- `svg.fonttype = "none"`: text stays text (crisp at any size, searchable in the PDF, small).
- `svg.hashsalt` fixed and no date in the metadata: the same data gives byte-identical SVG,
  so charts can be cached and compared in tests.
- The rcParams below are set once at import and never changed at run time (matplotlib has no
  per-figure setting for them, and `rc_context` mutates global state, which races between
  threads). Nothing else in QAF uses matplotlib.
- Every text that may come from users (service and cycle names) is drawn with
  `parse_math=False` (a "$" must not start mathtext) and matplotlib XML-escapes text in SVG,
  so a name such as "<script>" stays text.
- Readable in grayscale: grades differ by lightness and by hatching, and bars carry their
  numbers directly, so colour is never the only cue.
"""

from __future__ import annotations

import html
import io
import math
import re
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot; Figure() needs no GUI

from matplotlib.figure import Figure

from audits.models import Grade

matplotlib.rcParams.update(
    {
        "svg.fonttype": "none",
        "svg.hashsalt": "qaf-reporting-charts",
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "hatch.linewidth": 0.6,
    }
)

CM = 1 / 2.54  # matplotlib sizes figures in inches
WIDTH = 16 * CM  # the text width of an A4 page with 2.5 cm margins
NO_REVIEWS = "No reviews"
GRADES = list(Grade)  # Outstanding, Good, Requires Improvement, Inadequate

# Lightness falls from Outstanding to Inadequate and each grade has its own hatching, so the
# bars stay distinct when printed in grayscale; text on a bar is white on the two darkest.
GRADE_STYLE = {
    Grade.OUTSTANDING: {"color": "#0b3c5d", "hatch": "", "text": "white"},
    Grade.GOOD: {"color": "#3f7fb5", "hatch": "//", "text": "white"},
    Grade.REQUIRES_IMPROVEMENT: {"color": "#b9d3ea", "hatch": "\\\\", "text": "black"},
    Grade.INADEQUATE: {"color": "#f4f4f4", "hatch": "xx", "text": "black"},
}
EDGE = "#222222"


@dataclass(frozen=True)
class Chart:
    title: str
    svg: str
    table: list[tuple]

    @property
    def header(self) -> tuple:
        return self.table[0]

    @property
    def rows(self) -> list[tuple]:
        return self.table[1:]


def percent(value: float) -> str:
    return f"{round(value * 100)}%"


def _figure(height_cm: float) -> Figure:
    return Figure(figsize=(WIDTH, height_cm * CM), layout="constrained")


def _empty(fig: Figure) -> None:
    """An empty state drawn in the chart itself: never a division by zero or a blank image."""
    fig.text(0.5, 0.5, NO_REVIEWS, ha="center", va="center", fontsize=11, color="#444444")


# matplotlib writes its styling as CSS: one <style> element and a style="" attribute on most
# elements. The Content Security Policy (style-src 'self', no 'unsafe-inline') blocks both in
# an inline SVG, so they are rewritten as SVG presentation attributes, which CSP does not
# govern: `style="fill: #fff; stroke: #000"` becomes `fill="#fff" stroke="#000"`.
_STYLE_ELEMENT = re.compile(r"\s*<style[^>]*>.*?</style>", re.DOTALL)
_STYLE_ATTRIBUTE = re.compile(r' style="([^"]*)"')
# The <style> element's only rule, `*{stroke-linejoin: round; stroke-linecap: butt}`, as
# inherited attributes on the root (an element's own attribute still overrides it).
_ROOT_DEFAULTS = 'stroke-linejoin="round" stroke-linecap="butt"'


def _presentation_attributes(match: re.Match) -> str:
    attributes = []
    for declaration in match.group(1).split(";"):
        name, _, value = declaration.partition(":")
        if name.strip() and value.strip():
            value = html.escape(value.strip(), quote=True)
            attributes.append(f' {name.strip()}="{value}"')
    return "".join(attributes)


def _to_svg(fig: Figure, title: str) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    # Drop the XML declaration and DOCTYPE so the SVG can be inlined in HTML.
    svg = svg[svg.index("<svg") :]
    svg = _STYLE_ATTRIBUTE.sub(_presentation_attributes, _STYLE_ELEMENT.sub("", svg))
    # Print size in the file; on a narrow screen it shrinks to fit, keeping its proportions
    # (the qaf-chart-svg class in static/qaf/qaf.css).
    label = html.escape(title, quote=True)
    root = f'<svg role="img" aria-label="{label}" class="qaf-chart-svg" {_ROOT_DEFAULTS} '
    return svg.replace("<svg ", root, 1)


def _clean_axes(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def grade_distribution_chart(counts: dict[str, int], title: str) -> Chart:
    """Horizontal bars, one per grade (best first), each labelled with its count and share."""
    values = [int(counts.get(g.value, 0) or 0) for g in GRADES]
    total = sum(values)
    shares = [v / total if total else 0.0 for v in values]
    table = [("Grade", "Reviews", "Percentage")]
    table += [(g.label, v, percent(s)) for g, v, s in zip(GRADES, values, shares, strict=True)]

    fig = _figure(6)
    if not total:
        _empty(fig)
        return Chart(title, _to_svg(fig, title), table)

    ax = fig.add_subplot()
    positions = range(len(GRADES))
    bars = ax.barh(
        positions,
        values,
        color=[GRADE_STYLE[g]["color"] for g in GRADES],
        hatch=[GRADE_STYLE[g]["hatch"] for g in GRADES],
        edgecolor=EDGE,
        linewidth=0.6,
    )
    ax.bar_label(
        bars,
        labels=[f"{v} ({percent(s)})" for v, s in zip(values, shares, strict=True)],
        padding=3,
    )
    ax.set_yticks(list(positions), labels=[g.label for g in GRADES])
    ax.invert_yaxis()  # best grade at the top
    ax.set_xlim(0, max(values) * 1.25)  # room for the labels
    ax.set_xlabel("Reviews")
    ax.xaxis.get_major_locator().set_params(integer=True)
    _clean_axes(ax)
    return Chart(title, _to_svg(fig, title), table)


def _interval(point: dict) -> tuple[float | None, float | None]:
    interval = point.get("interval") or (None, None)
    return point.get("low", interval[0]), point.get("high", interval[1])


def trend_chart(points: list[dict], title: str) -> Chart:
    """The share graded Good or better over cycles, with 95% confidence intervals.

    Each point is {"label", "share" (0-1 or None), "n", "low", "high"}; a point without
    reviews keeps its place on the axis (marked "no reviews") but draws nothing.
    """
    table = [("Cycle", "Good or better", "95% confidence interval", "Reviews")]
    labels, xs, ys, lower, upper, ns = [], [], [], [], [], []
    for x, point in enumerate(points):
        label = str(point.get("label", point.get("cycle", "")))
        labels.append(label)
        n, value = int(point.get("n") or 0), point.get("share")
        if not n or value is None:
            table.append((label, "no reviews", "", 0))
            continue
        low, high = _interval(point)
        low = value if low is None else low
        high = value if high is None else high
        table.append((label, percent(value), f"{percent(low)} to {percent(high)}", n))
        xs.append(x)
        ys.append(value * 100)
        lower.append((value - low) * 100)
        upper.append((high - value) * 100)
        ns.append(n)

    fig = _figure(8)
    if not xs:
        _empty(fig)
        return Chart(title, _to_svg(fig, title), table)

    ax = fig.add_subplot()
    # Break the line across cycles without reviews rather than drawing through them.
    line = [math.nan] * len(points)
    for x, y in zip(xs, ys, strict=True):
        line[x] = y
    ax.plot(range(len(points)), line, color=EDGE, linewidth=1.2)
    ax.errorbar(
        xs,
        ys,
        yerr=[lower, upper],
        fmt="o",
        color=EDGE,
        markerfacecolor="white",
        capsize=4,
        elinewidth=0.9,
    )
    for x, y, up, n in zip(xs, ys, upper, ns, strict=True):
        ax.annotate(f"n={n}", (x, y + up), xytext=(0, 4), textcoords="offset points", ha="center")
    for x in set(range(len(points))) - set(xs):
        ax.text(x, 3, "no reviews", ha="center", fontsize=8, color="#444444")
    # Cycle names are long ("November\u2013December 2026"): a line for each month keeps six apart.
    tick_labels = [label.replace("\u2013", "\u2013\n", 1) for label in labels]
    ax.set_xticks(range(len(points)), labels=tick_labels, parse_math=False, fontsize=8)
    ax.set_xlim(-0.5, len(points) - 0.5)
    ax.set_ylim(0, 110)
    ax.set_yticks(range(0, 101, 20), labels=[f"{v}%" for v in range(0, 101, 20)])
    ax.set_ylabel("Good or better")
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    _clean_axes(ax)
    return Chart(title, _to_svg(fig, title), table)


def stacked_by_service_chart(rows: dict[str, dict[str, int]], title: str) -> Chart:
    """One stacked horizontal bar per service, split by grade, with counts and totals."""
    services = list(rows)
    matrix = [[int(rows[s].get(g.value, 0) or 0) for g in GRADES] for s in services]
    totals = [sum(r) for r in matrix]
    table = [("Service", *(g.label for g in GRADES), "Total")]
    table += [(s, *r, t) for s, r, t in zip(services, matrix, totals, strict=True)]

    fig = _figure(3.5 + 0.9 * max(len(services), 1))
    if not any(totals):
        _empty(fig)
        return Chart(title, _to_svg(fig, title), table)

    ax = fig.add_subplot()
    positions = list(range(len(services)))
    left = [0] * len(services)
    widest = max(totals)
    for i, grade in enumerate(GRADES):
        style = GRADE_STYLE[grade]
        widths = [r[i] for r in matrix]
        bars = ax.barh(
            positions,
            widths,
            left=left,
            color=style["color"],
            hatch=style["hatch"],
            edgecolor=EDGE,
            linewidth=0.6,
            label=grade.label,
        )
        # Count inside a segment only where it fits; the data table has every number.
        ax.bar_label(
            bars,
            labels=[str(w) if w and w / widest >= 0.06 else "" for w in widths],
            label_type="center",
            color=style["text"],
            fontsize=8,
            bbox={"boxstyle": "square,pad=0.1", "facecolor": style["color"], "linewidth": 0}
            if style["hatch"]
            else None,
        )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    for y, total in zip(positions, totals, strict=True):
        ax.annotate(str(total), (total, y), xytext=(3, 0), textcoords="offset points", va="center")
    ax.set_yticks(positions, labels=services, parse_math=False)
    ax.invert_yaxis()
    ax.set_xlim(0, widest * 1.12)
    ax.set_xlabel("Reviews")
    ax.xaxis.get_major_locator().set_params(integer=True)
    fig.legend(loc="outside upper center", ncols=len(GRADES), frameon=False, fontsize=8)
    _clean_axes(ax)
    return Chart(title, _to_svg(fig, title), table)
