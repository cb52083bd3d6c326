"""Reads of consents and disclosures shared by the staff pages, the portal, the API and the chart panel.

These functions do not check access: callers fetch the participant through ``get_participant_for`` (staff)
or the portal's ``portal_participant()`` first, and audit their read with ``audit_read``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet

from cadence.accounts.models import User
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.models import Participant
from cadence.participants.queries import current_episode, today_in

from .models import Consent, Disclosure
from .rules import Kind, Status, covering_consents


def consents_of(participant: Participant) -> QuerySet[Consent]:
    """Every consent of the participant, newest first."""
    return (
        Consent.objects.filter(participant=participant)
        .select_related("participant", "created_by", "signature_attested_by", "revoked_by", "sent_by")
        .order_by("-created_at", "-id")
    )


def disclosures_of(participant: Participant) -> QuerySet[Disclosure]:
    """The accounting of disclosures: every disclosure, newest first."""
    return (
        Disclosure.objects.filter(participant=participant)
        .select_related("consent", "disclosed_by")
        .order_by("-disclosed_on", "-id")
    )


def today_for(participant: Participant, now: dt.datetime) -> dt.date:
    """Today in the time zone of the participant's site (the server's date without an episode)."""
    return today_in(current_episode(participant), now)


def in_effect(participant: Participant, day: dt.date, *, counseling_notes: bool = False) -> list[Consent]:
    """The participant's consents that permit a disclosure on ``day``."""
    return covering_consents(list(consents_of(participant)), day, counseling_notes)


def has_tpo_in_effect(participant: Participant, day: dt.date) -> bool:
    signed = Consent.objects.filter(participant=participant, kind=Kind.TPO, signed_on__isnull=False)
    return any(c.status_on(day) == Status.IN_EFFECT for c in signed)


def without_tpo_in_effect(participant_ids: Iterable[int], day: dt.date) -> frozenset[int]:
    """Of ``participant_ids``, those with no TPO consent in effect on ``day``: a claim to their payer
    would be a Part 2 disclosure without consent (one query whatever the number)."""
    wanted = set(participant_ids)
    signed = Consent.objects.filter(participant_id__in=wanted, kind=Kind.TPO, signed_on__isnull=False)
    covered = {c.participant_id for c in signed if c.status_on(day) == Status.IN_EFFECT}
    return frozenset(wanted - covered)


def awaiting_signature(participant: Participant) -> list[Consent]:
    """Drafts sent to the participant's portal to sign."""
    return list(
        consents_of(participant).filter(signed_on__isnull=True, sent_to_portal_at__isnull=False).order_by("created_at")
    )


def audit_read(
    *,
    user: User,
    participant: Participant,
    summary: str,
    obj: Consent | Disclosure | None = None,
    export: bool = False,
) -> None:
    """One VIEW (or EXPORT, for a printout) audit entry for a read of a participant's consents or disclosures."""
    record(
        action=AuditAction.EXPORT if export else AuditAction.VIEW,
        actor=user,
        obj=obj,
        object_type="" if obj is not None else "consents.consent",
        participant_id=participant.pk,
        summary=summary,
    )
