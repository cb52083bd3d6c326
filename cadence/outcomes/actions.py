"""The one write of the outcomes app: the audit entry of a CSV export (the report itself changes nothing)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from cadence.accounts.models import User
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.programs.models import Program

from .rules import Period


@transaction.atomic
def record_outcome_export(
    *, program: Program, period: Period, rows: int, participants: int, by: User, at: dt.datetime
) -> None:
    """Write the EXPORT audit entry of a per-episode outcomes CSV (who, which program and period, how many
    rows and participants). Raises nothing of its own."""
    record(
        action=AuditAction.EXPORT,
        actor=by,
        obj=program,
        summary=(
            f"Exported program outcomes of {program.name}, {period.starts_on:%Y-%m-%d} to "
            f"{period.ends_on:%Y-%m-%d} ({period.mode.value}): {rows} row(s), {participants} participant(s)"
        )[:300],
        changes={
            "program": program.pk,
            "starts_on": period.starts_on,
            "ends_on": period.ends_on,
            "mode": period.mode.value,
            "rows": rows,
            "participants": participants,
        },
        at=at,
    )
