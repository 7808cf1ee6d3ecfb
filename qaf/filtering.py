"""
List filters that never put case data in a URL.

A case reference typed into a search box must not travel in a query string: URLs end up in
server and proxy logs, browser history and the Referer header (issue 8, "nothing sensitive in
URLs"). So a list's filter form is POSTed: the private fields (the case reference search) are
kept in the session, and the browser is redirected to the list with only the harmless filters
(service, team, status...) in its query string, so page links and bookmarks still work.
"""

from django.http import HttpRequest, HttpResponseRedirect, QueryDict

_SESSION_KEY = "qaf_private_filters"


def filters_post(request: HttpRequest, *, key: str, private: tuple[str, ...] = ("q",)):
    """Handle the POSTed filter form of the list `key`: remember its private fields in the
    session (or forget them all if "clear" was pressed) and redirect to the list, GET, with
    the other filters in the query string."""
    remembered = request.session.get(_SESSION_KEY, {})
    query = QueryDict(mutable=True)
    if "clear" in request.POST:
        remembered.pop(key, None)
    else:
        remembered[key] = {
            name: request.POST.get(name, "").strip()
            for name in private
            if request.POST.get(name, "").strip()
        }
        for name, values in request.POST.lists():
            if name not in private and name not in ("csrfmiddlewaretoken", "page"):
                query.setlist(name, [value for value in values if value])
    request.session[_SESSION_KEY] = remembered
    return HttpResponseRedirect(f"{request.path}?{query.urlencode()}" if query else request.path)


def filters_data(request: HttpRequest, *, key: str) -> QueryDict | None:
    """The list's filters: the query string's, plus the private ones remembered in the session;
    None when there is none (an unbound filter)."""
    data = request.GET.copy()
    data.pop("page", None)
    for name, value in request.session.get(_SESSION_KEY, {}).get(key, {}).items():
        data[name] = value
    return data or None
