"""Practice themes: the QA Manager's taxonomy, and the reviewer tagging a review's strengths and
areas for development with it."""

import re

import pytest
from django.core.exceptions import ValidationError

from reviews.models import PracticeTheme, Review, ReviewTheme
from reviews.services import review_save
from reviews.themes import (
    DEFAULT_PRACTICE_THEMES,
    PRACTICE_THEMES,
    install_default_practice_themes,
    review_themes_by_kind,
)

from .factories import ReviewFactory, published_version, submitted_review

pytestmark = pytest.mark.django_db

LIST = "/reviews/practice-themes/"
STRENGTH, DEVELOPMENT = ReviewTheme.Kind.STRENGTH, ReviewTheme.Kind.DEVELOPMENT


@pytest.fixture
def review(reviewer, service_area):
    return ReviewFactory(
        reviewer=reviewer,
        toolkit_version=published_version(6),
        case__team__service_area=service_area,
    )


@pytest.fixture
def themes(db):
    return {
        name: PracticeTheme.objects.create(name=name)
        for name in ("Direct work with the child", "Planning", "Recording")
    }


def tags_of(review) -> set[tuple[str, str]]:
    return set(ReviewTheme.objects.filter(review=review).values_list("kind", "theme__name"))


# The taxonomy.


def test_the_default_practice_themes_are_installed_once(db):
    assert install_default_practice_themes() == len(DEFAULT_PRACTICE_THEMES)
    assert install_default_practice_themes() == 0
    assert PracticeTheme.objects.filter(name="Management oversight and supervision").exists()


def test_a_practice_theme_in_use_cannot_be_deleted_but_can_stop_being_offered(
    review, themes, qa_manager
):
    planning = themes["Planning"]
    ReviewTheme.objects.create(review=review, theme=planning, kind=DEVELOPMENT)

    assert PRACTICE_THEMES.in_use(planning)
    with pytest.raises(ValidationError, match="used by reviews already"):
        PRACTICE_THEMES.delete(theme=planning, actor=qa_manager)
    PRACTICE_THEMES.set_active(theme=planning, active=False, actor=qa_manager)
    assert not PRACTICE_THEMES.active().filter(pk=planning.pk).exists()
    PRACTICE_THEMES.delete(theme=themes["Recording"], actor=qa_manager)
    assert not PracticeTheme.objects.filter(name="Recording").exists()


def test_each_practice_theme_counts_the_reviews_tagging_it(review, themes, reviewer):
    other = ReviewFactory(reviewer=reviewer)
    ReviewTheme.objects.create(review=review, theme=themes["Planning"], kind=STRENGTH)
    ReviewTheme.objects.create(review=review, theme=themes["Planning"], kind=DEVELOPMENT)
    ReviewTheme.objects.create(review=other, theme=themes["Planning"], kind=DEVELOPMENT)

    uses = {theme.name: theme.uses for theme in PRACTICE_THEMES.with_use()}

    assert uses == {"Direct work with the child": 0, "Planning": 2, "Recording": 0}


# Tagging a review (the service).


def test_saving_tags_the_review_and_records_who_and_a_new_version(review, themes, reviewer):
    work, planning = themes["Direct work with the child"], themes["Planning"]

    saved = review_save(
        review=review,
        actor=reviewer,
        based_on_version=0,
        themes={STRENGTH: {work.pk}, DEVELOPMENT: {planning.pk}},
    )

    assert tags_of(review) == {(STRENGTH, work.name), (DEVELOPMENT, planning.name)}
    assert {tag.added_by for tag in ReviewTheme.objects.filter(review=review)} == {reviewer}
    assert saved.lock_version == 1
    assert saved.status == Review.Status.IN_PROGRESS
    assert review_themes_by_kind(review) == {"strength": [work.name], "development": ["Planning"]}


def test_saving_again_removes_unticked_tags_and_leaves_a_kind_not_given(review, themes, reviewer):
    work, planning, records = themes.values()
    review_save(
        review=review,
        actor=reviewer,
        based_on_version=0,
        themes={STRENGTH: {work.pk, planning.pk}, DEVELOPMENT: {records.pk}},
    )

    saved = review_save(
        review=review, actor=reviewer, based_on_version=1, themes={STRENGTH: {planning.pk}}
    )

    assert tags_of(review) == {(STRENGTH, "Planning"), (DEVELOPMENT, "Recording")}
    assert saved.lock_version == 2


def test_saving_the_same_tags_again_writes_nothing(review, themes, reviewer):
    wanted = {STRENGTH: {themes["Planning"].pk}, DEVELOPMENT: set()}
    review_save(review=review, actor=reviewer, based_on_version=0, themes=wanted)

    saved = review_save(review=review, actor=reviewer, based_on_version=1, themes=wanted)

    assert saved.lock_version == 1


def test_a_theme_no_longer_offered_cannot_be_added_but_stays_where_it_is(
    review, themes, reviewer, qa_manager
):
    planning, records = themes["Planning"], themes["Recording"]
    review_save(review=review, actor=reviewer, based_on_version=0, themes={STRENGTH: {planning.pk}})
    for theme in (planning, records):
        PRACTICE_THEMES.set_active(theme=theme, active=False, actor=qa_manager)

    with pytest.raises(ValidationError, match="offered"):
        review_save(
            review=review, actor=reviewer, based_on_version=1, themes={STRENGTH: {records.pk}}
        )
    saved = review_save(
        review=review,
        actor=reviewer,
        based_on_version=1,
        themes={STRENGTH: {planning.pk}, DEVELOPMENT: {planning.pk}},
    )
    assert tags_of(review) == {(STRENGTH, "Planning"), (DEVELOPMENT, "Planning")}
    assert saved.lock_version == 2


def test_an_unknown_kind_of_tag_is_refused(review, themes, reviewer):
    with pytest.raises(ValueError, match="Not a kind of theme"):
        review_save(
            review=review,
            actor=reviewer,
            based_on_version=0,
            themes={"weakness": {themes["Planning"].pk}},
        )


# Tagging a review (the page).


def test_the_review_page_offers_the_active_themes_as_labelled_checkboxes(
    client, reviewer, review, themes, qa_manager
):
    PRACTICE_THEMES.set_active(theme=themes["Recording"], active=False, actor=qa_manager)
    client.force_login(reviewer)

    content = client.get(f"/reviews/{review.pk}/").content.decode()

    assert "Themes of what is working well" in content
    assert "Themes of what needs to improve" in content
    boxes = re.findall(r'<input type="checkbox"[^>]*name="strength_themes"[^>]*>', content)
    assert len(boxes) == 2
    planning = themes["Planning"]
    assert re.search(rf'<label for="id_strength_themes_\d+"[^>]*>\s*{planning.name}', content)
    assert "Recording" not in content


def test_the_page_has_no_theme_fields_when_no_theme_is_set(client, reviewer, review):
    client.force_login(reviewer)

    content = client.get(f"/reviews/{review.pk}/").content.decode()

    assert "strength_themes" not in content


def test_autosave_tags_the_review_and_the_reload_shows_the_boxes_ticked(
    client, reviewer, review, themes
):
    planning = themes["Planning"]
    client.force_login(reviewer)

    response = client.post(
        f"/reviews/{review.pk}/autosave/",
        {"lock_version": 0, "strength_themes": [planning.pk]},
        headers={"HX-Request": "true"},
    )

    assert "Saved at" in response.content.decode()
    assert tags_of(review) == {(STRENGTH, "Planning")}
    page = client.get(f"/reviews/{review.pk}/").content.decode()
    assert re.search(rf'name="strength_themes" value="{planning.pk}"[^>]*checked', page)

    # Unticking every box (the browser then posts no value at all) removes the tag.
    client.post(f"/reviews/{review.pk}/autosave/", {"lock_version": 1})
    assert tags_of(review) == set()


def test_a_theme_not_offered_is_an_error_on_the_field_and_the_rest_is_saved(
    client, reviewer, review, themes
):
    client.force_login(reviewer)

    response = client.post(
        f"/reviews/{review.pk}/",
        {"lock_version": 0, "strength_themes": ["999999"], "working_well": "Kept."},
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    review.refresh_from_db()
    assert review.working_well == ""  # the plain post saves nothing until the form is valid
    assert tags_of(review) == set()


def test_a_submitted_review_shows_its_themes_read_only(client, moderator, service_area, themes):
    review = submitted_review(service_area=service_area)
    ReviewTheme.objects.create(review=review, theme=themes["Planning"], kind=DEVELOPMENT)
    client.force_login(moderator)

    content = client.get(f"/reviews/{review.pk}/").content.decode()

    assert "Themes of what needs to improve</dt><dd" in content
    assert re.search(r"Themes of what needs to improve</dt><dd[^>]*>Planning</dd>", content)
    assert re.search(r"Themes of what is working well</dt><dd[^>]*>None tagged</dd>", content)


# The QA Manager's pages.


@pytest.mark.parametrize("person", ["reviewer", "service_manager", "leadership", "moderator"])
def test_only_the_qa_manager_manages_practice_themes(client, request, person, themes):
    theme = themes["Planning"]
    client.force_login(request.getfixturevalue(person))

    for page in (LIST, f"{LIST}{theme.pk}/", f"{LIST}{theme.pk}/delete/"):
        assert client.get(page).status_code == 403
    assert client.post(f"{LIST}{theme.pk}/active/", {"active": "0"}).status_code == 403
    assert PracticeTheme.objects.get(pk=theme.pk).active


@pytest.mark.parametrize("page", [LIST, f"{LIST}1/", f"{LIST}1/active/", f"{LIST}1/delete/"])
def test_an_anonymous_visitor_is_sent_to_log_in(client, page):
    response = client.get(page)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={page}"


def test_a_practice_theme_that_does_not_exist_is_404(client, qa_manager):
    client.force_login(qa_manager)

    assert client.get(f"{LIST}999999/").status_code == 404
    assert client.post(f"{LIST}999999/delete/").status_code == 404


def test_the_qa_manager_adds_renames_and_deletes_practice_themes(client, qa_manager, themes):
    client.force_login(qa_manager)
    page = client.get(LIST).content.decode()
    assert '<h1 class="h2">Practice themes</h1>' in page
    assert "Direct work with the child" in page

    response = client.post(LIST, {"name": "Advocacy"}, follow=True)
    assert "The theme “Advocacy” is added." in response.content.decode()
    advocacy = PracticeTheme.objects.get(name="Advocacy")

    response = client.post(f"{LIST}{advocacy.pk}/", {"name": "planning"})
    assert "There is already a theme called “planning”." in response.content.decode()
    client.post(f"{LIST}{advocacy.pk}/", {"name": "Advocacy for the child"})
    assert PracticeTheme.objects.filter(name="Advocacy for the child").exists()

    assert "Yes, delete" in client.get(f"{LIST}{advocacy.pk}/delete/").content.decode()
    client.post(f"{LIST}{advocacy.pk}/delete/")
    assert not PracticeTheme.objects.filter(pk=advocacy.pk).exists()


def test_the_practice_themes_page_runs_the_same_queries_for_3_or_30_themes(
    client, qa_manager, themes, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(qa_manager)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    PracticeTheme.objects.bulk_create(PracticeTheme(name=f"Theme {n}") for n in range(27))
    with CaptureQueriesContext(connection) as many:
        client.get(LIST)

    assert len(few) == len(many)
