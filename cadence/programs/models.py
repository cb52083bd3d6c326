"""Organization structure: organization, sites, levels of care, programs, tracks and rooms."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known IANA time zone (e.g. America/New_York).")


def weekdays_from_mask(mask: int) -> list[int]:
    """Monday=0 ... Sunday=6 for each bit set in ``mask``."""
    return [day for day in range(7) if mask & (1 << day)]


def mask_from_weekdays(days: list[int] | tuple[int, ...] | set[int]) -> int:
    mask = 0
    for day in days:
        if not 0 <= day <= 6:
            raise ValueError(f"weekday {day} is outside 0 (Monday) to 6 (Sunday)")
        mask |= 1 << day
    return mask


class Organization(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    time_zone = models.CharField(max_length=64, default="America/New_York", validators=[validate_time_zone])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="site_unique_name_per_org")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class LevelOfCare(models.Model):
    """A level of care from the configurable catalog (ASAM 3rd or 4th edition), DOMAIN.md section 1."""

    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=200)
    edition = models.CharField(max_length=16, default="ASAM 3")
    min_hours_week_adult = models.DecimalField(max_digits=4, decimal_places=1, default=0)
    min_days_week_adult = models.PositiveSmallIntegerField(default=0)
    min_hours_week_adolescent = models.DecimalField(max_digits=4, decimal_places=1, default=0)
    min_days_week_adolescent = models.PositiveSmallIntegerField(default=0)
    max_hours_week = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True, help_text="Upper bound where one applies (OP: under 9)."
    )
    teds_service_type = models.PositiveSmallIntegerField(null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "levels of care"
        constraints = [
            models.CheckConstraint(condition=Q(min_days_week_adult__lte=7), name="loc_adult_days_lte_7"),
            models.CheckConstraint(condition=Q(min_days_week_adolescent__lte=7), name="loc_adolescent_days_lte_7"),
            models.CheckConstraint(condition=Q(min_hours_week_adult__gte=0), name="loc_adult_hours_gte_0"),
            models.CheckConstraint(condition=Q(min_hours_week_adolescent__gte=0), name="loc_adolescent_hours_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Population(models.TextChoices):
    ADULT = "adult", "Adults"
    ADOLESCENT = "adolescent", "Adolescents"


class Program(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="programs")
    name = models.CharField(max_length=200)
    code = models.SlugField(max_length=40)
    level_of_care = models.ForeignKey(LevelOfCare, on_delete=models.PROTECT, related_name="programs")
    population = models.CharField(max_length=16, choices=Population.choices, default=Population.ADULT)
    max_days_between_services = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="State rule such as 'no more than 3 days between clinical services'."
    )
    min_length_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["site__name", "name"]
        constraints = [models.UniqueConstraint(fields=["site", "code"], name="program_unique_code_per_site")]

    def __str__(self) -> str:
        return f"{self.name} ({self.site.name})"


class TrackKind(models.TextChoices):
    MORNING = "morning", "Morning"
    AFTERNOON = "afternoon", "Afternoon"
    EVENING = "evening", "Evening"
    WEEKEND = "weekend", "Weekend"
    OTHER = "other", "Other"


class Track(models.Model):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="tracks")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=TrackKind.choices, default=TrackKind.MORNING)
    weekdays_mask = models.PositiveSmallIntegerField(help_text="Bit 0 = Monday ... bit 6 = Sunday.")
    starts_at = models.TimeField()
    ends_at = models.TimeField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["program", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="track_unique_name_per_program"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="track_ends_after_start"),
            models.CheckConstraint(
                condition=Q(weekdays_mask__gte=1) & Q(weekdays_mask__lte=127), name="track_has_weekdays"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program.name}: {self.name}"

    @property
    def weekdays(self) -> list[int]:
        return weekdays_from_mask(self.weekdays_mask)

    @property
    def weekday_labels(self) -> str:
        return ", ".join(WEEKDAY_NAMES[d] for d in self.weekdays)

    @property
    def hours_per_day(self) -> float:
        start = dt.datetime.combine(dt.date(2000, 1, 3), self.starts_at)
        end = dt.datetime.combine(dt.date(2000, 1, 3), self.ends_at)
        return (end - start).total_seconds() / 3600


class Room(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=100)
    capacity = models.PositiveSmallIntegerField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["site", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="room_unique_name_per_site"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="room_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.capacity})"
