"""Reads of safety plans shared by the staff pages, the portal, the API and other apps.

These functions do not check access or write audit entries: callers fetch the participant through an
access-checking helper first (``get_participant_for`` for staff, ``portal_participant()`` on the portal) and audit
their read (``audit_read``).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from cadence.accounts.models import User
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.models import Participant
from cadence.participants.queries import current_episode
from cadence.programs.models import Site

from .display import local_day
from .models import EmergencyDepartment, SafetyPlanVersion, VersionStatus


def _versions(participant: Participant) -> QuerySet[SafetyPlanVersion]:
    return SafetyPlanVersion.objects.filter(plan__participant=participant).select_related(
        "plan__participant", "created_by", "clinician_signed_by", "participant_signature_attested_by"
    )


def current_plan_for(participant: Participant) -> SafetyPlanVersion | None:
    """The participant's current signed safety plan version, or None when none is signed yet.

    Used on the portal's "I need help now" page: render it with ``safetyplans/_portal_plan.html``
    (context ``plan``). Does not audit: the caller's page does."""
    return _versions(participant).filter(status=VersionStatus.SIGNED).first()


def draft_for(participant: Participant) -> SafetyPlanVersion | None:
    """The version being written (editable, or signed by the clinician and awaiting the participant)."""
    return _versions(participant).filter(status=VersionStatus.DRAFT).first()


def awaiting_participant_for(participant: Participant) -> SafetyPlanVersion | None:
    draft = draft_for(participant)
    return draft if draft is not None and draft.awaiting_participant else None


def versions_for(participant: Participant) -> list[SafetyPlanVersion]:
    """Every version, newest first."""
    return list(_versions(participant).order_by("-number"))


def site_of(participant: Participant) -> Site | None:
    episode = current_episode(participant)
    return episode.program.site if episode is not None else None


def zone_of(site: Site | None) -> dt.tzinfo:
    """The zone a safety plan's days are shown in, on the PDF and on the portal alike: the participant's
    site's (``site_of``), else the zone the page is rendered in (``cadence.core.timezones``)."""
    return site.zone if site is not None else timezone.get_current_timezone()


def signed_on(version: SafetyPlanVersion, site: Site | None) -> dt.date | None:
    """The day (in ``zone_of(site)``) the version was last signed: the participant's signature, else the
    clinician's; None while unsigned."""
    return local_day(version.participant_signed_at or version.clinician_signed_at, zone_of(site))


def emergency_department_of(site: Site | None) -> EmergencyDepartment | None:
    if site is None:
        return None
    return EmergencyDepartment.objects.filter(site=site).first()


def audit_read(
    *, user: User, participant: Participant, version: SafetyPlanVersion | None, summary: str, export: bool = False
) -> None:
    """One VIEW (or EXPORT, for a printout) audit entry for a read of a participant's safety plan."""
    record(
        action=AuditAction.EXPORT if export else AuditAction.VIEW,
        actor=user,
        obj=version,
        object_type="" if version is not None else "safetyplans.safetyplanversion",
        participant_id=participant.pk,
        summary=summary,
    )


def history(versions: list[SafetyPlanVersion]) -> list[tuple[SafetyPlanVersion, list[str]]]:
    """Each version (newest first) with what changed from the signed version before it (for a draft:
    from the current plan; for the first version: every item, as added)."""
    from .rules import diff

    ordered = sorted(versions, key=lambda v: v.number)
    rows: list[tuple[SafetyPlanVersion, list[str]]] = []
    previous_signed: SafetyPlanVersion | None = None
    for version in ordered:
        before = previous_signed.plan_content if previous_signed is not None else None
        rows.append((version, [change.describe() for change in diff(before, version.plan_content)]))
        if version.status != VersionStatus.DRAFT:
            previous_signed = version
    return list(reversed(rows))
