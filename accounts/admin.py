from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import RoleMembership, ServiceArea, Team, User


class TeamInline(admin.TabularInline):
    model = Team
    extra = 1


@admin.register(ServiceArea)
class ServiceAreaAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    inlines = [TeamInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "service_area"]
    list_filter = ["service_area"]
    search_fields = ["name", "service_area__name"]
    list_select_related = ["service_area"]


class RoleMembershipInline(admin.TabularInline):
    model = RoleMembership
    fk_name = "user"
    extra = 1
    fields = ["role", "service_area", "granted_at", "granted_by"]
    readonly_fields = ["granted_at", "granted_by"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["last_name", "first_name"]
    list_display = ["email", "first_name", "last_name", "team", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "memberships__role", "team__service_area"]
    list_select_related = ["team__service_area"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [RoleMembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "job_title", "team")}),
        ("Administration", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "team", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]

    def save_formset(self, request, form, formset, change):
        # Record who granted each new role membership.
        memberships = formset.save(commit=False)
        for membership in memberships:
            if isinstance(membership, RoleMembership) and membership.pk is None:
                membership.granted_by = request.user
            membership.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()
