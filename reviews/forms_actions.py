"""The forms of agreed actions and follow-up reviews. The services check the same rules again:
these give the messages beside the fields."""

from django import forms
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from audits.models import Cycle

from .models import Action, Review


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user: User) -> str:
        name = user.get_full_name() or user.email
        return f"{name}, {user.team.name}" if user.team_id else name


def owners_for(review: Review, action: Action | None = None):
    """Who may own an action from this review: the active people of the case's service area
    (its teams' staff and those holding a role there), and the action's present owner. Not the
    whole organisation: a shorter list to choose from, and fewer names shown to each reviewer."""
    area_id = review.case.service_area_id
    people = Q(team__service_area_id=area_id) | Q(memberships__service_area_id=area_id)
    if action is not None and action.owner_id:
        people |= Q(pk=action.owner_id)
    if review.case.practitioner_id:
        people |= Q(pk=review.case.practitioner_id)
    return (
        User.objects.filter(people, is_active=True)
        .distinct()
        .select_related("team")
        .order_by("last_name", "first_name", "pk")
    )


class ActionForm(forms.ModelForm):
    """What is to be done, who owns it and by when. On the review page the owner suggested is
    the case's practitioner, the person the action is usually agreed with."""

    owner = OwnerChoiceField(
        label="Who owns it",
        queryset=User.objects.none(),
        empty_label="Choose a person",
        error_messages={"required": "Choose who owns the action."},
    )

    class Meta:
        model = Action
        fields = ["description", "owner", "due_on"]
        labels = {"description": "What is to be done", "due_on": "By when"}
        help_texts = {
            "description": "The improvement agreed in the discussion with the practitioner and "
            "their manager.",
            "due_on": "A date in the future.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        error_messages = {
            "description": {"required": "Enter what is to be done."},
            "due_on": {
                "required": "Enter the date the action is due by.",
                "invalid": "Enter the date the action is due by as a real date.",
            },
        }

    def __init__(self, *args, review: Review | None = None, **kwargs):
        if review is not None and not kwargs.get("instance"):
            kwargs.setdefault("initial", {}).setdefault("owner", review.case.practitioner_id)
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners_for(review or self.instance.review, self.instance)
        self.fields["due_on"].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        unchanged = self.instance.pk and due_on == self.instance.due_on
        if not unchanged and due_on <= timezone.localdate():
            raise forms.ValidationError("The date the action is due by must be in the future.")
        return due_on


class EvidenceForm(forms.Form):
    evidence = forms.CharField(
        label="Evidence that the action is done",
        help_text="Where the improvement can be seen, for example the updated plan in the "
        "child's record and its date.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the evidence that the action is done."},
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Why it is reopened",
        help_text="What the evidence does not yet show, and what is still needed. The owner "
        "sees this beside the action.",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the action is reopened."},
    )


class FollowUpForm(forms.Form):
    cycle = forms.ModelChoiceField(
        label="Cycle of the follow-up review",
        queryset=Cycle.objects.none(),
        empty_label="Choose a cycle",
        error_messages={"required": "Choose the cycle of the follow-up review."},
    )

    def __init__(self, *args, cycles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = cycles
