from django import forms

from .models import ActionPlanItem, Report


class ReportNarrativeForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["key_findings", "strengths", "areas_for_development", "learning"]
        labels = {"learning": "Learning and dissemination"}
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in fields}


class PlanItemForm(forms.ModelForm):
    class Meta:
        model = ActionPlanItem
        fields = ["action", "owner", "due_on"]
        labels = {"due_on": "Due date"}
        widgets = {
            "action": forms.Textarea(attrs={"rows": 2}),
            "due_on": forms.DateInput(attrs={"type": "date"}),
        }
