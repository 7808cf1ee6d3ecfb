from django.shortcuts import render
from django.urls import path

from accounts.permissions import require


@require("cases.manage")
def cases(request):
    return render(request, "audits/cases.html")


urlpatterns = [
    path("cases/", cases, name="cases"),
]
