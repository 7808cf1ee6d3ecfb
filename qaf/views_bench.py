"""The load benchmark's floor (bench/load.py, issue 9): a minimal logged-in page that runs one
indexed query through the same middleware as every other page, so each page's p95 can be given
as a ratio to it. Routed only when settings.QAF_BENCH_FLOOR is true (never in production)."""

from django.http import HttpResponse

from accounts.models import Notification


def bench_floor(request):
    # One query on the (recipient, read_at) index, the header badge's own question.
    unread = Notification.objects.filter(recipient=request.user, read_at=None).exists()
    return HttpResponse(f"ok {int(unread)}", content_type="text/plain")
