"""Who may do what: a pure role -> capability table (no database), used by views, API and actions."""

from __future__ import annotations

from enum import StrEnum

from .models import Role


class Capability(StrEnum):
    VIEW_PARTICIPANT = "view_participant"
    REGISTER_PARTICIPANT = "register_participant"
    EDIT_DEMOGRAPHICS = "edit_demographics"
    EDIT_CLINICAL = "edit_clinical"  # diagnoses
    ADMIT = "admit"
    CHANGE_LEVEL_OF_CARE = "change_level_of_care"
    DISCHARGE = "discharge"
    VIEW_AUDIT = "view_audit"
    VIEW_STAFF = "view_staff"
    MANAGE_CONFIGURATION = "manage_configuration"
    SEE_ALL_PROGRAMS = "see_all_programs"
    MANAGE_SCHEDULE = "manage_schedule"  # templates, closures, building and publishing plans


_ALL = frozenset(Capability)
_CLINICAL = frozenset(
    {
        Capability.VIEW_PARTICIPANT,
        Capability.REGISTER_PARTICIPANT,
        Capability.EDIT_DEMOGRAPHICS,
        Capability.EDIT_CLINICAL,
        Capability.ADMIT,
        Capability.CHANGE_LEVEL_OF_CARE,
        Capability.DISCHARGE,
        Capability.VIEW_STAFF,
    }
)

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.ADMIN: _ALL,
    Role.DIRECTOR: _CLINICAL | {Capability.VIEW_AUDIT, Capability.MANAGE_SCHEDULE},
    Role.CLINICIAN: _CLINICAL,
    # Intake staff register referrals and admit; clinical changes and discharge are clinicians' calls.
    Role.FRONT_DESK: frozenset(
        {
            Capability.VIEW_PARTICIPANT,
            Capability.REGISTER_PARTICIPANT,
            Capability.EDIT_DEMOGRAPHICS,
            Capability.ADMIT,
            Capability.VIEW_STAFF,
        }
    ),
    Role.BILLING: frozenset({Capability.VIEW_PARTICIPANT, Capability.EDIT_DEMOGRAPHICS, Capability.SEE_ALL_PROGRAMS}),
    # Read-only across the organization, plus the audit log.
    Role.AUDITOR: frozenset(
        {Capability.VIEW_PARTICIPANT, Capability.VIEW_AUDIT, Capability.VIEW_STAFF, Capability.SEE_ALL_PROGRAMS}
    ),
}

# Roles whose scope is every program of the sites they belong to (not only programs assigned by name).
SITE_WIDE_ROLES = frozenset({Role.DIRECTOR, Role.FRONT_DESK})


def has_capability(role: str, capability: Capability) -> bool:
    return capability in ROLE_CAPABILITIES.get(role, frozenset())


def require(user: object, capability: Capability) -> None:
    """Raise PermissionDenied unless the user's role grants ``capability``."""
    from django.core.exceptions import PermissionDenied

    if not has_capability(getattr(user, "role", ""), capability):
        raise PermissionDenied(f"Your role does not allow this ({capability.value.replace('_', ' ')}).")
