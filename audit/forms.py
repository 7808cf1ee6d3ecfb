from django import forms
from django.core.exceptions import ValidationError


class AccessRecordSearchForm(forms.Form):
    """Sent by POST, never in the query string: a case reference is case data (issue 8)."""

    case_reference = forms.CharField(
        label="Case reference",
        required=False,
        max_length=50,
        help_text="The whole reference, as in the case management system.",
    )
    user_email = forms.EmailField(label="User's work email address", required=False, max_length=254)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if not (data.get("case_reference") or "").strip() and not data.get("user_email"):
            raise ValidationError("Enter a case reference or a user's email address")
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date must be on or after the start date")
        return data

    def criteria(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "page"}
