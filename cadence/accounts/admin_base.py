"""Shared rules for the Django admin ("Configuration"), used by the admin modules of every app.

* Who: only staff whose role grants ``MANAGE_CONFIGURATION`` (administrators) and Django superusers
  (the installation operator made with ``createsuperuser``). ``is_staff``, groups and per-model Django
  permissions are not used: the role decides, as everywhere else in Cadence. A clinician who somehow has
  ``is_staff`` still cannot open /admin/.
* What: an administrator sees and edits only rows of their own organization (``org_path``); catalogs
  shared by every organization of the installation (levels of care, credentials) are read-only to them
  and changed by a superuser.
* How: every add or change made in the admin writes an audit entry with the changed values (passwords
  redacted). Nothing is deleted from the admin: rows are protected by foreign keys and deactivated with
  their ``active``/``is_active`` flag instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from cadence.audit.actions import record
from cadence.audit.models import AuditAction

from .models import User
from .permissions import Capability, has_capability


def may_configure(user: object) -> bool:
    """True for active administrators and superusers."""
    if not isinstance(user, User) or not user.is_active:
        return False
    return user.is_superuser or has_capability(user.role, Capability.MANAGE_CONFIGURATION)


def request_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Sign in as a staff member.")
    return user


def _site_has_permission(request: HttpRequest) -> bool:
    return may_configure(request.user)


@login_not_required
def _site_login(request: HttpRequest, extra_context: Mapping[str, Any] | None = None) -> HttpResponse:
    """The admin has no login page of its own: Cadence's (with throttling and two-factor) is the only one.
    Open without a login (the admin sends anonymous visitors here); a signed-in non-administrator gets 403."""
    if request.user.is_authenticated:
        if may_configure(request.user):
            return redirect("admin:index")
        raise PermissionDenied("Only administrators may change the configuration.")
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"), "accounts:login")


def install_admin_site_rules(site: admin.AdminSite) -> None:
    """Role-based access to the whole admin site (replaces the ``is_staff`` check) and one login page."""
    site.has_permission = _site_has_permission  # type: ignore[method-assign]
    site.login = _site_login  # type: ignore[method-assign]
    site.site_url = "/"


def _organization_lookups() -> dict[type[models.Model], str]:
    """How each organization-owned model reaches its organization (for scoping and choice lists)."""
    from cadence.participants.models import Payer
    from cadence.programs.models import Organization, Program, Room, Site, Track

    from .models import ApiToken

    return {
        Organization: "pk",
        Site: "organization",
        Program: "site__organization",
        Track: "program__site__organization",
        Room: "site__organization",
        User: "organization",
        Payer: "organization",
        ApiToken: "user__organization",
    }


def organization_lookup(model: type[models.Model]) -> str | None:
    return _organization_lookups().get(model)


def audit_value(value: Any) -> Any:
    """A form value as JSON-friendly data for the audit entry: rows by primary key."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted((audit_value(v) for v in value), key=str)
    return value


_REDACTED = "(set)"


def form_changes(form: forms.BaseForm, *, adding: bool) -> dict[str, Any]:
    """``{field: [old, new]}`` for the changed fields (``{field: new}`` when adding); passwords redacted."""
    changes: dict[str, Any] = {}
    for name in form.changed_data:
        if "password" in name:
            changes["password"] = _REDACTED
            continue
        new = audit_value(form.cleaned_data.get(name))
        changes[name] = new if adding else [audit_value(form.initial.get(name)), new]
    return changes


class ConfigurationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Base class for Cadence's admin pages (see the module docstring)."""

    #: Install-wide catalogs: administrators may read them, only superusers change them.
    shared_catalog = False

    # --- who -------------------------------------------------------------------------------------
    def _may_change(self, request: HttpRequest) -> bool:
        if not may_configure(request.user):
            return False
        return not self.shared_catalog or request_user(request).is_superuser

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_configure(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_configure(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may_change(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # --- what ------------------------------------------------------------------------------------
    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        rows = super().get_queryset(request)
        user = request_user(request)
        lookup = organization_lookup(self.model)
        if user.is_superuser or lookup is None:
            return rows
        return rows.filter(**{lookup: user.organization_id})

    def _scoped_choices(self, db_field: models.Field[Any, Any], request: HttpRequest, kwargs: dict[str, Any]) -> None:
        user = request_user(request)
        related = db_field.related_model
        if user.is_superuser or not isinstance(related, type):
            return
        lookup = organization_lookup(related)
        if lookup is not None:
            kwargs["queryset"] = related._default_manager.filter(**{lookup: user.organization_id})

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField | None:  # type: ignore[type-arg]
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField | None:  # type: ignore[type-arg]
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str] | tuple[str, ...]:
        fields = list(super().get_readonly_fields(request, obj))
        # An administrator's rows always belong to their own organization.
        if not request_user(request).is_superuser and _has_field(self.model, "organization"):
            fields.append("organization")
        return fields

    # --- how -------------------------------------------------------------------------------------
    def save_model(self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool) -> None:  # type: ignore[type-arg]
        user = request_user(request)
        if not change and not user.is_superuser and _has_field(self.model, "organization"):
            obj.organization_id = user.organization_id
        super().save_model(request, obj, form, change)
        verb = "Changed" if change else "Added"
        record(
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            actor=user,
            obj=obj,
            summary=f"{verb} {self.model._meta.verbose_name} “{obj}” in the configuration admin",
            changes=form_changes(form, adding=not change),
        )


def _has_field(model: type[models.Model], name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())
