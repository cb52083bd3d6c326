"""Who may see and record measures, check-ins, drug screens and alerts (pure role checks).

Measures are clinical data: clinicians, directors and administrators see and record them; auditors read
them (read-only, every read audited). Front desk and billing do not see them (minimum necessary), even
for participants in their scope. The permanent home of these checks would be new capabilities in
``cadence.accounts.permissions`` (VIEW_MEASURES, RECORD_MEASURES); until then they derive from the
existing ones: EDIT_CLINICAL to record and act on alerts, EDIT_CLINICAL or VIEW_AUDIT to read.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from cadence.accounts.permissions import Capability, has_capability


def can_view_measures(role: str) -> bool:
    return has_capability(role, Capability.EDIT_CLINICAL) or has_capability(role, Capability.VIEW_AUDIT)


def can_record_measures(role: str) -> bool:
    return has_capability(role, Capability.EDIT_CLINICAL)


def can_invite_to_portal(role: str) -> bool:
    return has_capability(role, Capability.REGISTER_PARTICIPANT)


def require_view_measures(user: object) -> None:
    if not can_view_measures(getattr(user, "role", "")):
        raise PermissionDenied("Your role does not allow this (view measures).")


def require_record_measures(user: object) -> None:
    if not can_record_measures(getattr(user, "role", "")):
        raise PermissionDenied("Your role does not allow this (record measures).")


def require_invite_to_portal(user: object) -> None:
    if not can_invite_to_portal(getattr(user, "role", "")):
        raise PermissionDenied("Your role does not allow this (invite to the portal).")
