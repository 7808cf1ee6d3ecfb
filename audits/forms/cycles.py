"""Forms of the QA calendar and cycles pages. The rules live in audits/services/cycles.py; the
views put the service's ValidationError on these forms, beside the fields it names."""

from django import forms

from ..models import QACalendar, Toolkit, ToolkitKind


def cycle_toolkits():
    """The tools a cycle's reviews can use: the Practice Review or a theme's tool."""
    return Toolkit.objects.filter(
        kind__in=[ToolkitKind.PRACTICE_REVIEW, ToolkitKind.THEMATIC_REVIEW]
    ).order_by("kind", "name")


class CalendarForm(forms.Form):
    review_months = forms.CharField(
        label="Review months",
        max_length=40,
        help_text="The months in which a cycle's review phase starts, as month numbers separated "
        "by commas: 1 is January, 11 is November. Six two-monthly cycles: 1,3,5,7,9,11.",
    )
    review_phase = forms.ChoiceField(
        label="Review phase",
        choices=QACalendar.ReviewPhase.choices,
        widget=forms.RadioSelect,
        help_text="Reviews are completed in the first month of the cycle, or in an audit "
        "fortnight (its first 14 days). The reporting phase runs to the end of the next month.",
    )
    reminder_days = forms.IntegerField(
        label="Remind reviewers this many days before the review phase closes", min_value=1
    )
    escalation_deadline_working_days = forms.IntegerField(
        label="Working days a service manager has to record assurance on an escalation",
        min_value=1,
    )


class GenerateCyclesForm(forms.Form):
    year = forms.IntegerField(label="Year", min_value=2000, max_value=2100)
    toolkit = forms.ModelChoiceField(
        label="Toolkit for the cycles' reviews",
        queryset=Toolkit.objects.none(),
        required=False,
        empty_label="The Practice Review (default)",
        help_text="Each cycle's toolkit can be changed while it is planned.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["toolkit"].queryset = cycle_toolkits()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CycleDatesForm(forms.Form):
    review_starts_on = forms.DateField(label="Review phase starts on", widget=DateInput())
    review_ends_on = forms.DateField(label="Review phase ends on", widget=DateInput())
    reporting_ends_on = forms.DateField(label="Reporting phase ends on", widget=DateInput())
    toolkit = forms.ModelChoiceField(
        label="Toolkit for the cycle's reviews",
        queryset=Toolkit.objects.none(),
        required=False,
        empty_label="No toolkit chosen yet",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["toolkit"].queryset = cycle_toolkits()


class CycleTransitionForm(forms.Form):
    note = forms.CharField(
        label="Note for the cycle's history (optional)",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
