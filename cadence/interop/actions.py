"""The FHIR export: build one participant's Bundle and write the EXPORT audit entry (the API and the
download page both call ``export_record``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from cadence.accounts.models import User
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.models import Participant

from .fhir import bundle, record_resources, resource_counts
from .queries import gather_record


@transaction.atomic
def export_record(
    *, participant: Participant, by: User, at: dt.datetime, base_url: str, channel: str
) -> dict[str, Any]:
    """The participant's record as a FHIR R4 ``collection`` Bundle, and one EXPORT audit entry naming the
    participant, the channel ("api" or "download") and how many resources of each type left Cadence.
    Access is the caller's job (``get_participant_for`` and READ_CLINICAL_RECORD)."""
    resources = record_resources(gather_record(participant, user=by, now=at))
    counts = resource_counts(resources)
    record(
        action=AuditAction.EXPORT,
        actor=by,
        obj=participant,
        participant_id=participant.pk,
        summary=f"Exported the record as FHIR R4 ({channel}): {sum(counts.values())} resources",
        changes={"format": "FHIR R4 Bundle", "channel": channel, "resources": counts},
        at=at,
    )
    return bundle(resources, base_url=base_url, at=at)
