"""Attendance: marks per session and participant, kiosk check-ins and their PINs, the program's ledger
policy, accountability rules and the outreach tasks they open, payer billing rules and authorizations.

Times are aware and stored in UTC; ``occurs_on`` is the local date at the site (copied from the
session). Periods are ``starts_on`` + exclusive ``ends_on`` (house style). Integrity lives in
constraints: one mark per session and participant, minutes never above the session's length, no
minutes for an absence, one outreach task per rule, participant and period.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class AttendancePolicy(models.Model):
    """Per-program attendance settings. A program without a row uses the defaults (week from Monday)."""

    program = models.OneToOneField("programs.Program", on_delete=models.CASCADE, related_name="attendance_policy")
    week_starts_on = models.PositiveSmallIntegerField(
        choices=Weekday.choices, default=Weekday.MONDAY, help_text="First day of the ledger week (site time)."
    )

    class Meta:
        verbose_name_plural = "attendance policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(week_starts_on__gte=0) & Q(week_starts_on__lte=6), name="attendance_policy_weekday_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Attendance policy of program {self.program_id}"


class AttendanceStatus(models.TextChoices):
    """What happened. Late and left early are a PRESENT mark with minutes; a session the program cancelled
    is never counted against the participant (no absence, no shortfall blamed on them)."""

    PRESENT = "present", "Present"
    EXCUSED = "excused", "Excused absence"
    UNEXCUSED = "unexcused", "Unexcused absence"
    PROGRAM_CANCELLED = "program_cancelled", "Cancelled by the program"


ABSENT_STATUSES = (AttendanceStatus.EXCUSED, AttendanceStatus.UNEXCUSED, AttendanceStatus.PROGRAM_CANCELLED)


class Attendance(models.Model):
    """One participant's attendance at one session (the last write wins; every write is audited)."""

    session = models.ForeignKey("scheduling.Session", on_delete=models.PROTECT, related_name="attendance")
    participant = models.ForeignKey("participants.Participant", on_delete=models.PROTECT, related_name="attendance")
    episode = models.ForeignKey("participants.Episode", on_delete=models.PROTECT, related_name="attendance")
    booking = models.ForeignKey(
        "scheduling.Booking", on_delete=models.PROTECT, null=True, blank=True, related_name="attendance"
    )
    occurs_on = models.DateField(help_text="The session's local date at the site.")
    status = models.CharField(max_length=20, choices=AttendanceStatus.choices)
    session_minutes = models.PositiveSmallIntegerField(help_text="The session's length when marked.")
    late_minutes = models.PositiveSmallIntegerField(default=0)
    left_early_minutes = models.PositiveSmallIntegerField(default=0)
    minutes = models.PositiveSmallIntegerField(help_text="Minutes actually attended.")
    minutes_reason = models.CharField(
        max_length=300, blank=True, help_text="Why the minutes differ from the session length less late/left early."
    )
    added_reason = models.CharField(max_length=300, blank=True, help_text="Why a participant not booked was added.")
    change_reason = models.CharField(max_length=300, blank=True, help_text="Reason given for the last change.")
    checked_in_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["occurs_on", "session_id", "participant_id"]
        verbose_name_plural = "attendance"
        constraints = [
            models.UniqueConstraint(fields=["session", "participant"], name="attendance_one_per_session_participant"),
            models.CheckConstraint(condition=Q(status__in=AttendanceStatus.values), name="attendance_status_valid"),
            models.CheckConstraint(condition=Q(session_minutes__gte=1), name="attendance_session_minutes_positive"),
            models.CheckConstraint(
                condition=Q(minutes__lte=F("session_minutes")), name="attendance_minutes_within_session"
            ),
            models.CheckConstraint(
                condition=Q(late_minutes__lte=F("session_minutes") - F("left_early_minutes")),
                name="attendance_late_and_early_within_session",
            ),
            models.CheckConstraint(
                condition=Q(status="present") | (Q(minutes=0) & Q(late_minutes=0) & Q(left_early_minutes=0)),
                name="attendance_absence_has_no_minutes",
            ),
            models.CheckConstraint(
                condition=Q(booking__isnull=False) | ~Q(added_reason=""), name="attendance_unbooked_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["participant", "occurs_on"], name="attendance_participant_day"),
            models.Index(fields=["episode", "occurs_on"], name="attendance_episode_day"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} at session {self.session_id}: {self.status} ({self.minutes} min)"

    @property
    def is_late(self) -> bool:
        return self.late_minutes > 0

    @property
    def left_early(self) -> bool:
        return self.left_early_minutes > 0


class AttendanceCode(models.Model):
    """A participant's kiosk credentials: a short, non-secret check-in code (printed on their card) and
    a 6-digit PIN set by staff, stored only as a salted hash (Django's password hasher)."""

    participant = models.OneToOneField(
        "participants.Participant", on_delete=models.CASCADE, related_name="attendance_code"
    )
    code = models.CharField(max_length=8, unique=True)
    pin_hash = models.CharField(max_length=128)
    set_at = models.DateTimeField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Check-in code {self.code}"


class CheckInStatus(models.TextChoices):
    PENDING = "pending", "Waiting for staff"
    CONFIRMED = "confirmed", "Confirmed"
    DISMISSED = "dismissed", "Dismissed"


class KioskCheckIn(models.Model):
    """A participant's self check-in at a site's kiosk, pending until staff confirm it on the roster."""

    session = models.ForeignKey("scheduling.Session", on_delete=models.PROTECT, related_name="kiosk_check_ins")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="kiosk_check_ins"
    )
    booking = models.ForeignKey("scheduling.Booking", on_delete=models.PROTECT, related_name="kiosk_check_ins")
    site = models.ForeignKey("programs.Site", on_delete=models.PROTECT, related_name="kiosk_check_ins")
    checked_in_at = models.DateTimeField()
    kiosk_unlocked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=CheckInStatus.choices, default=CheckInStatus.PENDING)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["checked_in_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "participant"], name="check_in_one_per_session_participant"),
            models.CheckConstraint(condition=Q(status__in=CheckInStatus.values), name="check_in_status_valid"),
            models.CheckConstraint(
                condition=Q(status="pending", resolved_at__isnull=True)
                | (~Q(status="pending") & Q(resolved_at__isnull=False)),
                name="check_in_resolved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} checked in to session {self.session_id} ({self.status})"


class RuleKind(models.TextChoices):
    TWO_UNEXCUSED_IN_A_ROW = "two_unexcused_in_a_row", "Unexcused absences in a row"
    BELOW_MINIMUM_TWO_WEEKS = "below_minimum_two_weeks", "Weeks in a row below the minimum hours"
    GAP_LONGER_THAN_DAYS = "gap_longer_than_days", "Days without a clinical service"


RULE_DEFAULT_PARAMETER = {
    RuleKind.TWO_UNEXCUSED_IN_A_ROW: 2,
    RuleKind.BELOW_MINIMUM_TWO_WEEKS: 2,
    RuleKind.GAP_LONGER_THAN_DAYS: 3,
}


class AccountabilityRule(models.Model):
    """A program's rule that opens an outreach task. ``parameter``: how many unexcused absences in a row,
    how many completed weeks in a row below the minimum, or the longest allowed gap in days."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="accountability_rules")
    kind = models.CharField(max_length=32, choices=RuleKind.choices)
    parameter = models.PositiveSmallIntegerField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["program", "kind", "parameter"]
        constraints = [
            models.UniqueConstraint(fields=["program", "kind", "parameter"], name="accountability_rule_unique"),
            models.CheckConstraint(condition=Q(kind__in=RuleKind.values), name="accountability_rule_kind_valid"),
            models.CheckConstraint(
                condition=Q(parameter__gte=1) & Q(parameter__lte=60), name="accountability_rule_parameter_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.parameter})"


class OutreachStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class OutreachOutcome(models.TextChoices):
    REACHED = "reached", "Reached the participant"
    LEFT_MESSAGE = "left_message", "Left a message"
    NO_ANSWER = "no_answer", "No answer"
    RE_ENGAGED = "re_engaged", "Re-engaged; back in sessions"
    REFERRED = "referred", "Referred elsewhere or level of care reviewed"
    OTHER = "other", "Other"


class OutreachTask(models.Model):
    """Follow-up with a participant opened by an accountability rule; one per rule, participant and
    period (``period_key`` names the streak, run of weeks or gap that triggered it)."""

    participant = models.ForeignKey("participants.Participant", on_delete=models.PROTECT, related_name="outreach_tasks")
    episode = models.ForeignKey("participants.Episode", on_delete=models.PROTECT, related_name="outreach_tasks")
    rule = models.ForeignKey(AccountabilityRule, on_delete=models.PROTECT, related_name="tasks")
    period_key = models.CharField(max_length=40)
    reason = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="outreach_tasks"
    )
    due_on = models.DateField()
    status = models.CharField(max_length=16, choices=OutreachStatus.choices, default=OutreachStatus.OPEN)
    outcome = models.CharField(max_length=16, choices=OutreachOutcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "participant", "period_key"], name="outreach_one_per_rule_period"),
            models.CheckConstraint(condition=Q(status__in=OutreachStatus.values), name="outreach_status_valid"),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True) | (~Q(status="open") & Q(closed_at__isnull=False)),
                name="outreach_closed_has_time",
            ),
            models.CheckConstraint(condition=~Q(status="done") | ~Q(outcome=""), name="outreach_done_has_outcome"),
        ]
        indexes = [
            models.Index(fields=["owner", "status"], name="outreach_owner_status"),
            models.Index(fields=["participant", "status"], name="outreach_participant_status"),
        ]

    def __str__(self) -> str:
        return f"Outreach for {self.participant_id}: {self.reason}"


class BillingUnit(models.TextChoices):
    PER_DIEM = "per_diem", "Per diem (per day attended)"


class PayerRule(models.Model):
    """How a payer bills a level of care (DOMAIN.md section 3), as data. ``payer`` empty: the default for
    every payer; ``level_of_care`` empty: any level. The most specific active rule wins, then the lowest
    ``priority``. ``requires_signed_note`` is a placeholder until notes exist (never enforced yet)."""

    payer = models.ForeignKey(
        "participants.Payer", on_delete=models.CASCADE, null=True, blank=True, related_name="billing_rules"
    )
    level_of_care = models.ForeignKey(
        "programs.LevelOfCare", on_delete=models.PROTECT, null=True, blank=True, related_name="billing_rules"
    )
    billing_code = models.CharField(max_length=16, blank=True, help_text="HCPCS, e.g. H0015 or S9480.")
    revenue_code = models.CharField(max_length=4, help_text="UB-04 revenue code, e.g. 0905, 0906, 0912, 0913.")
    description = models.CharField(max_length=200, blank=True)
    min_minutes_per_day = models.PositiveSmallIntegerField(default=180)
    unit = models.CharField(max_length=16, choices=BillingUnit.choices, default=BillingUnit.PER_DIEM)
    units_per_day = models.PositiveSmallIntegerField(default=1)
    requires_authorization = models.BooleanField(default=True)
    requires_signed_note = models.BooleanField(default=False)
    priority = models.PositiveSmallIntegerField(default=10, help_text="Lower wins among equally specific rules.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["priority", "billing_code", "revenue_code", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_minutes_per_day__gte=1) & Q(min_minutes_per_day__lte=1440),
                name="payer_rule_minutes_range",
            ),
            models.CheckConstraint(condition=Q(units_per_day__gte=1), name="payer_rule_units_positive"),
            models.CheckConstraint(condition=Q(unit__in=BillingUnit.values), name="payer_rule_unit_valid"),
        ]

    def __str__(self) -> str:
        code = self.billing_code or "(no HCPCS)"
        return f"{code} / rev {self.revenue_code}"


class AuthorizationUnit(models.TextChoices):
    DAYS = "days", "Days"
    UNITS = "units", "Units"


class Authorization(models.Model):
    """A payer's approval of days or units for a date range ``starts_on`` to ``ends_on`` (exclusive).
    Units used are computed from billable days, never stored."""

    participant = models.ForeignKey("participants.Participant", on_delete=models.PROTECT, related_name="authorizations")
    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, null=True, blank=True, related_name="authorizations"
    )
    payer = models.ForeignKey("participants.Payer", on_delete=models.PROTECT, related_name="authorizations")
    number = models.CharField(max_length=64)
    level_of_care = models.ForeignKey(
        "programs.LevelOfCare", on_delete=models.PROTECT, null=True, blank=True, related_name="authorizations"
    )
    billing_code = models.CharField(max_length=16, blank=True)
    unit = models.CharField(max_length=8, choices=AuthorizationUnit.choices, default=AuthorizationUnit.DAYS)
    units_authorized = models.PositiveIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="The first day NOT covered (exclusive end).")
    review_on = models.DateField(null=True, blank=True, help_text="Concurrent (continued-stay) review date.")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    void_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["participant", "starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="authorization_ends_after_start"),
            models.CheckConstraint(condition=Q(units_authorized__gte=1), name="authorization_units_positive"),
            models.CheckConstraint(condition=Q(unit__in=AuthorizationUnit.values), name="authorization_unit_valid"),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | ~Q(void_reason=""), name="authorization_void_has_reason"
            ),
            models.UniqueConstraint(
                fields=["payer", "number"], condition=Q(voided_at__isnull=True), name="authorization_number_per_payer"
            ),
        ]
        indexes = [models.Index(fields=["participant", "starts_on"], name="authorization_part_start")]

    def __str__(self) -> str:
        return f"Authorization {self.number}"

    @property
    def last_day(self) -> dt.date:
        return self.ends_on - dt.timedelta(days=1)

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day < self.ends_on


class WeeklyLedger(models.Model):
    """A cache of what one episode's ledger week owes to its marks (``ledger.CachedAttendance``), so that
    boards read one row per participant and week instead of every mark. Invariant: a row exists for
    every admitted episode and ledger week (the program's week start) holding at least one attendance
    mark, and it equals a sum of those marks: ``mark_attendance`` rewrites the row in the same
    transaction. The requirement, the bookings and the status also depend on the level of care, the
    bookings and the clock, which change elsewhere, so they are not stored: readers compute them live
    from these columns (``weekly.board_weeks``). ``manage.py rebuild_weekly_ledgers`` rewrites rows from
    the marks (after a bulk import or a change of a program's week start)."""

    episode = models.ForeignKey("participants.Episode", on_delete=models.CASCADE, related_name="weekly_ledgers")
    participant = models.ForeignKey("participants.Participant", on_delete=models.CASCADE, related_name="weekly_ledgers")
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="weekly_ledgers")
    week_start = models.DateField(help_text="First day of the ledger week (site time).")
    minutes = models.PositiveIntegerField(default=0, help_text="Counted minutes attended.")
    counted_days_mask = models.PositiveSmallIntegerField(default=0, help_text="Bit d: counted minutes on day d.")
    minutes_by_service = models.JSONField(default=dict, help_text="Counted minutes by service type code.")
    day_minutes = models.JSONField(default=list, help_text="Counted minutes on each of the 7 days.")
    uncounted_minutes = models.PositiveIntegerField(default=0)
    program_cancelled_minutes = models.PositiveIntegerField(default=0)
    cancelled_days_mask = models.PositiveSmallIntegerField(default=0)
    excused_absences = models.PositiveSmallIntegerField(default=0)
    unexcused_absences = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["episode", "week_start"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "week_start"], name="weekly_ledger_one_per_episode_week"),
            models.CheckConstraint(
                condition=Q(counted_days_mask__lte=127) & Q(cancelled_days_mask__lte=127),
                name="weekly_ledger_masks_are_7_days",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "week_start"], name="weekly_ledger_program_week"),
            models.Index(fields=["participant", "week_start"], name="weekly_ledger_participant_week"),
        ]

    def __str__(self) -> str:
        return f"Week of {self.week_start} for episode {self.episode_id}: {self.minutes} min"


class NightlyRun(models.Model):
    """One program's nightly attendance run on one local date (site time): the weekly ledger cache rebuilt,
    then the accountability rules evaluated. At most one per program and local date, so running the
    nightly command twice (cron and a manual run, two workers) does the work once."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="nightly_runs")
    local_date = models.DateField(help_text="The site's date when the run started.")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    ledgers = models.PositiveIntegerField(default=0, help_text="Weekly ledger rows rewritten.")
    tasks_opened = models.PositiveIntegerField(default=0, help_text="Outreach tasks opened.")

    class Meta:
        ordering = ["-local_date", "program"]
        constraints = [
            models.UniqueConstraint(fields=["program", "local_date"], name="nightly_run_one_per_program_day"),
        ]

    def __str__(self) -> str:
        return f"Nightly run of program {self.program_id} on {self.local_date}"
