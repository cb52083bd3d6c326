"""42 CFR Part 2 consents to disclose, and the disclosures made (the accounting of disclosures).

A ``Consent`` is drafted, then signed (on paper, attested by a staff member, or by the participant on the
portal after it was sent there). Once signed it is never edited: a correction is a revocation plus a new
consent. The only later changes are the revocation and the day an expiry event happened. A ``Disclosure``
is recorded once and never changed; its basis is a consent or a Part 2 exception (medical emergency, court
order) with a note. The database checks hold every rule that a row alone can show.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from .rules import Basis, ConsentTerms, Kind, Status, status_on


class ConsentKind(models.TextChoices):
    TPO = Kind.TPO.value, "Treatment, payment and health care operations (TPO)"
    SPECIFIC = Kind.SPECIFIC.value, "Specific recipients and purpose"
    COUNSELING_NOTES = Kind.COUNSELING_NOTES.value, "SUD counseling notes"


class Signature(models.TextChoices):
    PAPER = "paper", "On paper (attested by staff)"
    PORTAL = "portal", "On the portal"


class Consent(models.Model):
    participant = models.ForeignKey("participants.Participant", on_delete=models.PROTECT, related_name="consents")
    kind = models.CharField(max_length=20, choices=ConsentKind.choices)
    disclosing_party = models.CharField("who may disclose", max_length=200)
    information = models.TextField("information to disclose")
    recipients = models.TextField()
    purpose = models.TextField()
    expires_on = models.DateField(null=True, blank=True, help_text="The last day the consent is in effect.")
    expiry_event = models.CharField(max_length=300, blank=True, help_text="An event that ends the consent.")
    expiry_event_on = models.DateField(
        null=True, blank=True, help_text="The day the expiry event happened (its last day in effect)."
    )
    revocation_rights = models.TextField("the right to revoke in writing, and how")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_to_portal_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_on = models.DateField(null=True, blank=True)
    signature = models.CharField(max_length=8, choices=Signature.choices, blank=True)
    signature_attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signature_recorded_at = models.DateTimeField(null=True, blank=True)
    revoked_on = models.DateField(null=True, blank=True)
    revocation_received = models.TextField("how the written revocation was received", blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revocation_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["participant", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in Kind]), name="consent_kind_valid"),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=False) | ~Q(expiry_event=""), name="consent_has_expiry_date_or_event"
            ),
            models.CheckConstraint(
                condition=Q(expiry_event_on__isnull=True) | ~Q(expiry_event=""),
                name="consent_event_day_needs_event",
            ),
            models.CheckConstraint(
                condition=Q(signed_on__isnull=True, signature="", signature_recorded_at__isnull=True)
                | (Q(signed_on__isnull=False, signature_recorded_at__isnull=False) & ~Q(signature="")),
                name="consent_signature_complete",
            ),
            models.CheckConstraint(
                condition=~Q(signature="paper") | Q(signature_attested_by__isnull=False),
                name="consent_paper_signature_attested",
            ),
            models.CheckConstraint(
                condition=~Q(signature="portal") | Q(sent_to_portal_at__isnull=False),
                name="consent_portal_signature_was_sent",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(signed_on__isnull=True) | Q(expires_on__gte=F("signed_on")),
                name="consent_expires_after_signature",
            ),
            models.CheckConstraint(
                condition=Q(
                    revoked_on__isnull=True,
                    revoked_by__isnull=True,
                    revocation_received="",
                    revocation_recorded_at__isnull=True,
                )
                | (
                    Q(
                        revoked_on__isnull=False,
                        revoked_by__isnull=False,
                        revocation_recorded_at__isnull=False,
                        signed_on__isnull=False,
                    )
                    & ~Q(revocation_received="")
                    & Q(revoked_on__gte=F("signed_on"))
                ),
                name="consent_revocation_complete",
            ),
            models.CheckConstraint(
                condition=Q(expiry_event_on__isnull=True)
                | (Q(signed_on__isnull=False) & Q(expiry_event_on__gte=F("signed_on"))),
                name="consent_event_after_signature",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} consent of participant {self.participant_id}"

    @property
    def terms(self) -> ConsentTerms:
        return ConsentTerms(
            kind=self.kind,
            participant_name=self.participant.legal_name,
            disclosing_party=self.disclosing_party,
            information=self.information,
            recipients=self.recipients,
            purpose=self.purpose,
            revocation_rights=self.revocation_rights,
            expires_on=self.expires_on,
            expiry_event=self.expiry_event,
        )

    @property
    def is_signed(self) -> bool:
        return self.signed_on is not None

    def status_on(self, day: dt.date) -> Status:
        return status_on(self, day)

    @property
    def until(self) -> str:
        """The expiry in words: a date, an event, or both."""
        parts = []
        if self.expires_on is not None:
            parts.append(f"{self.expires_on.day} {self.expires_on:%b %Y}")
        if self.expiry_event:
            parts.append(self.expiry_event)
        return " or ".join(parts)


class DisclosureBasis(models.TextChoices):
    CONSENT = Basis.CONSENT.value, "Written consent"
    MEDICAL_EMERGENCY = Basis.MEDICAL_EMERGENCY.value, "Medical emergency (42 CFR 2.51)"
    COURT_ORDER = Basis.COURT_ORDER.value, "Court order (42 CFR 2.61-2.67)"


class DisclosureMethod(models.TextChoices):
    MAIL = "mail", "Mail"
    FAX = "fax", "Fax"
    SECURE_ELECTRONIC = "secure_electronic", "Secure electronic"
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"


class Disclosure(models.Model):
    """One disclosure of Part 2 records: a line of the participant's accounting of disclosures."""

    participant = models.ForeignKey("participants.Participant", on_delete=models.PROTECT, related_name="disclosures")
    basis = models.CharField(max_length=20, choices=DisclosureBasis.choices, default=DisclosureBasis.CONSENT)
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="disclosures")
    basis_note = models.TextField(blank=True, help_text="For an emergency or a court order: what happened.")
    recipient = models.CharField(max_length=300)
    information = models.TextField("what was disclosed")
    includes_counseling_notes = models.BooleanField(default=False)
    purpose = models.CharField(max_length=300)
    disclosed_on = models.DateField()
    method = models.CharField(max_length=20, choices=DisclosureMethod.choices)
    disclosed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["participant", "-disclosed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(basis="consent") & Q(consent__isnull=False))
                | (Q(basis__in=["medical_emergency", "court_order"]) & Q(consent__isnull=True) & ~Q(basis_note="")),
                name="disclosure_basis_consent_or_exception_with_note",
            ),
            models.CheckConstraint(condition=Q(method__in=DisclosureMethod.values), name="disclosure_method_valid"),
        ]

    def __str__(self) -> str:
        return f"Disclosure to {self.recipient} on {self.disclosed_on}"
