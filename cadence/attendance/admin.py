"""Configuration admin for attendance: program policies (week start), accountability rules and payer
billing rules. An administrator sees and changes those of their own organization; the default billing
rules shared by every organization (no payer) are read-only to them and changed by a superuser.
Attendance, check-ins, outreach tasks and authorizations change only through the attendance pages and
the API, whose actions check the rules and write the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from cadence.accounts.admin_base import ConfigurationAdmin, request_user

from .models import AccountabilityRule, AttendancePolicy, PayerRule


class ProgramScopedAdmin(ConfigurationAdmin):
    """Rows that belong to a program, scoped to the administrator's organization."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        rows = admin.ModelAdmin.get_queryset(self, request)
        user = request_user(request)
        if user.is_superuser:
            return rows
        return rows.filter(program__site__organization_id=user.organization_id)


@admin.register(AttendancePolicy)
class AttendancePolicyAdmin(ProgramScopedAdmin):
    list_display = ("program", "week_starts_on")
    list_select_related = ("program__site",)


@admin.register(AccountabilityRule)
class AccountabilityRuleAdmin(ProgramScopedAdmin):
    list_display = ("program", "kind", "parameter", "active")
    list_filter = ("kind", "active")
    list_select_related = ("program__site",)
    readonly_fields = ("created_at",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change and obj.created_at is None:
            from django.utils import timezone

            obj.created_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(PayerRule)
class PayerRuleAdmin(ConfigurationAdmin):
    list_display = (
        "billing_code",
        "revenue_code",
        "payer",
        "level_of_care",
        "min_minutes_per_day",
        "units_per_day",
        "requires_authorization",
        "priority",
        "active",
    )
    list_filter = ("active", "level_of_care")
    list_select_related = ("payer", "level_of_care")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        rows = admin.ModelAdmin.get_queryset(self, request)
        user = request_user(request)
        if user.is_superuser:
            return rows
        return rows.filter(Q(payer__isnull=True) | Q(payer__organization_id=user.organization_id))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.payer_id is None and not request_user(request).is_superuser:
            return False  # the defaults are shared by every organization of the installation
        return super().has_change_permission(request, obj)
