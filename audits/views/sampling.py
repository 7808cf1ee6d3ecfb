"""A cycle's sample (QA Manager): draw cases per team, add or remove cases by hand, and assign
reviewers from a suggestion that balances workload and respects conflicts of interest."""

from collections import Counter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from accounts.permissions import get_object_for_user, require

from ..forms.sampling import AddCaseForm, AssignForm, SampleForm
from ..models import Cycle, LegalStatus
from ..selectors import reviewer_candidates, reviews_assigned_per_reviewer, sample_of_cycle
from ..services.sampling import (
    SAMPLING_STATUSES,
    review_not_started,
    reviews_assign,
    sample_add_case,
    sample_cases,
    sample_remove_review,
    suggest_reviewers,
)


def _cycle(request, pk: int) -> Cycle:
    return get_object_for_user(
        request.user, Cycle.objects.select_related("toolkit"), "cycles.manage", pk=pk
    )


@require("cycles.manage")
def sample(request, pk):
    return _sample_page(request, _cycle(request, pk))


@require("cycles.manage")
@require_POST
def sample_draw(request, pk):
    cycle = _cycle(request, pk)
    form = SampleForm(request.POST)
    if form.is_valid():
        try:
            reviews = sample_cases(cycle=cycle, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            _say_how_many_sampled(request, len(reviews), form.cleaned_data)
            return redirect("audits:sample", pk=cycle.pk)
    return _sample_page(request, cycle, sample_form=form)


@require("cycles.manage")
@require_POST
def sample_add(request, pk):
    cycle = _cycle(request, pk)
    form = AddCaseForm(request.POST)
    if form.is_valid():
        toolkit = form.cleaned_data["toolkit"]
        try:
            sample_add_case(cycle=cycle, case=form.case, toolkit=toolkit, actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Case {form.case.reference} added ({toolkit.name}).")
            return redirect("audits:sample", pk=cycle.pk)
    return _sample_page(request, cycle, add_form=form)


@require("cycles.manage")
def sample_remove(request, pk, review_pk):
    cycle = _cycle(request, pk)
    review = get_object_or_404(sample_of_cycle(cycle), pk=review_pk)
    if request.method != "POST":
        return render(request, "audits/sampling/remove.html", {"cycle": cycle, "review": review})
    try:
        sample_remove_review(review=review, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Case {review.case.reference} was removed from the sample.")
    return redirect("audits:sample", pk=cycle.pk)


@require("cycles.manage")
def sample_assign(request, pk):
    cycle = _cycle(request, pk)
    reviews = [
        r for r in sample_of_cycle(cycle) if review_not_started(r, has_answers=r.has_answers)
    ]
    posted = request.method == "POST"
    suggestions = {}
    if not posted:
        unassigned = [review for review in reviews if review.reviewer_id is None]
        suggestions = suggest_reviewers(cycle=cycle, reviews=unassigned)
    form = AssignForm(
        request.POST if posted else None,
        reviews=reviews,
        candidates=reviewer_candidates(),
        load=reviews_assigned_per_reviewer(cycle),
        suggestions=suggestions,
    )
    if posted and form.is_valid():
        try:
            changed = reviews_assign(assignments=form.assignments(), actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{len(changed)} review(s) assigned or reassigned.")
            return redirect("audits:sample", pk=cycle.pk)
    context = {"cycle": cycle, "form": form, "unsuggested": _unsuggested(suggestions)}
    return render(request, "audits/sampling/assign.html", context)


def _unsuggested(suggestions: dict) -> int:
    return sum(1 for user in suggestions.values() if user is None)


def _say_how_many_sampled(request, count: int, data: dict) -> None:
    if count:
        messages.success(request, f"{count} case(s) sampled (seed {data['seed']}).")
    else:
        messages.info(
            request,
            "No case was sampled: every team's open cases are already in this sample or were "
            f"reviewed in the last {data['exclude_months']} months.",
        )


def _sample_page(request, cycle: Cycle, *, sample_form=None, add_form=None):
    reviews = list(sample_of_cycle(cycle))
    for review in reviews:
        review.removable = review_not_started(review, has_answers=review.has_answers)
    sample_form = sample_form or SampleForm(initial={"seed": cycle.pk})
    add_form = add_form or AddCaseForm(initial={"toolkit": cycle.toolkit_id})
    context = {
        "cycle": cycle,
        "reviews": reviews,
        "counts": _counts(reviews),
        "legal_statuses": LegalStatus.labels,
        "open_to_change": cycle.status in SAMPLING_STATUSES,
        "sample_form": sample_form,
        "add_form": add_form,
        # The bound form with errors, if any, for the page title's "Error:" (base.html).
        "form": sample_form if sample_form.errors else add_form,
    }
    return render(request, "audits/sampling/sample.html", context)


def _counts(reviews) -> dict:
    """Reviews per team and legal status, and the totals: (team, [count per status], total)."""
    per_team: dict = {}
    for review in reviews:
        per_team.setdefault(review.case.team, Counter())[review.case.legal_status] += 1
    totals = Counter(review.case.legal_status for review in reviews)
    return {
        "rows": [
            (team, [counter[s] for s in LegalStatus.values], counter.total())
            for team, counter in per_team.items()
        ],
        "totals": [totals[s] for s in LegalStatus.values],
        "total": len(reviews),
    }


urlpatterns = [
    path("cycles/<int:pk>/sample/", sample, name="sample"),
    path("cycles/<int:pk>/sample/draw/", sample_draw, name="sample_draw"),
    path("cycles/<int:pk>/sample/add/", sample_add, name="sample_add"),
    path("cycles/<int:pk>/sample/assign/", sample_assign, name="sample_assign"),
    path("cycles/<int:pk>/sample/<int:review_pk>/remove/", sample_remove, name="sample_remove"),
]
