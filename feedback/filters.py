"""Filters of the feedback lists (django-filter)."""

import django_filters
from django import forms

from accounts.models import ServiceArea, Team

from .models import ComplaintCompliment, FeedbackTheme

_DATE = forms.DateInput(attrs={"type": "date"})


class ComplaintFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label="Complaint or compliment",
        choices=ComplaintCompliment.Kind.choices,
        empty_label="Both",
    )
    from_whom = django_filters.ChoiceFilter(
        label="From", choices=ComplaintCompliment.From.choices, empty_label="Anyone"
    )
    service_area = django_filters.ModelChoiceFilter(
        label="Service", queryset=ServiceArea.objects.order_by("name"), empty_label="All services"
    )
    team = django_filters.ModelChoiceFilter(
        label="Team",
        queryset=Team.objects.select_related("service_area").order_by("service_area__name", "name"),
        empty_label="All teams",
    )
    theme = django_filters.ModelChoiceFilter(
        label="Theme",
        field_name="themes",
        queryset=FeedbackTheme.objects.order_by("name"),
        empty_label="All themes",
    )
    received_from = django_filters.DateFilter(
        label="Received from", field_name="received_on", lookup_expr="gte", widget=_DATE
    )
    received_to = django_filters.DateFilter(
        label="Received to", field_name="received_on", lookup_expr="lte", widget=_DATE
    )

    class Meta:
        model = ComplaintCompliment
        fields = [
            "kind",
            "from_whom",
            "service_area",
            "team",
            "theme",
            "received_from",
            "received_to",
        ]
