from django.contrib import admin

from .models import Case


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "service_area",
        "team",
        "practitioner",
        "case_type",
        "opened_on",
        "closed_on",
    ]
    list_filter = ["service_area", "case_type"]
    search_fields = ["reference"]
    list_select_related = ["service_area", "team", "practitioner"]
    autocomplete_fields = ["practitioner"]
