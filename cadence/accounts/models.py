"""Staff accounts, roles, credentials, program assignments and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    DIRECTOR = "director", "Program director"
    CLINICIAN = "clinician", "Clinician"
    FRONT_DESK = "frontdesk", "Front desk / intake"
    BILLING = "billing", "Billing"
    AUDITOR = "auditor", "Auditor"
    PARTICIPANT = "participant", "Participant (portal)"


STAFF_ROLES = frozenset(r for r in Role if r != Role.PARTICIPANT)


class Credential(models.Model):
    """A professional credential (LCSW, LPC, LADC, MD, RN, peer specialist...)."""

    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=200)
    is_licensed_clinician = models.BooleanField(default=False)
    can_prescribe = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class User(AbstractUser):
    """A staff member. Scope: the programs they are assigned to, or all programs of their sites."""

    organization = models.ForeignKey(
        "programs.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CLINICIAN)
    title = models.CharField(max_length=100, blank=True)
    credentials = models.ManyToManyField(Credential, blank=True, related_name="staff")
    sites = models.ManyToManyField("programs.Site", blank=True, related_name="staff")
    programs = models.ManyToManyField("programs.Program", blank=True, related_name="staff")
    needs_supervision = models.BooleanField(default=False)
    supervisor = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="supervisees")
    max_hours_week = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=[r.value for r in Role]), name="user_role_valid"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        full = self.get_full_name()
        return full or self.username

    @property
    def credential_codes(self) -> str:
        return ", ".join(c.code for c in self.credentials.all())


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for integrations. Only its SHA-256 is stored; the raw token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def generate_raw() -> str:
        return "cad_" + secrets.token_urlsafe(32)
