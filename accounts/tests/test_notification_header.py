"""The header's "Notifications" link and its unread count: one query, and only when shown."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.context_processors import navigation

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db


def header_of(response) -> str:
    return response.content.decode().split("<header>", 1)[1].split("</header>", 1)[0]


def test_the_header_links_to_notifications_with_the_unread_count(client, reviewer):
    NotificationFactory.create_batch(3, recipient=reviewer)
    NotificationFactory(recipient=reviewer, read_at=timezone.now())
    NotificationFactory()  # someone else's
    client.force_login(reviewer)

    header = header_of(client.get("/"))

    assert 'href="/notifications/"' in header
    assert (
        'Notifications <span class="badge text-bg-warning">3</span>'
        '<span class="visually-hidden"> unread</span></a>'
    ) in header


def test_the_header_shows_no_count_when_everything_is_read(client, reviewer):
    NotificationFactory(recipient=reviewer, read_at=timezone.now())
    client.force_login(reviewer)

    header = header_of(client.get("/"))

    assert 'data-testid="notifications-link">Notifications</a>' in header
    assert "unread" not in header


def test_the_link_is_marked_current_on_the_notifications_page(client, reviewer):
    client.force_login(reviewer)

    header = header_of(client.get("/notifications/"))

    assert 'href="/notifications/" aria-current="page"' in header


def test_anonymous_visitors_see_no_notifications_link(client):
    assert "Notifications" not in header_of(client.get("/login/"))


def test_a_page_counts_the_unread_notifications_in_one_query(client, reviewer):
    NotificationFactory.create_batch(5, recipient=reviewer)
    client.force_login(reviewer)

    with CaptureQueriesContext(connection) as queries:
        client.get("/")

    notification_queries = [q["sql"] for q in queries if "accounts_notification" in q["sql"]]
    assert len(notification_queries) == 1
    assert "COUNT(" in notification_queries[0]


def test_the_count_is_queried_only_when_a_template_shows_it(reviewer, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = reviewer

    with django_assert_num_queries(0):
        context = navigation(request)
    with django_assert_num_queries(1):
        assert str(context["unread_notifications"]) == "0"
        assert not context["unread_notifications"]
