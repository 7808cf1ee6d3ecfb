"""The review page's "Feedback about this case" section: its data comes from here, so the
review view needs no change."""

from django import template

from accounts.permissions import can

from ..triangulation import feedback_for_case

register = template.Library()


@register.inclusion_tag("feedback/triangulation.html", takes_context=True)
def case_feedback(context, case):
    user = context["request"].user
    return {
        "case": case,
        "items": feedback_for_case(case),
        "may_ask_family": can(user, "feedback.links", case),
    }
