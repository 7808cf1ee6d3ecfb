from django.shortcuts import render

from accounts.permissions import require


@require("dashboard.view")
def dashboard(request):
    return render(request, "reporting/dashboard.html")
