"""The case import form. The rules of the file live in audits/services/cases.py."""

from django import forms
from django.core.validators import FileExtensionValidator

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # 10 MB: about 100,000 cases


class CaseImportForm(forms.Form):
    file = forms.FileField(
        label="Case list (CSV file)",
        help_text="Exported from the case-management system and saved as CSV UTF-8, at most 10 MB. "
        "Columns: case_reference, service, team, practitioner_email, case_type, opened_on, "
        "closed_on (dates as YYYY-MM-DD or DD/MM/YYYY). No names or dates of birth.",
        validators=[FileExtensionValidator(["csv", "txt"])],
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                "The file is larger than 10 MB. Split it into smaller files and import each."
            )
        try:
            self.text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "The file is not UTF-8 text. In Excel, save it as 'CSV UTF-8 (Comma delimited)'."
            ) from None
        return upload
