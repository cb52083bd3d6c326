"""Every state change of attendance, check-ins, outreach and authorizations. Keyword-only, atomic,
audited; each raises ``AttendanceError(field, reason)`` for a broken rule and leaves the database
unchanged. The views, the API, the tasks and the management commands all call these."""

from .authorizations import (
    AuthorizationDetails,
    create_authorization,
    record_billing_export,
    update_authorization,
    void_authorization,
)
from .kiosk import confirm_check_in, dismiss_check_in, kiosk_check_in, lock_kiosk, set_attendance_code, unlock_kiosk
from .marking import mark_all_present, mark_attendance
from .outreach import (
    close_outreach_task,
    ensure_default_rules,
    evaluate_accountability,
    run_accountability,
)

__all__ = [
    "AuthorizationDetails",
    "close_outreach_task",
    "confirm_check_in",
    "create_authorization",
    "dismiss_check_in",
    "ensure_default_rules",
    "evaluate_accountability",
    "kiosk_check_in",
    "lock_kiosk",
    "mark_all_present",
    "mark_attendance",
    "record_billing_export",
    "run_accountability",
    "set_attendance_code",
    "unlock_kiosk",
    "update_authorization",
    "void_authorization",
]
