"""
The QA Manager's toolkit pages: the list, a toolkit and its versions, the draft editor (sections
and questions), the preview a reviewer would see, and publishing.

Plain forms throughout (they work without JavaScript). A published version is never edited: the
editing pages of one say so and send the user to the toolkit, whose "Make a new draft" button
starts the next version.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from accounts.permissions import get_object_for_user, require

from ..forms.toolkits import MoveForm, PublishForm, QuestionForm, SectionForm, ToolkitForm
from ..models import Question, Section, Toolkit, ToolkitVersion
from ..selectors import toolkit_versions, toolkits_for_list, version_sections
from ..services import toolkits as services
from ..services.toolkits import ToolkitEditRefused, ToolkitLocked

RULE = "toolkits.manage"


def _toolkit(request, pk: int) -> Toolkit:
    return get_object_for_user(request.user, Toolkit.objects.all(), RULE, pk=pk)


def _version(request, pk: int) -> ToolkitVersion:
    queryset = ToolkitVersion.objects.select_related("toolkit")
    return get_object_for_user(request.user, queryset, RULE, pk=pk)


def _section(request, pk: int) -> Section:
    queryset = Section.objects.select_related("version__toolkit")
    return get_object_for_user(request.user, queryset, RULE, pk=pk)


def _question(request, pk: int) -> Question:
    queryset = Question.objects.select_related("section__version__toolkit")
    return get_object_for_user(request.user, queryset, RULE, pk=pk)


def _editor_url(version: ToolkitVersion, anchor: str = "") -> str:
    url = reverse("audits:toolkit_version_edit", args=[version.pk])
    return f"{url}#{anchor}" if anchor else url


def _refuse(request, version: ToolkitVersion, exc: ToolkitEditRefused):
    """Show why a change was refused; a published version's pages send the user to its toolkit."""
    messages.error(request, str(exc))
    if isinstance(exc, ToolkitLocked):
        return redirect("audits:toolkit_detail", pk=version.toolkit_id)
    return redirect(_editor_url(version))


def _data(request):
    return request.POST if request.method == "POST" else None


def _published(version: ToolkitVersion) -> ToolkitLocked:
    return ToolkitLocked(services.published_message(version))


@require(RULE)
def toolkits(request):
    page = Paginator(toolkits_for_list(), 25).get_page(request.GET.get("page"))
    return render(request, "audits/toolkits/list.html", {"page_obj": page})


@require(RULE)
def toolkit_create(request):
    form = ToolkitForm(_data(request))
    if form.is_valid():
        toolkit = services.toolkit_create(**form.cleaned_data, actor=request.user)
        messages.success(request, f"{toolkit.name} created. Add its sections and questions.")
        return redirect(_editor_url(toolkit.versions.get()))
    return render(request, "audits/toolkits/create.html", {"form": form})


@require(RULE)
def toolkit_detail(request, pk: int):
    toolkit = _toolkit(request, pk)
    versions = list(toolkit_versions(toolkit))
    draft = next((v for v in versions if not v.is_published), None)
    context = {"toolkit": toolkit, "versions": versions, "draft": draft}
    return render(request, "audits/toolkits/detail.html", context)


@require(RULE)
@require_POST
def toolkit_new_draft(request, pk: int):
    draft, created = services.toolkit_new_draft(toolkit=_toolkit(request, pk), actor=request.user)
    if created:
        messages.success(request, f"Draft version {draft.number} started from the published one.")
    else:
        messages.info(request, f"Version {draft.number} is already a draft: carry on editing it.")
    return redirect(_editor_url(draft))


@require(RULE)
def version_edit(request, pk: int):
    version = _version(request, pk)
    if version.is_published:
        return _refuse(request, version, _published(version))
    context = {
        "version": version,
        "toolkit": version.toolkit,
        "sections": version_sections(version),
        "section_form": SectionForm(),
    }
    return render(request, "audits/toolkits/editor.html", context)


@require(RULE)
def version_preview(request, pk: int):
    version = _version(request, pk)
    context = {
        "version": version,
        "toolkit": version.toolkit,
        "sections": version_sections(version),
    }
    return render(request, "audits/toolkits/preview.html", context)


@require(RULE)
def version_publish(request, pk: int):
    version = _version(request, pk)
    if version.is_published:
        return _refuse(request, version, _published(version))
    initial = {"change_note": "First version."} if version.number == 1 else None
    form = PublishForm(_data(request), initial=initial)
    if form.is_valid():
        try:
            services.toolkit_version_publish(
                version=version, actor=request.user, change_note=form.cleaned_data["change_note"]
            )
        except ToolkitEditRefused as exc:
            return _refuse(request, version, exc)
        messages.success(request, f"Version {version.number} of {version.toolkit} is published.")
        return redirect("audits:toolkit_detail", pk=version.toolkit_id)
    sections = list(version_sections(version))
    context = {
        "version": version,
        "toolkit": version.toolkit,
        "form": form,
        "sections": sections,
        "empty_sections": [s for s in sections if not s.questions.all()],
        "question_count": sum(len(s.questions.all()) for s in sections),
    }
    return render(request, "audits/toolkits/publish.html", context)


def _draft_form(request, *, version, form, title, submit_label, save, success):
    """The add and edit pages of sections and questions: on a valid POST, `save(cleaned_data)`
    through a service and go back to the editor at the saved row."""
    if version.is_published:
        return _refuse(request, version, _published(version))
    if request.method == "POST" and form.is_valid():
        try:
            anchor = save(form.cleaned_data)
        except ToolkitEditRefused as exc:
            return _refuse(request, version, exc)
        messages.success(request, success)
        return redirect(_editor_url(version, anchor))
    context = {
        "version": version,
        "toolkit": version.toolkit,
        "form": form,
        "title": title,
        "submit_label": submit_label,
    }
    return render(request, "audits/toolkits/form.html", context)


@require(RULE)
def section_add(request, pk: int):
    version = _version(request, pk)

    def save(data):
        section = services.section_add(version=version, **data, actor=request.user)
        return f"section-{section.pk}"

    return _draft_form(
        request,
        version=version,
        form=SectionForm(_data(request)),
        title="Add a section",
        submit_label="Add the section",
        save=save,
        success="Section added.",
    )


@require(RULE)
def section_edit(request, pk: int):
    section = _section(request, pk)

    def save(data):
        services.section_update(section=section, **data, actor=request.user)
        return f"section-{section.pk}"

    return _draft_form(
        request,
        version=section.version,
        form=SectionForm(_data(request), instance=section),
        title=f"Edit the section “{section.title}”",
        submit_label="Save the section",
        save=save,
        success="Section saved.",
    )


@require(RULE)
def question_add(request, pk: int):
    section = _section(request, pk)

    def save(data):
        question = services.question_add(section=section, **data, actor=request.user)
        return f"question-{question.pk}"

    return _draft_form(
        request,
        version=section.version,
        form=QuestionForm(_data(request)),
        title=f"Add a question to “{section.title}”",
        submit_label="Add the question",
        save=save,
        success="Question added.",
    )


@require(RULE)
def question_edit(request, pk: int):
    question = _question(request, pk)

    def save(data):
        services.question_update(question=question, **data, actor=request.user)
        return f"question-{question.pk}"

    return _draft_form(
        request,
        version=question.section.version,
        form=QuestionForm(_data(request), instance=question),
        title="Edit a question",
        submit_label="Save the question",
        save=save,
        success="Question saved.",
    )


def _confirm_delete(request, *, version, thing: str, described: str, delete):
    """A delete asks first: GET shows what will go, POST deletes it."""
    if version.is_published:
        return _refuse(request, version, _published(version))
    if request.method == "POST":
        try:
            delete()
        except ToolkitEditRefused as exc:
            return _refuse(request, version, exc)
        messages.success(request, f"{thing.capitalize()} deleted.")
        return redirect(_editor_url(version))
    context = {
        "version": version,
        "toolkit": version.toolkit,
        "thing": thing,
        "described": described,
    }
    return render(request, "audits/toolkits/confirm_delete.html", context)


@require(RULE)
def section_delete(request, pk: int):
    section = _section(request, pk)
    count = section.questions.count()
    return _confirm_delete(
        request,
        version=section.version,
        thing="section",
        described=f"the section “{section.title}” and its {count} question{'s' * (count != 1)}",
        delete=lambda: services.section_delete(section=section, actor=request.user),
    )


@require(RULE)
def question_delete(request, pk: int):
    question = _question(request, pk)
    return _confirm_delete(
        request,
        version=question.section.version,
        thing="question",
        described=f"the question “{question.text}”",
        delete=lambda: services.question_delete(question=question, actor=request.user),
    )


def _move(request, version, move, anchor: str):
    form = MoveForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Move up or down.")
    try:
        move(form.cleaned_data["direction"])
    except ToolkitEditRefused as exc:
        return _refuse(request, version, exc)
    return redirect(_editor_url(version, anchor))


@require(RULE)
@require_POST
def section_move(request, pk: int):
    section = _section(request, pk)
    return _move(
        request,
        section.version,
        lambda direction: services.section_move(
            section=section, direction=direction, actor=request.user
        ),
        f"section-{section.pk}",
    )


@require(RULE)
@require_POST
def question_move(request, pk: int):
    question = _question(request, pk)
    return _move(
        request,
        question.section.version,
        lambda direction: services.question_move(
            question=question, direction=direction, actor=request.user
        ),
        f"question-{question.pk}",
    )


urlpatterns = [
    path("toolkits/", toolkits, name="toolkits"),
    path("toolkits/new/", toolkit_create, name="toolkit_create"),
    path("toolkits/<int:pk>/", toolkit_detail, name="toolkit_detail"),
    path("toolkits/<int:pk>/new-draft/", toolkit_new_draft, name="toolkit_new_draft"),
    path("toolkits/versions/<int:pk>/edit/", version_edit, name="toolkit_version_edit"),
    path("toolkits/versions/<int:pk>/preview/", version_preview, name="toolkit_version_preview"),
    path("toolkits/versions/<int:pk>/publish/", version_publish, name="toolkit_version_publish"),
    path("toolkits/versions/<int:pk>/sections/new/", section_add, name="toolkit_section_add"),
    path("toolkits/sections/<int:pk>/edit/", section_edit, name="toolkit_section_edit"),
    path("toolkits/sections/<int:pk>/delete/", section_delete, name="toolkit_section_delete"),
    path("toolkits/sections/<int:pk>/move/", section_move, name="toolkit_section_move"),
    path("toolkits/sections/<int:pk>/questions/new/", question_add, name="toolkit_question_add"),
    path("toolkits/questions/<int:pk>/edit/", question_edit, name="toolkit_question_edit"),
    path("toolkits/questions/<int:pk>/delete/", question_delete, name="toolkit_question_delete"),
    path("toolkits/questions/<int:pk>/move/", question_move, name="toolkit_question_move"),
]
