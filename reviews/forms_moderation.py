"""The moderator's forms: agree or regrade a submitted review, or return it to the reviewer.
The rules (a rationale when the grade changes, and so on) are the service's; these forms collect
the input and carry the service's errors back beside their fields."""

from django import forms

from audits.models import Grade

from .models import Moderation

TEXTAREA = {"rows": 4}
D = Moderation.Decision


class RadioSelect(forms.RadioSelect):
    """Radios whose field is linked to by its first button, so that the error summary's link
    lands on the group (the GOV.UK pattern; Django's own links to nothing)."""

    def id_for_label(self, id_, index="0"):
        return super().id_for_label(id_, index)


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            (D.AGREED, "Agree the reviewer's grade"),
            (D.REGRADED, "Regrade the review"),
        ],
        widget=RadioSelect,
        error_messages={
            "required": "Select whether you agree the reviewer's grade or regrade the review"
        },
    )
    grade = forms.ChoiceField(
        label="Moderated grade",
        choices=Grade.choices,
        required=False,
        widget=RadioSelect,
        help_text="Only when you regrade. The moderated grade becomes the final grade; the "
        "reviewer's grade is kept beside it. An Inadequate grade is escalated at once to the "
        "service manager and the Head of Service.",
    )
    rationale = forms.CharField(
        label="Rationale for the moderated grade",
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="Required when you regrade: why the grade changes. Optional when you agree.",
    )
    feedback_to_reviewer = forms.CharField(
        label="Feedback to the reviewer",
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="Optional. Kept with the review and shown to the reviewer on its page.",
    )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        regrading = data["decision"] == D.REGRADED
        return {
            "decision": data["decision"],
            # A grade picked and then "agree" chosen is not a regrade: the reviewer's grade stands.
            "grade": data["grade"] if regrading else "",
            "rationale": data["rationale"],
            "feedback_to_reviewer": data["feedback_to_reviewer"],
        }


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="Why you are returning the review",
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="The reviewer sees this on the review's page; it is not sent by e-mail. The "
        "review goes back to them in progress, to change and submit again.",
        error_messages={"required": "Enter why you are returning the review to the reviewer"},
    )
