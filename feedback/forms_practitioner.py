from django import forms

from .models import PractitionerFeedback


class PractitionerFeedbackForm(forms.Form):
    how_it_felt = forms.ChoiceField(
        label="How did the review feel for you?",
        choices=PractitionerFeedback.Feeling.choices,
        widget=forms.RadioSelect,
    )
    what_helped = forms.CharField(
        label="What helped?", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    what_could_be_better = forms.CharField(
        label="What could be better?", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
