"""Helpers of the consent tests (no tests here): participants of the personas' world, consents and
disclosures made through the actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cadence.accounts.models import Role, User
from cadence.consents import actions
from cadence.consents.forms import initial_terms
from cadence.consents.models import Consent, Disclosure
from cadence.participants.models import Episode, Participant
from cadence.testing.factories import ParticipantFactory, UserFactory
from cadence.testing.personas import NOW, World

TODAY = dt.date(2026, 11, 23)  # NOW in New York (site A)


def person(world: World, last: str = "Rivera", **episode: Any) -> Episode:
    """An admitted participant of site A's IOP whose primary clinician is clinician_a."""
    participant = ParticipantFactory(
        legal_first_name=episode.pop("first", "Jordan"),
        legal_last_name=last,
        organization=world.site_a.organization,
        language=episode.pop("language", "en"),
    )
    return world.episode(participant=participant, **episode)


def portal_login(participant: Participant) -> User:
    user: User = UserFactory(
        username=f"p-{participant.pk}", role=Role.PARTICIPANT, organization=participant.organization
    )
    participant.portal_user = user
    participant.save(update_fields=["portal_user"])
    return user


def terms(kind: str = "tpo", **overrides: Any) -> dict[str, Any]:
    """The prefilled wording of a consent of ``kind``, with ``overrides``."""
    values = initial_terms(kind, "Riverbend Recovery Collective")
    values.pop("kind")
    if kind != "tpo":
        values.update(
            recipients="Riverbend Primary Care",
            purpose="Coordination of care",
            expires_on=dt.date(2027, 5, 31),
            information=values.get("information") or "Attendance dates and current medications",
        )
    values.update(overrides)
    return values


def consent(
    world: World,
    participant: Participant,
    kind: str = "tpo",
    signed_on: dt.date | None = TODAY,
    by: User | None = None,
    **overrides: Any,
) -> Consent:
    """A consent recorded by clinician_a, signed on paper on ``signed_on`` (None: a draft)."""
    return actions.record_consent(
        participant=participant,
        kind=kind,
        signed_on_paper=signed_on,
        by=by or world.clinician_a,
        at=NOW,
        today=TODAY,
        **terms(kind, **overrides),
    )


def disclosure(world: World, participant: Participant, under: Consent | None, **overrides: Any) -> Disclosure:
    fields: dict[str, Any] = {
        "basis": "consent" if under is not None else "medical_emergency",
        "basis_note": "" if under is not None else "Paramedics on scene",
        "recipient": "Lakeside Family Health Plan",
        "information": "Claim for November: dates of service and codes",
        "purpose": "Payment",
        "disclosed_on": TODAY,
        "method": "secure_electronic",
        "named_in_consent": under is not None,
    }
    fields.update(overrides)
    return actions.record_disclosure(
        participant=participant, consent=under, by=world.billing, at=NOW, today=TODAY, **fields
    )
