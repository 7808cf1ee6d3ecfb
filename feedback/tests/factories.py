import datetime

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from audits.tests.factories import CaseFactory
from feedback.models import FamilyFeedbackLink, IROFeedback, PractitionerFeedback


class FamilyFeedbackLinkFactory(factory.django.DjangoModelFactory):
    """An open link. Its token is unknown: make links through feedback.family.link_create to
    get one; pass `token_hash=family.token_hash("...")` to choose it."""

    class Meta:
        model = FamilyFeedbackLink

    case = factory.SubFactory(CaseFactory)
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    version = FamilyFeedbackLink.Version.STANDARD
    created_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=28))


class IROFeedbackFactory(factory.django.DjangoModelFactory):
    """IRO feedback without answers, on a published IRO toolkit version of its own."""

    class Meta:
        model = IROFeedback

    case = factory.SubFactory(CaseFactory)
    toolkit_version = factory.SubFactory(
        "audits.tests.factories.ToolkitVersionFactory",
        published=True,
        toolkit__kind="iro_feedback",
    )
    meeting_type = IROFeedback.MeetingType.CP_CONFERENCE
    meeting_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    participation = IROFeedback.Participation.ATTENDED_SPOKE
    submitted_by = factory.SubFactory(UserFactory)


class PractitionerFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PractitionerFeedback

    review = factory.SubFactory("reviews.tests.factories.ReviewFactory", status="finalised")
    practitioner = factory.SubFactory(UserFactory)
    how_it_felt = PractitionerFeedback.Feeling.USEFUL


# Complaints and compliments, themes, "you said, we did" (models named as strings: no edit of
# the shared import line above).


class FeedbackThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "feedback.FeedbackTheme"
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Theme {n}")


class ComplaintComplimentFactory(factory.django.DjangoModelFactory):
    """A complaint received yesterday from a parent, about a case-less matter in a team's
    service; `themes=[...]` sets its themes."""

    class Meta:
        model = "feedback.ComplaintCompliment"
        skip_postgeneration_save = True

    kind = "complaint"
    received_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    from_whom = "parent"
    team = factory.SubFactory("accounts.tests.factories.TeamFactory")
    service_area = factory.SelfAttribute("team.service_area")
    summary = factory.Sequence(lambda n: f"Summary of entry {n}")
    recorded_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if extracted:
            self.themes.set(extracted)


class FamilyFeedbackOnCaseFactory(factory.django.DjangoModelFactory):
    """Family feedback through a used link; `themes=[...]` sets its themes."""

    class Meta:
        model = "feedback.FamilyFeedback"
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory)
    link = factory.SubFactory(
        FamilyFeedbackLinkFactory, case=factory.SelfAttribute("..case"), used_at=timezone.now()
    )
    respondent = "parent"
    listened_to = 4
    helped = 2

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if extracted:
            self.themes.set(extracted)


class YouSaidWeDidFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "feedback.YouSaidWeDid"

    cycle = factory.SubFactory("audits.tests.factories.CycleFactory")
    theme = factory.SubFactory(FeedbackThemeFactory)
    you_said = "You said you did not know who your worker was."
    we_did = "We now send a letter with the worker's name."
    recorded_by = factory.SubFactory(UserFactory)
