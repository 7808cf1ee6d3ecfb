import datetime

import factory

from accounts.tests.factories import TeamFactory
from audits.models import Case


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    reference = factory.Sequence(lambda n: f"CMS-{900000 + n}")
    team = factory.SubFactory(TeamFactory)
    service_area = factory.SelfAttribute("team.service_area")
    case_type = "Child in Need plan"
    opened_on = datetime.date(2026, 1, 5)
