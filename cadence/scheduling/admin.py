"""Configuration admin for the service catalog (an install-wide catalog: administrators read it, the
installation's superuser changes it). Templates, sessions, bookings and plans change only through
the schedule pages and the API, whose actions check the rules and write the audit log."""

from __future__ import annotations

from django.contrib import admin

from cadence.accounts.admin_base import ConfigurationAdmin

from .models import ServiceType


@admin.register(ServiceType)
class ServiceTypeAdmin(ConfigurationAdmin):
    shared_catalog = True
    list_display = (
        "name",
        "code",
        "format",
        "default_minutes",
        "min_size",
        "max_size",
        "counts_toward_hours",
        "active",
    )
    list_filter = ("format", "counts_toward_hours", "active")
    search_fields = ("name", "code")
    filter_horizontal = ("required_credentials",)
