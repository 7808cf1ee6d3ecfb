"""The notifications page: a person's own notifications, opening one, marking all read."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Notification

from .factories import NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/notifications/"


def open_url(notification) -> str:
    return f"/notifications/{notification.pk}/open/"


def main_of(response) -> str:
    return response.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]


def summaries(response) -> list[str]:
    return re.findall(
        r'<button type="submit" class="btn btn-link[^"]*">([^<]*)</button>', main_of(response)
    )


def test_a_person_sees_their_own_notifications_newest_first(client, practitioner):
    now = timezone.now()
    for days, summary in ((3, "Oldest"), (1, "Newest"), (2, "Middle")):
        notification = NotificationFactory(recipient=practitioner, summary=summary)
        Notification.objects.filter(pk=notification.pk).update(
            created_at=now - datetime.timedelta(days=days)
        )
    NotificationFactory(summary="Someone else's")
    client.force_login(practitioner)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert summaries(response) == ["Newest", "Middle", "Oldest"]


def test_unread_notifications_are_marked_in_words_not_colour_only(client, reviewer):
    NotificationFactory(recipient=reviewer, summary="Not read yet")
    NotificationFactory(recipient=reviewer, summary="Already read", read_at=timezone.now())
    client.force_login(reviewer)

    rows = main_of(client.get(LIST_URL)).split("<tr>")[2:]
    unread = next(row for row in rows if "Not read yet" in row)
    read = next(row for row in rows if "Already read" in row)

    assert ">Unread</span>" in unread
    assert "<td>Read</td>" in read
    assert "Unread" not in read


def test_a_person_with_no_notifications_is_told_so(client, reviewer):
    client.force_login(reviewer)

    content = main_of(client.get(LIST_URL))

    assert "You have no notifications." in content
    assert "Mark all as read" not in content


def test_the_list_is_paginated_by_25(client, reviewer):
    NotificationFactory.create_batch(30, recipient=reviewer)
    client.force_login(reviewer)

    assert len(summaries(client.get(LIST_URL))) == 25
    assert len(summaries(client.get(f"{LIST_URL}?page=2"))) == 5


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client, reviewer):
    notification = NotificationFactory(recipient=reviewer, url="/reviews/mine/")
    client.force_login(reviewer)

    response = client.post(open_url(notification))

    assert response.status_code == 302
    assert response["Location"] == "/reviews/mine/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_a_notification_again_keeps_the_time_it_was_first_read(client, reviewer):
    first_read = timezone.now() - datetime.timedelta(days=2)
    notification = NotificationFactory(recipient=reviewer, read_at=first_read)
    client.force_login(reviewer)

    client.post(open_url(notification))

    notification.refresh_from_db()
    assert notification.read_at == first_read


@pytest.mark.parametrize(
    "url", ["https://elsewhere.example/phish", "//elsewhere.example/phish", "/\\elsewhere.example"]
)
def test_a_notification_never_redirects_away_from_qaf(client, reviewer, url):
    notification = NotificationFactory(recipient=reviewer, url=url)  # written around notify()
    client.force_login(reviewer)

    response = client.post(open_url(notification), follow=True)

    assert response.redirect_chain == [(LIST_URL, 302)]
    assert "not a page of QAF, so it was not opened" in main_of(response)


def test_another_persons_notification_cannot_be_opened(client, reviewer):
    theirs = NotificationFactory(recipient=UserFactory())
    client.force_login(reviewer)

    assert client.post(open_url(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_notification_that_does_not_exist_is_not_found(client, reviewer):
    client.force_login(reviewer)

    assert client.post("/notifications/987654/open/").status_code == 404


def test_opening_takes_a_post_only(client, reviewer):
    notification = NotificationFactory(recipient=reviewer)
    client.force_login(reviewer)

    assert client.get(open_url(notification)).status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_as_read_marks_only_ones_own(client, reviewer):
    mine = NotificationFactory.create_batch(3, recipient=reviewer)
    theirs = NotificationFactory()
    client.force_login(reviewer)

    response = client.post("/notifications/read-all/", follow=True)

    assert "Marked 3 notifications as read." in main_of(response)
    assert all(n.read_at for n in Notification.objects.filter(pk__in=[n.pk for n in mine]))
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert ">Unread</span>" not in main_of(response)


def test_mark_all_as_read_with_nothing_unread_says_so(client, reviewer):
    client.force_login(reviewer)

    response = client.post("/notifications/read-all/", follow=True)

    assert "You have no unread notifications." in main_of(response)


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", LIST_URL), ("post", "/notifications/1/open/"), ("post", "/notifications/read-all/")],
)
def test_anonymous_visitors_are_sent_to_log_in(client, method, path):
    response = getattr(client, method)(path)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


@pytest.mark.parametrize(
    "person", ["reviewer", "practitioner", "qa_manager", "leadership", "outsider"]
)
def test_every_logged_in_person_has_a_notifications_page(client, request, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(LIST_URL).status_code == 200


def queries_for_list(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST_URL).status_code == 200
    return len(queries)


def test_the_list_runs_as_many_queries_for_25_notifications_as_for_3(client, reviewer):
    client.force_login(reviewer)
    NotificationFactory.create_batch(3, recipient=reviewer)
    three = queries_for_list(client)
    NotificationFactory.create_batch(22, recipient=reviewer)

    assert queries_for_list(client) == three
