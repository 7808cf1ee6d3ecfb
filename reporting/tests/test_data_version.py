"""The data version (reporting/data_version.py): every committed write to QAF's data moves it
on, once a transaction, whichever way it was written; cached figures are kept under it, so the
dashboard and the report preview never show figures older than the last committed change."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.db import connection, transaction

from accounts.models import ServiceArea
from accounts.tests.factories import ServiceAreaFactory
from audits.models import Cycle
from audits.tests.factories import CycleFactory
from reporting import views
from reporting.data_version import data_version
from reporting.figures import cycle_figures as real
from reviews.tests.factories import submitted_review

URL = "/reporting/dashboard/"


def moves(callbacks) -> int:
    return sum(1 for callback in callbacks if getattr(callback, "qaf_data_version", False))


@pytest.mark.django_db
def test_a_transaction_moves_the_version_on_once_however_many_writes(
    django_capture_on_commit_callbacks,
):
    before = data_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        areas = ServiceAreaFactory.create_batch(3)
        ServiceArea.objects.filter(pk=areas[0].pk).update(name="Renamed")

    assert moves(callbacks) == 1
    assert data_version() == before + 1


@pytest.mark.django_db
def test_what_reading_pages_writes_does_not_move_it(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        SessionStore().create()  # a log-in or a page's session

    assert moves(callbacks) == 0


@pytest.mark.django_db(transaction=True)
def test_committed_writes_move_it_whichever_way_they_were_made():
    seen = [data_version()]
    area = ServiceAreaFactory()  # save()
    seen.append(data_version())
    ServiceArea.objects.filter(pk=area.pk).update(name="Early Help")  # a queryset's update
    seen.append(data_version())
    with connection.cursor() as cursor:  # raw SQL, as the case import writes
        cursor.execute("UPDATE accounts_servicearea SET name = %s", ["Early Help Hub"])
    seen.append(data_version())

    assert seen == sorted(set(seen))  # moved on at every step


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_leaves_it_alone():
    def refused_half_way():
        with transaction.atomic():
            ServiceAreaFactory()
            raise RuntimeError("refused half-way")

    before = data_version()
    with pytest.raises(RuntimeError):
        refused_half_way()

    assert data_version() == before


@pytest.fixture
def figures_cached(settings):
    settings.QAF_FIGURES_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_shows_cached_figures_until_the_data_changes(
    client, leadership, service_area, figures_cached, monkeypatch
):
    computed = []
    monkeypatch.setattr(views, "cycle_figures", lambda **kw: computed.append(kw) or real(**kw))
    cycle = CycleFactory(name="Autumn review", status=Cycle.Status.REVIEW)
    submitted_review(service_area=service_area, cycle=cycle, grade="good")
    client.force_login(leadership)

    first = client.get(URL).content.decode()
    again = client.get(URL).content.decode()
    submitted_review(service_area=service_area, cycle=cycle, grade="inadequate")
    after_a_change = client.get(URL).content.decode()

    assert "1 of 1 planned reviews completed" in first
    assert "1 of 1 planned reviews completed" in again
    assert "2 of 2 planned reviews completed" in after_a_change
    assert len(computed) == 2  # the second visit's figures came from the cache
