"""The case import form. The rules of the file live in audits/services/cases.py; the checks
every uploaded CSV gets (name, size, text) in qaf/uploads.py."""

from django import forms

from qaf.uploads import csv_upload_text, max_upload_megabytes


class CaseImportForm(forms.Form):
    file = forms.FileField(
        label="Case list (CSV file)",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            "Exported from the case-management system and saved as CSV UTF-8, at most "
            f"{max_upload_megabytes()}. Columns: case_reference, service, team, "
            "practitioner_email, case_type, opened_on, closed_on (dates as YYYY-MM-DD or "
            "DD/MM/YYYY). No names or dates of birth."
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.text = csv_upload_text(upload)
        return upload
