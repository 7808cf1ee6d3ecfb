from django import template

from feedback.practitioner import may_give_practitioner_feedback as _may_give

register = template.Library()


@register.simple_tag(takes_context=True)
def may_give_practitioner_feedback(context, review) -> bool:
    """Only queries for the case's practitioner on a moderated or finalised review."""
    user = context.get("user") or context["request"].user
    return _may_give(user, review)
