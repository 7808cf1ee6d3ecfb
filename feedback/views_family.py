"""Children's and families' feedback links: the staff page that makes a link, and the public
pages a child, young person, parent or carer opens without an account."""

from functools import wraps

import qrcode
import qrcode.image.svg
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe

from accounts.permissions import get_object_for_user, require
from audits.models import Case

from .family import (
    LinkClosed,
    family_feedback_list,
    family_feedback_submit,
    link_create,
    link_for_token,
    link_state,
    public_submission_record,
)
from .forms_family import FACES, FORMS, SCALE, LinkCreateForm

CLOSED_STATUS = {"unknown": 404, "used": 410, "expired": 410}
PAGE_SIZE = 25


def _private_page(response):
    """Nothing to cache, nothing to pass on: the URL is the key to the form.

    "same-origin", not "no-referrer": with no-referrer the browser sends `Origin: null` on the
    form's POST and the CSRF check refuses it; same-origin still never sends the URL, with its
    token, to another site.
    """
    add_never_cache_headers(response)  # Cache-Control: no-store among others
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def public(view):
    """A page anyone may open (no account), never cached, its URL never sent elsewhere."""

    @login_not_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return _private_page(view(request, *args, **kwargs))

    return wrapped


@require("feedback.view")
def family_list(request):
    page = Paginator(family_feedback_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    words = dict(SCALE)  # the words the family chose, as they saw them
    for feedback in page:
        feedback.listened_words = words[feedback.listened_to]
        feedback.helped_words = words[feedback.helped]
    context = {"page_obj": page}
    return render(request, "feedback/family/list.html", context)


@require("feedback.links")
def link_new(request):
    # The case comes by its database id, never its reference: no case data in a URL.
    case_id = request.GET.get("case")
    initial = {}
    if case_id:
        if not case_id.isdigit():
            raise Http404
        case = get_object_for_user(request.user, Case.objects, "feedback.links", pk=case_id)
        initial["case"] = case.reference
    form = LinkCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        case = form.cleaned_data["case"]
        link, token = link_create(
            case=case, version=form.cleaned_data["version"], actor=request.user
        )
        url = request.build_absolute_uri(reverse("feedback:family_form", args=[token]))
        context = {"link": link, "url": url, "qr_svg": _qr_svg(url)}
        return _private_page(render(request, "feedback/family/link_created.html", context))
    return render(request, "feedback/family/link_new.html", {"form": form})


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    # Made here from our own URL: safe to put in the page as it is.
    return mark_safe(image.to_string(encoding="unicode"))


@public
def family_form(request, token):
    if request.method == "POST" and not public_submission_record(
        address=request.META.get("REMOTE_ADDR", "")
    ):
        return render(request, "feedback/family/throttled.html", status=429)
    link = link_for_token(token)
    state = link_state(link)
    if state != "open":
        return _closed(request, state)
    form = FORMS[link.version](request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            family_feedback_submit(token=token, data=form.cleaned_data)
        except LinkClosed as closed:
            return _closed(request, closed.state)
        return redirect("feedback:family_thanks")
    context = {"form": form, "faces": FACES}
    return render(request, f"feedback/family/form_{link.version}.html", context)


def _closed(request, state):
    context = {"state": state}
    return render(request, "feedback/family/closed.html", context, status=CLOSED_STATUS[state])


@public
def family_thanks(request):
    return render(request, "feedback/family/thanks.html")
