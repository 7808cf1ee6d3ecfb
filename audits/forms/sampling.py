"""Forms of a cycle's sample page. The rules live in audits/services/sampling.py."""

from django import forms

from ..models import Case, Toolkit
from ..services.sampling import REVIEW_KINDS, conflict_of_interest


class SampleForm(forms.Form):
    per_team = forms.IntegerField(
        label="Cases per team",
        min_value=1,
        max_value=50,
        initial=2,
        help_text="Open cases drawn at random from each team, balanced across legal status.",
    )
    seed = forms.IntegerField(
        label="Seed",
        min_value=0,
        help_text="The same seed over the same cases draws the same sample, so a draw can be "
        "checked and repeated.",
    )
    exclude_months = forms.IntegerField(
        label="Leave out cases reviewed in the last (months)", min_value=0, max_value=60,
        initial=12,
    )  # fmt: skip


class AddCaseForm(forms.Form):
    reference = forms.CharField(label="Case reference", max_length=50)
    toolkit = forms.ModelChoiceField(
        label="Toolkit",
        queryset=Toolkit.objects.filter(kind__in=REVIEW_KINDS).order_by("kind", "name"),
        empty_label=None,
        help_text="The cycle's toolkit, or a Practice Observation (created one by one).",
    )

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        self.case = Case.objects.filter(reference__iexact=reference).first()
        if self.case is None:
            raise forms.ValidationError(
                f"No case has the reference {reference}. Check it, or import the case list."
            )
        return reference


class AssignForm(forms.Form):
    """One reviewer select per review, offering only reviewers free of a conflict of interest
    (the service checks again). Blank leaves the review as it is."""

    def __init__(self, *args, reviews, candidates, load, suggestions, **kwargs):
        super().__init__(*args, **kwargs)
        self.reviews = reviews
        self.people = {user.pk: user for user in candidates}
        for review in reviews:
            eligible = [u for u in candidates if conflict_of_interest(u, review.case) is None]
            if review.reviewer_id and review.reviewer_id not in {u.pk for u in eligible}:
                eligible.insert(0, review.reviewer)  # keeping the current reviewer is allowed
                self.people[review.reviewer_id] = review.reviewer
            blank = "No reviewer yet" if review.reviewer_id is None else "Keep as it is"
            suggested = suggestions.get(review.pk)
            field = forms.TypedChoiceField(
                label=f"Reviewer for case {review.case.reference}",
                choices=[("", f"— {blank} —")]
                + [(u.pk, _candidate_label(u, load.get(u.pk, 0))) for u in eligible],
                coerce=int,
                empty_value=None,
                required=False,
                initial=review.reviewer_id or (suggested.pk if suggested else None),
            )
            self.fields[f"review_{review.pk}"] = field
        # (review, its select) for the table the page draws.
        self.rows = [(review, self[f"review_{review.pk}"]) for review in reviews]

    def assignments(self) -> dict:
        """{review: reviewer} for every select with a reviewer chosen."""
        chosen = {}
        for review in self.reviews:
            user_id = self.cleaned_data.get(f"review_{review.pk}")
            if user_id is not None:
                chosen[review] = self.people[user_id]
        return chosen


def _candidate_label(user, load: int) -> str:
    team = f", {user.team.name}" if user.team_id else ""
    return f"{user}{team} ({load} in this cycle)"
