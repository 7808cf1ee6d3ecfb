from django import forms

from audits.models import Case, Cycle, Toolkit, ToolkitVersion
from audits.selectors import reviewer_candidates


class BenchmarkForm(forms.Form):
    title = forms.CharField(max_length=150, help_text="For example: Benchmarking Review, March.")
    cycle = forms.ModelChoiceField(queryset=Cycle.objects.none())
    case_reference = forms.CharField(
        label="Case reference", max_length=50, help_text="The case-management system's reference."
    )
    toolkit = forms.ModelChoiceField(
        queryset=Toolkit.objects.none(), help_text="Its published version is used."
    )
    reviewers = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, help_text="Choose at least two reviewers."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = Cycle.objects.order_by("-review_starts_on")
        self.fields["toolkit"].queryset = Toolkit.objects.filter(
            versions__status=ToolkitVersion.Status.PUBLISHED
        ).distinct()
        self.candidates = {str(u.pk): u for u in reviewer_candidates()}
        self.fields["reviewers"].choices = [(pk, str(u)) for pk, u in self.candidates.items()]

    def clean_case_reference(self):
        reference = self.cleaned_data["case_reference"].strip()
        case = Case.objects.filter(reference=reference).first()
        if case is None:
            raise forms.ValidationError("Enter the reference of a case QAF knows")
        self.cleaned_data["case"] = case
        return reference

    def clean_toolkit(self):
        toolkit = self.cleaned_data["toolkit"]
        version = (
            toolkit.versions.filter(status=ToolkitVersion.Status.PUBLISHED)
            .order_by("-number")
            .first()
        )
        self.cleaned_data["toolkit_version"] = version
        return toolkit

    def clean_reviewers(self):
        chosen = self.cleaned_data["reviewers"]
        if len(chosen) < 2:
            raise forms.ValidationError("Choose at least two reviewers")
        return [self.candidates[pk] for pk in chosen]
