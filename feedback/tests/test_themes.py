"""Feedback themes: the QA Manager's list (add, rename, stop offering, delete one not in use)."""

import pytest
from django.core.exceptions import ValidationError

from feedback import themes as services
from feedback.models import FeedbackTheme
from feedback.tests.factories import (
    ComplaintComplimentFactory,
    FamilyFeedbackOnCaseFactory,
    FeedbackThemeFactory,
    IROFeedbackFactory,
    YouSaidWeDidFactory,
)

LIST = "/feedback/themes/"


def test_the_default_themes_are_installed_once(db):
    assert services.install_default_themes() == len(services.DEFAULT_THEMES)
    assert services.install_default_themes() == 0
    assert FeedbackTheme.objects.filter(name="Being listened to", active=True).exists()


def test_installing_the_defaults_keeps_a_renamed_or_inactive_theme(db):
    FeedbackThemeFactory(name="Respect", active=False)

    services.install_default_themes()

    assert FeedbackTheme.objects.get(name="Respect").active is False
    assert FeedbackTheme.objects.count() == len(services.DEFAULT_THEMES)


def test_a_theme_is_added_with_tidy_spaces(qa_manager):
    theme = services.FEEDBACK_THEMES.create(name="  Being   heard ", actor=qa_manager)

    assert theme.name == "Being heard"
    assert theme.active


def test_a_theme_name_already_used_is_refused_whatever_its_case(qa_manager):
    FeedbackThemeFactory(name="Respect")

    with pytest.raises(ValidationError):
        services.FEEDBACK_THEMES.create(name="respect", actor=qa_manager)


def test_a_theme_is_renamed(qa_manager):
    theme = FeedbackThemeFactory(name="Comms")

    services.FEEDBACK_THEMES.rename(theme=theme, name="Communication", actor=qa_manager)

    assert FeedbackTheme.objects.get(pk=theme.pk).name == "Communication"


def test_renaming_to_another_themes_name_is_refused(qa_manager):
    FeedbackThemeFactory(name="Respect")
    theme = FeedbackThemeFactory(name="Comms")

    with pytest.raises(ValidationError):
        services.FEEDBACK_THEMES.rename(theme=theme, name="Respect", actor=qa_manager)


def test_a_theme_is_made_inactive_and_active_again(qa_manager):
    theme = FeedbackThemeFactory()

    services.FEEDBACK_THEMES.set_active(theme=theme, active=False, actor=qa_manager)
    assert not services.active_themes().filter(pk=theme.pk).exists()

    services.FEEDBACK_THEMES.set_active(theme=theme, active=True, actor=qa_manager)
    assert services.active_themes().filter(pk=theme.pk).exists()


def test_a_theme_nothing_uses_is_deleted(qa_manager):
    theme = FeedbackThemeFactory()

    services.FEEDBACK_THEMES.delete(theme=theme, actor=qa_manager)

    assert not FeedbackTheme.objects.exists()


@pytest.mark.parametrize(
    "use",
    [
        lambda theme: ComplaintComplimentFactory(themes=[theme]),
        lambda theme: IROFeedbackFactory().themes.add(theme),
        lambda theme: FamilyFeedbackOnCaseFactory(themes=[theme]),
        lambda theme: YouSaidWeDidFactory(theme=theme),
    ],
    ids=["complaint", "iro", "family", "you_said_we_did"],
)
def test_a_theme_in_use_is_never_deleted(qa_manager, use):
    theme = FeedbackThemeFactory()
    use(theme)

    assert services.FEEDBACK_THEMES.in_use(theme)
    with pytest.raises(ValidationError):
        services.FEEDBACK_THEMES.delete(theme=theme, actor=qa_manager)
    assert FeedbackTheme.objects.filter(pk=theme.pk).exists()


def test_each_theme_says_how_many_records_use_it(db):
    used = FeedbackThemeFactory(name="Respect")
    FeedbackThemeFactory(name="Timeliness")
    ComplaintComplimentFactory(themes=[used])
    FamilyFeedbackOnCaseFactory(themes=[used])
    YouSaidWeDidFactory(theme=used)

    uses = {theme.name: theme.uses for theme in services.FEEDBACK_THEMES.with_use()}

    assert uses == {"Respect": 3, "Timeliness": 0}


# The pages.


@pytest.mark.parametrize(
    "person", ["service_manager", "head_of_service", "reviewer", "leadership", "superuser"]
)
def test_only_the_qa_manager_manages_themes(db, client, request, person):
    theme = FeedbackThemeFactory()
    client.force_login(request.getfixturevalue(person))

    for url in (LIST, f"{LIST}{theme.pk}/", f"{LIST}{theme.pk}/delete/"):
        assert client.get(url).status_code == 403
    assert client.post(f"{LIST}{theme.pk}/active/", {"active": "0"}).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("url", [LIST, f"{LIST}1/", f"{LIST}1/active/", f"{LIST}1/delete/"])
def test_an_anonymous_visitor_is_sent_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


def test_a_theme_that_does_not_exist_is_404(client, qa_manager):
    client.force_login(qa_manager)

    assert client.get(f"{LIST}999999/").status_code == 404


def test_the_qa_manager_adds_a_theme_on_the_themes_page(client, qa_manager):
    client.force_login(qa_manager)
    assert client.get(LIST).status_code == 200

    response = client.post(LIST, {"name": "Advocacy"}, follow=True)

    assert FeedbackTheme.objects.filter(name="Advocacy").exists()
    assert "The theme “Advocacy” is added." in response.content.decode()


def test_a_duplicate_name_is_shown_on_the_form(client, qa_manager):
    FeedbackThemeFactory(name="Respect")
    client.force_login(qa_manager)

    response = client.post(LIST, {"name": "Respect"})

    assert response.status_code == 200
    assert "There is already a theme called" in response.content.decode()


def test_the_qa_manager_renames_a_theme(client, qa_manager):
    theme = FeedbackThemeFactory(name="Comms")
    client.force_login(qa_manager)
    assert client.get(f"{LIST}{theme.pk}/").status_code == 200

    response = client.post(f"{LIST}{theme.pk}/", {"name": "Communication"})

    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.name == "Communication"


def test_the_qa_manager_stops_offering_a_theme(client, qa_manager):
    theme = FeedbackThemeFactory()
    client.force_login(qa_manager)

    client.post(f"{LIST}{theme.pk}/active/", {"active": "0"})

    theme.refresh_from_db()
    assert not theme.active


def test_deleting_asks_for_confirmation_then_deletes(client, qa_manager):
    theme = FeedbackThemeFactory(name="Spare")
    client.force_login(qa_manager)

    assert "Yes, delete" in client.get(f"{LIST}{theme.pk}/delete/").content.decode()
    assert FeedbackTheme.objects.exists()
    client.post(f"{LIST}{theme.pk}/delete/")
    assert not FeedbackTheme.objects.exists()


def test_deleting_a_theme_in_use_is_refused_with_a_message(client, qa_manager):
    theme = FeedbackThemeFactory(name="Respect")
    ComplaintComplimentFactory(themes=[theme])
    client.force_login(qa_manager)

    assert "Yes, delete" not in client.get(f"{LIST}{theme.pk}/delete/").content.decode()
    response = client.post(f"{LIST}{theme.pk}/delete/", follow=True)

    assert "cannot be deleted" in response.content.decode()
    assert FeedbackTheme.objects.filter(pk=theme.pk).exists()
