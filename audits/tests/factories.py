import datetime

import factory
from django.utils import timezone

from accounts.tests.factories import TeamFactory
from audits.models import Case, Cycle, Question, Section, Toolkit, ToolkitKind, ToolkitVersion


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    reference = factory.Sequence(lambda n: f"CMS-{900000 + n}")
    team = factory.SubFactory(TeamFactory)
    service_area = factory.SelfAttribute("team.service_area")
    case_type = "Child in Need plan"
    opened_on = datetime.date(2026, 1, 5)


class CycleFactory(factory.django.DjangoModelFactory):
    """A planned cycle; each one a month after the last, so review phases never overlap."""

    class Meta:
        model = Cycle

    name = factory.Sequence(lambda n: f"Cycle {n}")
    review_starts_on = factory.Sequence(lambda n: datetime.date(2030 + n // 12, n % 12 + 1, 1))
    review_ends_on = factory.LazyAttribute(lambda c: c.review_starts_on + datetime.timedelta(13))
    reporting_ends_on = factory.LazyAttribute(lambda c: c.review_starts_on + datetime.timedelta(27))


class ToolkitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Toolkit

    kind = ToolkitKind.PRACTICE_REVIEW
    name = factory.Sequence(lambda n: f"Toolkit {n}")


class ToolkitVersionFactory(factory.django.DjangoModelFactory):
    """A draft version; `ToolkitVersionFactory(published=True)` for a published one."""

    class Meta:
        model = ToolkitVersion

    class Params:
        published = factory.Trait(
            status=ToolkitVersion.Status.PUBLISHED,
            published_at=factory.LazyFunction(timezone.now),
            change_note="First version.",
        )

    toolkit = factory.SubFactory(ToolkitFactory)
    number = factory.Sequence(lambda n: n + 1)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    version = factory.SubFactory(ToolkitVersionFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Section {n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    section = factory.SubFactory(SectionFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Question {n}?")
