"""Configuration admin for staff, credentials and API tokens (rules in ``admin_base``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from cadence.audit.actions import record
from cadence.audit.models import AuditAction

from . import actions
from .admin_base import ConfigurationAdmin, install_admin_site_rules, may_configure, request_user
from .models import ApiToken, Credential, User

install_admin_site_rules(admin.site)
# Cadence's roles are its permission model; Django groups would only suggest otherwise.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(User)
class StaffAdmin(ConfigurationAdmin, UserAdmin):  # type: ignore[type-arg]
    """Staff accounts. Role, sites and programs decide what a person may see and do."""

    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email", "title")}),
        ("Role and scope", {"fields": ("organization", "role", "sites", "programs")}),
        (
            "Credentials and supervision",
            {"fields": ("credentials", "needs_supervision", "supervisor", "max_hours_week")},
        ),
        ("Status", {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        ("Person", {"fields": ("first_name", "last_name", "email", "title")}),
        ("Role and scope", {"fields": ("organization", "role", "sites", "programs")}),
        (
            "Credentials and supervision",
            {"fields": ("credentials", "needs_supervision", "supervisor", "max_hours_week")},
        ),
    )
    readonly_fields = ("last_login", "date_joined")
    list_display = ("username", "display_name", "role", "organization", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("username", "first_name", "last_name", "email")
    ordering = ("username",)
    filter_horizontal = ("credentials", "sites", "programs")
    list_select_related = ("organization",)
    actions = ("unlock_sign_in", "reset_two_factor")

    @admin.action(description="Unlock sign-in (clear failed attempts)", permissions=["change"])
    def unlock_sign_in(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            actions.unlock_sign_in(user=user, by=request_user(request), at=timezone.now())
        self.message_user(request, f"Unlocked {queryset.count()} account(s).", messages.SUCCESS)

    @admin.action(description="Reset two-factor authentication (lost phone)", permissions=["change"])
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            actions.reset_two_factor(user=user, by=request_user(request), at=timezone.now())
        self.message_user(request, f"Two-factor reset for {queryset.count()} account(s).", messages.SUCCESS)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        response: HttpResponse = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            target = self.get_object(request, id)
            record(
                action=AuditAction.UPDATE,
                actor=request_user(request),
                obj=target,
                summary=f"Set a new password for {target} in the configuration admin",
            )
        return response


@admin.register(Credential)
class CredentialAdmin(ConfigurationAdmin):
    shared_catalog = True
    list_display = ("code", "name", "is_licensed_clinician", "can_prescribe")
    search_fields = ("code", "name")


@admin.register(ApiToken)
class ApiTokenAdmin(ConfigurationAdmin):
    """Tokens are created by their owner (Account > API tokens, or ``manage.py create_token``) so the
    raw value is shown once to them; here an administrator can only review and revoke."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username")
    readonly_fields = ("user", "name", "prefix", "key_hash", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return may_configure(request.user)

    @admin.action(description="Revoke selected tokens", permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            actions.revoke_api_token(token=token, by=request_user(request), at=timezone.now())
            revoked += 1
        self.message_user(request, f"Revoked {revoked} token(s).", messages.SUCCESS)
