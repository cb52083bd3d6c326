"""The weekly program schedule: service catalog, recurring templates, closures, dated sessions and
their bookings, scheduling inputs (availability, preferences, staff time off), solver plans and
calendar feeds.

Times: ``DateTimeField`` values are aware and stored in UTC; ``TimeField`` values (template slots,
availability) are wall-clock times in the site's time zone. Periods are ``starts_on`` + an exclusive,
nullable ``ends_on``. Weekdays are 0 (Monday) to 6 (Sunday), as in ``programs.Track``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from cadence.programs.models import WEEKDAY_NAMES


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


_WEEKDAY_RANGE = Q(weekday__gte=0) & Q(weekday__lte=6)


class ServiceFormat(models.TextChoices):
    GROUP = "group", "Group"
    ONE_TO_ONE = "one_to_one", "One-to-one"


class ServiceType(models.Model):
    """A kind of service the program delivers (DOMAIN.md section 2), seeded by migration 0002.

    ``required_credentials``: the facilitator must hold any one of them (none: any staff member).
    ``weekly_sessions_default``: one-to-one sessions each participant needs per week until the
    treatment plan says otherwise (individual counseling: 1). ``extra_attendees``: people besides the
    participant and the clinician (relatives in family therapy), for the room size.
    """

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    format = models.CharField(max_length=16, choices=ServiceFormat.choices)
    default_minutes = models.PositiveSmallIntegerField()
    min_size = models.PositiveSmallIntegerField(default=1)
    max_size = models.PositiveSmallIntegerField(default=1)
    extra_attendees = models.PositiveSmallIntegerField(default=0)
    required_credentials = models.ManyToManyField("accounts.Credential", blank=True, related_name="service_types")
    counts_toward_hours = models.BooleanField(default=True)
    weekly_sessions_default = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["format", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(format__in=ServiceFormat.values), name="service_type_format_valid"),
            models.CheckConstraint(
                condition=Q(default_minutes__gte=5) & Q(default_minutes__lte=720), name="service_type_minutes_range"
            ),
            models.CheckConstraint(
                condition=Q(min_size__gte=1) & Q(max_size__gte=F("min_size")), name="service_type_sizes_ordered"
            ),
            models.CheckConstraint(
                condition=Q(format="group") | (Q(min_size=1) & Q(max_size=1)),
                name="service_type_one_to_one_single",
            ),
            models.CheckConstraint(
                condition=Q(format="one_to_one") | Q(weekly_sessions_default=0),
                name="service_type_weekly_need_one_to_one",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_group(self) -> bool:
        return self.format == ServiceFormat.GROUP


class WeeklyTemplate(models.Model):
    """The recurring week of one track from ``starts_on`` until ``ends_on`` (exclusive, open if empty)."""

    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="weekly_templates")
    track = models.ForeignKey("programs.Track", on_delete=models.PROTECT, related_name="weekly_templates")
    name = models.CharField(max_length=100)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["program", "track", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=F("starts_on")), name="template_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.track.name})"

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day < self.ends_on)


class TemplateSlot(models.Model):
    """One recurring group in a template: weekday, wall-clock start and end, service, room."""

    template = models.ForeignKey(WeeklyTemplate, on_delete=models.CASCADE, related_name="slots")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts_at = models.TimeField()
    ends_at = models.TimeField()
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="+")
    room = models.ForeignKey("programs.Room", on_delete=models.PROTECT, related_name="template_slots")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="template_slots"
    )
    max_size = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["weekday", "starts_at", "room__name"]
        constraints = [
            models.CheckConstraint(condition=_WEEKDAY_RANGE, name="slot_weekday_range"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start"),
            models.CheckConstraint(condition=Q(max_size__gte=1), name="slot_max_size_positive"),
        ]

    def __str__(self) -> str:
        return f"{WEEKDAY_NAMES[self.weekday]} {self.starts_at:%H:%M}-{self.ends_at:%H:%M} {self.service_type}"

    @property
    def minutes(self) -> int:
        return (self.ends_at.hour * 60 + self.ends_at.minute) - (self.starts_at.hour * 60 + self.starts_at.minute)


class Closure(models.Model):
    """A day without sessions (holiday, weather, building work) for a whole site or one program."""

    site = models.ForeignKey("programs.Site", on_delete=models.PROTECT, null=True, blank=True, related_name="closures")
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, null=True, blank=True, related_name="closures"
    )
    date = models.DateField()
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(site__isnull=False) & Q(program__isnull=True))
                | (Q(site__isnull=True) & Q(program__isnull=False)),
                name="closure_site_or_program",
            ),
            models.UniqueConstraint(fields=["site", "date"], condition=Q(site__isnull=False), name="closure_site_day"),
            models.UniqueConstraint(
                fields=["program", "date"], condition=Q(program__isnull=False), name="closure_program_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.reason}"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class Session(models.Model):
    """A dated occurrence of a service: generated from a template slot, created by a published plan
    (one-to-one sessions), or added by hand (one-off)."""

    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="sessions")
    track = models.ForeignKey(
        "programs.Track", on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="sessions")
    occurs_on = models.DateField(help_text="The local date at the site.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    room = models.ForeignKey("programs.Room", on_delete=models.PROTECT, related_name="sessions")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="facilitated_sessions"
    )
    capacity = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED)
    # A group that the published plan left empty: cancelled, but a later plan may open it again.
    cancelled_by_plan = models.BooleanField(default=False)
    cancel_reason = models.CharField(max_length=200, blank=True)
    generated_from = models.ForeignKey(
        TemplateSlot, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    plan = models.ForeignKey(
        "scheduling.SchedulePlan", on_delete=models.PROTECT, null=True, blank=True, related_name="created_sessions"
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["starts_at", "room__name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_positive"),
            models.CheckConstraint(condition=Q(status__in=SessionStatus.values), name="session_status_valid"),
            models.CheckConstraint(
                condition=Q(cancelled_by_plan=False) | Q(status="cancelled"), name="session_plan_cancel_is_cancelled"
            ),
            # Generating twice for the same dates creates nothing new.
            models.UniqueConstraint(
                fields=["generated_from", "occurs_on"],
                condition=Q(generated_from__isnull=False),
                name="session_one_per_slot_and_day",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "starts_at"], name="session_program_start"),
            models.Index(fields=["facilitator", "starts_at"], name="session_facilitator_start"),
            models.Index(fields=["room", "starts_at"], name="session_room_start"),
        ]

    def __str__(self) -> str:
        return f"{self.service_type} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_scheduled(self) -> bool:
        return self.status == SessionStatus.SCHEDULED


class BookingStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    CANCELLED = "cancelled", "Cancelled"


class BookingSource(models.TextChoices):
    MANUAL = "manual", "Booked by staff"
    SOLVER = "solver", "Published plan"


class Booking(models.Model):
    """A participant's place in a session. At most one live booking per session and participant."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="bookings")
    episode = models.ForeignKey("participants.Episode", on_delete=models.PROTECT, related_name="bookings")
    participant = models.ForeignKey("participants.Participant", on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField(max_length=16, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    source = models.CharField(max_length=16, choices=BookingSource.choices, default=BookingSource.MANUAL)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["session__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], condition=Q(status="booked"), name="booking_one_live_per_session"
            ),
            models.CheckConstraint(condition=Q(status__in=BookingStatus.values), name="booking_status_valid"),
            models.CheckConstraint(condition=Q(source__in=BookingSource.values), name="booking_source_valid"),
            models.CheckConstraint(
                condition=Q(status="booked", cancelled_at__isnull=True)
                | Q(status="cancelled", cancelled_at__isnull=False),
                name="booking_cancelled_has_time",
            ),
        ]
        indexes = [models.Index(fields=["participant", "status"], name="booking_participant_status")]

    def __str__(self) -> str:
        return f"{self.participant_id} in {self.session_id} ({self.status})"


class ParticipantAvailability(models.Model):
    """When a participant can attend on one weekday (wall-clock, site time zone). Without any rows the
    track's days and hours are assumed."""

    episode = models.ForeignKey("participants.Episode", on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    earliest = models.TimeField()
    latest = models.TimeField()

    class Meta:
        ordering = ["episode", "weekday"]
        verbose_name_plural = "participant availability"
        constraints = [
            models.UniqueConstraint(fields=["episode", "weekday"], name="availability_one_per_weekday"),
            models.CheckConstraint(condition=_WEEKDAY_RANGE, name="availability_weekday_range"),
            models.CheckConstraint(condition=Q(latest__gt=F("earliest")), name="availability_latest_after_earliest"),
        ]

    def __str__(self) -> str:
        return f"{WEEKDAY_NAMES[self.weekday]} {self.earliest:%H:%M}-{self.latest:%H:%M}"


class ParticipantPreference(models.Model):
    """Soft wishes the solver weighs: days to avoid (bit 0 = Monday) and a preferred clinician."""

    episode = models.OneToOneField("participants.Episode", on_delete=models.CASCADE, related_name="preference")
    avoid_days_mask = models.PositiveSmallIntegerField(default=0)
    preferred_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(avoid_days_mask__gte=0) & Q(avoid_days_mask__lte=127), name="preference_avoid_mask_range"
            ),
        ]

    def __str__(self) -> str:
        return f"preferences of episode {self.episode_id}"


class StaffAvailability(models.Model):
    """A staff member's working hours on one weekday (site time zone). Without any rows the program's
    track hours are assumed."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts_at = models.TimeField()
    ends_at = models.TimeField()

    class Meta:
        ordering = ["staff", "weekday"]
        verbose_name_plural = "staff availability"
        constraints = [
            models.UniqueConstraint(fields=["staff", "weekday"], name="staff_availability_one_per_weekday"),
            models.CheckConstraint(condition=_WEEKDAY_RANGE, name="staff_availability_weekday_range"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="staff_availability_ends_after"),
        ]

    def __str__(self) -> str:
        return f"{WEEKDAY_NAMES[self.weekday]} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"


class StaffTimeOff(models.Model):
    """Leave, sickness or a call-out: the staff member takes no sessions in this span."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_off")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["starts_at"]
        verbose_name_plural = "staff time off"
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="time_off_ends_after_start"),
        ]
        indexes = [models.Index(fields=["staff", "starts_at"], name="time_off_staff_start")]

    def __str__(self) -> str:
        return f"{self.staff_id} off {self.starts_at:%Y-%m-%d %H:%M}-{self.ends_at:%Y-%m-%d %H:%M}"


class PlanStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Building"
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    SUPERSEDED = "superseded", "Replaced by a later plan"
    DISCARDED = "discarded", "Discarded"
    FAILED = "failed", "Failed"


BUILDING_STATUSES = (PlanStatus.QUEUED, PlanStatus.RUNNING)


class SchedulePlan(models.Model):
    """A proposed week for a program (one track, or all tracks when ``track`` is empty), built by the
    solver in the background. A draft is applied by publishing it; a re-plan (``replaces`` set)
    records who would move in ``diff`` and is published only on confirmation."""

    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="schedule_plans")
    track = models.ForeignKey(
        "programs.Track", on_delete=models.PROTECT, null=True, blank=True, related_name="schedule_plans"
    )
    week_start = models.DateField(help_text="The Monday of the planned week (site's local date).")
    status = models.CharField(max_length=16, choices=PlanStatus.choices, default=PlanStatus.QUEUED)
    is_replan = models.BooleanField(default=False)
    replaces = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replanned_by")
    time_limit = models.PositiveSmallIntegerField(help_text="Solver time budget in seconds.")
    solver_status = models.CharField(max_length=16, blank=True)
    objective = models.BigIntegerField(null=True, blank=True)
    bound = models.BigIntegerField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    diff = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=PlanStatus.values), name="plan_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False), name="plan_published_has_time"
            ),
            models.CheckConstraint(
                condition=Q(time_limit__gte=1) & Q(time_limit__lte=3600), name="plan_time_limit_range"
            ),
            # One build at a time per program, track (or all tracks) and week.
            models.UniqueConstraint(
                fields=["program", "track", "week_start"],
                condition=Q(status__in=["queued", "running"], track__isnull=False),
                name="plan_one_build_per_track_week",
            ),
            models.UniqueConstraint(
                fields=["program", "week_start"],
                condition=Q(status__in=["queued", "running"], track__isnull=True),
                name="plan_one_build_per_program_week",
            ),
            models.UniqueConstraint(
                fields=["program", "track", "week_start"],
                condition=Q(status="published", track__isnull=False),
                name="plan_one_published_per_track_week",
            ),
            models.UniqueConstraint(
                fields=["program", "week_start"],
                condition=Q(status="published", track__isnull=True),
                name="plan_one_published_per_program_week",
            ),
        ]
        indexes = [models.Index(fields=["program", "week_start"], name="plan_program_week")]

    def __str__(self) -> str:
        scope = self.track.name if self.track_id and self.track else "all tracks"
        return f"Plan {self.pk} for the week of {self.week_start:%Y-%m-%d} ({scope}, {self.status})"

    @property
    def is_building(self) -> bool:
        return self.status in BUILDING_STATUSES

    @property
    def week_end(self) -> dt.date:
        """The day after the planned week (exclusive end)."""
        return self.week_start + dt.timedelta(days=7)


class PlanAssignment(models.Model):
    """The plan puts a participant (episode) in a group session."""

    plan = models.ForeignKey(SchedulePlan, on_delete=models.CASCADE, related_name="assignments")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    episode = models.ForeignKey("participants.Episode", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "session", "episode"], name="plan_assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"plan {self.plan_id}: episode {self.episode_id} in session {self.session_id}"


class PlanFacilitation(models.Model):
    """The plan has a staff member lead a group session."""

    plan = models.ForeignKey(SchedulePlan, on_delete=models.CASCADE, related_name="facilitations")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "session"], name="plan_facilitation_one_per_session"),
        ]

    def __str__(self) -> str:
        return f"plan {self.plan_id}: staff {self.staff_id} leads session {self.session_id}"


class PlanAppointment(models.Model):
    """The plan books a one-to-one session (individual, family, medication management...)."""

    plan = models.ForeignKey(SchedulePlan, on_delete=models.CASCADE, related_name="appointments")
    episode = models.ForeignKey("participants.Episode", on_delete=models.CASCADE, related_name="+")
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="+")
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    room = models.ForeignKey("programs.Room", on_delete=models.PROTECT, related_name="+")
    occurs_on = models.DateField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="plan_appointment_ends_after"),
        ]

    def __str__(self) -> str:
        return f"plan {self.plan_id}: {self.service_type_id} for episode {self.episode_id} at {self.starts_at}"


class FeedKind(models.TextChoices):
    PARTICIPANT = "participant", "Participant"
    CLINICIAN = "clinician", "Clinician"


class CalendarFeed(models.Model):
    """A secret iCalendar URL. Only the SHA-256 of the token is stored; the URL is shown once."""

    kind = models.CharField(max_length=16, choices=FeedKind.choices)
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="participant") & Q(participant__isnull=False) & Q(staff__isnull=True))
                | (Q(kind="clinician") & Q(staff__isnull=False) & Q(participant__isnull=True)),
                name="feed_owner_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} calendar feed {self.prefix}…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
