"""/api/v1/fhir: a participant's record as a FHIR R4 Bundle (``Patient/{id}/$everything``) and the
server's CapabilityStatement (``metadata``).

Same checks as the pages: a participant outside the user's programs is a 404 (and a DENIED audit entry),
a role without READ_CLINICAL_RECORD is a 403; every export writes one EXPORT audit entry.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Schema

from cadence.accounts.permissions import Capability, require
from cadence.accounts.request import staff_user
from cadence.participants.queries import get_participant_for

from .actions import export_record
from .fhir import capability_statement

router = Router(tags=["FHIR R4 export"])
FHIR_JSON = "application/fhir+json"
CAPABILITY_DATE = dt.date(2026, 12, 5)  # when this CapabilityStatement last changed


class Problem(Schema):
    field: str
    reason: str


class Errors(Schema):
    detail: list[Problem]


def fhir_response(resource: dict[str, Any], **headers: str) -> HttpResponse:
    body = json.dumps(resource, cls=DjangoJSONEncoder, ensure_ascii=False)
    return HttpResponse(body, content_type=f"{FHIR_JSON}; charset=utf-8", headers=headers or None)


def base_url(request: HttpRequest) -> str:
    """The absolute base of the FHIR endpoints (entries' fullUrl live under it)."""
    return request.build_absolute_uri("/api/v1/fhir/")


@router.get(
    "/Patient/{pk}/$everything",
    response={200: dict[str, Any], 403: Errors, 404: Errors},
    summary="A participant's record as a FHIR R4 Bundle",
)
def everything(request: HttpRequest, pk: int) -> Any:
    user = staff_user(request)
    participant = get_participant_for(user, pk, audit_view=False)
    require(user, Capability.READ_CLINICAL_RECORD)
    resource = export_record(
        participant=participant, by=user, at=timezone.now(), base_url=base_url(request), channel="api"
    )
    return fhir_response(resource)


@router.get("/metadata", response={200: dict[str, Any]}, summary="The CapabilityStatement")
def metadata(request: HttpRequest) -> Any:
    return fhir_response(capability_statement(base_url=base_url(request), date=CAPABILITY_DATE))
