from django.shortcuts import render

from accounts.permissions import require
from audits.models import Cycle

from .dashboard import choose_cycle, dashboard_charts, dashboard_scope
from .data_version import cached_figures
from .figures import cycle_figures


@require("dashboard.view")
def dashboard(request):
    scope = dashboard_scope(request.user, request.GET.get("service"))
    cycles = list(Cycle.objects.order_by("-review_starts_on", "-pk"))
    cycle = choose_cycle(cycles, request.GET.get("cycle"))
    figures = charts = None
    if cycle is not None and (scope.whole_organisation or scope.areas):
        area = scope.area
        figures = cached_figures(
            ("dashboard", cycle.pk, area.pk if area else "all"),
            lambda: cycle_figures(cycle=cycle, service_area=area),
        )
        if figures.volume["planned"]:
            by_service = scope.whole_organisation and scope.area is None
            charts = dashboard_charts(figures, by_service=by_service)
        else:
            figures = None
    context = {"scope": scope, "cycles": cycles, "cycle": cycle, "figures": figures}
    return render(request, "reporting/dashboard.html", {**context, "charts": charts})
