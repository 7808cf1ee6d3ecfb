"""Reviews, moderation, escalations and actions. Empty states until the audit cycle lands."""

from django.shortcuts import render

from accounts.permissions import require


@require("reviews.view_mine")
def my_reviews(request):
    return render(request, "reviews/mine.html")


@require("reviews.list")
def review_list(request):
    return render(request, "reviews/list.html")


@require("moderation.view_queue")
def moderation_queue(request):
    return render(request, "reviews/moderation.html")


@require("escalations.view")
def escalations(request):
    return render(request, "reviews/escalations.html")


@require("actions.view")
def actions(request):
    return render(request, "reviews/actions.html")
