"""Agreed actions and closing the loop: the Actions page, the Practice Leads' "close the loop"
board, agreeing, changing and deleting an action (the reviewer), marking it done (its owner),
verifying or reopening it (a Practice Lead), and planning a follow-up review (the QA Manager).

Every page that changes something is a GET that shows what will happen and a POST that does it,
so the review page and the lists only link to them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.permissions import can, get_object_for_user, require
from qaf.workflow import TransitionRefused

from . import actions as services
from .actions import (
    ACTION_STATUS_FILTERS,
    LOOP_FILTERS,
    actions_listed_for,
    actions_visible_to,
    follow_up_cycles,
    grade_label,
    grade_of,
    loop_reviews_for,
    needs_verification,
    sees_service_actions,
)
from .forms_actions import ActionForm, EvidenceForm, FollowUpForm, ReopenForm
from .models import Action
from .selectors import reviews_visible_to

PER_PAGE = 25


def _review_for(request, pk):
    return get_object_for_user(request.user, reviews_visible_to(request.user), "review.view", pk=pk)


def _action_for(request, pk, rule: str) -> Action:
    """The action, 404 outside what the user may see, 403 if they may see it but not do this."""
    action = get_object_for_user(
        request.user, actions_visible_to(request.user), "action.view", pk=pk
    )
    if not can(request.user, rule, action):
        raise PermissionDenied
    return action


def _back(request, action: Action) -> str:
    """Where the page was opened from (a local path only), else the action's review if the user
    may read it, else their Actions page."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(wanted, allowed_hosts=None):
        return wanted
    if can(request.user, "review.view", action.review):
        return reverse("reviews:detail", args=[action.review_id]) + "#agreed-actions"
    return reverse("reviews:actions")


def _not_now(action: Action, what: str) -> str:
    return f"This action is {services.status_label(action).lower()}, so it cannot be {what}."


def _refused(request, refusal, back: str):
    messages.error(request, " ".join(getattr(refusal, "messages", [str(refusal)])))
    return redirect(back)


# The lists.


@require("actions.view")
def action_list(request):
    """The user's own actions and, for Service Managers, Heads of Service and Practice Leads,
    those of their services too (or only their own: `whose=mine`)."""
    services_too = sees_service_actions(request.user)
    whose = "mine" if request.GET.get("whose") == "mine" or not services_too else "all"
    status = request.GET.get("status") or "all"
    if status not in ACTION_STATUS_FILTERS:
        status = "all"
    actions = actions_listed_for(request.user, whose=whose, status=status)
    page = Paginator(actions, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "whose": whose,
        "status": status,
        "status_filters": ACTION_STATUS_FILTERS,
        "services_too": services_too,
        "filtered": status != "all" or (services_too and whose == "mine"),
    }
    return render(request, "reviews/actions/list.html", context)


@require("actions.verify_board")
def close_the_loop(request):
    show = request.GET.get("show", "waiting")
    if show not in LOOP_FILTERS:
        show = "waiting"
    reviews = loop_reviews_for(request.user, show)
    page = Paginator(reviews, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/actions/close_the_loop.html",
        {"page_obj": page, "show": show, "loop_filters": LOOP_FILTERS},
    )


# The reviewer: agree, change, delete.


def action_add(request, pk):
    review = _review_for(request, pk)
    if not can(request.user, "action.add", review):
        raise PermissionDenied
    form = ActionForm(request.POST or None, review=review, prefix="action")
    if request.method == "POST" and form.is_valid():
        try:
            services.action_add(review=review, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Action agreed. Its owner has been told.")
            return redirect(reverse("reviews:detail", args=[review.pk]) + "#agreed-actions")
    return render(request, "reviews/actions/form.html", {"review": review, "form": form})


def action_edit(request, pk):
    action = _action_for(request, pk, "action.view")
    if not can(request.user, "action.add", action.review):
        raise PermissionDenied
    back = _back(request, action)
    if action.status != Action.Status.OPEN:
        return _refused(request, _not_now(action, "changed"), back)
    form = ActionForm(request.POST or None, instance=action, prefix="action")
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(action=action, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        except TransitionRefused as refusal:
            return _refused(request, refusal, back)
        else:
            messages.success(request, "Action changed.")
            return redirect(back)
    context = {"review": action.review, "form": form, "action": action, "back": back}
    return render(request, "reviews/actions/form.html", context)


def action_delete(request, pk):
    action = _action_for(request, pk, "action.view")
    if not can(request.user, "action.add", action.review):
        raise PermissionDenied
    back = reverse("reviews:detail", args=[action.review_id]) + "#agreed-actions"
    if action.status != Action.Status.OPEN:
        return _refused(request, _not_now(action, "deleted"), back)
    if request.method == "POST":
        try:
            services.action_delete(action=action, actor=request.user)
        except TransitionRefused as refusal:
            return _refused(request, refusal, back)
        messages.success(request, "Action deleted.")
        return redirect(back)
    return render(request, "reviews/actions/delete.html", {"action": action, "back": back})


# The owner: done.


def action_done(request, pk):
    action = _action_for(request, pk, "action.complete")
    back = _back(request, action)
    if action.status != Action.Status.OPEN:
        return _refused(request, _not_now(action, "marked done"), back)
    form = EvidenceForm(request.POST or None, initial={"evidence": action.evidence})
    if request.method == "POST" and form.is_valid():
        try:
            services.action_mark_done(action=action, actor=request.user, **form.cleaned_data)
        except TransitionRefused as refusal:
            return _refused(request, refusal, back)
        if needs_verification(action.review):
            messages.success(request, "Action marked done. A Practice Lead will verify it.")
        else:
            messages.success(request, "Action marked done.")
        return redirect(back)
    context = {"action": action, "form": form, "back": back}
    return render(request, "reviews/actions/done.html", context)


# A Practice Lead: verify or reopen.


def _not_verifiable(request, action: Action, back: str):
    """A redirect with the reason when the action cannot be verified or reopened now."""
    if action.status != Action.Status.DONE:
        return _refused(request, _not_now(action, "verified or reopened"), back)
    if refusal := services.verification_refusal(action):
        return _refused(request, refusal, back)
    return None


def action_verify(request, pk):
    action = _action_for(request, pk, "action.verify")
    back = _back(request, action)
    if refusal := _not_verifiable(request, action, back):
        return refusal
    if request.method == "POST":
        try:
            services.action_verify(action=action, actor=request.user)
        except TransitionRefused as refusal:
            return _refused(request, refusal, back)
        messages.success(request, "Action verified: the improvement is evidenced.")
        return redirect(back)
    return render(request, "reviews/actions/verify.html", {"action": action, "back": back})


def action_reopen(request, pk):
    action = _action_for(request, pk, "action.verify")
    back = _back(request, action)
    if refusal := _not_verifiable(request, action, back):
        return refusal
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_reopen(action=action, actor=request.user, **form.cleaned_data)
        except TransitionRefused as refusal:
            return _refused(request, refusal, back)
        messages.success(request, "Action reopened. Its owner has been told why.")
        return redirect(back)
    context = {"action": action, "form": form, "back": back}
    return render(request, "reviews/actions/reopen.html", context)


# The QA Manager: a follow-up review in a later cycle.


@require("cycles.manage")
def review_follow_up(request, pk):
    review = _review_for(request, pk)
    back = reverse("reviews:detail", args=[review.pk])
    if refusal := services.follow_up_refusal(review):
        return _refused(request, refusal, back)
    form = FollowUpForm(request.POST or None, cycles=follow_up_cycles(review))
    if request.method == "POST" and form.is_valid():
        cycle = form.cleaned_data["cycle"]
        try:
            services.review_follow_up(review=review, cycle=cycle, actor=request.user)
        except ValidationError as error:
            form.add_error("cycle", error)
        else:
            messages.success(
                request,
                f"Follow-up review of case {review.case.reference} added to {cycle.name}. "
                "Assign its reviewer here.",
            )
            return redirect("audits:sample", pk=cycle.pk)
    grade = grade_label(grade_of(review))
    context = {"review": review, "form": form, "back": back, "grade": grade}
    return render(request, "reviews/actions/follow_up.html", context)
