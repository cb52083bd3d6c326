"""Progress notes and group notes: writing, signing, co-signing, addenda, curricula and templates.

A progress note documents one participant's individual or family session; a group note documents a group
session once (the shared part) with one section per attending member. Signing locks a note; a signed note
changes only through an addendum. Notes by staff who need supervision wait for a co-signature.
Integrity lives in constraints: one group note per session, one member section per participant, one
progress note per session and participant, an addendum on exactly one note.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q

from . import rules

if TYPE_CHECKING:
    from cadence.plans.models import Goal


class NoteFormat(models.TextChoices):
    DAP = rules.DAP, "DAP (data, assessment, plan)"
    SOAP = rules.SOAP, "SOAP (subjective, objective, assessment, plan)"
    BIRP = rules.BIRP, "BIRP (behavior, intervention, response, plan)"


class NoteStatus(models.TextChoices):
    DRAFT = rules.DRAFT, "Draft"
    AWAITING_COSIGN = rules.AWAITING_COSIGN, "Awaiting co-signature"
    RETURNED = rules.RETURNED, "Returned to the author"
    SIGNED = rules.SIGNED, "Signed"
    COSIGNED = rules.COSIGNED, "Co-signed"


LOCKED_STATUSES = sorted(rules.LOCKED)


class TemplateKind(models.TextChoices):
    PROGRESS = "progress", "Progress note (individual or family)"
    GROUP = "group", "Group note"


class Curriculum(models.Model):
    """A program's rotating group curriculum: week 1 starts on ``starts_on``; after the last week it
    starts over (open enrollment). ``service_type`` limits it to one kind of group (empty: any group)."""

    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="curricula")
    service_type = models.ForeignKey(
        "scheduling.ServiceType", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=120)
    starts_on = models.DateField(help_text="The first day of week 1.")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["program", "name"]
        verbose_name_plural = "curricula"
        constraints = [models.UniqueConstraint(fields=["program", "name"], name="curriculum_unique_name")]

    def __str__(self) -> str:
        return self.name


class CurriculumTopic(models.Model):
    curriculum = models.ForeignKey(Curriculum, on_delete=models.CASCADE, related_name="topics")
    week = models.PositiveSmallIntegerField()
    topic = models.CharField(max_length=200)
    methods = models.CharField(max_length=300, blank=True, help_text="CBT, DBT, MI, mindfulness, role-play...")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["curriculum", "week"]
        constraints = [
            models.UniqueConstraint(fields=["curriculum", "week"], name="curriculum_topic_one_per_week"),
            models.CheckConstraint(condition=Q(week__gte=1), name="curriculum_topic_week_positive"),
        ]

    def __str__(self) -> str:
        return f"Week {self.week}: {self.topic}"


class NoteTemplate(models.Model):
    """Starting text for a new note: per section of a progress note format, or the shared part of a
    group note (``sections`` keys: the format's sections, or topic/methods/group_dynamics)."""

    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="note_templates")
    service_type = models.ForeignKey(
        "scheduling.ServiceType", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=TemplateKind.choices)
    format = models.CharField(max_length=8, choices=NoteFormat.choices, default=NoteFormat.DAP)
    sections = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["program", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="note_template_unique_name"),
            models.CheckConstraint(condition=Q(kind__in=TemplateKind.values), name="note_template_kind_valid"),
            models.CheckConstraint(condition=Q(format__in=NoteFormat.values), name="note_template_format_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class SignedNote(models.Model):
    """What progress notes and group notes share: author, status and the signing trail."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=NoteStatus.choices, default=NoteStatus.DRAFT)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    signed_at = models.DateTimeField(null=True, blank=True)
    cosigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cosigned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(blank=True)

    class Meta:
        abstract = True

    @property
    def is_locked(self) -> bool:
        return self.status in rules.LOCKED

    @property
    def status_label(self) -> str:
        return rules.STATUS_LABELS.get(self.status, self.status)


def _status_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(condition=Q(status__in=NoteStatus.values), name=f"{prefix}_status_valid"),
        models.CheckConstraint(
            condition=Q(status__in=["draft", "returned"]) | Q(signed_at__isnull=False), name=f"{prefix}_signed_has_time"
        ),
        models.CheckConstraint(
            condition=~Q(status="cosigned") | (Q(cosigned_at__isnull=False) & Q(cosigned_by__isnull=False)),
            name=f"{prefix}_cosigned_has_signer",
        ),
        models.CheckConstraint(condition=~Q(cosigned_by=models.F("author")), name=f"{prefix}_no_self_cosign"),
    ]


class ProgressNote(SignedNote):
    """One participant's note of an individual or family session (DAP, SOAP or BIRP)."""

    session = models.ForeignKey("scheduling.Session", on_delete=models.PROTECT, related_name="progress_notes")
    participant = models.ForeignKey("participants.Participant", on_delete=models.PROTECT, related_name="progress_notes")
    format = models.CharField(max_length=8, choices=NoteFormat.choices, default=NoteFormat.DAP)
    sections = models.JSONField(default=dict, blank=True)
    template = models.ForeignKey(NoteTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    goals: models.ManyToManyField[Goal, ProgressNoteGoal] = models.ManyToManyField(
        "plans.Goal", through="ProgressNoteGoal", blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-session__starts_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "participant"], name="progress_note_one_per_session"),
            models.CheckConstraint(condition=Q(format__in=NoteFormat.values), name="progress_note_format_valid"),
            *_status_constraints("progress_note"),
        ]
        indexes = [
            models.Index(fields=["participant", "session"], name="progress_note_participant"),
            models.Index(fields=["author", "status"], name="progress_note_author_status"),
        ]

    def __str__(self) -> str:
        return f"Progress note {self.pk} ({self.status})"

    @property
    def kind(self) -> str:
        return "progress"

    def section_rows(self) -> list[tuple[str, str, str]]:
        """(key, label, text) in the order of the format."""
        return [(key, label, str(self.sections.get(key, ""))) for key, label, _p in rules.FORMAT_SECTIONS[self.format]]


class GroupNote(SignedNote):
    """The note of one group session: the shared part here, one ``GroupNoteMember`` per attending member.
    ``leak_warnings`` keeps the name-leak warnings the signer confirmed ({participant id: [names]})."""

    session = models.OneToOneField("scheduling.Session", on_delete=models.PROTECT, related_name="group_note")
    topic = models.CharField(max_length=200, blank=True)
    curriculum_topic = models.ForeignKey(
        CurriculumTopic, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    curriculum = models.CharField(max_length=200, blank=True, help_text="Curriculum and week, as delivered.")
    methods = models.CharField(max_length=300, blank=True)
    group_dynamics = models.TextField(blank=True)
    leak_warnings = models.JSONField(default=dict, blank=True)
    template = models.ForeignKey(NoteTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-session__starts_at", "-id"]
        constraints = [*_status_constraints("group_note")]
        indexes = [models.Index(fields=["author", "status"], name="group_note_author_status")]

    def __str__(self) -> str:
        return f"Group note {self.pk} ({self.status})"

    @property
    def kind(self) -> str:
        return "group"

    def shared(self) -> dict[str, str]:
        return {
            "topic": self.topic,
            "curriculum": self.curriculum,
            "methods": self.methods,
            "group_dynamics": self.group_dynamics,
        }


class GroupNoteMember(models.Model):
    """One member's individualized section of a group note. Created from attendance; never deleted: a
    member who leaves the roster keeps the section (``on_roster`` False)."""

    group_note = models.ForeignKey(GroupNote, on_delete=models.PROTECT, related_name="members")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="group_note_sections"
    )
    on_roster = models.BooleanField(default=True)
    participation = models.TextField(blank=True)
    response = models.TextField(blank=True)
    goal_progress = models.TextField(blank=True, help_text="Progress on the member's own plan goals.")
    plan_changes = models.TextField(blank=True)
    goals: models.ManyToManyField[Goal, MemberGoal] = models.ManyToManyField(
        "plans.Goal", through="MemberGoal", blank=True, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["participant__legal_last_name", "participant__legal_first_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["group_note", "participant"], name="group_note_member_one_per_participant"),
        ]
        indexes = [models.Index(fields=["participant", "group_note"], name="group_member_participant")]

    def __str__(self) -> str:
        return f"Section of participant {self.participant_id} in group note {self.group_note_id}"

    def text(self) -> str:
        return "\n".join((self.participation, self.response, self.goal_progress, self.plan_changes))


class ProgressNoteGoal(models.Model):
    """A plan goal the progress note addresses."""

    note = models.ForeignKey(ProgressNote, on_delete=models.CASCADE, related_name="goal_links")
    goal = models.ForeignKey("plans.Goal", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["note", "goal"], name="progress_note_goal_once")]

    def __str__(self) -> str:
        return f"note {self.note_id} addresses goal {self.goal_id}"


class MemberGoal(models.Model):
    """A plan goal of the member that their group-note section addresses."""

    member = models.ForeignKey(GroupNoteMember, on_delete=models.CASCADE, related_name="goal_links")
    goal = models.ForeignKey("plans.Goal", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "goal"], name="member_goal_once")]

    def __str__(self) -> str:
        return f"section {self.member_id} addresses goal {self.goal_id}"


class Addendum(models.Model):
    """A later addition to a signed note: who, when, why. On a group note it belongs to the shared part
    (``member`` empty) or to one member's section (shown only in that member's chart)."""

    progress_note = models.ForeignKey(
        ProgressNote, on_delete=models.PROTECT, null=True, blank=True, related_name="addenda"
    )
    group_note = models.ForeignKey(GroupNote, on_delete=models.PROTECT, null=True, blank=True, related_name="addenda")
    member = models.ForeignKey(GroupNoteMember, on_delete=models.PROTECT, null=True, blank=True, related_name="addenda")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = models.CharField(max_length=300)
    text = models.TextField()

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "addenda"
        constraints = [
            models.CheckConstraint(
                condition=(Q(progress_note__isnull=False) & Q(group_note__isnull=True) & Q(member__isnull=True))
                | (Q(progress_note__isnull=True) & Q(group_note__isnull=False)),
                name="addendum_on_one_note",
            ),
            models.CheckConstraint(condition=~Q(reason="") & ~Q(text=""), name="addendum_has_reason_and_text"),
        ]

    def __str__(self) -> str:
        return f"Addendum {self.pk} by {self.by_id}"
