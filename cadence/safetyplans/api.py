"""/api/v1/safety-plans: Stanley-Brown safety plans (versioned, signed, printable, on the phone).

The same scope checks and actions as the pages: a participant outside the user's programs is a 404 (and
a DENIED audit entry), a role that may not is a 403, a broken rule is a 400
``{"detail": [{"field", "reason"}]}``. Every read is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status

from cadence.accounts.models import User
from cadence.accounts.permissions import Capability, has_capability
from cadence.accounts.request import staff_user
from cadence.accounts.scope import out_of_scope
from cadence.participants.models import Participant
from cadence.participants.queries import get_participant_for

from . import actions, queries
from .models import SafetyPlanVersion, VersionStatus
from .rules import PlanContent, choose_layout

router = Router(tags=["Safety plans"])


class Problem(Schema):
    field: str
    reason: str


class Errors(Schema):
    detail: list[Problem]


class ItemSchema(Schema):
    text: str = ""
    name: str = ""
    phone: str = ""
    kind: str = Field("", description="'crisis_line' (988) or 'emergency_department' in step 5; else empty.")


class ContentSchema(Schema):
    warning_signs: list[ItemSchema] = Field(default_factory=list, description="Step 1")
    coping: list[ItemSchema] = Field(default_factory=list, description="Step 2")
    distractions: list[ItemSchema] = Field(default_factory=list, description="Step 3 (name and phone allowed)")
    people: list[ItemSchema] = Field(default_factory=list, description="Step 4 (name and phone allowed)")
    professionals: list[ItemSchema] = Field(
        default_factory=list, description="Step 5 (must hold 988 and the nearest emergency department to sign)"
    )
    environment: list[ItemSchema] = Field(default_factory=list, description="Step 6")
    reasons: list[ItemSchema] = Field(default_factory=list, description="Reasons for living")


class VersionOut(Schema):
    id: int
    participant_id: int
    number: int
    status: str
    awaiting_participant: bool
    content: dict[str, Any]
    written_with_participant: bool
    created_at: dt.datetime
    created_by: str
    clinician_signed_by: str | None
    clinician_signed_at: dt.datetime | None
    participant_signed_at: dt.datetime | None
    participant_signature: str
    superseded_at: dt.datetime | None
    layout: str
    fits_one_page: bool
    changes: list[str]


class PlanOut(Schema):
    participant_id: int
    current: VersionOut | None
    draft: VersionOut | None
    versions: list[VersionOut]


class StartIn(Schema):
    from_current: bool = True


class SignIn(Schema):
    written_with_participant: bool = False
    participant_signed_on_paper: bool = False


def _out(version: SafetyPlanVersion, changes: list[str]) -> dict[str, Any]:
    layout = choose_layout(version.plan_content)
    return {
        "id": version.pk,
        "participant_id": version.plan.participant_id,
        "number": version.number,
        "status": version.status,
        "awaiting_participant": version.awaiting_participant,
        "content": version.content,
        "written_with_participant": version.written_with_participant,
        "created_at": version.created_at,
        "created_by": version.created_by.username,
        "clinician_signed_by": version.clinician_signed_by.username if version.clinician_signed_by else None,
        "clinician_signed_at": version.clinician_signed_at,
        "participant_signed_at": version.participant_signed_at,
        "participant_signature": version.participant_signature,
        "superseded_at": version.superseded_at,
        "layout": layout.name,
        "fits_one_page": layout.fits_one_page,
        "changes": changes,
    }


def _participant(request: HttpRequest, pk: int, *, write: bool) -> tuple[User, Participant]:
    user = staff_user(request)
    participant = get_participant_for(user, pk, audit_view=False)
    if not has_capability(user.role, Capability.WRITE_CLINICAL_RECORD if write else Capability.READ_CLINICAL_RECORD):
        raise PermissionDenied("Your role does not allow this (safety plans).")
    return user, participant


def _version(request: HttpRequest, vpk: int, *, write: bool) -> tuple[User, Participant, SafetyPlanVersion]:
    user = staff_user(request)
    version = SafetyPlanVersion.objects.select_related("plan").filter(pk=vpk).first()
    if version is None:
        raise out_of_scope(user, "safetyplans.safetyplanversion", vpk, None)
    _user, participant = _participant(request, version.plan.participant_id, write=write)
    return user, participant, version


def _with_changes(participant: Participant, version: SafetyPlanVersion) -> dict[str, Any]:
    changes = {v.pk: c for v, c in queries.history(queries.versions_for(participant))}
    fresh = next(v for v in queries.versions_for(participant) if v.pk == version.pk)
    return _out(fresh, changes.get(version.pk, []))


@router.get("/participants/{pk}", response={200: PlanOut, 403: Errors, 404: Errors}, summary="A participant's plan")
def read_plan(request: HttpRequest, pk: int) -> Any:
    """The current signed version, the draft (if any) and every version with what changed."""
    user, participant = _participant(request, pk, write=False)
    history = queries.history(queries.versions_for(participant))
    rows = [_out(version, changes) for version, changes in history]
    current = next((r for r in rows if r["status"] == VersionStatus.SIGNED), None)
    draft = next((r for r in rows if r["status"] == VersionStatus.DRAFT), None)
    top = next((v for v, _c in history if v.status == VersionStatus.SIGNED), None)
    queries.audit_read(user=user, participant=participant, version=top, summary="Read the safety plan (API)")
    return {"participant_id": participant.pk, "current": current, "draft": draft, "versions": rows}


@router.get("/versions/{vpk}", response={200: VersionOut, 403: Errors, 404: Errors}, summary="One version")
def read_version(request: HttpRequest, vpk: int) -> Any:
    user, participant, version = _version(request, vpk, write=False)
    queries.audit_read(
        user=user, participant=participant, version=version, summary=f"Read safety plan version {version.number} (API)"
    )
    return _with_changes(participant, version)


@router.post(
    "/participants/{pk}/drafts",
    response={201: VersionOut, 400: Errors, 403: Errors, 404: Errors},
    summary="Start a draft (a copy of the current version, or from scratch)",
)
def start_draft(request: HttpRequest, pk: int, payload: StartIn) -> Any:
    user, participant = _participant(request, pk, write=True)
    version = actions.start_draft(
        participant=participant, by=user, at=timezone.now(), from_current=payload.from_current
    )
    return Status(201, _with_changes(participant, version))


@router.put(
    "/versions/{vpk}/content",
    response={200: VersionOut, 400: Errors, 403: Errors, 404: Errors},
    summary="Replace a draft's content (every step at once)",
)
def edit_draft(request: HttpRequest, vpk: int, payload: ContentSchema) -> Any:
    user, participant, version = _version(request, vpk, write=True)
    content = PlanContent.from_dict(payload.dict())
    actions.save_content(version=version, content=content, by=user, at=timezone.now())
    return _with_changes(participant, version)


@router.post(
    "/versions/{vpk}/sign",
    response={200: VersionOut, 400: Errors, 403: Errors, 404: Errors},
    summary="Sign as clinician (and attest the participant's paper signature)",
)
def sign(request: HttpRequest, vpk: int, payload: SignIn) -> Any:
    user, participant, version = _version(request, vpk, write=True)
    actions.sign_as_clinician(
        version=version,
        by=user,
        at=timezone.now(),
        written_with_participant=payload.written_with_participant,
        participant_signed_on_paper=payload.participant_signed_on_paper,
    )
    return _with_changes(participant, version)


@router.post(
    "/versions/{vpk}/attest",
    response={200: VersionOut, 400: Errors, 403: Errors, 404: Errors},
    summary="Attest the participant's signature on paper",
)
def attest(request: HttpRequest, vpk: int) -> Any:
    user, participant, version = _version(request, vpk, write=True)
    actions.attest_paper_signature(version=version, by=user, at=timezone.now())
    return _with_changes(participant, version)


@router.post(
    "/versions/{vpk}/reopen",
    response={200: VersionOut, 400: Errors, 403: Errors, 404: Errors},
    summary="Withdraw the clinician's signature of a version the participant has not signed",
)
def reopen(request: HttpRequest, vpk: int) -> Any:
    user, participant, version = _version(request, vpk, write=True)
    actions.reopen_draft(version=version, by=user, at=timezone.now())
    return _with_changes(participant, version)
