from django.shortcuts import render
from django.urls import path

from accounts.permissions import require


@require("toolkits.manage")
def toolkits(request):
    return render(request, "audits/toolkits.html")


urlpatterns = [
    path("toolkits/", toolkits, name="toolkits"),
]
