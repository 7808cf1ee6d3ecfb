"""Hardening (issue 8, point 4): the Content Security Policy, CSRF on every state change, no
case reference in a URL, and errors that reveal nothing when DEBUG is off."""

import pytest
from django.test import Client, override_settings
from django.urls import path, reverse

from audits.tests.factories import CaseFactory
from reporting import charts
from tests.urlwalk import walk

EXPECTED_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    directives = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return dict(directives)


# Content Security Policy


def test_every_page_carries_the_enforced_policy_with_no_unsafe_inline(client, qa_manager):
    client.force_login(qa_manager)

    response = client.get(reverse("home"))

    assert _policy(response) == EXPECTED_POLICY
    assert "Content-Security-Policy-Report-Only" not in response
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_the_log_in_page_carries_the_policy_too(client):
    assert _policy(client.get(reverse("login"))) == EXPECTED_POLICY


def test_htmx_is_told_not_to_inject_its_inline_style(client, qa_manager):
    client.force_login(qa_manager)

    content = client.get(reverse("home")).content.decode()

    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false}'>""" in content


@pytest.mark.parametrize(
    "chart",
    [
        lambda: charts.grade_distribution_chart({"good": 3, "inadequate": 1}, "Grades"),
        lambda: charts.stacked_by_service_chart(
            {"Care": {"good": 2, "inadequate": 1}, "Children in Need": {"outstanding": 1}},
            "By service",
        ),
        lambda: charts.grade_distribution_chart({}, "Empty"),
    ],
)
def test_a_chart_has_no_inline_style_for_the_policy_to_block(chart):
    svg = chart().svg

    assert "<style" not in svg
    assert "style=" not in svg
    assert 'class="qaf-chart-svg"' in svg
    assert 'stroke-linejoin="round"' in svg  # the dropped <style>'s rule, as an attribute
    assert ' fill="' in svg  # matplotlib's styles, as presentation attributes


# CSRF: every state change needs the token


def test_a_post_without_a_csrf_token_is_refused_on_every_url(qa_manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(qa_manager)

    accepted = [
        f"{walked.route} -> {status}"
        for walked in walk()
        if (status := client.post(walked.url, {}).status_code) != 403
    ]

    assert not accepted, "POSTed without a CSRF token and not refused:\n" + "\n".join(accepted)


def test_a_post_without_a_csrf_token_is_refused_to_anonymous_people_too():
    client = Client(enforce_csrf_checks=True)

    for name in ("login", "password_reset"):
        assert client.post(reverse(name), {}).status_code == 403


# No case reference in a URL


def test_the_iro_case_lookup_takes_the_reference_by_post_only(client, qa_manager):
    case = CaseFactory(reference="CMS-424242")
    client.force_login(qa_manager)
    url = reverse("feedback:iro_case_lookup")

    assert client.get(url, {"reference": case.reference}).status_code == 405
    assert "CMS-424242" in client.post(url, {"reference": case.reference}).content.decode()


# Errors reveal no internals with DEBUG off


def _broken_view(request):
    raise RuntimeError("secret internals: /work/main/qaf/settings.py SECRET_KEY")


urlpatterns = [path("broken/", _broken_view)]


@pytest.mark.urls("tests.test_hardening")
@override_settings(DEBUG=False)
def test_a_server_error_shows_the_generic_page_and_no_traceback(db, qa_manager):
    client = Client(raise_request_exception=False)
    client.force_login(qa_manager)

    response = client.get("/broken/")

    content = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with QAF" in content
    assert "Traceback" not in content
    assert "secret internals" not in content
    assert "RuntimeError" not in content
    assert "settings.py" not in content
