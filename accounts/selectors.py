from django.db.models import Count, Prefetch, Q, QuerySet

from .models import RoleMembership, ServiceArea, Team, User


def service_areas_with_teams() -> QuerySet[ServiceArea]:
    teams = Team.objects.annotate(member_count=Count("members")).order_by("name")
    return ServiceArea.objects.prefetch_related(Prefetch("teams", queryset=teams))


def staff_with_memberships(*, query: str = "") -> QuerySet[User]:
    staff = User.objects.filter(is_active=True).select_related("team__service_area")
    if query:
        staff = staff.filter(
            Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
            | Q(team__name__icontains=query)
        )
    memberships = RoleMembership.objects.select_related("service_area").order_by("role")
    return staff.prefetch_related(Prefetch("memberships", queryset=memberships))
