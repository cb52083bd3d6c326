"""Configuration admin for the organization, its sites, programs, tracks and rooms, and the shared
level-of-care catalog (rules in ``cadence.accounts.admin_base``)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from cadence.accounts.admin_base import ConfigurationAdmin

from .models import LevelOfCare, Organization, Program, Room, Site, Track


@admin.register(Organization)
class OrganizationAdmin(ConfigurationAdmin):
    list_display = ("name", "slug")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A new organization (tenant) is the installation operator's job.
        return bool(getattr(request.user, "is_superuser", False)) and super().has_add_permission(request)


@admin.register(Site)
class SiteAdmin(ConfigurationAdmin):
    list_display = ("name", "organization", "time_zone")
    search_fields = ("name", "address")
    list_select_related = ("organization",)


@admin.register(LevelOfCare)
class LevelOfCareAdmin(ConfigurationAdmin):
    shared_catalog = True
    list_display = ("code", "name", "edition", "min_hours_week_adult", "min_days_week_adult", "active")
    list_filter = ("edition", "active")


@admin.register(Program)
class ProgramAdmin(ConfigurationAdmin):
    list_display = ("name", "code", "site", "level_of_care", "population", "active")
    list_filter = ("active", "population", "level_of_care")
    search_fields = ("name", "code")
    list_select_related = ("site", "level_of_care")


@admin.register(Track)
class TrackAdmin(ConfigurationAdmin):
    list_display = ("name", "program", "kind", "weekday_labels", "starts_at", "ends_at", "active")
    list_filter = ("active", "kind")
    list_select_related = ("program__site",)


@admin.register(Room)
class RoomAdmin(ConfigurationAdmin):
    list_display = ("name", "site", "capacity", "active")
    list_filter = ("active",)
    list_select_related = ("site",)
