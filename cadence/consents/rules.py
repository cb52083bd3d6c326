"""Pure rules of 42 CFR Part 2 consents and disclosures (DOMAIN.md section 6); no Django, no database.

- ``missing_elements``: the required elements of a written consent that a consent lacks, in plain words
  (a consent cannot be signed, or sent to the participant to sign, while any is missing);
- ``status_on``: draft / in effect / expired / revoked on a day;
- ``covering_consents``: the consents that permit a disclosure on a day (SUD counseling notes only under a
  consent of their own);
- ``check_disclosure``: why a disclosure may not be recorded, if it may not.

Sources: 42 CFR 2.31 (elements of a written consent; one consent for treatment, payment and health care
operations; SUD counseling notes need a separate consent), 2.32 (the notice on every disclosure), 2.51
(medical emergencies), 2.61-2.67 (court orders), 2.24 (accounting of disclosures).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, TypeVar

from cadence.core.errors import DomainError


class ConsentError(DomainError):
    """A broken consent or disclosure rule: ``field`` and ``reason`` in plain words."""


class Kind(StrEnum):
    TPO = "tpo"
    SPECIFIC = "specific"
    COUNSELING_NOTES = "counseling_notes"


class Status(StrEnum):
    DRAFT = "draft"
    IN_EFFECT = "in_effect"
    EXPIRED = "expired"
    REVOKED = "revoked"


STATUS_LABELS = {
    Status.DRAFT: "Draft (not signed)",
    Status.IN_EFFECT: "In effect",
    Status.EXPIRED: "Expired",
    Status.REVOKED: "Revoked",
}


class Basis(StrEnum):
    CONSENT = "consent"
    MEDICAL_EMERGENCY = "medical_emergency"
    COURT_ORDER = "court_order"


# Descriptions that name no information in particular: 42 CFR 2.31(a)(3) asks for a specific description.
VAGUE_DESCRIPTIONS = frozenset(
    {
        "all",
        "any",
        "everything",
        "all records",
        "any records",
        "records",
        "my records",
        "all my records",
        "my entire record",
        "entire record",
        "all information",
        "any information",
        "information",
    }
)
WRITING_WORDS = ("writing", "written", "escrito")


@dataclass(frozen=True, slots=True)
class ConsentTerms:
    """What a written consent says (everything but the signature)."""

    kind: str
    participant_name: str
    disclosing_party: str
    information: str
    recipients: str
    purpose: str
    revocation_rights: str
    expires_on: dt.date | None = None
    expiry_event: str = ""


def _blank(text: str) -> bool:
    return not text.strip()


def missing_elements(terms: ConsentTerms, *, signing: bool = False, signed_on: dt.date | None = None) -> list[str]:
    """Every required element the consent lacks, in plain words, in the order of 42 CFR 2.31(a).

    With ``signing``, the date of the signature is required too."""
    missing: list[str] = []
    if _blank(terms.participant_name):
        missing.append("the participant's name")
    if _blank(terms.disclosing_party):
        missing.append("who may disclose the information (the program or organization)")
    information = " ".join(terms.information.lower().split()).strip(" .")
    if not information:
        missing.append("a specific description of the information to disclose")
    elif information in VAGUE_DESCRIPTIONS:
        missing.append(f"a specific description of the information to disclose (“{terms.information.strip()}” is not)")
    if _blank(terms.recipients):
        missing.append("the recipients (by name, or the wording of a treatment, payment and operations consent)")
    elif terms.kind == Kind.SPECIFIC and _normal(terms.recipients) == _normal(_tpo_recipients()):
        missing.append("the named recipients (a specific consent names who receives the information)")
    elif terms.kind == Kind.TPO and _normal(terms.recipients) != _normal(_tpo_recipients()):
        # Billing releases claims under any TPO consent in effect: it must name payers, in the rule's words.
        missing.append(f"the recipients of a treatment, payment and operations consent, worded “{_tpo_recipients()}”")
    if _blank(terms.purpose):
        missing.append("the purpose of the disclosure")
    revocation = terms.revocation_rights.lower()
    if _blank(revocation):
        missing.append("the right to revoke the consent in writing, and how")
    elif not any(word in revocation for word in WRITING_WORDS):
        missing.append("the right to revoke the consent in writing, and how (the wording does not say “in writing”)")
    if terms.expires_on is None and _blank(terms.expiry_event):
        missing.append("an expiry date or event")
    if signing and signed_on is None:
        missing.append("the date of the signature")
    if terms.kind not in set(Kind):
        missing.append("the kind of consent (TPO, specific, or counseling notes)")
    return missing


def _normal(text: str) -> str:
    return " ".join(text.lower().split()).rstrip(".")


def _tpo_recipients() -> str:
    from .wording import TPO_RECIPIENTS

    return TPO_RECIPIENTS


def check_signable(terms: ConsentTerms, *, signed_on: dt.date | None, today: dt.date) -> dt.date:
    """The signature date, if the consent may be signed on it; else ``ConsentError`` with every missing
    element (``field`` "consent") or the bad date (``field`` "signed_on")."""
    missing = missing_elements(terms, signing=True, signed_on=signed_on)
    if missing:
        raise ConsentError("consent", "This consent cannot be signed; it is missing " + "; ".join(missing) + ".")
    assert signed_on is not None  # noqa: S101 (missing_elements reported it otherwise)
    if signed_on > today:
        raise ConsentError("signed_on", "The signature date cannot be in the future.")
    if terms.expires_on is not None and terms.expires_on < signed_on:
        raise ConsentError("expires_on", "The consent would expire before it is signed.")
    return signed_on


class ConsentLike(Protocol):
    """What the status rules read of a consent (a ``ConsentFacts`` or a ``models.Consent``)."""

    @property
    def kind(self) -> str: ...

    @property
    def signed_on(self) -> dt.date | None: ...

    @property
    def expires_on(self) -> dt.date | None: ...

    @property
    def expiry_event_on(self) -> dt.date | None: ...

    @property
    def revoked_on(self) -> dt.date | None: ...


@dataclass(frozen=True, slots=True)
class ConsentFacts:
    """The dates that decide a consent's status, as plain data (tests, reports)."""

    kind: str
    signed_on: dt.date | None = None
    expires_on: dt.date | None = None
    expiry_event_on: dt.date | None = None  # the day the expiry event happened, once recorded
    revoked_on: dt.date | None = None


def status_on(consent: ConsentLike, day: dt.date) -> Status:
    """The consent's status on ``day``.

    Not signed yet on ``day`` (or never): draft. In effect from the signature day. A consent revoked on day D
    no longer covers disclosures on D (the revocation takes effect the day it is received). The expiry date is
    the last day in effect (inclusive), and so is the day an expiry event happened."""
    if consent.signed_on is None or day < consent.signed_on:
        return Status.DRAFT
    if consent.revoked_on is not None and day >= consent.revoked_on:
        return Status.REVOKED
    for last_day in (consent.expires_on, consent.expiry_event_on):
        if last_day is not None and day > last_day:
            return Status.EXPIRED
    return Status.IN_EFFECT


C = TypeVar("C", bound=ConsentLike)


def has_tpo_in_effect(consents: Iterable[ConsentLike], day: dt.date) -> bool:
    """Whether one of the consents is a TPO consent in effect on ``day`` (what billing needs to send claims)."""
    return any(c.kind == Kind.TPO and status_on(c, day) == Status.IN_EFFECT for c in consents)


def permits(consent: ConsentLike, *, counseling_notes: bool) -> bool:
    """Whether the kind of consent allows this disclosure: counseling notes only under a counseling-notes
    consent; everything else under a TPO or specific consent."""
    if counseling_notes:
        return consent.kind == Kind.COUNSELING_NOTES
    return consent.kind in (Kind.TPO, Kind.SPECIFIC)


def covering_consents(consents: Iterable[C], day: dt.date, counseling_notes: bool) -> list[C]:
    """The consents (in the given order) that permit a disclosure on ``day``."""
    return [
        c for c in consents if status_on(c, day) == Status.IN_EFFECT and permits(c, counseling_notes=counseling_notes)
    ]


@dataclass(frozen=True, slots=True)
class DisclosureFacts:
    basis: str
    disclosed_on: dt.date
    includes_counseling_notes: bool
    recipient: str
    information: str
    purpose: str
    basis_note: str = ""
    # The person recording confirms the consent names this recipient and purpose (both are free text, so
    # only a person can compare them); required for a disclosure under consent.
    named_in_consent: bool = False


def check_disclosure(facts: DisclosureFacts, consent: ConsentLike | None, *, today: dt.date) -> None:
    """Raise ``ConsentError`` with a clear reason when the disclosure may not be recorded."""
    for field, value, label in (
        ("recipient", facts.recipient, "the recipient"),
        ("information", facts.information, "a description of what was disclosed"),
        ("purpose", facts.purpose, "the purpose"),
    ):
        if _blank(value):
            raise ConsentError(field, f"Write {label}.")
    if facts.disclosed_on > today:
        raise ConsentError("disclosed_on", "A disclosure is recorded once made: the date cannot be in the future.")
    if facts.basis not in set(Basis):
        raise ConsentError("basis", "Choose a consent, a medical emergency or a court order.")
    if facts.basis != Basis.CONSENT:
        if consent is not None:
            raise ConsentError("consent", "A disclosure without consent cannot also name a consent.")
        if _blank(facts.basis_note):
            what = "the emergency (who, what happened)" if facts.basis == Basis.MEDICAL_EMERGENCY else "the court order"
            raise ConsentError("basis_note", f"Describe {what}: a disclosure without consent needs a note.")
        return
    if consent is None:
        raise ConsentError("consent", "Choose the consent that permits this disclosure.")
    status = status_on(consent, facts.disclosed_on)
    if status != Status.IN_EFFECT:
        day = facts.disclosed_on.isoformat()
        raise ConsentError(
            "consent", f"This consent is not in effect on {day} ({STATUS_LABELS[status].lower()}): do not disclose."
        )
    if not facts.named_in_consent:
        raise ConsentError(
            "named_in_consent",
            "Confirm that the consent names this recipient and this purpose: a consent covers only the "
            "recipients and purpose written in it.",
        )
    if not permits(consent, counseling_notes=facts.includes_counseling_notes):
        if facts.includes_counseling_notes:
            raise ConsentError(
                "includes_counseling_notes",
                "SUD counseling notes need their own consent: this consent does not cover them.",
            )
        raise ConsentError("consent", "A counseling-notes consent covers only counseling notes.")
