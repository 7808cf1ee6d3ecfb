"""The action pages: the Actions list, agreeing, changing and deleting an action, marking it done,
verifying and reopening it, the review page's "Agreed actions" section and "My work"."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from accounts.tests.factories import UserFactory
from reviews.models import Action, Review

from .factories import ActionFactory, ReviewFactory, in_days

pytestmark = pytest.mark.django_db

A = Action.Status
S = Review.Status


@pytest.fixture
def action(review, practitioner):
    return ActionFactory(
        review=review, owner=practitioner, description="Add timescales to the child's plan."
    )


@pytest.fixture
def done(review, practitioner):
    return ActionFactory(
        review=review,
        owner=practitioner,
        status=A.DONE,
        description="Hold a family network meeting.",
        evidence="Meeting held on 3 November; minutes on the record.",
    )


def page(client, person, url, **kwargs):
    client.force_login(person)
    response = client.get(url, **kwargs)
    return response, response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# Who may open each page: (url of the fixture action, allowed, forbidden 403, outside 404).
def action_pages(action, done):
    return {
        "done": (f"/reviews/actions/{action.pk}/done/", "practitioner", "reviewer"),
        "edit": (f"/reviews/actions/{action.pk}/change/", "reviewer", "practitioner"),
        "delete": (f"/reviews/actions/{action.pk}/delete/", "reviewer", "practice_lead"),
        "add": (f"/reviews/{action.review_id}/actions/add/", "reviewer", "practitioner"),
        "verify": (f"/reviews/actions/{done.pk}/verify/", "practice_lead", "practitioner"),
        "reopen": (f"/reviews/actions/{done.pk}/reopen/", "practice_lead", "service_manager"),
    }


PAGES = ["done", "edit", "delete", "add", "verify", "reopen"]


@pytest.mark.parametrize("name", PAGES)
def test_the_person_whose_step_it_is_opens_the_page(client, request, action, done, name):
    url, allowed, _ = action_pages(action, done)[name]

    response, _ = page(client, request.getfixturevalue(allowed), url)

    assert response.status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_someone_who_sees_the_action_but_may_not_take_the_step_gets_403(
    client, request, action, done, name
):
    url, _, forbidden = action_pages(action, done)[name]
    client.force_login(request.getfixturevalue(forbidden))

    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_someone_of_another_service_area_gets_404(client, outsider, action, done, name):
    url, _, _ = action_pages(action, done)[name]
    client.force_login(outsider)

    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/reviews/actions/999999/done/",
        "/reviews/actions/999999/change/",
        "/reviews/actions/999999/delete/",
        "/reviews/actions/999999/verify/",
        "/reviews/actions/999999/reopen/",
        "/reviews/999999/actions/add/",
    ],
)
def test_an_unknown_action_or_review_is_404(client, practice_lead, url):
    client.force_login(practice_lead)

    assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_an_anonymous_visitor_is_sent_to_log_in(client, action, done, name):
    url, _, _ = action_pages(action, done)[name]

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"
    assert client.post(url, {})["Location"].startswith("/login/")


# Agreeing an action.


def add_url(review):
    return f"/reviews/{review.pk}/actions/add/"


def action_data(**changes):
    return {
        "action-description": "Add timescales to the child's plan.",
        "action-due_on": in_days(14).isoformat(),
        **changes,
    }


def test_the_reviewer_agrees_an_action_and_returns_to_the_review(
    client, review, reviewer, practitioner
):
    client.force_login(reviewer)

    response = client.post(
        add_url(review), action_data(**{"action-owner": practitioner.pk}), follow=True
    )

    action = Action.objects.get()
    assert (action.owner, action.due_on, action.status) == (practitioner, in_days(14), A.OPEN)
    assert response.redirect_chain[0][0] == f"/reviews/{review.pk}/#agreed-actions"
    assert "Action agreed. Its owner has been told." in messages_of(response)


def test_the_owner_is_chosen_from_the_cases_service_area_not_the_whole_organisation(
    client, review, reviewer, practitioner, service_manager, outsider
):
    client.force_login(reviewer)

    page = client.get(add_url(review)).content.decode()
    response = client.post(add_url(review), action_data(**{"action-owner": outsider.pk}))

    assert f'value="{practitioner.pk}"' in page
    assert f'value="{service_manager.pk}"' in page  # holds a role in the case's service area
    assert f'value="{outsider.pk}"' not in page  # another service area
    assert "Select a valid choice" in response.content.decode()
    assert not Action.objects.exists()


def test_a_date_in_the_past_is_refused_and_the_input_kept(client, review, reviewer, practitioner):
    client.force_login(reviewer)

    response = client.post(
        add_url(review),
        action_data(**{"action-owner": practitioner.pk, "action-due_on": in_days(-1).isoformat()}),
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert 'href="#id_action-due_on">The date the action is due by must be in the future.' in (
        content
    )
    assert "Add timescales to the child&#x27;s plan.</textarea>" in content
    assert f'<option value="{practitioner.pk}" selected>' in content
    assert not Action.objects.exists()


def test_a_missing_owner_and_description_are_each_named(client, review, reviewer):
    client.force_login(reviewer)

    response = client.post(add_url(review), action_data(**{"action-description": ""}))

    content = response.content.decode()
    assert "Enter what is to be done." in content
    assert "Choose who owns the action." in content


def test_the_reviewer_cannot_agree_actions_once_the_review_is_moderated(client, review, reviewer):
    Review.objects.filter(pk=review.pk).update(status=S.MODERATED)
    client.force_login(reviewer)

    assert client.get(add_url(review)).status_code == 403


# Changing and deleting.


def test_the_reviewer_changes_an_open_action(client, action, reviewer, practitioner):
    client.force_login(reviewer)
    url = f"/reviews/actions/{action.pk}/change/"

    form = client.get(url).content.decode()
    response = client.post(
        url,
        action_data(
            **{"action-owner": practitioner.pk, "action-description": "Hold a network meeting."}
        ),
        follow=True,
    )

    assert "Add timescales to the child&#x27;s plan.</textarea>" in form
    assert Action.objects.get(pk=action.pk).description == "Hold a network meeting."
    assert response.redirect_chain[0][0] == f"/reviews/{action.review_id}/#agreed-actions"
    assert "Action changed." in messages_of(response)


def test_the_reviewer_is_asked_to_confirm_then_deletes_an_action(client, action, reviewer):
    client.force_login(reviewer)
    url = f"/reviews/actions/{action.pk}/delete/"

    confirm = client.get(url).content.decode()
    response = client.post(url, follow=True)

    assert '<h1 class="h2">Delete this action?</h1>' in confirm
    assert "Add timescales to the child&#x27;s plan." in confirm
    assert not Action.objects.exists()
    assert "Action deleted." in messages_of(response)


@pytest.mark.parametrize("step", ["change", "delete"])
def test_a_done_action_cannot_be_changed_or_deleted(client, done, reviewer, step):
    client.force_login(reviewer)

    response = client.get(f"/reviews/actions/{done.pk}/{step}/", follow=True)

    word = {"change": "changed", "delete": "deleted"}[step]
    assert response.redirect_chain[0][0] == f"/reviews/{done.review_id}/#agreed-actions"
    assert f"This action is done, waiting for verification, so it cannot be {word}." in messages_of(
        response
    )


# Marking done.


def test_the_owner_marks_an_action_done_with_the_evidence(client, action, practitioner):
    client.force_login(practitioner)
    url = f"/reviews/actions/{action.pk}/done/"

    form = client.get(url).content.decode()
    response = client.post(url, {"evidence": "The plan now has dates."}, follow=True)

    assert '<h1 class="h2">Mark an action done</h1>' in form
    assert "a Practice Lead verifies the evidence to close the loop" in form
    assert Action.objects.get(pk=action.pk).status == A.DONE
    assert response.redirect_chain[0][0] == f"/reviews/{action.review_id}/#agreed-actions"
    assert "Action marked done. A Practice Lead will verify it." in messages_of(response)


def test_marking_done_without_evidence_says_so_and_changes_nothing(client, action, practitioner):
    client.force_login(practitioner)

    response = client.post(f"/reviews/actions/{action.pk}/done/", {"evidence": ""})

    assert response.status_code == 200
    assert "Enter the evidence that the action is done." in response.content.decode()
    assert Action.objects.get(pk=action.pk).status == A.OPEN


def test_after_marking_done_the_owner_returns_to_where_they_came_from(client, action, practitioner):
    client.force_login(practitioner)

    response = client.post(
        f"/reviews/actions/{action.pk}/done/?next=/reviews/actions/%3Fstatus%3Dopen",
        {"evidence": "Done.", "next": "/reviews/actions/?status=open"},
    )
    offsite = ActionFactory(review=action.review, owner=practitioner)
    elsewhere = client.post(
        f"/reviews/actions/{offsite.pk}/done/", {"evidence": "Done.", "next": "//evil.example/"}
    )

    assert response["Location"] == "/reviews/actions/?status=open"
    assert elsewhere["Location"] == f"/reviews/{action.review_id}/#agreed-actions"


def test_a_done_action_of_a_good_review_says_no_verification_is_needed(
    client, review, action, practitioner, practice_lead
):
    Review.objects.filter(pk=review.pk).update(grade="good", final_grade="good")
    client.force_login(practitioner)

    form = client.get(f"/reviews/actions/{action.pk}/done/").content.decode()
    response = client.post(f"/reviews/actions/{action.pk}/done/", {"evidence": "Ok."}, follow=True)
    verify = page(client, practice_lead, f"/reviews/actions/{action.pk}/verify/", follow=True)[0]

    assert "this action is complete once you mark it done" in form
    assert "Action marked done." in messages_of(response)
    assert any("verification is needed only for" in m for m in messages_of(verify))
    assert Action.objects.get(pk=action.pk).status == A.DONE


def test_an_action_already_done_sends_the_owner_back_with_a_message(client, done, practitioner):
    client.force_login(practitioner)

    response = client.get(f"/reviews/actions/{done.pk}/done/", follow=True)

    assert (
        "This action is done, waiting for verification, so it cannot be marked done."
        in messages_of(response)
    )


# Verifying and reopening.


def test_a_practice_lead_verifies_a_done_action(client, done, practice_lead):
    client.force_login(practice_lead)
    url = f"/reviews/actions/{done.pk}/verify/"

    confirm = client.get(url).content.decode()
    response = client.post(url, follow=True)

    assert '<h1 class="h2">Verify an action</h1>' in confirm
    assert "Meeting held on 3 November; minutes on the record." in confirm
    assert Action.objects.get(pk=done.pk).status == A.VERIFIED
    assert "Action verified: the improvement is evidenced." in messages_of(response)


def test_a_practice_lead_reopens_a_done_action_with_a_reason(client, done, practice_lead):
    client.force_login(practice_lead)
    url = f"/reviews/actions/{done.pk}/reopen/"

    blank = client.post(url, {"reason": ""})
    response = client.post(url, {"reason": "The minutes do not list actions."}, follow=True)

    assert "Enter why the action is reopened." in blank.content.decode()
    assert Action.objects.get(pk=done.pk).status == A.OPEN
    assert "Action reopened. Its owner has been told why." in messages_of(response)


def test_the_owner_sees_why_their_action_was_reopened(client, done, practice_lead, practitioner):
    client.force_login(practice_lead)
    client.post(f"/reviews/actions/{done.pk}/reopen/", {"reason": "No actions in the minutes."})

    _, content = page(client, practitioner, "/reviews/actions/")

    assert "<strong>Reopened:</strong> No actions in the minutes." in content


@pytest.mark.parametrize("step", ["verify", "reopen"])
def test_an_open_action_cannot_be_verified_or_reopened(client, action, practice_lead, step):
    client.force_login(practice_lead)

    response = client.post(f"/reviews/actions/{action.pk}/{step}/", {"reason": "x"}, follow=True)

    assert Action.objects.get(pk=action.pk).status == A.OPEN
    assert "This action is open, so it cannot be verified or reopened." in messages_of(response)


# The Actions page.

ACTIONS = "/reviews/actions/"


def test_the_owner_sees_their_actions_with_due_date_status_and_next_step(
    client, action, done, practitioner
):
    ActionFactory(review=action.review, owner=UserFactory(), description="Someone else's.")
    overdue = ActionFactory(
        review=action.review, owner=practitioner, due_on=in_days(-2), description="Late one."
    )

    response, content = page(client, practitioner, ACTIONS)

    assert response.status_code == 200
    assert [a.pk for a in response.context["page_obj"]] == [overdue.pk, action.pk, done.pk]
    assert "Someone else" not in content
    assert "Open: overdue" in content
    assert "Done, waiting for verification" in content
    assert f'href="/reviews/actions/{action.pk}/done/?next=' in content
    assert f'<a href="/reviews/{action.review_id}/#agreed-actions">' in content


@pytest.mark.parametrize(
    ("status", "expected"),
    [("open", ["action", "overdue"]), ("overdue", ["overdue"]), ("done", ["done"]),
     ("verified", []), ("all", ["overdue", "action", "done"])],
)  # fmt: skip
def test_the_actions_page_filters_by_status(
    client, review, action, done, practitioner, status, expected
):
    overdue = ActionFactory(review=review, owner=practitioner, due_on=in_days(-2))
    rows = {"action": action.pk, "done": done.pk, "overdue": overdue.pk}

    response, content = page(client, practitioner, f"{ACTIONS}?status={status}")

    assert sorted(a.pk for a in response.context["page_obj"]) == sorted(rows[r] for r in expected)
    if not expected:
        assert "No actions match these filters." in content


def test_managers_and_practice_leads_also_see_the_actions_of_their_services(
    client, action, service_manager, head_of_service, practice_lead, outsider
):
    for person in (service_manager, head_of_service, practice_lead):
        response, _ = page(client, person, ACTIONS)
        assert [a.pk for a in response.context["page_obj"]] == [action.pk]
        mine, _ = page(client, person, f"{ACTIONS}?whose=mine")
        assert list(mine.context["page_obj"]) == []
    response, content = page(client, outsider, ACTIONS)
    assert list(response.context["page_obj"]) == []
    assert "There are no agreed actions for you or your services." in content


def test_a_practice_lead_finds_the_verify_button_on_done_actions(client, done, practice_lead):
    _, content = page(client, practice_lead, f"{ACTIONS}?status=done")

    assert f'href="/reviews/actions/{done.pk}/verify/?next=' in content


def test_a_practitioner_does_not_choose_whose_actions(client, action, practitioner):
    response, content = page(client, practitioner, f"{ACTIONS}?whose=all")

    assert 'name="whose"' not in content
    assert [a.pk for a in response.context["page_obj"]] == [action.pk]


def test_the_actions_page_paginates_and_keeps_the_filter(client, review, practitioner):
    ActionFactory.create_batch(26, review=review, owner=practitioner)

    response, content = page(client, practitioner, f"{ACTIONS}?status=open")

    assert len(response.context["page_obj"]) == 25
    assert "?status=open&amp;page=2" in content


def queries_for(client, person, url) -> int:
    client.force_login(person)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_actions_page_runs_as_many_queries_for_12_actions_as_for_2(
    client, review, practitioner, service_manager, service_area
):
    ActionFactory.create_batch(2, review=review, owner=practitioner)
    few = queries_for(client, practitioner, ACTIONS), queries_for(client, service_manager, ACTIONS)
    for _ in range(5):
        other = ReviewFactory(case__team__service_area=service_area)
        ActionFactory.create_batch(2, review=other, owner=practitioner, status=A.DONE)

    many = queries_for(client, practitioner, ACTIONS), queries_for(client, service_manager, ACTIONS)

    assert few == many


# The review page's section.


def review_page(client, person, review):
    return page(client, person, f"/reviews/{review.pk}/")[1]


def test_the_reviewer_finds_the_actions_and_the_form_to_agree_one_while_writing(
    client, review, action, reviewer, practitioner
):
    Review.objects.filter(pk=review.pk).update(status=S.IN_PROGRESS)

    content = review_page(client, reviewer, review)

    assert '<h2 class="h4" id="agreed-actions-heading">Agreed actions</h2>' in content
    assert "Add timescales to the child&#x27;s plan." in content
    assert f'<form method="post" action="/reviews/{review.pk}/actions/add/"' in content
    assert f'<option value="{practitioner.pk}" selected>' in content  # suggested: the practitioner
    assert f'href="/reviews/actions/{action.pk}/change/"' in content
    assert f'href="/reviews/actions/{action.pk}/delete/"' in content
    assert f'href="/reviews/actions/{action.pk}/done/"' not in content


def test_once_submitted_the_page_stays_read_only_and_links_to_the_form(
    client, review, action, reviewer
):
    content = review_page(client, reviewer, review)

    assert f'<a class="btn btn-outline-primary" href="/reviews/{review.pk}/actions/add/">' in (
        content
    )
    assert f'<form method="post" action="/reviews/{review.pk}/actions/add/"' not in content
    assert f'href="/reviews/actions/{action.pk}/change/"' in content


def test_the_owner_finds_mark_as_done_and_no_form(client, review, action, practitioner):
    content = review_page(client, practitioner, review)

    assert f'href="/reviews/actions/{action.pk}/done/"' in content
    assert "actions/add/" not in content
    assert f"/reviews/actions/{action.pk}/change/" not in content


def test_a_practice_lead_finds_verify_and_reopen_on_done_actions(
    client, review, done, practice_lead
):
    content = review_page(client, practice_lead, review)

    assert f'href="/reviews/actions/{done.pk}/verify/"' in content
    assert f'href="/reviews/actions/{done.pk}/reopen/"' in content
    assert "Evidence:</strong> Meeting held on 3 November" in content
    assert "a Practice Lead verifies the evidence to close the loop" in content


def test_a_good_review_says_its_actions_need_no_verification(client, review, done, practice_lead):
    Review.objects.filter(pk=review.pk).update(grade="good", final_grade="good")

    content = review_page(client, practice_lead, review)

    assert "otherwise an action is complete once its owner marks it done" in content
    assert "<td>Done</td>" in content
    assert f"/reviews/actions/{done.pk}/verify/" not in content


def test_a_review_without_actions_says_so(client, review, practice_lead):
    content = review_page(client, practice_lead, review)

    assert "No actions have been agreed from this review." in content


def test_the_review_page_runs_as_many_queries_for_10_actions_as_for_1(
    client, review, reviewer, practitioner, practice_lead
):
    ActionFactory(review=review, owner=practitioner)
    few = [queries_for(client, p, f"/reviews/{review.pk}/") for p in (reviewer, practice_lead)]
    ActionFactory.create_batch(5, review=review, owner=practitioner, status=A.DONE)
    ActionFactory.create_batch(4, review=review, owner=UserFactory())

    many = [queries_for(client, p, f"/reviews/{review.pk}/") for p in (reviewer, practice_lead)]

    assert few == many


# "My work".


def test_my_work_lists_the_owners_open_actions(client, action, done, practitioner):
    ActionFactory(review=action.review, owner=practitioner, due_on=in_days(-1))

    _, content = page(client, practitioner, "/")

    assert '<h2 class="h4 card-title" id="panel-your-actions">Your actions</h2>' in content
    assert "2 open actions, soonest due first." in content
    assert "overdue" in content
    assert f'href="/reviews/actions/{action.pk}/done/?next=/"' in content
    assert f"/reviews/actions/{done.pk}/done/" not in content
    assert 'href="/reviews/actions/?whose=mine&amp;status=open">Open all your actions' in content


def test_my_work_has_no_actions_panel_without_open_actions(client, done, practitioner):
    _, content = page(client, practitioner, "/")

    assert "Your actions" not in content


def test_an_owner_without_a_role_finds_their_actions_on_my_work(client, review):
    owner = UserFactory()
    ActionFactory(review=review, owner=owner)

    _, content = page(client, owner, "/")

    assert "1 open action, soonest due first." in content
    assert "You have no role in QAF yet" not in content
    assert "Open all your actions" not in content  # the Actions page is not theirs to open


def test_an_organisation_wide_practice_lead_sees_every_services_actions(client, action):
    everywhere = UserFactory(roles=[(Role.PRACTICE_LEAD, None)])

    response, _ = page(client, everywhere, ACTIONS)

    assert [a.pk for a in response.context["page_obj"]] == [action.pk]
