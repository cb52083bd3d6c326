"""Measurement-based care: measure results, one-time measure links, the measurement schedule per program,
daily check-ins, drug screens and alerts.

Scores are computed by the pure instrument library (``cadence.measures.instruments``) when a result is
saved and stored with it, together with the answers and the instrument's version, so a result reads the
same even if a later version of the library changes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from .alert_rules import KIND_LABELS, SEVERITY_LABELS, AlertKind, Severity
from .display import band_label
from .instruments import INSTRUMENTS, Instrument, get_instrument

INSTRUMENT_CHOICES = [(code, instrument.abbreviation) for code, instrument in INSTRUMENTS.items()]


class Source(models.TextChoices):
    STAFF = "staff", "Entered by staff"
    PORTAL = "portal", "Participant portal"
    LINK = "link", "One-time link"


class MeasureResult(models.Model):
    """One administration of an instrument, scored when it was saved."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="measure_results"
    )
    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, null=True, blank=True, related_name="measure_results"
    )
    instrument = models.CharField(max_length=16, choices=INSTRUMENT_CHOICES)
    instrument_version = models.CharField(max_length=16)
    language = models.CharField(max_length=8, default="en")
    answers = models.JSONField(help_text="Answers in item order; skipped items are null.")
    total = models.SmallIntegerField(null=True, blank=True)
    subscales = models.JSONField(default=dict, blank=True)
    band = models.CharField(max_length=32, blank=True)
    flags = models.JSONField(default=list, blank=True)
    sex = models.CharField(max_length=8, blank=True, help_text="Sex used for a sex-specific cut (AUDIT-C).")
    administered_on = models.DateField(help_text="Local day (the site's time zone) the measure was answered.")
    administered_at = models.DateTimeField(help_text="When it was recorded.")
    source = models.CharField(max_length=8, choices=Source.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The staff member, or the participant's own portal login; empty for a one-time link.",
    )

    class Meta:
        ordering = ["administered_on", "administered_at", "id"]
        indexes = [
            models.Index(fields=["participant", "instrument", "administered_on"], name="result_participant_instr"),
            models.Index(fields=["episode", "instrument"], name="result_episode_instr"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__isnull=True) | Q(total__gte=0), name="result_total_not_negative"),
            models.CheckConstraint(condition=Q(source__in=Source.values), name="result_source_valid"),
            models.CheckConstraint(
                condition=Q(source="link") | Q(entered_by__isnull=False), name="result_entered_by_unless_link"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.abbreviation} on {self.administered_on}"

    @property
    def definition(self) -> Instrument:
        return get_instrument(self.instrument)

    @property
    def abbreviation(self) -> str:
        return self.definition.abbreviation

    @property
    def band_label(self) -> str:
        return band_label(self.definition, self.band)


class MeasureRequest(models.Model):
    """A one-time link that lets the participant answer one instrument without signing in.

    Only the SHA-256 of the random token is stored; the link is shown once to the staff member who made it.
    """

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="measure_requests"
    )
    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    instrument = models.CharField(max_length=16, choices=INSTRUMENT_CHOICES)
    language = models.CharField(max_length=8, default="en")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    result = models.OneToOneField(
        MeasureResult, on_delete=models.PROTECT, null=True, blank=True, related_name="request"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="request_expires_later"),
            models.CheckConstraint(
                condition=(Q(used_at__isnull=True) & Q(result__isnull=True))
                | (Q(used_at__isnull=False) & Q(result__isnull=False)),
                name="request_used_has_result",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} link for participant {self.participant_id}"


class MeasureScheduleRule(models.Model):
    """One instrument of a program's measurement schedule. A program with no rules of its own uses the
    defaults in ``schedule.DEFAULT_SCHEDULE``; once it has any (even inactive ones) only its own apply."""

    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="measure_rules")
    instrument = models.CharField(max_length=16, choices=INSTRUMENT_CHOICES)
    at_admission = models.BooleanField(default=False)
    every_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Repeat every N days while admitted (7 = weekly)."
    )
    at_discharge = models.BooleanField(default=False)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["program", "instrument"]
        constraints = [
            models.UniqueConstraint(fields=["program", "instrument"], name="schedule_rule_one_per_instrument"),
            models.CheckConstraint(
                condition=Q(every_days__isnull=True) | Q(every_days__gte=1, every_days__lte=365),
                name="schedule_rule_interval_range",
            ),
            models.CheckConstraint(
                condition=Q(at_admission=True) | Q(every_days__isnull=False) | Q(at_discharge=True),
                name="schedule_rule_applies_sometime",
            ),
        ]

    def __str__(self) -> str:
        parts = []
        if self.at_admission:
            parts.append("at admission")
        if self.every_days:
            parts.append(f"every {self.every_days} days")
        if self.at_discharge:
            parts.append("at discharge")
        return f"{self.get_instrument_display()} {', '.join(parts)}"


class CheckIn(models.Model):
    """A participant's daily check-in: one per participant per local day."""

    participant = models.ForeignKey("participants.Participant", on_delete=models.PROTECT, related_name="check_ins")
    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, null=True, blank=True, related_name="check_ins"
    )
    local_date = models.DateField(help_text="The participant's day in the site's time zone.")
    mood = models.PositiveSmallIntegerField(help_text="0 (very low) to 10 (very good).")
    craving = models.PositiveSmallIntegerField(help_text="0 (none) to 10 (extreme).")
    sleep_hours = models.DecimalField(max_digits=3, decimal_places=1)
    used = models.BooleanField(help_text="Used alcohol or drugs since the last check-in.")
    used_what = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.PORTAL)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["local_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "local_date"], name="checkin_one_per_local_day"),
            models.CheckConstraint(condition=Q(mood__gte=0, mood__lte=10), name="checkin_mood_range"),
            models.CheckConstraint(condition=Q(craving__gte=0, craving__lte=10), name="checkin_craving_range"),
            models.CheckConstraint(condition=Q(sleep_hours__gte=0, sleep_hours__lte=24), name="checkin_sleep_range"),
            models.CheckConstraint(condition=Q(used=True) | Q(used_what=""), name="checkin_what_only_if_used"),
            models.CheckConstraint(condition=Q(source__in=["portal", "staff"]), name="checkin_source_valid"),
        ]

    def __str__(self) -> str:
        return f"Check-in {self.local_date}"


class Substance(models.TextChoices):
    ALCOHOL = "alcohol", "Alcohol (EtG)"
    AMPHETAMINES = "amphetamines", "Amphetamines (AMP)"
    METHAMPHETAMINE = "methamphetamine", "Methamphetamine (mAMP)"
    BARBITURATES = "barbiturates", "Barbiturates (BAR)"
    BENZODIAZEPINES = "benzodiazepines", "Benzodiazepines (BZO)"
    BUPRENORPHINE = "buprenorphine", "Buprenorphine (BUP)"
    CANNABIS = "cannabis", "Cannabis (THC)"
    COCAINE = "cocaine", "Cocaine (COC)"
    FENTANYL = "fentanyl", "Fentanyl (FEN)"
    MDMA = "mdma", "MDMA / ecstasy (MDMA)"
    METHADONE = "methadone", "Methadone (MTD)"
    OPIATES = "opiates", "Opiates / morphine (OPI)"
    OXYCODONE = "oxycodone", "Oxycodone (OXY)"
    PCP = "pcp", "Phencyclidine (PCP)"
    TRAMADOL = "tramadol", "Tramadol (TRA)"


class ScreenResult(models.TextChoices):
    NEGATIVE = "negative", "Negative"
    POSITIVE = "positive", "Positive"
    INVALID = "invalid", "Invalid"


class DrugScreen(models.Model):
    """A urine drug screen collected on one day, with one panel row per substance tested."""

    participant = models.ForeignKey("participants.Participant", on_delete=models.PROTECT, related_name="drug_screens")
    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, null=True, blank=True, related_name="drug_screens"
    )
    collected_on = models.DateField()
    observed = models.BooleanField(help_text="Collection was observed by staff.")
    note = models.TextField(blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField()

    class Meta:
        ordering = ["collected_on", "id"]
        indexes = [models.Index(fields=["participant", "collected_on"], name="screen_participant_day")]

    def __str__(self) -> str:
        return f"Drug screen {self.collected_on}"


class DrugScreenPanel(models.Model):
    screen = models.ForeignKey(DrugScreen, on_delete=models.CASCADE, related_name="panels")
    substance = models.CharField(max_length=24, choices=Substance.choices)
    result = models.CharField(max_length=8, choices=ScreenResult.choices)
    expected = models.BooleanField(default=False, help_text="Expected positive: prescribed (e.g. buprenorphine).")

    class Meta:
        ordering = ["screen", "substance"]
        constraints = [
            models.UniqueConstraint(fields=["screen", "substance"], name="screen_panel_one_per_substance"),
            models.CheckConstraint(condition=Q(result__in=ScreenResult.values), name="screen_panel_result_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_substance_display()}: {self.result}"

    @property
    def unexpected_positive(self) -> bool:
        return self.result == ScreenResult.POSITIVE and not self.expected


class AlertStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    CLOSED = "closed", "Closed"


ACTIVE_ALERT_STATUSES = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)


class Alert(models.Model):
    """Something the participant's clinician must look at, raised by a result, a check-in, a screen, or
    another part of Cadence (``actions.raise_alert``). Acknowledged, then closed with an outcome."""

    participant = models.ForeignKey("participants.Participant", on_delete=models.PROTECT, related_name="alerts")
    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, null=True, blank=True, related_name="alerts"
    )
    kind = models.CharField(max_length=32, choices=[(k.value, KIND_LABELS[k]) for k in AlertKind])
    severity = models.CharField(max_length=16, choices=[(s.value, SEVERITY_LABELS[s]) for s in Severity])
    message = models.CharField(max_length=300)
    source_type = models.CharField(max_length=64, blank=True, help_text="app_label.model of what raised it.")
    source_id = models.BigIntegerField(null=True, blank=True)
    raised_at = models.DateTimeField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True, help_text="What was done about it.")

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["status", "participant"], name="alert_status_participant")]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source_type", "source_id"],
                condition=Q(source_id__isnull=False),
                name="alert_once_per_source",
            ),
            models.CheckConstraint(condition=Q(status__in=AlertStatus.values), name="alert_status_valid"),
            models.CheckConstraint(condition=Q(severity__in=[s.value for s in Severity]), name="alert_severity_valid"),
            models.CheckConstraint(
                condition=Q(status="open") | (Q(acknowledged_by__isnull=False) & Q(acknowledged_at__isnull=False)),
                name="alert_acknowledged_has_who_when",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed")
                | (Q(closed_by__isnull=False) & Q(closed_at__isnull=False) & ~Q(outcome="")),
                name="alert_closed_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.severity})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_ALERT_STATUSES
