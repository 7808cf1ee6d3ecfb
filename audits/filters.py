"""Filters of the QA Manager's lists (django-filter)."""

import django_filters
from django.db.models import Q

from accounts.models import ServiceArea, Team

from .models import Case, LegalStatus


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Case reference", field_name="reference", lookup_expr="icontains"
    )
    service_area = django_filters.ModelChoiceFilter(
        label="Service", queryset=ServiceArea.objects.order_by("name"), empty_label="All services"
    )
    team = django_filters.ModelChoiceFilter(
        label="Team",
        # A team's name reads with its service's: one query with the join.
        queryset=Team.objects.select_related("service_area").order_by("service_area__name", "name"),
        empty_label="All teams",
    )
    legal_status = django_filters.ChoiceFilter(
        label="Legal status", choices=LegalStatus.choices, empty_label="All legal statuses"
    )
    state = django_filters.ChoiceFilter(
        label="Open or closed",
        choices=[("open", "Open"), ("closed", "Closed")],
        empty_label="Open and closed",
        method="filter_state",
    )

    class Meta:
        model = Case
        fields = ["q", "service_area", "team", "legal_status", "state"]

    def filter_state(self, queryset, name, value):
        if value == "open":
            return queryset.filter(closed_on__isnull=True)
        if value == "closed":
            return queryset.filter(~Q(closed_on__isnull=True))
        return queryset
