"""Individualized treatment plans: problems, goals, objectives, interventions, signatures, reviews.

One ``TreatmentPlan`` per episode. Its rows (problems, goals, objectives, interventions, prescribed
services) are edited in place so they keep a stable identity (notes link to ``Goal``); a removed row
is kept with ``removed_at`` set. Every change happens inside a draft ``PlanRevision``; signing it
(clinician) freezes a JSON snapshot of the whole plan and the list of what changed since the revision
before. The last signed revision is the plan's current one until the next is signed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft (never signed)"
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


class TreatmentPlan(models.Model):
    """The treatment plan of one episode of care."""

    episode = models.OneToOneField("participants.Episode", on_delete=models.PROTECT, related_name="treatment_plan")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="treatment_plans"
    )
    status = models.CharField(max_length=8, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    review_days = models.PositiveSmallIntegerField(
        default=30, help_text="Days between reviews (CADENCE_PLAN_REVIEW_DAYS when the plan was created)."
    )
    last_signed_on = models.DateField(
        null=True, blank=True, help_text="Day the current revision was signed by the clinician."
    )
    review_due_on = models.DateField(
        null=True, blank=True, help_text="Next scheduled review (last signed + review_days); level changes aside."
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=PlanStatus.values), name="tp_plan_status_valid"),
            models.CheckConstraint(condition=Q(review_days__gte=1), name="tp_plan_review_days_positive"),
        ]
        indexes = [models.Index(fields=["status", "review_due_on"], name="tplan_status_review_due")]

    def __str__(self) -> str:
        return f"Treatment plan for {self.episode}"


class AsamDimension(models.TextChoices):
    ACUTE_INTOXICATION = "1", "1. Acute intoxication and/or withdrawal potential"
    BIOMEDICAL = "2", "2. Biomedical conditions and complications"
    EMOTIONAL = "3", "3. Emotional, behavioral or cognitive conditions"
    READINESS = "4", "4. Readiness to change"
    RELAPSE = "5", "5. Relapse, continued use or continued problem potential"
    ENVIRONMENT = "6", "6. Recovery/living environment"


class Problem(models.Model):
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="problems")
    number = models.PositiveSmallIntegerField(help_text="Shown as 'Problem n'; never reused within a plan.")
    text = models.TextField()
    diagnosis = models.ForeignKey(
        "participants.Diagnosis", on_delete=models.SET_NULL, null=True, blank=True, related_name="plan_problems"
    )
    asam_dimension = models.CharField(max_length=1, choices=AsamDimension.choices, blank=True)
    created_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="tp_problem_number_unique"),
            models.CheckConstraint(
                condition=Q(asam_dimension="") | Q(asam_dimension__in=AsamDimension.values),
                name="tp_problem_asam_dimension_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Problem {self.number}"


class Goal(models.Model):
    """A goal in the participant's own words. Notes link here; the row is never deleted."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="goals")
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="goals")
    number = models.PositiveSmallIntegerField(help_text="Shown as 'Goal n'; numbered across the plan.")
    text = models.TextField(help_text="In the participant's own words.")
    created_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="tp_goal_number_unique")]

    def __str__(self) -> str:
        return f"Goal {self.number}: {self.text}"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None


class ObjectiveStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    MET = "met", "Met"
    PARTIALLY_MET = "partially_met", "Partially met"
    NOT_MET = "not_met", "Not met"
    DISCONTINUED = "discontinued", "Discontinued"


class Objective(models.Model):
    """A measurable step toward a goal, with a target date."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="objectives")
    number = models.PositiveSmallIntegerField(help_text="Shown as 'n.m' with the goal's number.")
    text = models.TextField(help_text="Measurable: how many, how often or by when.")
    target_on = models.DateField()
    status = models.CharField(max_length=16, choices=ObjectiveStatus.choices, default=ObjectiveStatus.NOT_STARTED)
    status_changed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "number"], name="tp_objective_number_unique"),
            models.CheckConstraint(condition=Q(status__in=ObjectiveStatus.values), name="tp_objective_status_valid"),
        ]

    def __str__(self) -> str:
        return self.text


class Method(models.TextChoices):
    CBT = "cbt", "Cognitive behavioral therapy (CBT)"
    DBT = "dbt", "Dialectical behavior therapy (DBT)"
    MI = "mi", "Motivational interviewing"
    MINDFULNESS = "mindfulness", "Mindfulness"
    TWELVE_STEP = "twelve_step", "12-step facilitation"
    FAMILY = "family", "Family therapy"
    VOCATIONAL = "vocational", "Vocational"
    MEDICATION = "medication", "Medication management"


class Intervention(models.Model):
    """What staff do for a goal (optionally for one of its objectives): method, how often, who."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="interventions")
    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, null=True, blank=True, related_name="interventions"
    )
    method = models.CharField(max_length=16, choices=Method.choices)
    description = models.TextField(blank=True)
    frequency = models.CharField(max_length=100, help_text="e.g. '3 groups a week', 'weekly'.")
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(method__in=Method.values), name="tp_intervention_method_valid")
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} ({self.frequency})"


class PrescribedService(models.Model):
    """A service the plan prescribes and how much of it each week."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="services")
    service_type = models.ForeignKey("scheduling.ServiceType", on_delete=models.PROTECT, related_name="+")
    sessions_per_week = models.PositiveSmallIntegerField()
    minutes_per_session = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sessions_per_week__gte=1) & Q(sessions_per_week__lte=21), name="tp_service_sessions_range"
            ),
            models.CheckConstraint(
                condition=Q(minutes_per_session__gte=5) & Q(minutes_per_session__lte=720),
                name="tp_service_minutes_range",
            ),
            models.UniqueConstraint(
                fields=["plan", "service_type"], condition=Q(removed_at__isnull=True), name="tp_service_one_per_type"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_type} x{self.sessions_per_week}/week"

    @property
    def weekly_minutes(self) -> int:
        return self.sessions_per_week * self.minutes_per_session


class RevisionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CURRENT = "current", "Current"
    SUPERSEDED = "superseded", "Superseded"


class RevisionKind(models.TextChoices):
    INITIAL = "initial", "Initial plan"
    REVIEW = "review", "Scheduled review"
    LEVEL_CHANGE = "level_change", "Review after a level-of-care change"
    UPDATE = "update", "Update"


class ParticipantSignature(models.TextChoices):
    PAPER = "paper", "On paper, attested by staff"
    PORTAL = "portal", "On the participant portal"


class PlanRevision(models.Model):
    """One version of the plan. A draft collects edits; the clinician's signature freezes it."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=RevisionKind.choices, default=RevisionKind.UPDATE)
    status = models.CharField(max_length=12, choices=RevisionStatus.choices, default=RevisionStatus.DRAFT)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    snapshot = models.JSONField(default=dict, blank=True, help_text="The whole plan, frozen when signed.")
    changes = models.JSONField(default=list, blank=True, help_text="What changed since the previous signed one.")
    review_note = models.TextField(blank=True, help_text="The clinician's summary of progress at a review.")
    clinician_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    clinician_signed_at = models.DateTimeField(null=True, blank=True)
    participant_signed_at = models.DateTimeField(null=True, blank=True)
    participant_signature = models.CharField(max_length=8, choices=ParticipantSignature.choices, blank=True)
    participant_attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Staff member who saw the participant sign on paper.",
    )

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="tp_revision_number_unique"),
            models.UniqueConstraint(fields=["plan"], condition=Q(status="draft"), name="tp_revision_one_draft"),
            models.UniqueConstraint(fields=["plan"], condition=Q(status="current"), name="tp_revision_one_current"),
            models.CheckConstraint(condition=Q(status__in=RevisionStatus.values), name="tp_revision_status_valid"),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (Q(clinician_signed_by__isnull=False) & Q(clinician_signed_at__isnull=False)),
                name="tp_revision_signed_unless_draft",
            ),
            models.CheckConstraint(
                condition=Q(participant_signed_at__isnull=True)
                | (Q(participant_signature="portal") | Q(participant_attested_by__isnull=False)),
                name="tp_revision_paper_signature_attested",
            ),
        ]

    def __str__(self) -> str:
        return f"Revision {self.number} ({self.get_status_display()})"

    @property
    def is_signed(self) -> bool:
        return self.clinician_signed_at is not None
