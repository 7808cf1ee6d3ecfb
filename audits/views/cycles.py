from django.shortcuts import render
from django.urls import path

from accounts.permissions import require


@require("cycles.manage")
def cycles(request):
    return render(request, "audits/cycles.html")


urlpatterns = [
    path("cycles/", cycles, name="cycles"),
]
