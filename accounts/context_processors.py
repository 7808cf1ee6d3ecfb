from django.utils.functional import SimpleLazyObject

from .navigation import navigation_for


def navigation(request):
    """The navigation entries the user may use, computed only if a template asks for them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": SimpleLazyObject(lambda: navigation_for(user, request.path))}
