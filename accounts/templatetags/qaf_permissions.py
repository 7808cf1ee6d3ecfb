from django import template

from accounts.permissions import can as _can

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action, obj=None):
    """`{% can "moderation.view_queue" as allowed %}`: the same rules the views ask."""
    return _can(context["request"].user, action, obj)
