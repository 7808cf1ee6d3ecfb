"""Your sessions: where a person sees where they are logged in, and ends the others."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .sessions import session_end, sessions_end_others, sessions_of
from .user_agents import describe_user_agent


def sessions(request):
    current_key = request.session.session_key
    rows = sorted(sessions_of(request.user), key=lambda row: row.session_id != current_key)
    for row in rows:
        row.is_current = row.session_id == current_key
        row.device = describe_user_agent(row.user_agent)
    return render(request, "accounts/sessions.html", {"log_in_sessions": rows})


@require_POST
def session_end_view(request, pk):
    if not session_end(user=request.user, pk=pk, current_key=request.session.session_key):
        raise Http404  # not one of yours, already ended, or this one (that is "Log out")
    messages.success(request, "That session has ended: it must log in again to do anything.")
    return redirect("accounts:sessions")


@require_POST
def sessions_end_others_view(request):
    ended = sessions_end_others(user=request.user, current_key=request.session.session_key)
    if ended:
        messages.success(
            request,
            f"{ended} other session{'s' if ended != 1 else ''} ended. You are still "
            "logged in here.",
        )
    else:
        messages.info(request, "You had no other sessions.")
    return redirect("accounts:sessions")


@require_POST
def session_keep_alive(request):
    """'Stay logged in': any request renews the idle clock (SESSION_SAVE_EVERY_REQUEST); this
    one does nothing else."""
    return HttpResponse(status=204)
