"""Configuration admin: the emergency department nearest each site (step 5's default in every new plan).

Safety plans themselves are participant data: read and changed only in the Cadence screens, the portal
and the API (scope-checked, audited, through ``actions``), never in the admin.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from cadence.accounts.admin_base import ConfigurationAdmin, request_user

from .models import EmergencyDepartment


@admin.register(EmergencyDepartment)
class EmergencyDepartmentAdmin(ConfigurationAdmin):
    """A new safety plan lists this department in step 5 (editable in each plan); without one, step 5 says
    "Nearest emergency department"."""

    list_display = ("site", "name", "address", "phone")
    list_select_related = ("site",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        rows = super().get_queryset(request)
        user = request_user(request)
        if user.is_superuser:
            return rows
        return rows.filter(site__organization_id=user.organization_id)
