"""Participants, episodes of care (referral/waitlist -> admission -> discharge), level-of-care changes,
diagnoses, emergency contacts and payers."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q


class Payer(models.Model):
    class Kind(models.TextChoices):
        MEDICARE = "medicare", "Medicare"
        MEDICAID = "medicaid", "Medicaid"
        COMMERCIAL = "commercial", "Commercial"
        SELF_PAY = "self", "Self pay"
        OTHER = "other", "Other"

    organization = models.ForeignKey("programs.Organization", on_delete=models.PROTECT, related_name="payers")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.COMMERCIAL)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="payer_unique_name_per_org")]

    def __str__(self) -> str:
        return self.name


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"
    OTHER = "other", "Other"


class SexAtBirth(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    UNKNOWN = "unknown", "Unknown / not disclosed"


class Participant(models.Model):
    organization = models.ForeignKey("programs.Organization", on_delete=models.PROTECT, related_name="participants")
    record_number = models.CharField(max_length=20, unique=True)
    legal_first_name = models.CharField(max_length=100)
    legal_last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    pronouns = models.CharField(max_length=40, blank=True)
    sex_at_birth = models.CharField(max_length=16, choices=SexAtBirth.choices, default=SexAtBirth.UNKNOWN)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.ENGLISH)
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, null=True, blank=True, related_name="participants")
    member_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    portal_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participant_record",
        help_text="The participant's own portal login (role participant), if invited.",
    )
    # Lower-cased "first last preferred record" for a fast, index-friendly search.
    search_text = models.CharField(max_length=400, db_index=True, editable=False)

    class Meta:
        ordering = ["legal_last_name", "legal_first_name", "id"]
        indexes = [models.Index(fields=["legal_last_name", "legal_first_name"], name="participant_name_idx")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.legal_first_name
        return f"{first} {self.legal_last_name}"

    @property
    def legal_name(self) -> str:
        return f"{self.legal_first_name} {self.legal_last_name}"

    def age_on(self, day: dt.date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def refresh_search_text(self) -> None:
        parts = [self.legal_first_name, self.legal_last_name, self.preferred_name, self.record_number]
        self.search_text = " ".join(p for p in parts if p).lower()


class EmergencyContact(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="emergency_contacts")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=40)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class DiagnosisRank(models.TextChoices):
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"


class Diagnosis(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="diagnoses")
    code = models.CharField(max_length=8, help_text="ICD-10-CM code, e.g. F10.20")
    description = models.CharField(max_length=255, blank=True)
    rank = models.CharField(max_length=16, choices=DiagnosisRank.choices, default=DiagnosisRank.SECONDARY)
    noted_on = models.DateField()
    resolved_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["rank", "code"]
        verbose_name_plural = "diagnoses"
        constraints = [
            models.UniqueConstraint(
                fields=["participant"],
                condition=Q(rank="primary", resolved_on__isnull=True),
                name="diagnosis_one_active_primary",
            ),
            models.UniqueConstraint(
                fields=["participant", "code"],
                condition=Q(resolved_on__isnull=True),
                name="diagnosis_unique_active_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description}".strip()


class EpisodeStatus(models.TextChoices):
    REFERRED = "referred", "Referred"
    WAITLISTED = "waitlisted", "Waitlisted"
    ACTIVE = "active", "Admitted"
    DISCHARGED = "discharged", "Discharged"
    CANCELLED = "cancelled", "Referral closed"


OPEN_STATUSES = (EpisodeStatus.REFERRED, EpisodeStatus.WAITLISTED, EpisodeStatus.ACTIVE)


class TedsReason(models.IntegerChoices):
    """SAMHSA TEDS reason for discharge (DOMAIN.md section 7)."""

    COMPLETED = 1, "Treatment completed"
    DROPPED_OUT = 2, "Dropped out of treatment"
    TERMINATED = 3, "Terminated by facility"
    TRANSFERRED = 4, "Transferred to another program or facility"
    INCARCERATED = 5, "Incarcerated"
    DEATH = 6, "Death"
    OTHER = 7, "Other"


class Episode(models.Model):
    """An episode of care in one program, from referral through admission to discharge."""

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="episodes")
    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="episodes")
    track = models.ForeignKey(
        "programs.Track", on_delete=models.PROTECT, null=True, blank=True, related_name="episodes"
    )
    status = models.CharField(max_length=16, choices=EpisodeStatus.choices, default=EpisodeStatus.REFERRED)
    referred_on = models.DateField()
    referral_source = models.CharField(max_length=200, blank=True)
    admitted_on = models.DateField(null=True, blank=True)
    discharged_on = models.DateField(null=True, blank=True, help_text="Last day of service (inclusive).")
    level_of_care = models.ForeignKey(
        "programs.LevelOfCare",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="episodes",
        help_text="Current level of care; its history is in LevelOfCareChange.",
    )
    primary_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="primary_episodes"
    )
    discharge_reason = models.PositiveSmallIntegerField(choices=TedsReason.choices, null=True, blank=True)
    discharge_note = models.TextField(blank=True)
    step_down_to = models.CharField(max_length=200, blank=True, help_text="Referral on discharge (e.g. OP, aftercare).")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-referred_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "program"],
                condition=Q(status__in=["referred", "waitlisted", "active"]),
                name="episode_one_open_per_program",
            ),
            models.CheckConstraint(
                condition=Q(admitted_on__isnull=True) | Q(admitted_on__gte=models.F("referred_on")),
                name="episode_admitted_after_referral",
            ),
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True)
                | (Q(admitted_on__isnull=False) & Q(discharged_on__gte=models.F("admitted_on"))),
                name="episode_discharged_after_admission",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["active", "discharged"])
                | (Q(admitted_on__isnull=False) & Q(track__isnull=False) & Q(level_of_care__isnull=False)),
                name="episode_admitted_has_date_track_level",
            ),
            models.CheckConstraint(
                condition=~Q(status="discharged")
                | (Q(discharged_on__isnull=False) & Q(discharge_reason__isnull=False)),
                name="episode_discharged_has_date_reason",
            ),
            models.CheckConstraint(
                condition=Q(discharge_reason__isnull=True) | Q(discharge_reason__gte=1, discharge_reason__lte=7),
                name="episode_teds_reason_range",
            ),
        ]
        indexes = [models.Index(fields=["program", "status"], name="episode_program_status")]

    def __str__(self) -> str:
        return f"{self.participant} in {self.program.name} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def days_in_program(self, today: dt.date) -> int | None:
        if self.admitted_on is None:
            return None
        end = self.discharged_on or today
        return (end - self.admitted_on).days + 1


class LevelOfCareChange(models.Model):
    """The level of care from ``starts_on`` on, within an episode; the first row is the admission level."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="level_changes")
    level_of_care = models.ForeignKey("programs.LevelOfCare", on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    reason = models.TextField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "starts_on"], name="loc_change_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.level_of_care.code} from {self.starts_on}"
