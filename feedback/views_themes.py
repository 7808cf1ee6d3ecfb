"""Feedback themes (pages of qaf.taxonomy) and "you said, we did"."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path

from accounts.permissions import require
from qaf.taxonomy import add_errors

from . import themes as services
from .forms_complaints import YouSaidWeDidForm


@require("feedback.themes")
def you_said_we_did(request):
    form = YouSaidWeDidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.you_said_we_did_record(**form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "The response is recorded.")
            return redirect("feedback:you_said_we_did")
    context = {"form": form, "cycles": services.you_said_we_did_by_cycle()}
    return render(request, "feedback/themes/you_said_we_did.html", context)


urlpatterns = [
    *services.FEEDBACK_THEMES.urlpatterns("themes"),
    path("you-said-we-did/", you_said_we_did, name="you_said_we_did"),
]
