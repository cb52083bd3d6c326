"""The printable safety plan: the context of ``safetyplans/pdf.html`` (one letter page; compact when long)."""

from __future__ import annotations

from typing import Any

from cadence.participants.models import Participant

from .display import local_day, sections
from .models import SafetyPlanVersion, VersionStatus
from .queries import site_of, zone_of
from .rules import choose_layout


def pdf_context(participant: Participant, version: SafetyPlanVersion) -> dict[str, Any]:
    content = version.plan_content
    site = site_of(participant)
    zone = zone_of(site)
    layout = choose_layout(content)
    return {
        "participant": participant,
        "version": version,
        "site": site,
        "sections": sections(content),
        "layout": layout,
        "is_draft": version.status == VersionStatus.DRAFT,
        "clinician_signed_on": local_day(version.clinician_signed_at, zone),
        "participant_signed_on": local_day(version.participant_signed_at, zone),
    }
