"""A consent as a FHIR R4 ``Consent`` resource (DOMAIN.md section 8): Part 2 data carries the security
labels R (restricted) and 42CFRPart2, with the refrain policy NORDSCLCD (no redisclosure without consent)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .models import Consent
from .rules import Kind, Status

CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
PART2_POLICY = "https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2"

SECURITY_LABELS = [
    {"system": CONFIDENTIALITY, "code": "R", "display": "restricted"},
    {"system": ACT_CODE, "code": "42CFRPart2", "display": "42 CFR Part2"},
    {"system": ACT_CODE, "code": "NORDSCLCD", "display": "no redisclosure without consent directive"},
]
FHIR_STATUS = {
    Status.DRAFT: "draft",
    Status.IN_EFFECT: "active",
    Status.EXPIRED: "inactive",
    Status.REVOKED: "inactive",
}
PURPOSES = {
    Kind.TPO: [
        {"system": ACT_REASON, "code": "TREAT", "display": "treatment"},
        {"system": ACT_REASON, "code": "HPAYMT", "display": "healthcare payment"},
        {"system": ACT_REASON, "code": "HOPERAT", "display": "healthcare operations"},
    ],
}


def consent_resource(consent: Consent, *, today: dt.date) -> dict[str, Any]:
    """The FHIR R4 Consent of ``consent``, with its status on ``today``."""
    status = consent.status_on(today)
    period: dict[str, str] = {}
    if consent.signed_on is not None:
        period["start"] = consent.signed_on.isoformat()
    end = _end(consent)
    if end is not None and (consent.signed_on is None or end >= consent.signed_on):  # FHIR: start <= end
        period["end"] = end.isoformat()
    provision: dict[str, Any] = {
        "type": "permit",
        "actor": [
            {
                "role": {
                    "coding": [{"system": PARTICIPATION_TYPE, "code": "IRCP", "display": "information recipient"}]
                },
                "reference": {"display": consent.recipients},
            }
        ],
    }
    if period:
        provision["period"] = period
    if consent.kind in PURPOSES:
        provision["purpose"] = PURPOSES[Kind(consent.kind)]
    resource: dict[str, Any] = {
        "resourceType": "Consent",
        "id": f"consent-{consent.pk}",  # the same id in the FHIR export's bundle (cadence.interop)
        "meta": {"security": [dict(label) for label in SECURITY_LABELS]},  # a copy: callers may add to it
        "status": FHIR_STATUS[status],
        "scope": {"coding": [{"system": CONSENT_SCOPE, "code": "patient-privacy", "display": "Privacy Consent"}]},
        "category": [
            {"coding": [{"system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent"}]},
            {"coding": [{"system": ACT_CODE, "code": "42CFRPart2", "display": "42 CFR Part2"}]},
        ],
        "patient": {"reference": f"Patient/{consent.participant_id}"},
        "dateTime": (consent.signed_on or consent.created_at.date()).isoformat(),
        "organization": [{"display": consent.disclosing_party}],
        "policy": [{"authority": PART2_POLICY, "uri": PART2_POLICY}],
        "provision": provision,
    }
    if consent.kind == Kind.COUNSELING_NOTES:
        provision["class"] = [{"system": "http://loinc.org", "code": "11506-3", "display": "Progress note"}]
    return resource


def _end(consent: Consent) -> dt.date | None:
    """The last day in effect, once known: the expiry date, the expiry event's day, or the day before the
    revocation (whichever comes first)."""
    days = [d for d in (consent.expires_on, consent.expiry_event_on) if d is not None]
    if consent.revoked_on is not None:
        days.append(consent.revoked_on - dt.timedelta(days=1))
    return min(days) if days else None
