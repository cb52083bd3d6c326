"""Risk flags, crisis events with escalation, the on-call roster, and the participant's help button."""
