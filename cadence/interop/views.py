"""Staff pages of the FHIR export: a page that says what the file holds and what sending it means, and
the download (the same Bundle as the API, as an attachment).

Both fetch the participant through ``get_participant_for`` (404 and a DENIED audit entry out of scope)
and need READ_CLINICAL_RECORD (else 403). The page's read is audited as a VIEW; the download is one
EXPORT audit entry (``actions.export_record``).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.views.decorators.http import require_GET

from cadence.accounts.models import User
from cadence.accounts.permissions import Capability, require
from cadence.accounts.request import staff_user
from cadence.participants.models import Participant
from cadence.participants.queries import audit_view_of, get_participant_for

from .actions import export_record
from .api import base_url, fhir_response
from .fhir import FHIR_VERSION


def _participant(request: HttpRequest, pk: int, *, audit_view: bool) -> tuple[User, Participant]:
    user = staff_user(request)
    participant = get_participant_for(user, pk, audit_view=False)  # 404 (audited) before the role's 403
    require(user, Capability.READ_CLINICAL_RECORD)
    if audit_view:
        audit_view_of(user, participant, "Opened the FHIR export page")
    return user, participant


@require_GET
def participant_view(request: HttpRequest, pk: int) -> HttpResponse:
    """What the FHIR file contains, the Part 2 labels, and the disclosure it becomes once sent."""
    _user, participant = _participant(request, pk, audit_view=True)
    return render(request, "interop/participant.html", {"participant": participant, "fhir_version": FHIR_VERSION})


@require_GET
def download_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The Bundle as ``cadence-<record number>-fhir.json`` (audited EXPORT)."""
    user, participant = _participant(request, pk, audit_view=False)
    now = timezone.now()
    resource = export_record(participant=participant, by=user, at=now, base_url=base_url(request), channel="download")
    name = get_valid_filename(f"cadence-{participant.record_number}-fhir-{now:%Y%m%d}.json")
    return fhir_response(resource, **{"Content-Disposition": f'attachment; filename="{name}"'})
