"""Configuration admin for the measurement schedule of each program.

Results, check-ins, drug screens, links and alerts are participant data: they are read and changed only
in the Cadence screens and the API (scope-checked, audited, through ``actions``), never in the admin.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from cadence.accounts.admin_base import ConfigurationAdmin, request_user

from .models import MeasureScheduleRule


@admin.register(MeasureScheduleRule)
class MeasureScheduleRuleAdmin(ConfigurationAdmin):
    """A program without rules of its own uses the default schedule (PHQ-9 and GAD-7 weekly, BAM every 30
    days, C-SSRS at admission); once it has any rule, only its own rules apply (deactivate instead of
    deleting)."""

    list_display = ("program", "instrument", "at_admission", "every_days", "at_discharge", "active")
    list_filter = ("instrument", "active")
    list_select_related = ("program__site",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        rows = super().get_queryset(request)
        user = request_user(request)
        if user.is_superuser:
            return rows
        return rows.filter(program__site__organization_id=user.organization_id)
