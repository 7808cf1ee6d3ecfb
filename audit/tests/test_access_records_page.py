"""The QA Manager's and the Data Protection Officer's access records page: search, export, and
no way to change a record."""

import datetime
import re

import pytest
from django.contrib import admin
from django.urls import get_resolver, reverse
from django.utils import timezone

from audit.models import AccessRecord
from audits.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

PAGE = "/audit/access-records/"
EXPORT = "/audit/access-records/export/"


def record(case, user, *, days_ago=0, page="review"):
    return AccessRecord.objects.create(
        user=user,
        user_email=user.email,
        case=case,
        case_reference=case.reference,
        page=page,
        object_id=1,
        path="/reviews/1/",
        at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def test_the_url_names_are_stable():
    assert reverse("audit:access_records") == PAGE
    assert reverse("audit:access_records_export") == EXPORT


@pytest.mark.parametrize("person", ["qa_manager", "data_protection_officer"])
def test_the_qa_manager_and_the_data_protection_officer_open_the_page(client, request, person):
    client.force_login(request.getfixturevalue(person))

    response = client.get(PAGE)

    assert response.status_code == 200
    assert "Access records" in response.content.decode()


@pytest.mark.parametrize(
    "person", ["reviewer", "moderator", "service_manager", "leadership", "superuser", "outsider"]
)
def test_everyone_else_gets_403(client, request, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(PAGE).status_code == 403
    assert client.post(EXPORT, {"case_reference": "X"}).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_search_by_case_reference_lists_its_records_newest_first(
    client, data_protection_officer, reviewer, moderator
):
    case, other = CaseFactory(), CaseFactory()
    older = record(case, reviewer, days_ago=2)
    newer = record(case, moderator, days_ago=1, page="moderation")
    record(other, reviewer)
    client.force_login(data_protection_officer)

    response = client.post(PAGE, {"case_reference": case.reference.lower()})

    assert response.status_code == 200
    assert list(response.context["page_obj"]) == [newer, older]
    assert moderator.email in response.content.decode()


def test_a_search_by_user_and_dates_keeps_only_those_days(client, qa_manager, reviewer):
    case = CaseFactory()
    record(case, reviewer, days_ago=10)
    recent = record(case, reviewer, days_ago=1)
    record(case, qa_manager, days_ago=1)
    client.force_login(qa_manager)
    since = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()

    response = client.post(PAGE, {"user_email": reviewer.email.upper(), "date_from": since})

    assert list(response.context["page_obj"]) == [recent]


def test_a_search_needs_a_case_reference_or_a_user(client, qa_manager):
    client.force_login(qa_manager)

    response = client.post(PAGE, {"date_from": "2026-01-01"})

    assert response.context["page_obj"] is None
    assert "Enter a case reference or a user&#x27;s email address" in response.content.decode()


def test_the_search_form_posts_so_the_case_reference_never_reaches_the_address(client, qa_manager):
    client.force_login(qa_manager)

    content = client.get(PAGE).content.decode()

    assert f'<form method="post" action="{PAGE}"' in content
    assert f'formaction="{EXPORT}"' in content
    assert client.get(EXPORT, {"case_reference": "CIN-1"}).status_code == 405


def test_the_results_are_paginated_by_posting_the_search_again(client, qa_manager, reviewer):
    case = CaseFactory()
    for _ in range(51):
        record(case, reviewer)
    client.force_login(qa_manager)

    first = client.post(PAGE, {"case_reference": case.reference})
    second = client.post(PAGE, {"case_reference": case.reference, "page": 2})

    assert first.context["page_obj"].paginator.num_pages == 2
    assert len(second.context["page_obj"]) == 1
    assert 'name="page" value="2"' in first.content.decode()
    assert not re.search(rf'href="[^"]*{case.reference}', first.content.decode())


def test_the_export_streams_the_matching_records_as_safe_csv(client, qa_manager, reviewer):
    case = CaseFactory(reference="=HYPERLINK(1)")
    record(case, reviewer)
    record(CaseFactory(), reviewer)
    client.force_login(qa_manager)

    response = client.post(EXPORT, {"case_reference": case.reference})

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="access-records-')
    lines = b"".join(response.streaming_content).decode().lstrip("\ufeff").splitlines()
    assert lines[0] == "When,User,Case reference,Page,Object id,Path"
    assert len(lines) == 2
    assert f"{reviewer.email},'=HYPERLINK(1),Review,1,/reviews/1/" in lines[1]


def test_no_url_of_the_app_changes_or_deletes_access_records():
    names = [
        name
        for name in get_resolver().reverse_dict
        if isinstance(name, str) and "access" in name.lower()
    ]
    audit_names = set(get_resolver().namespace_dict["audit"][1].reverse_dict.keys())
    assert {n for n in audit_names if isinstance(n, str)} == {
        "access_records",
        "access_records_export",
    }
    assert not [n for n in names if any(w in n for w in ("edit", "delete", "change"))]


def test_the_admin_offers_no_way_to_change_access_records(client, superuser):
    assert AccessRecord not in admin.site._registry
    client.force_login(superuser)

    assert client.get("/admin/audit/accessrecord/").status_code == 404


def test_the_pages_post_changes_nothing(client, qa_manager, reviewer):
    existing = record(CaseFactory(), reviewer)
    client.force_login(qa_manager)

    client.post(PAGE, {"case_reference": existing.case_reference, "page": "1", "at": "2000-01-01"})
    client.post(EXPORT, {"case_reference": existing.case_reference})

    assert list(AccessRecord.objects.values_list("pk", "at")) == [(existing.pk, existing.at)]
