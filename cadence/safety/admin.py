"""No admin pages: risk flags, crisis events, escalations and notifications are participant data, and the
on-call roster has its own page (``/safety/on-call/``); all are changed only through ``actions`` (scope-
checked, audited), never in the admin."""
