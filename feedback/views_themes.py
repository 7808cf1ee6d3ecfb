"""Feedback themes (the QA Manager's configurable list) and "you said, we did"."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path

from accounts.permissions import get_object_for_user, require

from . import themes as services
from .forms_complaints import ThemeForm, YouSaidWeDidForm
from .models import FeedbackTheme


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _theme_for(request, pk: int) -> FeedbackTheme:
    return get_object_for_user(request.user, FeedbackTheme.objects.all(), "feedback.themes", pk=pk)


@require("feedback.themes")
def themes(request):
    form = ThemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            theme = services.theme_create(name=form.cleaned_data["name"], actor=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"The theme “{theme.name}” is added.")
            return redirect("feedback:themes")
    context = {"form": form, "themes": services.themes_with_use()}
    return render(request, "feedback/themes/list.html", context)


@require("feedback.themes")
def theme_edit(request, pk: int):
    theme = _theme_for(request, pk)
    form = ThemeForm(request.POST or None, initial={"name": theme.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.theme_rename(theme=theme, name=form.cleaned_data["name"], actor=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"The theme is renamed “{theme.name}”.")
            return redirect("feedback:themes")
    return render(request, "feedback/themes/edit.html", {"form": form, "theme": theme})


@require("feedback.themes")
def theme_active(request, pk: int):
    """POST only (a labelled button on the themes page): offer the theme or stop offering it."""
    theme = _theme_for(request, pk)
    if request.method == "POST":
        active = request.POST.get("active") == "1"
        services.theme_set_active(theme=theme, active=active, actor=request.user)
        state = "offered again" if active else "no longer offered; old records keep it"
        messages.success(request, f"The theme “{theme.name}” is {state}.")
    return redirect("feedback:themes")


@require("feedback.themes")
def theme_delete(request, pk: int):
    theme = _theme_for(request, pk)
    in_use = services.theme_in_use(theme)
    if request.method == "POST":
        try:
            services.theme_delete(theme=theme, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"The theme “{theme.name}” is deleted.")
        return redirect("feedback:themes")
    return render(request, "feedback/themes/delete.html", {"theme": theme, "in_use": in_use})


@require("feedback.themes")
def you_said_we_did(request):
    form = YouSaidWeDidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.you_said_we_did_record(**form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "The response is recorded.")
            return redirect("feedback:you_said_we_did")
    context = {"form": form, "cycles": services.you_said_we_did_by_cycle()}
    return render(request, "feedback/themes/you_said_we_did.html", context)


urlpatterns = [
    path("themes/", themes, name="themes"),
    path("themes/<int:pk>/", theme_edit, name="theme_edit"),
    path("themes/<int:pk>/active/", theme_active, name="theme_active"),
    path("themes/<int:pk>/delete/", theme_delete, name="theme_delete"),
    path("you-said-we-did/", you_said_we_did, name="you_said_we_did"),
]
