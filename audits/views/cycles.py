"""The QA calendar and its cycles: one page lists every cycle; a cycle's own page shows its
history; the QA Manager adjusts a planned cycle's dates and moves cycles on, one confirmed step
at a time."""

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone

from accounts.permissions import get_object_for_user, require
from qaf.workflow import TransitionRefused

from ..forms.cycles import CalendarForm, CycleDatesForm, CycleTransitionForm, GenerateCyclesForm
from ..models import Cycle, QACalendar
from ..selectors import cycle_events, cycles_with_review_counts
from ..services import cycles as services
from ..services.calendar_jobs import cycle_move

# What the QA Manager is told once a move is made.
DONE = {
    Cycle.Status.REVIEW: "The review phase of {name} is open.",
    Cycle.Status.REPORTING: "{name} is in its reporting phase.",
    Cycle.Status.CLOSED: "{name} is closed.",
}
NOTHING_TO_PLAN = (
    "Nothing new to plan for {year}: its cycles exist already, or would overlap the review phase "
    "of a cycle whose dates were adjusted."
)
CALENDAR_SAVED = (
    "The QA calendar is saved. Cycles generated from now on follow it; cycles already planned "
    "keep their dates."
)


def _cycle_for(request, pk: int) -> Cycle:
    return get_object_for_user(request.user, cycles_with_review_counts(), "cycles.manage", pk=pk)


def _cycles_page(request, generate_form: GenerateCyclesForm | None = None):
    calendar = QACalendar.load()
    cycles = list(cycles_with_review_counts())
    for cycle in cycles:
        cycle.next_step = services.next_step(cycle.status)
    this_year = timezone.localdate().year
    default_year = (
        this_year + 1 if any(c.review_starts_on.year == this_year for c in cycles) else this_year
    )
    context = {
        "calendar": calendar,
        "review_month_names": [services.MONTH_NAMES[m] for m in calendar.month_numbers()],
        "years": [
            (year, list(group))
            for year, group in groupby(cycles, key=lambda c: c.review_starts_on.year)
        ],
        "form": generate_form or GenerateCyclesForm(initial={"year": default_year}),
    }
    return render(request, "audits/cycles/list.html", context)


@require("cycles.manage")
def cycles(request):
    return _cycles_page(request)


@require("cycles.manage")
def cycles_generate(request):
    """POST only: the form lives on the cycles page (a GET goes back there)."""
    if request.method != "POST":
        return redirect("audits:cycles")
    form = GenerateCyclesForm(request.POST)
    if not form.is_valid():
        return _cycles_page(request, form)
    year = form.cleaned_data["year"]
    created = services.cycles_generate(
        year=year, actor=request.user, toolkit=form.cleaned_data["toolkit"]
    )
    if created:
        names = ", ".join(cycle.name for cycle in created)
        cycles_word = "cycle" if len(created) == 1 else "cycles"
        messages.success(request, f"Planned {len(created)} new {cycles_word} for {year}: {names}.")
    else:
        messages.info(request, NOTHING_TO_PLAN.format(year=year))
    return redirect("audits:cycles")


@require("cycles.manage")
def calendar_edit(request):
    calendar = QACalendar.load()
    form = CalendarForm(
        request.POST if request.method == "POST" else None,
        initial={
            "review_months": calendar.review_months,
            "review_phase": calendar.review_phase,
            "reminder_days": calendar.reminder_days,
            "escalation_deadline_working_days": calendar.escalation_deadline_working_days,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.calendar_update(calendar=calendar, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, CALENDAR_SAVED)
            return redirect("audits:cycles")
    return render(request, "audits/cycles/calendar_form.html", {"form": form})


@require("cycles.manage")
def cycle_detail(request, pk: int):
    cycle = _cycle_for(request, pk)
    cycle.next_step = services.next_step(cycle.status)
    return render(
        request,
        "audits/cycles/detail.html",
        {
            "cycle": cycle,
            "events": cycle_events(cycle),
            "dates_locked_reason": services.dates_locked_reason(cycle),
        },
    )


@require("cycles.manage")
def cycle_dates(request, pk: int):
    cycle = _cycle_for(request, pk)
    if reason := services.dates_locked_reason(cycle):
        messages.error(request, reason)
        return redirect("audits:cycle_detail", pk=cycle.pk)
    form = CycleDatesForm(
        request.POST if request.method == "POST" else None,
        initial={
            "review_starts_on": cycle.review_starts_on,
            "review_ends_on": cycle.review_ends_on,
            "reporting_ends_on": cycle.reporting_ends_on,
            "toolkit": cycle.toolkit,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_update_dates(cycle=cycle, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"The dates of {cycle.name} are saved.")
            return redirect("audits:cycle_detail", pk=cycle.pk)
    return render(request, "audits/cycles/dates_form.html", {"cycle": cycle, "form": form})


@require("cycles.manage")
def cycle_transition(request, pk: int, to_status: str):
    """GET: what the move will do, and a button; POST: make the move."""
    cycle = _cycle_for(request, pk)
    if to_status not in Cycle.Status.values:
        raise Http404
    # Back to where the button was pressed: the cycle's page or the list of cycles.
    from_detail = request.GET.get("from") == "detail"
    back = (
        reverse("audits:cycle_detail", args=[cycle.pk]) if from_detail else reverse("audits:cycles")
    )
    label = services.TRANSITIONS.get((cycle.status, to_status))
    if label is None:
        now, then = cycle.get_status_display(), Cycle.Status(to_status).label
        messages.error(
            request, f"{cycle.name} is {now.lower()}, so it cannot become {then.lower()}."
        )
        return redirect(back)
    form = CycleTransitionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle_move(
                cycle=cycle, to_status=to_status, actor=request.user, note=form.cleaned_data["note"]
            )
        except TransitionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, DONE[to_status].format(name=cycle.name))
        return redirect(back)
    warnings = services.transition_warnings(
        cycle=cycle, to_status=to_status, today=timezone.localdate()
    )
    context = {
        "cycle": cycle,
        "to_status": to_status,
        "label": label,
        "warnings": warnings,
        "form": form,
        "back": back,
    }
    return render(request, "audits/cycles/transition_confirm.html", context)


urlpatterns = [
    path("cycles/", cycles, name="cycles"),
    path("cycles/calendar/", calendar_edit, name="calendar_edit"),
    path("cycles/generate/", cycles_generate, name="cycles_generate"),
    path("cycles/<int:pk>/", cycle_detail, name="cycle_detail"),
    path("cycles/<int:pk>/dates/", cycle_dates, name="cycle_dates"),
    path("cycles/<int:pk>/move/<str:to_status>/", cycle_transition, name="cycle_transition"),
]
