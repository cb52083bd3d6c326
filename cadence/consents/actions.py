"""Every state change of consents and disclosures. Keyword-only, atomic, audited; each raises
``ConsentError`` for a broken rule (a role that may not, or a participant out of the user's scope, is a
``ConsentError`` naming ``by`` or ``participant``) and leaves the database unchanged.

A consent: ``record_consent`` (a draft, or signed at once on paper) -> ``edit_draft`` -> ``send_to_portal``
-> ``sign_on_portal`` by the participant, or ``attest_paper_signature`` by staff -> in effect ->
``revoke_consent`` (a written revocation received) or ``record_expiry_event``. A signed consent is never
edited: a correction is a revocation plus a new consent. ``record_disclosure`` refuses a disclosure that no
consent in effect covers (unless it is a medical emergency or a court order, with a note).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from cadence.accounts.models import Role, User
from cadence.accounts.permissions import Capability, has_capability
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.models import Participant
from cadence.participants.queries import participants_for

from . import rules
from .models import Consent, Disclosure, DisclosureMethod, Signature
from .rules import ConsentError, ConsentTerms, DisclosureFacts

TERM_FIELDS = (
    "kind",
    "disclosing_party",
    "information",
    "recipients",
    "purpose",
    "revocation_rights",
    "expires_on",
    "expiry_event",
)


def _check_staff(by: User, participant: Participant, capability: Capability, what: str) -> None:
    if not has_capability(by.role, capability):
        raise ConsentError("by", f"Your role does not allow you to {what}.")
    if not participants_for(by).filter(pk=participant.pk).exists():
        raise ConsentError("participant", "This participant is not in your programs.")


def _locked(consent: Consent) -> Consent:
    """The consent re-read under a row lock, so two changes never interleave."""
    return Consent.objects.select_for_update().select_related("participant").get(pk=consent.pk)


def _refuse_if_signed(consent: Consent) -> None:
    if consent.signed_on is not None:
        raise ConsentError(
            "status", "This consent is signed and can no longer be changed: revoke it and record a new consent."
        )


def _terms(participant: Participant, **fields: object) -> ConsentTerms:
    return ConsentTerms(participant_name=participant.legal_name, **fields)  # type: ignore[arg-type]


def _check_draftable(terms: ConsentTerms) -> None:
    if terms.kind not in set(rules.Kind):
        raise ConsentError("kind", "Choose TPO, specific, or counseling notes.")
    if terms.expires_on is None and not terms.expiry_event.strip():
        raise ConsentError("expires_on", "Give an expiry date or describe the event that ends the consent.")


def _snapshot(consent: Consent) -> dict[str, object]:
    return {name: getattr(consent, name) for name in TERM_FIELDS}


@transaction.atomic
def record_consent(
    *,
    participant: Participant,
    kind: str,
    disclosing_party: str,
    information: str,
    recipients: str,
    purpose: str,
    revocation_rights: str,
    expires_on: dt.date | None = None,
    expiry_event: str = "",
    signed_on_paper: dt.date | None = None,
    by: User,
    at: dt.datetime,
    today: dt.date,
) -> Consent:
    """A new consent: a draft, or (with ``signed_on_paper``) signed on paper that day, attested by ``by``.

    Refuses a consent without an expiry date or event; a signed one also needs every element of 42 CFR 2.31."""
    _check_staff(by, participant, Capability.MANAGE_CONSENTS, "record consents")
    fields = {
        "kind": kind,
        "disclosing_party": disclosing_party.strip(),
        "information": information.strip(),
        "recipients": recipients.strip(),
        "purpose": purpose.strip(),
        "revocation_rights": revocation_rights.strip(),
        "expires_on": expires_on,
        "expiry_event": expiry_event.strip(),
    }
    terms = _terms(participant, **fields)
    _check_draftable(terms)
    if signed_on_paper is not None:
        rules.check_signable(terms, signed_on=signed_on_paper, today=today)
    consent = Consent.objects.create(participant=participant, created_at=at, created_by=by, **fields)
    record(
        action=AuditAction.CREATE,
        actor=by,
        obj=consent,
        participant_id=participant.pk,
        summary=f"Recorded a {consent.get_kind_display()} consent" + ("" if signed_on_paper else " (draft)"),
        changes=_snapshot(consent),
        at=at,
    )
    if signed_on_paper is not None:
        _sign(consent, signed_on=signed_on_paper, signature=Signature.PAPER, by=by, at=at)
    return consent


@transaction.atomic
def edit_draft(
    *,
    consent: Consent,
    disclosing_party: str,
    information: str,
    recipients: str,
    purpose: str,
    revocation_rights: str,
    expires_on: dt.date | None = None,
    expiry_event: str = "",
    by: User,
    at: dt.datetime,
) -> Consent:
    """Change the wording of a consent not signed yet (its kind stays)."""
    row = _locked(consent)
    _check_staff(by, row.participant, Capability.MANAGE_CONSENTS, "change consents")
    _refuse_if_signed(row)
    fields = {
        "disclosing_party": disclosing_party.strip(),
        "information": information.strip(),
        "recipients": recipients.strip(),
        "purpose": purpose.strip(),
        "revocation_rights": revocation_rights.strip(),
        "expires_on": expires_on,
        "expiry_event": expiry_event.strip(),
    }
    _check_draftable(_terms(row.participant, kind=row.kind, **fields))
    before = _snapshot(row)
    for name, value in fields.items():
        setattr(row, name, value)
    # A participant signs the words they were sent: changed words go back to staff, to be sent again.
    row.sent_to_portal_at, row.sent_by = None, None
    row.save(update_fields=[*fields, "sent_to_portal_at", "sent_by"])
    after = _snapshot(row)
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=row,
        participant_id=row.participant_id,
        summary="Edited a draft consent",
        changes={name: [before[name], after[name]] for name in after if before[name] != after[name]},
        at=at,
    )
    return row


def _sign(consent: Consent, *, signed_on: dt.date, signature: str, by: User, at: dt.datetime) -> None:
    consent.signed_on = signed_on
    consent.signature = signature
    consent.signature_recorded_at = at
    if signature == Signature.PAPER:
        consent.signature_attested_by = by
    consent.save(update_fields=["signed_on", "signature", "signature_recorded_at", "signature_attested_by"])
    how = "by the participant on the portal" if signature == Signature.PORTAL else "on paper, attested by staff"
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=consent,
        participant_id=consent.participant_id,
        summary=f"Consent signed {how} on {signed_on.isoformat()}",
        changes={"signed_on": signed_on, "signature": signature},
        at=at,
    )


@transaction.atomic
def attest_paper_signature(
    *, consent: Consent, signed_on: dt.date, by: User, at: dt.datetime, today: dt.date
) -> Consent:
    """Staff attest that the participant signed the printed consent on ``signed_on``."""
    row = _locked(consent)
    _check_staff(by, row.participant, Capability.MANAGE_CONSENTS, "attest signatures")
    _refuse_if_signed(row)
    rules.check_signable(row.terms, signed_on=signed_on, today=today)
    _sign(row, signed_on=signed_on, signature=Signature.PAPER, by=by, at=at)
    return row


@transaction.atomic
def send_to_portal(*, consent: Consent, by: User, at: dt.datetime) -> Consent:
    """Offer a complete draft to the participant to read and sign on their portal."""
    row = _locked(consent)
    _check_staff(by, row.participant, Capability.MANAGE_CONSENTS, "send consents")
    _refuse_if_signed(row)
    if row.participant.portal_user_id is None:
        raise ConsentError("participant", "This participant has no portal login: invite them, or sign on paper.")
    if row.sent_to_portal_at is not None:
        raise ConsentError("status", "This consent is already waiting on the participant's portal.")
    missing = rules.missing_elements(row.terms)
    if missing:
        raise ConsentError(
            "consent", "Complete the consent before sending it; it is missing " + "; ".join(missing) + "."
        )
    row.sent_to_portal_at = at
    row.sent_by = by
    row.save(update_fields=["sent_to_portal_at", "sent_by"])
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=row,
        participant_id=row.participant_id,
        summary="Sent a consent to the participant's portal to sign",
        at=at,
    )
    return row


@transaction.atomic
def sign_on_portal(*, consent: Consent, by: User, at: dt.datetime, today: dt.date) -> Consent:
    """The participant signs, on the portal, a consent sent to them; it is in effect from ``today``."""
    row = _locked(consent)
    if by.role != Role.PARTICIPANT or row.participant.portal_user_id != by.pk:
        raise ConsentError("by", "Only the participant can sign their own consent on the portal.")
    _refuse_if_signed(row)
    if row.sent_to_portal_at is None:
        raise ConsentError("status", "This consent has not been sent to you to sign.")
    rules.check_signable(row.terms, signed_on=today, today=today)
    _sign(row, signed_on=today, signature=Signature.PORTAL, by=by, at=at)
    return row


@transaction.atomic
def revoke_consent(
    *, consent: Consent, revoked_on: dt.date, received: str, by: User, at: dt.datetime, today: dt.date
) -> Consent:
    """Record a written revocation received on ``revoked_on``: the consent covers nothing from that day on.

    ``received`` says how the revocation came in writing (e.g. "Signed letter handed to the front desk")."""
    row = _locked(consent)
    _check_staff(by, row.participant, Capability.MANAGE_CONSENTS, "revoke consents")
    if row.signed_on is None:
        raise ConsentError("status", "A draft consent is not in effect: there is nothing to revoke.")
    if row.revoked_on is not None:
        raise ConsentError("status", f"This consent was already revoked on {row.revoked_on.isoformat()}.")
    if not received.strip():
        raise ConsentError("received", "Say how the written revocation was received.")
    if revoked_on > today:
        raise ConsentError("revoked_on", "The revocation date cannot be in the future.")
    if revoked_on < row.signed_on:
        raise ConsentError("revoked_on", "A consent cannot be revoked before the day it was signed.")
    row.revoked_on = revoked_on
    row.revocation_received = received.strip()
    row.revoked_by = by
    row.revocation_recorded_at = at
    row.save(update_fields=["revoked_on", "revocation_received", "revoked_by", "revocation_recorded_at"])
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=row,
        participant_id=row.participant_id,
        summary=f"Consent revoked in writing on {revoked_on.isoformat()}",
        changes={"revoked_on": revoked_on, "received": row.revocation_received},
        at=at,
    )
    return row


@transaction.atomic
def record_expiry_event(
    *, consent: Consent, happened_on: dt.date, by: User, at: dt.datetime, today: dt.date
) -> Consent:
    """Record the day the event that ends the consent happened (its last day in effect)."""
    row = _locked(consent)
    _check_staff(by, row.participant, Capability.MANAGE_CONSENTS, "update consents")
    if not row.expiry_event:
        raise ConsentError("happened_on", "This consent ends on a date, not at an event.")
    if row.signed_on is None:
        raise ConsentError("status", "A draft consent is not in effect yet.")
    if row.expiry_event_on is not None:
        raise ConsentError("status", f"The expiry event was already recorded ({row.expiry_event_on.isoformat()}).")
    if happened_on > today or happened_on < row.signed_on:
        raise ConsentError("happened_on", "The event's day must be between the signature and today.")
    row.expiry_event_on = happened_on
    row.save(update_fields=["expiry_event_on"])
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=row,
        participant_id=row.participant_id,
        summary=f"Consent's expiry event happened on {happened_on.isoformat()}",
        changes={"expiry_event_on": happened_on},
        at=at,
    )
    return row


@transaction.atomic
def record_disclosure(
    *,
    participant: Participant,
    basis: str,
    consent: Consent | None,
    recipient: str,
    information: str,
    purpose: str,
    disclosed_on: dt.date,
    method: str,
    includes_counseling_notes: bool = False,
    basis_note: str = "",
    named_in_consent: bool = False,
    by: User,
    at: dt.datetime,
    today: dt.date,
) -> Disclosure:
    """Record a disclosure of the participant's Part 2 records (a line of their accounting of disclosures).

    Refuses a consent that is not this participant's or not in effect on ``disclosed_on``, a disclosure under
    consent without ``named_in_consent`` (the recorder's confirmation that the consent names this recipient
    and purpose), counseling notes without a counseling-notes consent, and an emergency or court order
    without a note."""
    _check_staff(by, participant, Capability.RECORD_DISCLOSURE, "record disclosures")
    locked = None
    if consent is not None:
        locked = Consent.objects.select_for_update().filter(pk=consent.pk, participant=participant).first()
        if locked is None:
            raise ConsentError("consent", "This consent is not one of this participant's.")
    facts = DisclosureFacts(
        basis=basis,
        disclosed_on=disclosed_on,
        includes_counseling_notes=includes_counseling_notes,
        recipient=recipient,
        information=information,
        purpose=purpose,
        basis_note=basis_note,
        named_in_consent=named_in_consent,
    )
    rules.check_disclosure(facts, locked, today=today)
    if method not in DisclosureMethod.values:
        raise ConsentError(
            "method", "Choose how the records were sent: mail, fax, secure electronic, in person or phone."
        )
    disclosure = Disclosure.objects.create(
        participant=participant,
        basis=basis,
        consent=locked,
        basis_note=basis_note.strip(),
        recipient=recipient.strip(),
        information=information.strip(),
        includes_counseling_notes=includes_counseling_notes,
        purpose=purpose.strip(),
        disclosed_on=disclosed_on,
        method=method,
        disclosed_by=by,
        recorded_at=at,
    )
    record(
        action=AuditAction.CREATE,
        actor=by,
        obj=disclosure,
        participant_id=participant.pk,
        summary=f"Recorded a disclosure to {disclosure.recipient} on {disclosed_on.isoformat()}",
        changes={
            "basis": basis,
            "consent": locked.pk if locked is not None else None,
            "counseling_notes": includes_counseling_notes,
            "method": method,
        },
        at=at,
    )
    return disclosure
