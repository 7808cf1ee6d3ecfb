from django.shortcuts import render

from accounts.permissions import require

from .triangulation import feedback_counts


@require("feedback.view")
def index(request):
    """The QA Manager's feedback hub: each kind of feedback, how much there is, and where."""
    return render(request, "feedback/index.html", {"counts": feedback_counts()})
