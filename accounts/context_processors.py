from django.utils.functional import SimpleLazyObject

from .navigation import navigation_for
from .notifications import unread_count


def navigation(request):
    """The navigation entries the user may use and their unread notifications (the header's
    badge), each computed only if a template asks for it: the count is one query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "unread_notifications": 0}
    return {
        "nav_items": SimpleLazyObject(lambda: navigation_for(user, request.path)),
        "unread_notifications": SimpleLazyObject(lambda: unread_count(user)),
    }
