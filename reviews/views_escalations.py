"""Escalations (seed 003, "Escalations"): the list for service managers and heads of service,
and an escalation's page, where the Service Manager records assurance and, when the level of
concern is disputed, the Head of Service gives the final decision."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import can, get_object_for_user, require
from audit.access_records import Page, record_access
from qaf.workflow import TransitionRefused

from .escalations import escalation_decide, escalation_record_assurance
from .forms_escalations import AssuranceForm, DecisionForm
from .models import Escalation
from .selectors import (
    ESCALATION_VIEWS,
    escalation_counts,
    escalation_events,
    escalations_as_listed,
    escalations_in_view,
    escalations_visible_to,
)

VIEW_LABELS = {"open": "Open", "overdue": "Overdue", "closed": "Closed"}
EMPTY = {
    "open": "No escalations are open in your service areas.",
    "overdue": "No escalations are overdue in your service areas.",
    "closed": "No escalations have been closed in your service areas yet.",
}


@require("escalations.view")
def escalation_list(request):
    today = timezone.localdate()
    show = request.GET.get("show")
    show = show if show in ESCALATION_VIEWS else "open"
    visible = escalations_visible_to(request.user)
    listed = escalations_as_listed(escalations_in_view(visible, show, today))
    counts = escalation_counts(visible, today)
    context = {
        "page_obj": Paginator(listed, 25).get_page(request.GET.get("page")),
        "show": show,
        "show_label": VIEW_LABELS[show],
        "tabs": [(name, label, counts[name]) for name, label in VIEW_LABELS.items()],
        "total": counts["open"] + counts["closed"],
        "empty_message": EMPTY[show],
    }
    return render(request, "reviews/escalations.html", context)


def _escalation_for(request, pk) -> Escalation:
    """The escalation, or 404 outside the user's service areas."""
    visible = escalations_visible_to(request.user).select_related("assured_by", "decided_by")
    return get_object_for_user(request.user, visible, "escalation.view", pk=pk)


def _escalation_page(request, escalation, assurance_form=None, decision_form=None):
    may_assure = can(request.user, "escalation.assure", escalation)
    may_decide = can(request.user, "escalation.decide", escalation)
    context = {
        "escalation": escalation,
        "review": escalation.review,
        "events": escalation_events(escalation),
        "assurance_form": (assurance_form or AssuranceForm())
        if may_assure and escalation.status == Escalation.Status.RAISED
        else None,
        "decision_form": (decision_form or DecisionForm())
        if may_decide and escalation.status == Escalation.Status.DISPUTED
        else None,
    }
    return render(request, "reviews/escalation.html", context)


@require("escalations.view")
def escalation_detail(request, pk):
    escalation = _escalation_for(request, pk)
    record_access(request, case=escalation.review.case, page=Page.ESCALATION, obj=escalation)
    return _escalation_page(request, escalation)


@require("escalations.view")
@require_POST
def escalation_assure(request, pk):
    escalation = _escalation_for(request, pk)
    if not can(request.user, "escalation.assure", escalation):
        raise PermissionDenied
    form = AssuranceForm(request.POST)
    if form.is_valid():
        try:
            done = escalation_record_assurance(
                escalation=escalation, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        except TransitionRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("reviews:escalation", pk=escalation.pk)
        else:
            if done.status == Escalation.Status.DISPUTED:
                messages.success(
                    request,
                    "Assurance recorded. The level of concern is disputed: the Head of Service "
                    "will give the final decision.",
                )
            else:
                messages.success(request, "Assurance recorded. The escalation is closed.")
            return redirect("reviews:escalation", pk=escalation.pk)
    return _escalation_page(request, escalation, assurance_form=form)


@require("escalations.view")
@require_POST
def escalation_decision(request, pk):
    escalation = _escalation_for(request, pk)
    if not can(request.user, "escalation.decide", escalation):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            escalation_decide(
                escalation=escalation, actor=request.user, decision=form.cleaned_data["decision"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        except TransitionRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("reviews:escalation", pk=escalation.pk)
        else:
            messages.success(request, "Your decision is recorded. The escalation is closed.")
            return redirect("reviews:escalation", pk=escalation.pk)
    return _escalation_page(request, escalation, decision_form=form)
