"""The dashboard (issue 6, point 3): which cycle and which service areas a person sees, and
the charts drawn from the cycle's figures (reporting.figures)."""

import hashlib
import json
from dataclasses import dataclass

from django.core.cache import cache
from django.http import Http404

from accounts.models import Role, ServiceArea
from accounts.permissions import has_role, service_area_scope
from audits.models import Cycle

from .charts import Chart, grade_distribution_chart, stacked_by_service_chart, trend_chart
from .figures import CycleFigures, wilson_interval

# The cycle shown when none is chosen: the one under review, else reporting, else closed.
DEFAULT_STATUSES = (Cycle.Status.REVIEW, Cycle.Status.REPORTING, Cycle.Status.CLOSED)


def _pk(value: str | None) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise Http404("No such choice.") from None


def choose_cycle(cycles: list[Cycle], wanted: str | None) -> Cycle | None:
    """The cycle asked for (404 if unknown), else the default; `cycles` are newest first."""
    pk = _pk(wanted)
    if pk is not None:
        for cycle in cycles:
            if cycle.pk == pk:
                return cycle
        raise Http404("No such cycle.")
    for status in DEFAULT_STATUSES:
        for cycle in cycles:
            if cycle.status == status:
                return cycle
    return None


@dataclass
class Scope:
    whole_organisation: bool  # may see every area, and the figures for all of them
    areas: list[ServiceArea]  # the areas offered in the select
    area: ServiceArea | None  # the figures are for this area; None: the whole organisation


def dashboard_scope(user, wanted: str | None) -> Scope:
    """Leadership and the QA Manager see everything, optionally one area; Service Managers and
    Heads of Service only their areas (the first by default). 404 for an area out of scope."""
    pk = _pk(wanted)
    whole = has_role(user, Role.LEADERSHIP, Role.QA_MANAGER)
    areas = ServiceArea.objects.order_by("name")
    if not whole:
        scope = service_area_scope(user, Role.SERVICE_MANAGER, Role.HEAD_OF_SERVICE)
        if scope is not None:
            areas = areas.filter(pk__in=scope)
    areas = list(areas)
    area = next((a for a in areas if a.pk == pk), None)
    if pk is not None and area is None:
        raise Http404("No such service area.")
    if area is None and not whole and areas:
        area = areas[0]
    return Scope(whole_organisation=whole, areas=areas, area=area)


def overall_trend(trend: dict) -> list[dict]:
    """The Good-or-better share per cycle, over all areas in the figures, with its interval."""
    points = []
    for i, name in enumerate(trend["cycles"]):
        n = sum(area_points[i]["n"] for area_points in trend["areas"].values())
        good = sum(area_points[i]["good_or_better"] for area_points in trend["areas"].values())
        points.append(
            {
                "label": name,
                "n": n,
                "good_or_better": good,
                "share": good / n if n else None,
                "interval": wilson_interval(good, n),
            }
        )
    return points


# A day: entries are never stale (see _chart), this only lets old figures' charts go.
CHART_CACHE_SECONDS = 24 * 60 * 60


def _chart(draw, *data) -> Chart:
    """draw(*data), cached under a hash of the data. Drawing is most of the dashboard's and the
    report preview's time (matplotlib, about a second), and a chart is a pure function of its
    data (reporting/charts.py: the same data gives byte-identical SVG): changed figures make a
    new key, so nothing ever needs invalidating."""
    text = json.dumps([draw.__name__, data], default=str)  # dict order kept: it is drawn
    key = "qaf-chart:" + hashlib.sha256(text.encode()).hexdigest()
    chart = cache.get(key)
    if chart is None:
        chart = draw(*data)
        cache.set(key, chart, CHART_CACHE_SECONDS)
    return chart


def dashboard_charts(figures: CycleFigures, *, by_service: bool) -> dict:
    where = figures.service_area.name if figures.service_area else "all service areas"
    counts = {grade: row["count"] for grade, row in figures.grades["grades"].items()}
    charts = {
        "grades": _chart(grade_distribution_chart, counts, f"Final grades, {where}"),
        "trend": _chart(
            trend_chart,
            overall_trend(figures.trend),
            f"Reviews graded Good or better by cycle, {where}",
        ),
    }
    if by_service:
        rows = {
            area: {grade: row["count"] for grade, row in distribution["grades"].items()}
            for area, distribution in figures.grades_by_area.items()
        }
        charts["by_service"] = _chart(
            stacked_by_service_chart, rows, "Final grades by service area"
        )
    return charts
