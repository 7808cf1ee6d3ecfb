"""Notifications: the list of a person's own, opening one (marks it read), marking all read."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .models import Notification
from .notifications import notification_mark_read, notifications_mark_all_read, notifications_of
from .permissions import get_object_for_user, require


@require("notifications.view")
def notification_list(request):
    page = Paginator(notifications_of(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "accounts/notifications.html", {"page_obj": page})


@require_POST
@require("notifications.view")
def notification_open(request, pk):
    """Mark the notification read, then go to its page: a local path only, never elsewhere."""
    notification = get_object_for_user(
        request.user, Notification.objects.all(), "notifications.view", pk=pk
    )
    notification_mark_read(notification=notification, actor=request.user)
    if not is_local_path(notification.url):
        messages.error(
            request, "This notification's link is not a page of QAF, so it was not opened."
        )
        return redirect("accounts:notifications")
    return HttpResponseRedirect(notification.url)


def is_local_path(url: str) -> bool:
    # No allowed hosts: only a URL without scheme and host passes ("//evil.example" does not).
    return url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None)


@require_POST
@require("notifications.view")
def notifications_read_all(request):
    marked = notifications_mark_all_read(actor=request.user)
    if marked:
        messages.success(
            request, f"Marked {marked} notification{'s' if marked != 1 else ''} as read."
        )
    else:
        messages.info(request, "You have no unread notifications.")
    return redirect("accounts:notifications")
