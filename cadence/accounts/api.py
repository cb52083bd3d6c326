"""/api/v1/staff: read-only staff directory of the user's organization."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from .models import Credential, User
from .permissions import Capability, require
from .request import staff_user

router = Router(tags=["staff"])


class StaffOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    title: str
    credentials: list[str]
    site_ids: list[int]
    program_ids: list[int]

    @staticmethod
    def resolve_credentials(obj: User) -> list[str]:
        return [c.code for c in obj.credentials.all()]

    @staticmethod
    def resolve_site_ids(obj: User) -> list[int]:
        return [s.pk for s in obj.sites.all()]

    @staticmethod
    def resolve_program_ids(obj: User) -> list[int]:
        return [p.pk for p in obj.programs.all()]


def _staff(request: HttpRequest) -> QuerySet[User]:
    user = staff_user(request)
    require(user, Capability.VIEW_STAFF)
    return User.objects.filter(organization=user.organization, is_active=True).prefetch_related(
        Prefetch("credentials", queryset=Credential.objects.all()), "sites", "programs"
    )


@router.get("", response=list[StaffOut], summary="Staff of your organization")
def list_staff(request: HttpRequest, role: str | None = None) -> list[User]:
    rows = _staff(request)
    if role:
        rows = rows.filter(role=role)
    return list(rows)


@router.get("/{staff_id}", response=StaffOut)
def read_staff(request: HttpRequest, staff_id: int) -> User:
    return get_object_or_404(_staff(request), pk=staff_id)
