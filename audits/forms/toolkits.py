"""Forms of the toolkit pages: the toolkit, its sections and questions, publishing."""

from django import forms

from ..models import AnswerKind, Question, Section, Toolkit, ToolkitKind
from ..services.toolkits import DOWN, UP


class ToolkitForm(forms.ModelForm):
    class Meta:
        model = Toolkit
        fields = ["kind", "name", "theme", "description"]
        labels = {"kind": "Kind of toolkit"}
        help_texts = {
            "name": "As reviewers will see it, e.g. Thematic Review: Neglect.",
            "description": "What the toolkit is for and when to use it.",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == ToolkitKind.THEMATIC_REVIEW and not cleaned.get("theme"):
            self.add_error("theme", "Give the theme of this Thematic Review, e.g. Neglect.")
        return cleaned


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["title", "guidance"]
        help_texts = {
            "guidance": "What good looks like for this section: shown above its questions."
        }
        widgets = {"guidance": forms.Textarea(attrs={"rows": 3})}


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["text", "guidance", "answer_kind", "allow_not_applicable", "required"]
        labels = {
            "text": "Question",
            "answer_kind": "How it is answered",
            "allow_not_applicable": "Reviewers may answer 'not applicable'",
            "required": "An answer is required before the review can be submitted",
        }
        help_texts = {
            "allow_not_applicable": "Only for graded questions.",
        }
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "guidance": forms.Textarea(attrs={"rows": 3}),
            "answer_kind": forms.RadioSelect,
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("allow_not_applicable") and cleaned.get("answer_kind") != AnswerKind.GRADED:
            self.add_error(
                "allow_not_applicable", "'Not applicable' can only be offered on a graded question."
            )
        return cleaned


class PublishForm(forms.Form):
    change_note = forms.CharField(
        label="What changed in this version",
        max_length=300,
        help_text="Kept with the version, e.g. 'First version' or 'Added a question on "
        "contingency planning'.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what changed in this version."},
    )


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[(UP, "Up"), (DOWN, "Down")])
