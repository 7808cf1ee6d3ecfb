from django.shortcuts import render

from accounts.permissions import require


@require("feedback.view")
def index(request):
    return render(request, "feedback/index.html")
