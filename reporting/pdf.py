"""The PDF of an issued report version (issue 6, point 5), drawn by WeasyPrint from the version's
frozen figures and narrative only: issuing the same version again gives the same document,
whatever has changed in the live data since (the charts are redrawn from the frozen figures).

Nothing is fetched while rendering: the HTML is built by our own template, the charts are SVG
inlined in it as `data:` URLs and the fonts are the installed DejaVu Sans. `NoNetworkFetcher`
refuses every URL but `data:` ones, so a link that slips into the HTML can neither reach the
network nor read a file on the server.
"""

from __future__ import annotations

import base64
import contextlib
import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from .charts import grade_distribution_chart, percent, trend_chart
from .dashboard import overall_trend
from .models import ReportVersion

TEMPLATE = "reporting/pdf/report.html"
DEFAULT_AUTHORITY = "QAF demo authority"


class NetworkRefused(ValueError):
    """A URL that the PDF renderer may not fetch."""


class NoNetworkFetcher(URLFetcher):
    """WeasyPrint 70's fetcher (a `URLFetcher`, no longer a plain function: WeasyPrint reads
    its `_fail_on_errors` and expects a `URLFetcherResponse`) allowed `data:` URLs only."""

    def __init__(self, **kwargs):
        super().__init__(allowed_protocols=("data",), allow_redirects=False, **kwargs)

    def fetch(self, url, headers=None):
        if not str(url).lower().startswith("data:"):
            raise NetworkRefused(f"The report PDF fetches nothing: {str(url)[:80]}")
        return super().fetch(url, headers)


def refuse_network(url: str):
    """Fetch `url` as the PDF renderer would: a `data:` URL's content, anything else refused."""
    return NoNetworkFetcher().fetch(url)


def svg_data_uri(svg: str) -> str:
    """The chart as a `data:` URL for an <img>: WeasyPrint then lays it out at its own
    proportions (an inline <svg> would get a fixed-height box) and fetches nothing. The web
    page's sizing class (qaf.css) means nothing inside an <img>; it is dropped all the same."""
    svg = svg.replace(' class="qaf-chart-svg"', "", 1)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _share(value) -> str:
    return "–" if value is None else percent(value)


def _grade_rows(distribution: dict) -> list[tuple]:
    return [
        (row["label"], row["count"], _share(row["share"]))
        for row in (distribution or {}).get("grades", {}).values()
    ]


def _by_area_rows(by_area: dict) -> list[dict]:
    rows = []
    for area, distribution in (by_area or {}).items():
        grades = distribution.get("grades", {})
        rows.append(
            {
                "name": area or "No service area",
                "counts": [row["count"] for row in grades.values()],
                "total": distribution.get("total", 0),
            }
        )
    return rows


def _plan_item(item: dict) -> dict:
    due_on = item.get("due_on")
    if isinstance(due_on, str):
        with contextlib.suppress(ValueError):  # else shown as written
            due_on = datetime.date.fromisoformat(due_on[:10])
    return {"action": item.get("action", ""), "owner": item.get("owner", ""), "due_on": due_on}


def _grade_labels(figures: dict) -> list[str]:
    grades = (figures.get("grades") or {}).get("grades", {})
    return [row["label"] for row in grades.values()]


def _charts(figures: dict) -> list:
    counts = {g: row["count"] for g, row in (figures.get("grades") or {}).get("grades", {}).items()}
    trend = figures.get("trend") or {"cycles": [], "areas": {}}
    return [
        grade_distribution_chart(counts, "Final grades of the reviews completed"),
        trend_chart(overall_trend(trend), "Reviews graded Good or better by cycle"),
    ]


def report_context(version: ReportVersion) -> dict:
    """Everything the PDF template shows, from the version's frozen JSON."""
    figures = version.figures or {}
    narrative = version.narrative or {}
    cycle = version.report.cycle
    volume = figures.get("volume") or {}
    moderation = figures.get("moderation") or {}
    childs_voice = figures.get("childs_voice") or {}
    grades_chart, trend = (
        {"chart": chart, "src": svg_data_uri(chart.svg)} for chart in _charts(figures)
    )
    return {
        "authority": getattr(settings, "QAF_AUTHORITY_NAME", DEFAULT_AUTHORITY),
        "cycle_name": cycle.name,
        "version_number": version.number,
        "issued_on": timezone.localdate(version.published_at or timezone.now()),
        "figures": figures,
        "volume": volume,
        "completed_share": _share(volume.get("completed_share")),
        "grade_rows": _grade_rows(figures.get("grades")),
        "grade_labels": _grade_labels(figures),
        "by_area_rows": _by_area_rows(figures.get("grades_by_area")),
        "section_rows": _by_area_rows(figures.get("grades_by_section")),
        "moderation": moderation,
        "moderation_shares": {
            "moderated": _share(moderation.get("share_moderated")),
            "agreed": _share(moderation.get("share_agreed")),
        },
        "moderation_by_reviewer": figures.get("moderation_by_reviewer") or [],
        "escalations": figures.get("escalations") or {},
        "actions": figures.get("actions") or {},
        "childs_voice": childs_voice,
        "childs_voice_shares": {
            key: _share(childs_voice.get(f"{key}_share"))
            for key in ("child_seen", "views_recorded", "family_feedback")
        },
        "feedback": figures.get("feedback") or {},
        "grades_chart": grades_chart,
        "trend_chart": trend,
        "narrative": {
            key: narrative.get(key, "")
            for key in ("key_findings", "strengths", "areas_for_development", "learning")
        },
        "plan": [_plan_item(item) for item in narrative.get("plan") or []],
    }


def render_report_html(version: ReportVersion) -> str:
    return render_to_string(TEMPLATE, report_context(version))


def render_report_pdf(version: ReportVersion) -> bytes:
    """The issued version as a PDF (bytes), drawn without fetching anything."""
    html = render_report_html(version)
    return HTML(string=html, base_url=None, url_fetcher=NoNetworkFetcher()).write_pdf()
