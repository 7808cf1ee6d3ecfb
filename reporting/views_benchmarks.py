"""Benchmarking Reviews (issue 6, point 6): the QA Manager sets them up and compares the
reviewers' grades side by side."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from accounts.permissions import require
from audits.models import Grade
from reviews.models import BenchmarkExercise

from . import benchmarks as svc
from .forms_benchmarks import BenchmarkForm


@require("cycles.manage")
def benchmarks(request):
    exercises = BenchmarkExercise.objects.select_related(
        "cycle", "case", "toolkit_version__toolkit"
    )
    return render(request, "reporting/benchmarks/list.html", {"exercises": exercises})


@require("cycles.manage")
def benchmark_add(request):
    form = BenchmarkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            exercise = svc.benchmark_create(
                cycle=data["cycle"],
                case=data["case"],
                toolkit_version=data["toolkit_version"],
                title=data["title"],
                reviewers=data["reviewers"],
                actor=request.user,
            )
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
        else:
            messages.success(request, "The Benchmarking Review has been set up.")
            return redirect("reporting:benchmark", pk=exercise.pk)
    return render(request, "reporting/benchmarks/form.html", {"form": form})


@require("cycles.manage")
def benchmark(request, pk):
    exercise = get_object_or_404(
        BenchmarkExercise.objects.select_related("cycle", "case", "toolkit_version__toolkit"), pk=pk
    )
    reviews = svc.benchmark_reviews(exercise)
    grades = svc.benchmark_grades(exercise)
    questions = [label for _pk, label in svc.graded_questions(exercise)]
    reviewers = list(grades)
    names = dict(Grade.choices)
    rows = [(q, [names.get(grades[r].get(q, ""), "") for r in reviewers]) for q in questions]
    overall = [names.get(grades[r].get(svc.OVERALL, ""), "") for r in reviewers]
    context = {
        "exercise": exercise,
        "reviews": reviews,
        "pending": [r for r in reviews if r.status not in svc.GRADED_STATUSES],
        "reviewers": reviewers,
        "rows": rows,
        "overall": overall,
        "summary": svc.agreement_summary(grades),
    }
    return render(request, "reporting/benchmarks/detail.html", context)
