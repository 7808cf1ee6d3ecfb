"""Figures as text on the dashboard: shares as percentages, days rounded, an en dash for no data."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

NO_DATA = mark_safe('<span aria-hidden="true">–</span><span class="visually-hidden">no data</span>')


@register.filter
def percentage(value):
    """0.8 -> "80%"; None -> an en dash (read as "no data")."""
    if value is None:
        return NO_DATA
    return f"{round(value * 100)}%"


@register.filter
def days(value):
    """3.25 -> "3.3 days"; None -> an en dash (read as "no data")."""
    if value is None:
        return NO_DATA
    return f"{value:.1f} days"
