"""Forms for children's and families' feedback links."""

from django import forms

from accounts.permissions import can
from audits.models import Case

from .models import FamilyFeedback, FamilyFeedbackLink

# Words first: the younger version adds a face beside each, never a picture alone. A face is
# drawn (an SVG mouth from sad to happy), not an emoji, so it looks the same on every device.
SCALE = [
    (1, "No, not at all"),
    (2, "Not really"),
    (3, "A bit"),
    (4, "Mostly"),
    (5, "Yes, a lot"),
]
FACES = {
    1: "M7.5 17.5 Q12 12 16.5 17.5",
    2: "M8 16.5 Q12 14 16 16.5",
    3: "M8 15.5 L16 15.5",
    4: "M8.5 15 Q12 17 15.5 15",
    5: "M6.5 13 Q12 21.5 17.5 13",
}


class RadioChoices(forms.RadioSelect):
    """Radio buttons whose error, in the error summary, links to the first choice."""

    def id_for_label(self, id_, index=None):
        if index is None:
            return f"{id_}_0" if id_ else ""
        return super().id_for_label(id_, index)


class LinkCreateForm(forms.Form):
    case = forms.CharField(
        label="Case reference",
        max_length=50,
        help_text="The reference in the case-management system, for example CMS-123456.",
    )
    version = forms.ChoiceField(
        label="Which form?",
        choices=FamilyFeedbackLink.Version.choices,
        initial=FamilyFeedbackLink.Version.STANDARD,
        widget=RadioChoices,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_case(self):
        reference = self.cleaned_data["case"].strip()
        case = Case.objects.filter(reference__iexact=reference).first()
        # The same answer for a case that does not exist and one the user may not see.
        if case is None or not can(self.user, "feedback.links", case):
            raise forms.ValidationError("Enter the reference of a case you work on.")
        return case


class StandardFeedbackForm(forms.Form):
    respondent = forms.ChoiceField(
        label="Who are you?",
        choices=FamilyFeedback.Respondent.choices,
        widget=RadioChoices,
        error_messages={"required": "Tell us who you are."},
    )
    listened_to = forms.TypedChoiceField(
        label="Did you feel listened to?",
        choices=SCALE,
        coerce=int,
        widget=RadioChoices,
        error_messages={"required": "Choose an answer to “Did you feel listened to?”"},
    )
    helped = forms.TypedChoiceField(
        label="Did the help make things better?",
        choices=SCALE,
        coerce=int,
        widget=RadioChoices,
        error_messages={"required": "Choose an answer to “Did the help make things better?”"},
    )
    went_well = forms.CharField(
        label="What went well?",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    could_be_better = forms.CharField(
        label="What could be better?",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class YoungerFeedbackForm(forms.Form):
    listened_to = forms.TypedChoiceField(
        label="Did people listen to you?",
        choices=SCALE,
        coerce=int,
        widget=RadioChoices,
        error_messages={"required": "Choose a face for “Did people listen to you?”"},
    )
    helped = forms.TypedChoiceField(
        label="Are things better now?",
        choices=SCALE,
        coerce=int,
        widget=RadioChoices,
        error_messages={"required": "Choose a face for “Are things better now?”"},
    )
    went_well = forms.CharField(
        label="What was good? (you can leave this empty)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    could_be_better = forms.CharField(
        label="What would make it better? (you can leave this empty)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


FORMS = {
    FamilyFeedbackLink.Version.STANDARD: StandardFeedbackForm,
    FamilyFeedbackLink.Version.YOUNGER: YoungerFeedbackForm,
}
