"""The answer scales a toolkit question offers, for templates that show questions."""

from django import template

from audits.models import GRADE_DEFINITIONS, Choice, Grade

register = template.Library()


@register.simple_tag
def grade_scale() -> list[dict[str, str]]:
    """`{% grade_scale as grades %}`: Outstanding to Inadequate, each with its definition."""
    return [
        {"value": grade.value, "label": grade.label, "definition": GRADE_DEFINITIONS[grade]}
        for grade in Grade
    ]


@register.simple_tag
def yes_partly_no() -> list[tuple[str, str]]:
    """`{% yes_partly_no as choices %}`: the (value, label) pairs of a yes / partly / no answer."""
    return list(Choice.choices)
