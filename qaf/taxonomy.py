"""The QA Manager's configurable lists of themes (qaf.models.Theme): feedback themes and practice
themes. One set of writes and one set of pages, given per list by a `Taxonomy`.

A theme in use is never deleted (records point at it); it is made inactive instead, so it stays
on old records but is no longer offered.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path

from accounts.permissions import get_object_for_user, require

from .models import Theme


class ThemeForm(forms.Form):
    name = forms.CharField(label="Theme name", max_length=100)


@dataclass(frozen=True)
class Taxonomy:
    """One configurable list: its model, who manages it, its words and how its use is counted.

    `uses` answers {theme id: number of records pointing at it} for every theme in a constant
    number of queries; `used_by` names those records in a sentence ("used by feedback").
    """

    model: type[Theme]
    rule: str
    namespace: str  # URL namespace of the pages, e.g. "feedback"
    prefix: str  # URL names are <prefix>s, <prefix>_edit, <prefix>_active, <prefix>_delete
    title: str  # "Feedback themes"
    lead: str
    used_by: str  # "feedback", "reviews"
    uses: Callable[[], dict[int, int]]

    # Reads

    def active(self):
        return self.model.objects.filter(active=True).order_by("name")

    def with_use(self) -> list[Theme]:
        """Every theme, offered ones first, each with `.uses`."""
        uses = self.uses()
        themes = list(self.model.objects.order_by("-active", "name"))
        for theme in themes:
            theme.uses = uses.get(theme.pk, 0)
        return themes

    def in_use(self, theme: Theme) -> bool:
        return self.uses().get(theme.pk, 0) > 0

    def url_name(self, page: str = "") -> str:
        suffix = f"_{page}" if page else "s"
        return f"{self.namespace}:{self.prefix}{suffix}"

    # The URL names, for the templates' {% url %}.
    list_url = property(lambda self: self.url_name())
    edit_url = property(lambda self: self.url_name("edit"))
    active_url = property(lambda self: self.url_name("active"))
    delete_url = property(lambda self: self.url_name("delete"))

    # Writes

    def _check_name(self, name: str, *, theme: Theme | None = None) -> str:
        name = " ".join(name.split())
        if not name:
            raise ValidationError({"name": "Enter the theme's name."})
        clash = self.model.objects.filter(name__iexact=name)
        if theme is not None:
            clash = clash.exclude(pk=theme.pk)
        if clash.exists():
            raise ValidationError({"name": f"There is already a theme called “{name}”."})
        return name

    def install(self, names: tuple[str, ...]) -> int:
        """Add the themes of `names` not there yet; returns how many were added."""
        existing = set(self.model.objects.values_list("name", flat=True))
        missing = [self.model(name=name) for name in names if name not in existing]
        self.model.objects.bulk_create(missing)
        return len(missing)

    @transaction.atomic
    def create(self, *, name: str, actor) -> Theme:
        return self.model.objects.create(name=self._check_name(name))

    @transaction.atomic
    def rename(self, *, theme: Theme, name: str, actor) -> Theme:
        theme.name = self._check_name(name, theme=theme)
        theme.save(update_fields=["name"])
        return theme

    @transaction.atomic
    def set_active(self, *, theme: Theme, active: bool, actor) -> Theme:
        theme.active = active
        theme.save(update_fields=["active"])
        return theme

    @transaction.atomic
    def delete(self, *, theme: Theme, actor) -> None:
        """Only a theme nothing points at; one in use is made inactive instead."""
        theme = self.model.objects.select_for_update().get(pk=theme.pk)
        if self.in_use(theme):
            raise ValidationError(
                f"“{theme.name}” is used by {self.used_by} already, so it cannot be deleted. "
                "Stop offering it instead: it stays on old records but is no longer offered."
            )
        theme.delete()

    # Pages

    def urlpatterns(self, route: str) -> list:
        """The list page (add a theme), rename, offer or stop offering, and delete."""
        pages = TaxonomyPages(self)
        return [
            path(f"{route}/", pages.list, name=f"{self.prefix}s"),
            path(f"{route}/<int:pk>/", pages.edit, name=f"{self.prefix}_edit"),
            path(f"{route}/<int:pk>/active/", pages.active_view, name=f"{self.prefix}_active"),
            path(f"{route}/<int:pk>/delete/", pages.delete, name=f"{self.prefix}_delete"),
        ]


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: by field where it names one of the form's."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class TaxonomyPages:
    """The views of one Taxonomy (templates/taxonomy/*), each behind its `rule`."""

    def __init__(self, taxonomy: Taxonomy):
        self.taxonomy = taxonomy
        self.list = require(taxonomy.rule)(self._list)
        self.edit = require(taxonomy.rule)(self._edit)
        self.active_view = require(taxonomy.rule)(self._active)
        self.delete = require(taxonomy.rule)(self._delete)

    def _theme(self, request, pk: int) -> Theme:
        queryset = self.taxonomy.model.objects.all()
        return get_object_for_user(request.user, queryset, self.taxonomy.rule, pk=pk)

    def _render(self, request, template: str, context: dict):
        return render(request, f"taxonomy/{template}", {"taxonomy": self.taxonomy, **context})

    def _list(self, request):
        taxonomy = self.taxonomy
        form = ThemeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                theme = taxonomy.create(name=form.cleaned_data["name"], actor=request.user)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"The theme “{theme.name}” is added.")
                return redirect(taxonomy.url_name())
        return self._render(request, "list.html", {"form": form, "themes": taxonomy.with_use()})

    def _edit(self, request, pk: int):
        theme = self._theme(request, pk)
        form = ThemeForm(request.POST or None, initial={"name": theme.name})
        if request.method == "POST" and form.is_valid():
            try:
                name = form.cleaned_data["name"]
                self.taxonomy.rename(theme=theme, name=name, actor=request.user)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"The theme is renamed “{theme.name}”.")
                return redirect(self.taxonomy.url_name())
        return self._render(request, "edit.html", {"form": form, "theme": theme})

    def _active(self, request, pk: int):
        """POST only (a labelled button on the list page): offer the theme or stop offering it."""
        theme = self._theme(request, pk)
        if request.method == "POST":
            active = request.POST.get("active") == "1"
            self.taxonomy.set_active(theme=theme, active=active, actor=request.user)
            state = "offered again" if active else "no longer offered; old records keep it"
            messages.success(request, f"The theme “{theme.name}” is {state}.")
        return redirect(self.taxonomy.url_name())

    def _delete(self, request, pk: int):
        theme = self._theme(request, pk)
        if request.method == "POST":
            try:
                self.taxonomy.delete(theme=theme, actor=request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, f"The theme “{theme.name}” is deleted.")
            return redirect(self.taxonomy.url_name())
        in_use = self.taxonomy.in_use(theme)
        return self._render(request, "delete.html", {"theme": theme, "in_use": in_use})
