"""Forms of the complaints and compliments log and of the feedback themes. The rules live in
feedback/complaints.py and feedback/themes.py; views put a service's ValidationError on these
forms beside the fields it names."""

from django import forms
from django.utils import timezone

from accounts.models import ServiceArea, Team
from audits.models import Case, Cycle

from .models import ComplaintCompliment, FeedbackTheme
from .themes import active_themes

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ComplaintForm(forms.Form):
    kind = forms.ChoiceField(
        label="Complaint or compliment",
        choices=ComplaintCompliment.Kind.choices,
        widget=forms.RadioSelect,
    )
    received_on = forms.DateField(label="Date received", widget=_DATE)
    from_whom = forms.ChoiceField(label="From", choices=ComplaintCompliment.From.choices)
    service_area = forms.ModelChoiceField(
        label="Service", queryset=ServiceArea.objects.order_by("name")
    )
    team = forms.ModelChoiceField(
        label="Team",
        required=False,
        queryset=Team.objects.select_related("service_area").order_by("service_area__name", "name"),
        help_text="Optional. It must be a team of the service chosen above.",
    )
    case_reference = forms.CharField(
        label="Case reference",
        required=False,
        max_length=50,
        help_text="Optional: the case-management system's reference, if it is about one child.",
    )
    summary = forms.CharField(
        label="Summary",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What it is about. Keep personal details to what is needed.",
    )
    themes = forms.ModelMultipleChoiceField(
        label="Themes",
        required=False,
        queryset=FeedbackTheme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    outcome = forms.CharField(
        label="Outcome", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    learning = forms.CharField(
        label="Learning", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, entry: ComplaintCompliment | None = None, **kwargs):
        if entry is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{f: getattr(entry, f) for f in ("kind", "received_on", "from_whom", "summary")},
                "service_area": entry.service_area_id,
                "team": entry.team_id,
                "case_reference": entry.case.reference if entry.case else "",
                "themes": [t.pk for t in entry.themes.all()],
                "outcome": entry.outcome,
                "learning": entry.learning,
            }
        super().__init__(*args, **kwargs)
        # Active themes are offered; an entry keeps the inactive ones it already has.
        themes = active_themes()
        if entry is not None:
            themes = (
                FeedbackTheme.objects.filter(pk__in=[t.pk for t in entry.themes.all()]) | themes
            )
        self.fields["themes"].queryset = themes.order_by("name").distinct()

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError("The date received cannot be in the future.")
        return received_on

    def clean_case_reference(self):
        reference = self.cleaned_data["case_reference"].strip()
        if not reference:
            return ""
        self.case = Case.objects.filter(reference__iexact=reference).first()
        if self.case is None:
            raise forms.ValidationError(f"No case has the reference {reference}.")
        return self.case.reference

    def clean(self):
        cleaned = super().clean()
        area, team = cleaned.get("service_area"), cleaned.get("team")
        if area and team and team.service_area_id != area.pk:
            self.add_error("team", f"{team.name} is not a team of {area.name}.")
        case = getattr(self, "case", None)
        if area and case and cleaned.get("case_reference") and case.service_area_id != area.pk:
            self.add_error("case_reference", f"Case {case.reference} is not in {area.name}.")
        return cleaned

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["case"] = getattr(self, "case", None) if data.pop("case_reference") else None
        return data


class YouSaidWeDidForm(forms.Form):
    cycle = forms.ModelChoiceField(
        label="Cycle", queryset=Cycle.objects.order_by("-review_starts_on")
    )
    theme = forms.ModelChoiceField(label="Theme", queryset=FeedbackTheme.objects.none())
    you_said = forms.CharField(
        label="You said",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What children, families, carers or professionals told us, in short.",
    )
    we_did = forms.CharField(
        label="We did",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What changed as a result.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = active_themes()
