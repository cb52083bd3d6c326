"""Stanley-Brown safety plans: written with the participant, versioned, signed, printable, on the phone.

One ``SafetyPlan`` per participant; its ``SafetyPlanVersion`` rows are every version ever written. At most
one version is the current signed one and at most one is a draft. A draft is edited until the clinician
signs it; the clinician's signature locks the content, and the version becomes the current plan once the
participant has signed too (on the portal, or on paper as the clinician attests). The version it replaces
becomes superseded. Signed and superseded versions never change: database triggers (migration 0002)
refuse to edit or delete them, and the actions refuse first with a plain reason.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from .rules import PlanContent, phone_problem


def validate_phone(value: str) -> None:
    reason = phone_problem(value)
    if reason is not None:
        raise ValidationError(reason)


class SafetyPlan(models.Model):
    participant = models.OneToOneField("participants.Participant", on_delete=models.PROTECT, related_name="safety_plan")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"Safety plan of participant {self.participant_id}"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed (current)"
    SUPERSEDED = "superseded", "Superseded"


class ParticipantSignature(models.TextChoices):
    PORTAL = "portal", "Signed on the portal"
    PAPER = "paper", "Signed on paper (attested by the clinician)"


class SafetyPlanVersion(models.Model):
    """One version of a participant's safety plan; ``content`` is ``rules.PlanContent`` as JSON."""

    plan = models.ForeignKey(SafetyPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    content = models.JSONField(default=dict)
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", help_text="The version copied."
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()
    written_with_participant = models.BooleanField(
        default=False, help_text="The clinician attests the plan was written together with the participant."
    )
    clinician_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    clinician_signed_at = models.DateTimeField(null=True, blank=True)
    participant_signed_at = models.DateTimeField(null=True, blank=True)
    participant_signature = models.CharField(max_length=8, choices=ParticipantSignature.choices, blank=True)
    participant_signature_attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The clinician who attests a signature on paper.",
    )
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="safetyplan_version_unique_number"),
            models.UniqueConstraint(fields=["plan"], condition=Q(status="draft"), name="safetyplan_one_draft_per_plan"),
            models.UniqueConstraint(
                fields=["plan"], condition=Q(status="signed"), name="safetyplan_one_current_per_plan"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "signed", "superseded"]), name="safetyplan_version_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (
                    Q(written_with_participant=True)
                    & Q(clinician_signed_at__isnull=False)
                    & Q(clinician_signed_by__isnull=False)
                    & Q(participant_signed_at__isnull=False)
                ),
                name="safetyplan_signed_has_both_signatures",
            ),
            models.CheckConstraint(
                condition=Q(clinician_signed_at__isnull=True, clinician_signed_by__isnull=True)
                | Q(clinician_signed_at__isnull=False, clinician_signed_by__isnull=False),
                name="safetyplan_clinician_signature_complete",
            ),
            models.CheckConstraint(
                condition=Q(participant_signed_at__isnull=True, participant_signature="")
                | (
                    Q(participant_signed_at__isnull=False, clinician_signed_at__isnull=False)
                    & ~Q(participant_signature="")
                ),
                name="safetyplan_participant_signs_after_clinician",
            ),
            models.CheckConstraint(
                condition=~Q(participant_signature="paper") | Q(participant_signature_attested_by__isnull=False),
                name="safetyplan_paper_signature_attested",
            ),
            models.CheckConstraint(
                condition=Q(status="superseded", superseded_at__isnull=False)
                | (~Q(status="superseded") & Q(superseded_at__isnull=True)),
                name="safetyplan_superseded_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Safety plan version {self.number} ({self.get_status_display()})"

    @property
    def plan_content(self) -> PlanContent:
        return PlanContent.from_dict(self.content)

    @property
    def is_locked(self) -> bool:
        """No edits: signed by the clinician (awaiting the participant), signed, or superseded."""
        return self.status != VersionStatus.DRAFT or self.clinician_signed_at is not None

    @property
    def awaiting_participant(self) -> bool:
        return self.status == VersionStatus.DRAFT and self.clinician_signed_at is not None


class EmergencyDepartment(models.Model):
    """The emergency department nearest a site: the default step-5 entry of every new plan there."""

    site = models.OneToOneField("programs.Site", on_delete=models.CASCADE, related_name="emergency_department")
    name = models.CharField(max_length=120)
    address = models.CharField(max_length=240, blank=True)
    phone = models.CharField(max_length=32, blank=True, validators=[validate_phone])

    def __str__(self) -> str:
        return f"{self.name} (near {self.site})"
