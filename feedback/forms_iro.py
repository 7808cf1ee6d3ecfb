"""The IRO / CP chair feedback form: the case, the meeting, the toolkit's questions (one field
each, named q-<id>), how the child participated, their words and the management alert."""

from django import forms
from django.utils import timezone

from accounts.models import ServiceArea
from audits.models import AnswerKind, Choice, Grade

from .iro import NOT_APPLICABLE, case_by_reference
from .models import IROFeedback

NOT_FOUND = "No case with this reference"


def _question_field(question) -> forms.Field:
    if question.answer_kind == AnswerKind.FREE_TEXT:
        return forms.CharField(
            label=question.text,
            required=question.required,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=question.guidance,
        )
    choices = list(Grade.choices if question.answer_kind == AnswerKind.GRADED else Choice.choices)
    if question.allow_not_applicable:
        choices.append((NOT_APPLICABLE, "Not applicable"))
    return forms.ChoiceField(
        label=question.text,
        choices=choices,
        required=question.required,
        widget=forms.RadioSelect,
        help_text=question.guidance,
    )


class IROFeedbackForm(forms.Form):
    reference = forms.CharField(
        label="Case reference",
        max_length=50,
        help_text="The child's case reference: its service and team are shown when found.",
    )
    meeting_type = forms.ChoiceField(
        label="Type of meeting", choices=IROFeedback.MeetingType.choices, widget=forms.RadioSelect
    )
    meeting_on = forms.DateField(
        label="Date of the meeting",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    participation = forms.ChoiceField(
        label="How the child participated",
        choices=IROFeedback.Participation.choices,
        widget=forms.RadioSelect,
    )
    child_words = forms.CharField(
        label="The child's or family's own words",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Where given: what they said, in their words.",
    )
    management_alert = forms.BooleanField(
        label="Management alert: tell the case's service manager now",
        required=False,
        help_text="Use it when something needs a manager's attention at once.",
    )

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"q-{question.pk}"] = _question_field(question)
        self.case = None

    def question_fields(self):
        return [self[f"q-{question.pk}"] for question in self.questions]

    def other_fields(self):
        return [self[name] for name in ("participation", "child_words", "management_alert")]

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        self.case = case_by_reference(reference)
        if self.case is None:
            raise forms.ValidationError(f"{NOT_FOUND}: check it and try again.")
        return reference

    def clean_meeting_on(self):
        meeting_on = self.cleaned_data["meeting_on"]
        if meeting_on > timezone.localdate():
            raise forms.ValidationError("The date of the meeting cannot be in the future.")
        return meeting_on

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(f"q-{q.pk}") or "" for q in self.questions}


class IROFeedbackFilterForm(forms.Form):
    service = forms.ModelChoiceField(
        label="Service", queryset=ServiceArea.objects.order_by("name"), required=False
    )
    meeting_type = forms.ChoiceField(
        label="Type of meeting",
        choices=[("", "Any"), *IROFeedback.MeetingType.choices],
        required=False,
    )
    alert = forms.ChoiceField(
        label="Management alert",
        choices=[("", "Any"), ("yes", "With an alert"), ("no", "Without an alert")],
        required=False,
    )

    def filter(self, qs):
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        if data["service"]:
            qs = qs.filter(case__service_area=data["service"])
        if data["meeting_type"]:
            qs = qs.filter(meeting_type=data["meeting_type"])
        if data["alert"]:
            qs = qs.filter(management_alert=data["alert"] == "yes")
        return qs
