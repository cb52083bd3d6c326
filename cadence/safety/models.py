"""Risk flags, crisis events with escalation, the on-call roster, and the participant's help button.

- ``RiskFlag``: a risk shown on the participant's chart header until a clinician clears it with a reason.
- ``CrisisEvent``: raised -> acknowledged -> assessed -> resolved, each step timestamped; a resolved event is
  reopened only by its own audited step (``CrisisEventChange`` keeps every transition).
- ``OnCallShift``: who is on call for a site and when (no two primary shifts of a site overlap).
- ``Escalation`` / ``Notification``: who was told about an unacknowledged event, or why a step was skipped.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class FlagKind(models.TextChoices):
    SUICIDE_RISK = "suicide_risk", "Suicide risk"
    OVERDOSE_RISK = "overdose_risk", "Overdose risk"
    RELAPSE = "relapse", "Relapse"
    MEDICAL = "medical", "Medical"
    VIOLENCE = "violence", "Violence"
    OTHER = "other", "Other"


class FlagSource(models.TextChoices):
    MEASURE = "measure", "Measure"
    CHECK_IN = "check_in", "Daily check-in"
    STAFF = "staff", "Staff"


class RiskFlag(models.Model):
    """A risk on the chart header, raised by a measure, a check-in or a staff member; active until cleared."""

    participant = models.ForeignKey("participants.Participant", on_delete=models.PROTECT, related_name="risk_flags")
    kind = models.CharField(max_length=16, choices=FlagKind.choices)
    severity = models.CharField(max_length=16, choices=Severity.choices)
    source = models.CharField(max_length=16, choices=FlagSource.choices)
    note = models.CharField(max_length=300, blank=True, help_text="Shown only inside Cadence.")
    raised_at = models.DateTimeField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    origin_type = models.CharField(max_length=64, blank=True, help_text="app_label.model of what raised it.")
    origin_id = models.BigIntegerField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cleared_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["participant", "cleared_at"], name="flag_participant_cleared")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=FlagKind.values), name="flag_kind_valid"),
            models.CheckConstraint(condition=Q(severity__in=Severity.values), name="flag_severity_valid"),
            models.CheckConstraint(condition=Q(source__in=FlagSource.values), name="flag_source_valid"),
            models.CheckConstraint(
                condition=(Q(cleared_at__isnull=True) & Q(cleared_by__isnull=True) & Q(cleared_reason=""))
                | (Q(cleared_at__isnull=False) & Q(cleared_by__isnull=False) & ~Q(cleared_reason="")),
                name="flag_cleared_needs_who_when_reason",
            ),
            models.UniqueConstraint(
                fields=["kind", "origin_type", "origin_id"],
                condition=Q(origin_id__isnull=False),
                name="flag_once_per_origin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.severity})"

    @property
    def is_active(self) -> bool:
        return self.cleared_at is None


class CrisisSource(models.TextChoices):
    PARTICIPANT = "participant", "Participant (help button)"
    MEASURE = "measure", "Measure"
    CHECK_IN = "check_in", "Daily check-in"
    STAFF = "staff", "Staff"


class EventStatus(models.TextChoices):
    RAISED = "raised", "Raised"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ASSESSED = "assessed", "Assessed"
    RESOLVED = "resolved", "Resolved"


OPEN_EVENT_STATUSES = (EventStatus.RAISED, EventStatus.ACKNOWLEDGED, EventStatus.ASSESSED)


class AssessmentKind(models.TextChoices):
    CSSRS = "cssrs", "C-SSRS"
    CLINICIAN = "clinician", "Clinician assessment"


class Disposition(models.TextChoices):
    SAFETY_PLAN_REVIEWED = "safety_plan_reviewed", "Safety plan reviewed"
    SAME_DAY_APPOINTMENT = "same_day_appointment", "Same-day appointment"
    MOBILE_CRISIS = "mobile_crisis", "Mobile crisis team"
    CRISIS_LINE_988 = "988", "Connected to 988"
    EMERGENCY_DEPARTMENT = "emergency_department", "Emergency department"
    HOSPITALIZATION = "hospitalization", "Hospitalization"


class CrisisEvent(models.Model):
    """A crisis that needs a response: raised, acknowledged, assessed (C-SSRS or clinician, with a
    disposition), resolved. High and critical events escalate when not acknowledged in time."""

    participant = models.ForeignKey("participants.Participant", on_delete=models.PROTECT, related_name="crisis_events")
    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, null=True, blank=True, related_name="crisis_events"
    )
    severity = models.CharField(max_length=16, choices=Severity.choices)
    source = models.CharField(max_length=16, choices=CrisisSource.choices)
    summary = models.CharField(max_length=300, help_text="Short; shown only inside Cadence, never in e-mail.")
    status = models.CharField(max_length=16, choices=EventStatus.choices, default=EventStatus.RAISED)
    raised_at = models.DateTimeField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    origin_type = models.CharField(max_length=64, blank=True)
    origin_id = models.BigIntegerField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessed_at = models.DateTimeField(null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessment = models.CharField(max_length=16, choices=AssessmentKind.choices, blank=True)
    disposition = models.CharField(max_length=32, choices=Disposition.choices, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["status", "raised_at"], name="crisis_status_raised")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=EventStatus.values), name="crisis_status_valid"),
            models.CheckConstraint(condition=Q(severity__in=Severity.values), name="crisis_severity_valid"),
            models.CheckConstraint(condition=Q(source__in=CrisisSource.values), name="crisis_source_valid"),
            models.CheckConstraint(
                condition=Q(status="raised") | (Q(acknowledged_at__isnull=False) & Q(acknowledged_by__isnull=False)),
                name="crisis_acknowledged_has_who_when",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["assessed", "resolved"])
                | (Q(assessed_at__isnull=False) & ~Q(assessment="") & ~Q(disposition="")),
                name="crisis_assessed_has_disposition",
            ),
            models.CheckConstraint(
                condition=(Q(status="resolved") & Q(resolved_at__isnull=False) & Q(resolved_by__isnull=False))
                | (~Q(status="resolved") & Q(resolved_at__isnull=True)),
                name="crisis_resolved_has_who_when",
            ),
            models.UniqueConstraint(
                fields=["origin_type", "origin_id"], condition=Q(origin_id__isnull=False), name="crisis_once_per_origin"
            ),
        ]

    def __str__(self) -> str:
        return f"Crisis event {self.pk} ({self.severity}, {self.status})"

    @property
    def is_open(self) -> bool:
        return self.status != EventStatus.RESOLVED


class CrisisEventChange(models.Model):
    """One step of an event's workflow (raise, acknowledge, assess, resolve, reopen) with who and when."""

    event = models.ForeignKey(CrisisEvent, on_delete=models.PROTECT, related_name="changes")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    from_status = models.CharField(max_length=16, choices=EventStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=EventStatus.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} -> {self.to_status}"


class ShiftRole(models.TextChoices):
    PRIMARY = "primary", "Primary"
    BACKUP = "backup", "Backup"


class OnCallShift(models.Model):
    """A staff member on call for a site from ``starts_at`` to ``ends_at`` (exclusive)."""

    site = models.ForeignKey("programs.Site", on_delete=models.PROTECT, related_name="on_call_shifts")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="on_call_shifts")
    role = models.CharField(max_length=16, choices=ShiftRole.choices, default=ShiftRole.PRIMARY)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True, help_text="Ended before it started.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["site", "starts_at", "role", "id"]
        indexes = [models.Index(fields=["site", "starts_at", "ends_at"], name="oncall_site_period")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="oncall_ends_after_start"),
            models.CheckConstraint(condition=Q(role__in=ShiftRole.values), name="oncall_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.staff} on call ({self.role}) at {self.site}"


class EscalationOutcome(models.TextChoices):
    NOTIFIED = "notified", "Notified"
    SKIPPED = "skipped", "Skipped"


class Escalation(models.Model):
    """One escalation step for an unacknowledged event: a recipient notified, or the step skipped and why."""

    event = models.ForeignKey(CrisisEvent, on_delete=models.PROTECT, related_name="escalations")
    step = models.PositiveSmallIntegerField(help_text="1: on-call clinician; 2: program director(s).")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=16, choices=EscalationOutcome.choices)
    reason = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "step", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(step__in=[1, 2]), name="escalation_step_valid"),
            models.CheckConstraint(
                condition=(Q(outcome="notified") & Q(recipient__isnull=False)) | (Q(outcome="skipped") & ~Q(reason="")),
                name="escalation_notified_or_reason",
            ),
            models.UniqueConstraint(
                fields=["event", "step", "recipient"],
                condition=Q(recipient__isnull=False),
                name="escalation_once_per_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"Step {self.step} {self.outcome} for event {self.event_id}"


class Notification(models.Model):
    """An in-app message to a staff member about a crisis event. The text never holds clinical details."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="safety_notifications"
    )
    event = models.ForeignKey(CrisisEvent, on_delete=models.PROTECT, related_name="notifications")
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_recipient_read")]

    def __str__(self) -> str:
        return self.text
