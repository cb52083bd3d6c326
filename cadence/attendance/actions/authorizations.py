"""Authorizations (utilization review): create, change, void; and the audit entry of a billing export.
Units used are never stored: they are computed from billable days (``queries.authorization_rows``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.db import IntegrityError, transaction

from cadence.accounts.models import User
from cadence.audit.actions import record
from cadence.audit.hashing import diff
from cadence.audit.models import AuditAction
from cadence.participants.models import Episode, Participant, Payer
from cadence.programs.models import LevelOfCare

from ..models import Authorization, AuthorizationUnit
from ..rules import AttendanceError, check_authorization

EDITABLE = (
    "payer",
    "number",
    "level_of_care",
    "billing_code",
    "unit",
    "units_authorized",
    "starts_on",
    "ends_on",
    "review_on",
    "notes",
)


@dataclass
class AuthorizationDetails:
    payer: Payer
    number: str
    units_authorized: int
    starts_on: dt.date
    ends_on: dt.date
    unit: str = AuthorizationUnit.DAYS
    level_of_care: LevelOfCare | None = None
    billing_code: str = ""
    review_on: dt.date | None = None
    notes: str = ""


def _snapshot(a: Authorization) -> dict[str, Any]:
    values = {name: getattr(a, name) for name in EDITABLE if name not in ("payer", "level_of_care")}
    values["payer"] = a.payer_id
    values["level_of_care"] = a.level_of_care.code if a.level_of_care else None
    return values


def _check(a: Authorization, organization_id: int) -> None:
    if a.payer.organization_id != organization_id:
        raise AttendanceError("payer", "Unknown payer.")
    if a.unit not in AuthorizationUnit.values:
        raise AttendanceError("unit", "The unit is days or units.")
    a.number = a.number.strip()
    a.billing_code = a.billing_code.strip().upper()
    check_authorization(
        number=a.number,
        units_authorized=a.units_authorized,
        starts_on=a.starts_on,
        ends_on=a.ends_on,
        review_on=a.review_on,
    )


def _save(a: Authorization) -> None:
    try:
        with transaction.atomic():
            a.save()
    except IntegrityError as exc:
        raise AttendanceError("number", f"{a.payer.name} already has an authorization numbered {a.number}.") from exc


@transaction.atomic
def create_authorization(
    *, participant: Participant, details: AuthorizationDetails, by: User, at: dt.datetime
) -> Authorization:
    """Record a payer's authorization for the participant (linked to their newest admitted episode).
    Refuses: a payer of another organization, no number, no units, an end not after the start, a review
    date outside the dates, a number the payer already used on a live authorization."""
    episode = (
        Episode.objects.filter(participant=participant, admitted_on__isnull=False)
        .order_by("-admitted_on", "-pk")
        .first()
    )
    a = Authorization(
        participant=participant, episode=episode, created_at=at, created_by=by, updated_at=at, updated_by=by
    )
    for name, value in asdict(details).items():
        setattr(a, name, value)
    a.payer, a.level_of_care = details.payer, details.level_of_care
    _check(a, participant.organization_id)
    _save(a)
    record(
        action=AuditAction.CREATE,
        actor=by,
        obj=a,
        participant_id=participant.pk,
        summary=f"Added authorization {a.number} ({a.payer.name}, {a.units_authorized} {a.unit})",
        changes=_snapshot(a),
        at=at,
    )
    return a


@transaction.atomic
def update_authorization(
    *, authorization: Authorization, changes: dict[str, Any], by: User, at: dt.datetime
) -> Authorization:
    """Change fields of a live authorization (names in ``EDITABLE``; units used cannot be set)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise AttendanceError(sorted(unknown)[0], "This field cannot be changed.")
    a = (
        Authorization.objects.select_for_update(of=("self",))
        .select_related("payer", "level_of_care", "participant")
        .get(pk=authorization.pk)
    )
    if a.voided_at is not None:
        raise AttendanceError("authorization", "A voided authorization cannot be changed.")
    before = _snapshot(a)
    for name, value in changes.items():
        setattr(a, name, value)
    _check(a, a.participant.organization_id)
    changed = diff(before, _snapshot(a))
    if not changed:
        return a
    a.updated_at, a.updated_by = at, by
    _save(a)
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=a,
        participant_id=a.participant_id,
        summary=f"Changed authorization {a.number}",
        changes=changed,
        at=at,
    )
    return a


@transaction.atomic
def void_authorization(*, authorization: Authorization, reason: str, by: User, at: dt.datetime) -> Authorization:
    """Void an authorization entered in error or withdrawn by the payer (kept, marked void)."""
    a = Authorization.objects.select_for_update().get(pk=authorization.pk)
    if a.voided_at is not None:
        raise AttendanceError("authorization", "This authorization is already void.")
    if not reason.strip():
        raise AttendanceError("reason", "Say why the authorization is void.")
    a.voided_at, a.voided_by, a.void_reason = at, by, reason.strip()[:300]
    a.save(update_fields=["voided_at", "voided_by", "void_reason"])
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=a,
        participant_id=a.participant_id,
        summary=f"Voided authorization {a.number}",
        changes={"voided": True, "reason": a.void_reason},
        at=at,
    )
    return a


def record_billing_export(
    *, payer: Payer, starts_on: dt.date, ends_on: dt.date, rows: int, participants: int, by: User, at: dt.datetime
) -> None:
    """The audit entry of a billable-days CSV export (who, which payer and dates, how many rows)."""
    record(
        action=AuditAction.EXPORT,
        actor=by,
        object_type="attendance.billableday",
        summary=f"Exported billable days for {payer.name}, {starts_on:%Y-%m-%d} to {ends_on:%Y-%m-%d}: {rows} row(s)",
        changes={
            "payer": payer.pk,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "rows": rows,
            "participants": participants,
        },
        at=at,
    )
