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
    # Attendance and billing.
    TAKE_ATTENDANCE = "take_attendance"  # rosters, kiosk, participants' check-in PINs
    RECORD_OUTREACH = "record_outreach"
    MANAGE_AUTHORIZATIONS = "manage_authorizations"
    VIEW_BILLING = "view_billing"  # billable days and their export
    # Clinical record (treatment plans, notes, safety plans): reading is separate from writing so that
    # billing and front desk (minimum necessary) never read clinical content.
    READ_CLINICAL_RECORD = "read_clinical_record"
    WRITE_CLINICAL_RECORD = "write_clinical_record"  # plans, notes, safety plans, signing own notes
    COSIGN_NOTES = "cosign_notes"  # supervisors; also needs to be the author's supervisor or a director
    MANAGE_CURRICULA = "manage_curricula"  # group curricula and note templates
    # Safety and crisis.
    RAISE_RISK_FLAG = "raise_risk_flag"  # any staff member who meets participants
    RESPOND_TO_CRISIS = "respond_to_crisis"  # acknowledge, assess, resolve, reopen; clear risk flags
    MANAGE_ON_CALL = "manage_on_call"
    VIEW_CRISIS_REPORT = "view_crisis_report"  # program-level response times
    VIEW_OUTCOMES = "view_outcomes"  # program outcomes: measure change, recovery, discharges (no names)
    MANAGE_CONSENTS = "manage_consents"  # 42 CFR Part 2 consents: record, attest, send to the portal, revoke
    RECORD_DISCLOSURE = "record_disclosure"  # Part 2 disclosures (billing releases claims data to payers)


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

_CLINICIAN_RECORD = frozenset(
    {
        Capability.READ_CLINICAL_RECORD,
        Capability.WRITE_CLINICAL_RECORD,
        Capability.COSIGN_NOTES,
        Capability.RAISE_RISK_FLAG,
        Capability.RESPOND_TO_CRISIS,
        Capability.TAKE_ATTENDANCE,
        Capability.RECORD_OUTREACH,
    }
)

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.ADMIN: _ALL,
    Role.DIRECTOR: _CLINICAL
    | _CLINICIAN_RECORD
    | {
        Capability.VIEW_AUDIT,
        Capability.MANAGE_SCHEDULE,
        Capability.MANAGE_CURRICULA,
        Capability.MANAGE_ON_CALL,
        Capability.VIEW_CRISIS_REPORT,
        Capability.VIEW_OUTCOMES,
        Capability.MANAGE_AUTHORIZATIONS,
        Capability.VIEW_BILLING,
        Capability.MANAGE_CONSENTS,
        Capability.RECORD_DISCLOSURE,
    },
    Role.CLINICIAN: _CLINICAL | _CLINICIAN_RECORD | {Capability.MANAGE_CONSENTS, Capability.RECORD_DISCLOSURE},
    # Intake staff register referrals and admit; clinical changes and discharge are clinicians' calls.
    Role.FRONT_DESK: frozenset(
        {
            Capability.VIEW_PARTICIPANT,
            Capability.REGISTER_PARTICIPANT,
            Capability.EDIT_DEMOGRAPHICS,
            Capability.ADMIT,
            Capability.VIEW_STAFF,
            Capability.RAISE_RISK_FLAG,
            Capability.TAKE_ATTENDANCE,
            Capability.MANAGE_CONSENTS,
        }
    ),
    Role.BILLING: frozenset(
        {
            Capability.VIEW_PARTICIPANT,
            Capability.EDIT_DEMOGRAPHICS,
            Capability.SEE_ALL_PROGRAMS,
            Capability.RAISE_RISK_FLAG,
            Capability.MANAGE_AUTHORIZATIONS,
            Capability.VIEW_BILLING,
            Capability.RECORD_DISCLOSURE,
        }
    ),
    # Read-only across the organization (clinical record included), plus the audit log.
    Role.AUDITOR: frozenset(
        {
            Capability.VIEW_PARTICIPANT,
            Capability.VIEW_AUDIT,
            Capability.VIEW_STAFF,
            Capability.SEE_ALL_PROGRAMS,
            Capability.READ_CLINICAL_RECORD,
            Capability.VIEW_CRISIS_REPORT,
            Capability.VIEW_OUTCOMES,
        }
    ),
}

# Roles whose scope is every program of the sites they belong to (not only programs assigned by name).
SITE_WIDE_ROLES = frozenset({Role.DIRECTOR, Role.FRONT_DESK})


def roles_with(capability: Capability) -> frozenset[str]:
    """The roles that have the capability (for database filters)."""
    return frozenset(role for role, caps in ROLE_CAPABILITIES.items() if capability in caps)


def has_capability(role: str, capability: Capability) -> bool:
    return capability in ROLE_CAPABILITIES.get(role, frozenset())


def require(user: object, capability: Capability) -> None:
    """Raise PermissionDenied unless the user's role grants ``capability``."""
    from django.core.exceptions import PermissionDenied

    if not has_capability(getattr(user, "role", ""), capability):
        raise PermissionDenied(f"Your role does not allow this ({capability.value.replace('_', ' ')}).")
