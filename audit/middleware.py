from .security_log import log_refused

REFUSED = (403, 404)


class RefusedAccessLogMiddleware:
    """A line in the "qaf.security" log for every 403 and 404 answer (ASVS 7: log access
    control failures), whether a view refused or no URL matched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in REFUSED:
            log_refused(request, response.status_code)
        return response
