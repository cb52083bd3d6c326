"""Every state change of the schedule except plans (``cadence.scheduling.plans``): templates,
closures, generated and one-off sessions, bookings, availability, preferences, staff time off and
calendar feeds.

Keyword-only, atomic and audited; each raises ``SchedulingError(field, reason)`` for a broken rule and
then leaves the database unchanged. Callers check scope and role; actions check the rules.
"""

from .inputs import (
    create_calendar_feed,
    record_time_off,
    revoke_calendar_feed,
    set_participant_availability,
    set_participant_preference,
    set_staff_availability,
)
from .sessions import (
    add_one_off_session,
    book_participant,
    cancel_session,
    change_session,
    check_booking,
    unbook_participant,
)
from .template_edits import EditReport, change_closure, change_template, change_template_slot, end_template
from .templates import (
    GenerationReport,
    add_closure,
    add_template_slot,
    create_template,
    generate_sessions,
    remove_template_slot,
    track_hours,
)

__all__ = [
    "EditReport",
    "GenerationReport",
    "add_closure",
    "add_one_off_session",
    "add_template_slot",
    "book_participant",
    "cancel_session",
    "change_closure",
    "change_session",
    "change_template",
    "change_template_slot",
    "check_booking",
    "create_calendar_feed",
    "create_template",
    "end_template",
    "generate_sessions",
    "record_time_off",
    "remove_template_slot",
    "revoke_calendar_feed",
    "set_participant_availability",
    "set_participant_preference",
    "set_staff_availability",
    "track_hours",
    "unbook_participant",
]
