"""Treatment plans in the admin: read-only (plans change only through their actions, which audit)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import PlanRevision, TreatmentPlan


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TreatmentPlan)
class TreatmentPlanAdmin(ReadOnlyAdmin):
    list_display = ["id", "episode", "status", "last_signed_on", "review_due_on"]
    list_filter = ["status"]


@admin.register(PlanRevision)
class PlanRevisionAdmin(ReadOnlyAdmin):
    list_display = ["id", "plan", "number", "kind", "status", "clinician_signed_at", "participant_signed_at"]
    list_filter = ["status", "kind"]
