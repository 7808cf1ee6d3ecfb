"""The reviews list's filters (django-filter). Each filter offers only the choices that occur in
the reviews the user may see, so the list never names a cycle, service or team beyond them."""

import django_filters
from django.db.models import QuerySet

from accounts.models import ServiceArea, Team
from audits.models import Cycle, Grade, Toolkit

from .models import Review


class ReviewFilter(django_filters.FilterSet):
    cycle = django_filters.ModelChoiceFilter(
        label="Cycle", queryset=Cycle.objects.none(), empty_label="All cycles"
    )
    service_area = django_filters.ModelChoiceFilter(
        label="Service",
        field_name="service_area",
        queryset=ServiceArea.objects.none(),
        empty_label="All services",
    )
    team = django_filters.ModelChoiceFilter(
        label="Team", field_name="case__team", queryset=Team.objects.none(), empty_label="All teams"
    )
    toolkit = django_filters.ModelChoiceFilter(
        label="Toolkit",
        field_name="toolkit_version__toolkit",
        queryset=Toolkit.objects.none(),
        empty_label="All toolkits",
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=Review.Status.choices, empty_label="All statuses"
    )
    grade = django_filters.ChoiceFilter(
        label="Overall grade", choices=Grade.choices, empty_label="All grades", method="by_grade"
    )

    class Meta:
        model = Review
        fields = ["cycle", "service_area", "team", "toolkit", "status", "grade"]

    def __init__(
        self, data=None, queryset: QuerySet[Review] | None = None, *, sees_all=False, **kwargs
    ):
        super().__init__(data, queryset, **kwargs)
        if sees_all:
            # Someone who may read every review may be offered every choice: the same lists
            # without a scan of all the reviews and their cases for each one (issue 9: the
            # subqueries cost 0.4 s with ten years of reviews).
            visible = Review.objects.all()
            self.filters["cycle"].queryset = Cycle.objects.order_by("-review_starts_on")
            self.filters["service_area"].queryset = ServiceArea.objects.order_by("name")
            self.filters["team"].queryset = Team.objects.select_related("service_area").order_by(
                "service_area__name", "name"
            )
            self.filters["toolkit"].queryset = Toolkit.objects.filter(
                pk__in=visible.values("toolkit_version__toolkit")
            ).order_by("name")
            return
        visible = self.queryset
        choices = {
            "cycle": Cycle.objects.filter(pk__in=visible.values("cycle")).order_by(
                "-review_starts_on"
            ),
            "service_area": ServiceArea.objects.filter(
                pk__in=visible.values("service_area")
            ).order_by("name"),
            # A team's name reads with its service's: one query with the join.
            "team": Team.objects.filter(pk__in=visible.values("case__team"))
            .select_related("service_area")
            .order_by("service_area__name", "name"),
            "toolkit": Toolkit.objects.filter(
                pk__in=visible.values("toolkit_version__toolkit")
            ).order_by("name"),
        }
        for name, queryset_of_choices in choices.items():
            self.filters[name].queryset = queryset_of_choices

    def by_grade(self, queryset, name, value):
        # The final grade: the reviewer's from submit, the moderator's once moderated. A draft
        # (or a review returned to its reviewer) has none: its grade is a working note.
        return queryset.filter(final_grade=value)
