"""Reads of consents and disclosures shared by the staff pages, the portal, the API and the chart panel.

These functions do not check access: callers fetch the participant through ``get_participant_for`` (staff)
or the portal's ``portal_participant()`` first, and audit their read with ``audit_read``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet

from cadence.accounts.models import User
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.models import Participant

from .models import Consent, Disclosure
from .rules import Kind, covering_consents
from .rules import has_tpo_in_effect as has_tpo_in_effect_rule


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


def in_effect(participant: Participant, day: dt.date, *, counseling_notes: bool = False) -> list[Consent]:
    """The participant's consents that permit a disclosure on ``day``."""
    return covering_consents(list(consents_of(participant)), day, counseling_notes)


def has_tpo_in_effect(participant: Participant, day: dt.date) -> bool:
    return participant.pk not in without_tpo_in_effect([participant.pk], day)


def without_tpo_in_effect(participant_ids: Iterable[int], day: dt.date) -> frozenset[int]:
    """Of ``participant_ids``, those with no TPO consent in effect on ``day``: a claim to their payer
    would be a Part 2 disclosure without consent (one query whatever the number)."""
    wanted = set(participant_ids)
    signed = Consent.objects.filter(participant_id__in=wanted, kind=Kind.TPO, signed_on__isnull=False)
    by_participant: dict[int, list[Consent]] = defaultdict(list)
    for row in signed:
        by_participant[row.participant_id].append(row)
    return frozenset(pk for pk in wanted if not has_tpo_in_effect_rule(by_participant.get(pk, []), day))


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
