"""/api/v1/consents: 42 CFR Part 2 consents and disclosures, and each consent as a FHIR R4 Consent.

The same scope checks and actions as the pages: a participant (or consent) outside the user's programs is
a 404 (and a DENIED audit entry), a role that may not is a 403, a broken rule is a 400
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
from cadence.participants.queries import get_participant_for, participant_today

from . import actions, queries
from .fhir import consent_resource
from .forms import initial_terms
from .models import Consent, Disclosure
from .rules import ConsentError, Kind, missing_elements

router = Router(tags=["Part 2 consents and disclosures"])


class Problem(Schema):
    field: str
    reason: str


class Errors(Schema):
    detail: list[Problem]


class ConsentOut(Schema):
    id: int
    participant_id: int
    kind: str
    status: str = Field(description="Today, in the site's time zone: draft, in_effect, expired or revoked.")
    disclosing_party: str
    information: str
    recipients: str
    purpose: str
    expires_on: dt.date | None
    expiry_event: str
    expiry_event_on: dt.date | None
    revocation_rights: str
    created_at: dt.datetime
    created_by: str
    sent_to_portal_at: dt.datetime | None
    signed_on: dt.date | None
    signature: str
    revoked_on: dt.date | None
    revocation_received: str
    missing_elements: list[str]


class ConsentIn(Schema):
    kind: str = Field(description="tpo, specific or counseling_notes")
    disclosing_party: str = Field("", max_length=200, description="Default: the organization's name.")
    information: str = Field("", description="Default for tpo and counseling_notes: the standard wording.")
    recipients: str = Field("", description="Default for tpo: the TPO wording of 42 CFR 2.31.")
    purpose: str = Field("", description="Default for tpo: treatment, payment and health care operations.")
    revocation_rights: str = Field("", description="Default: how to revoke in writing at this program.")
    expires_on: dt.date | None = None
    expiry_event: str = Field("", max_length=300)
    signed_on_paper: dt.date | None = Field(None, description="The participant signed on paper that day.")


class RevokeIn(Schema):
    revoked_on: dt.date
    received: str = Field(description="How the written revocation was received.")


class DisclosureOut(Schema):
    id: int
    participant_id: int
    basis: str
    consent_id: int | None
    basis_note: str
    recipient: str
    information: str
    includes_counseling_notes: bool
    purpose: str
    disclosed_on: dt.date
    method: str
    disclosed_by: str
    recorded_at: dt.datetime


class DisclosureIn(Schema):
    basis: str = Field("consent", description="consent, medical_emergency or court_order")
    consent_id: int | None = None
    basis_note: str = ""
    recipient: str = Field(max_length=300)
    information: str
    includes_counseling_notes: bool = False
    purpose: str = Field(max_length=300)
    named_in_consent: bool = Field(
        False, description="Under a consent: you confirm it names this recipient and purpose (required)."
    )
    disclosed_on: dt.date
    method: str = Field(description="mail, fax, secure_electronic, in_person or phone")


def _participant(request: HttpRequest, pk: int, capability: Capability) -> tuple[User, Participant]:
    user = staff_user(request)
    participant = get_participant_for(user, pk, audit_view=False)
    if not has_capability(user.role, capability):
        raise PermissionDenied("Your role does not allow this (Part 2 consents and disclosures).")
    return user, participant


def _consent(request: HttpRequest, cpk: int, capability: Capability) -> tuple[User, Consent]:
    user = staff_user(request)
    consent = Consent.objects.select_related("participant", "created_by").filter(pk=cpk).first()
    if consent is None:
        raise out_of_scope(user, "consents.consent", cpk, None)
    _participant(request, consent.participant_id, capability)
    return user, consent


def _consent_out(consent: Consent, today: dt.date) -> dict[str, Any]:
    names = (
        "id",
        "participant_id",
        "kind",
        "disclosing_party",
        "information",
        "recipients",
        "purpose",
        "expires_on",
        "expiry_event",
        "expiry_event_on",
        "revocation_rights",
        "created_at",
        "sent_to_portal_at",
        "signed_on",
        "signature",
        "revoked_on",
        "revocation_received",
    )
    return {
        **{name: getattr(consent, name) for name in names},
        "status": consent.status_on(today).value,
        "created_by": consent.created_by.username,
        "missing_elements": [] if consent.is_signed else missing_elements(consent.terms),
    }


def _disclosure_out(disclosure: Disclosure) -> dict[str, Any]:
    names = (
        "id",
        "participant_id",
        "basis",
        "consent_id",
        "basis_note",
        "recipient",
        "information",
        "includes_counseling_notes",
        "purpose",
        "disclosed_on",
        "method",
        "recorded_at",
    )
    return {**{name: getattr(disclosure, name) for name in names}, "disclosed_by": disclosure.disclosed_by.username}


@router.get(
    "/participants/{pk}", response={200: list[ConsentOut], 403: Errors, 404: Errors}, summary="A participant's consents"
)
def list_consents(request: HttpRequest, pk: int) -> Any:
    user, participant = _participant(request, pk, Capability.VIEW_PARTICIPANT)
    today = participant_today(participant, timezone.now())
    rows = [_consent_out(c, today) for c in queries.consents_of(participant)]
    queries.audit_read(user=user, participant=participant, summary="Read the Part 2 consents (API)")
    return rows


@router.post(
    "/participants/{pk}",
    response={201: ConsentOut, 400: Errors, 403: Errors, 404: Errors, 422: Errors},
    summary="Record a consent (a draft, or signed on paper)",
)
def create_consent(request: HttpRequest, pk: int, payload: ConsentIn) -> Any:
    user, participant = _participant(request, pk, Capability.MANAGE_CONSENTS)
    if payload.kind not in set(Kind):
        raise ConsentError("kind", "Choose tpo, specific or counseling_notes.")
    defaults = initial_terms(payload.kind, participant.organization.name)
    data = payload.dict()
    terms = {
        name: data[name] or defaults.get(name, "")
        for name in ("disclosing_party", "information", "recipients", "purpose", "revocation_rights")
    }
    expiry_event = payload.expiry_event or ("" if payload.expires_on else defaults.get("expiry_event", ""))
    now = timezone.now()
    today = participant_today(participant, now)
    consent = actions.record_consent(
        participant=participant,
        kind=payload.kind,
        expires_on=payload.expires_on,
        expiry_event=expiry_event,
        signed_on_paper=payload.signed_on_paper,
        by=user,
        at=now,
        today=today,
        **terms,
    )
    return Status(201, _consent_out(consent, today))


@router.post(
    "/{cpk}/revoke",
    response={200: ConsentOut, 400: Errors, 403: Errors, 404: Errors, 422: Errors},
    summary="Record a written revocation",
)
def revoke(request: HttpRequest, cpk: int, payload: RevokeIn) -> Any:
    user, consent = _consent(request, cpk, Capability.MANAGE_CONSENTS)
    now = timezone.now()
    today = participant_today(consent.participant, now)
    row = actions.revoke_consent(
        consent=consent, revoked_on=payload.revoked_on, received=payload.received, by=user, at=now, today=today
    )
    return _consent_out(row, today)


@router.get("/{cpk}/fhir", response={200: dict[str, Any], 403: Errors, 404: Errors}, summary="As a FHIR R4 Consent")
def fhir_consent(request: HttpRequest, cpk: int) -> Any:
    user, consent = _consent(request, cpk, Capability.VIEW_PARTICIPANT)
    today = participant_today(consent.participant, timezone.now())
    queries.audit_read(user=user, participant=consent.participant, obj=consent, summary="Read a consent (FHIR)")
    return consent_resource(consent, today=today)


@router.get(
    "/participants/{pk}/disclosures",
    response={200: list[DisclosureOut], 403: Errors, 404: Errors},
    summary="The accounting of disclosures",
)
def list_disclosures(request: HttpRequest, pk: int) -> Any:
    user, participant = _participant(request, pk, Capability.VIEW_PARTICIPANT)
    rows = [_disclosure_out(d) for d in queries.disclosures_of(participant)]
    queries.audit_read(user=user, participant=participant, summary="Read the accounting of disclosures (API)")
    return rows


@router.post(
    "/participants/{pk}/disclosures",
    response={201: DisclosureOut, 400: Errors, 403: Errors, 404: Errors, 422: Errors},
    summary="Record a disclosure",
)
def create_disclosure(request: HttpRequest, pk: int, payload: DisclosureIn) -> Any:
    user, participant = _participant(request, pk, Capability.RECORD_DISCLOSURE)
    consent = None
    if payload.consent_id is not None:
        consent = Consent.objects.filter(pk=payload.consent_id, participant=participant).first()
        if consent is None:
            raise ConsentError("consent_id", "No consent of this participant has this id.")
    now = timezone.now()
    data = payload.dict(exclude={"consent_id"})
    try:
        disclosure = actions.record_disclosure(
            participant=participant, consent=consent, by=user, at=now, today=participant_today(participant, now), **data
        )
    except ConsentError as err:  # name the API's field, not the form's
        raise ConsentError("consent_id" if err.field == "consent" else err.field, err.reason) from err
    return Status(201, _disclosure_out(disclosure))
