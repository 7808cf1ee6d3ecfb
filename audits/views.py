from django.shortcuts import render

from accounts.permissions import require


@require("cycles.manage")
def cycles(request):
    return render(request, "audits/cycles.html")
