"""The Service Manager's assurance and the Head of Service's decision on an escalation. The
service holds the rules; these forms collect the input and carry its errors to their fields."""

from django import forms

from .escalations import ASSURANCE_REQUIRED

TEXTAREA = {"rows": 4}


def _text(label: str, help_text: str = "", *, required: bool = True, name: str = "") -> forms.Field:
    messages = {"required": ASSURANCE_REQUIRED[name]} if name in ASSURANCE_REQUIRED else {}
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages=messages,
    )


class AssuranceForm(forms.Form):
    safety_assurance = _text(
        "Your assurance on the child's safety",
        "Having reviewed the child's records: are the child and those it relates to safe?",
        name="safety_assurance",
    )
    mitigation = _text(
        "What is in place to mitigate the risk",
        "What has been put in place to mitigate any known risk.",
        name="mitigation",
    )
    actions_needed = _text("The actions needed", name="actions_needed")
    urgent = forms.BooleanField(
        label="An action is urgent",
        required=False,
        help_text="Urgent actions must be undertaken swiftly to ensure the child is safe.",
    )
    disputed = forms.BooleanField(
        label="I dispute the level of concern",
        required=False,
        help_text="The Head of Service will give the final decision.",
    )
    dispute_reason = _text(
        "Why you dispute the level of concern", "Only if you dispute it.", required=False
    )


class DecisionForm(forms.Form):
    decision = forms.CharField(
        label="Your decision on the level of concern",
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="Your decision is final and closes the escalation.",
        error_messages={"required": "Enter your decision on the level of concern"},
    )
