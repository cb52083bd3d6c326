"""Which programs, and so which participants, a staff member may see."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from cadence.programs.models import Program

from .models import User
from .permissions import SITE_WIDE_ROLES, Capability, has_capability

M = TypeVar("M", bound=Model)


def visible_programs(user: User) -> QuerySet[Program]:
    """Programs in the user's scope: all of the organization for admins, auditors and billing;
    programs of their sites for directors and front desk; programs assigned by name for clinicians."""
    if not user.is_authenticated or not user.is_active or user.organization_id is None:
        return Program.objects.none()
    in_org = Program.objects.filter(site__organization_id=user.organization_id)
    if has_capability(user.role, Capability.SEE_ALL_PROGRAMS):
        return in_org
    if user.role in SITE_WIDE_ROLES:
        return in_org.filter(Q(site__in=user.sites.all()) | Q(pk__in=user.programs.all())).distinct()
    return in_org.filter(pk__in=user.programs.all())


def visible_program_ids(user: User) -> list[int]:
    return list(visible_programs(user).values_list("pk", flat=True))


def out_of_scope(user: User, object_type: str, object_id: object, participant_id: int | None = None) -> Http404:
    """Audit an attempt to reach a record outside the user's scope and return the 404 to raise.

    A 404 (not 403) so that the record's existence is not revealed.
    """
    from cadence.audit.actions import record
    from cadence.audit.models import AuditAction

    record(
        action=AuditAction.DENIED,
        actor=user,
        object_type=object_type,
        object_id=str(object_id),
        participant_id=participant_id,
        summary="Out-of-scope access attempt",
    )
    return Http404("Not found")


def get_in_scope(user: User, queryset: QuerySet[M], pk: int, *, program_path: str = "program") -> M:
    """The row ``pk`` of ``queryset`` if its program (reached through ``program_path``) is in the user's
    scope; otherwise an audited 404 (see ``out_of_scope``)."""
    found = queryset.filter(**{f"{program_path}__in": visible_programs(user)}, pk=pk).first()
    if found is None:
        raise out_of_scope(user, queryset.model._meta.label_lower, pk)
    return found
