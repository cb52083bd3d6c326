"""The audit log in the Django admin: read-only (no add, change or delete for anyone), and limited to
what the administrator may see in the audit log screen (``queries.entries_for``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from cadence.accounts.admin_base import may_configure
from cadence.accounts.models import User

from .models import AuditEntry
from .queries import entries_for


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "at", "actor_label", "action", "object_type", "object_id", "participant_id", "summary")
    list_filter = ("action",)
    search_fields = ("actor_label", "summary", "object_id")
    show_full_result_count = False  # no COUNT(*) over the whole log on every page
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEntry]:
        user = request.user
        if isinstance(user, User) and user.is_superuser:
            return AuditEntry.objects.order_by("-id")
        return entries_for(user) if isinstance(user, User) else AuditEntry.objects.none()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in AuditEntry._meta.fields]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_configure(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_configure(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
