"""Reads of the audit log shared by the audit UI, its CSV export and the Django admin.

Who sees which entries (``entries_for``), kept deliberately simple:

* Auditors and administrators see every entry of their organization: entries whose actor belongs to
  the organization, entries about a participant of the organization, and failed sign-ins (no actor)
  whose attempted username is one of the organization's staff.
* Program directors see the entries about participants in their scope (participants with an episode
  in a program of their sites), whoever wrote them. Entries about no participant (sign-ins, API tokens,
  configuration) are for auditors and administrators only, so directors do not review their colleagues'
  sign-ins.
* Everyone else sees nothing (the views answer 403 before asking).

Every query here is one SQL statement whatever the number of entries (sub-selects, no per-row queries).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from cadence.accounts.models import User
from cadence.accounts.permissions import Capability, has_capability
from cadence.participants.models import Participant

from .models import AuditEntry

UTC_NAME = "UTC"


def entries_for(user: User) -> QuerySet[AuditEntry]:
    """The audit entries ``user`` may read (see the module docstring); newest first."""
    if not user.is_authenticated or not user.is_active or not has_capability(user.role, Capability.VIEW_AUDIT):
        return AuditEntry.objects.none()
    if user.organization_id is None:
        return AuditEntry.objects.none()
    org_participants = Participant.objects.filter(organization_id=user.organization_id).values("pk")
    if has_capability(user.role, Capability.SEE_ALL_PROGRAMS):
        org_usernames = User.objects.filter(organization_id=user.organization_id).values("username")
        return AuditEntry.objects.filter(
            Q(actor__organization_id=user.organization_id)
            | Q(participant_id__in=org_participants)
            | Q(actor__isnull=True, actor_label__in=org_usernames)
        ).order_by("-id")
    # Imported here: participants.queries itself writes to the audit log (import order).
    from cadence.participants.queries import participants_for

    return AuditEntry.objects.filter(participant_id__in=participants_for(user).values("pk")).order_by("-id")


@dataclass(frozen=True)
class AuditFilter:
    """What the auditor asked for. Dates are calendar days in ``zone`` (``date_to`` inclusive)."""

    participant: str = ""  # a record number, or a participant id
    actor_id: int | None = None
    action: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    zone: str = UTC_NAME

    def as_dict(self) -> dict[str, Any]:
        """The filter as JSON-safe data (for the EXPORT audit entry)."""
        return {
            "participant": self.participant,
            "actor_id": self.actor_id,
            "action": self.action,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "zone": self.zone,
        }


def _participant_q(value: str) -> Q:
    """Entries about the participant with this record number (case-insensitive) or this id."""
    wanted = Q(record_number__iexact=value)
    if value.isdigit():
        wanted |= Q(pk=int(value))
    return Q(participant_id__in=Participant.objects.filter(wanted).values("pk"))


def _start_of(day: dt.date, zone: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zoneinfo.ZoneInfo(zone))


def filter_entries(entries: QuerySet[AuditEntry], flt: AuditFilter) -> QuerySet[AuditEntry]:
    """Narrow ``entries`` (already limited to what the user may see) by the filter."""
    if flt.participant.strip():
        entries = entries.filter(_participant_q(flt.participant.strip()))
    if flt.actor_id is not None:
        entries = entries.filter(actor_id=flt.actor_id)
    if flt.action:
        entries = entries.filter(action=flt.action)
    if flt.date_from is not None:
        entries = entries.filter(at__gte=_start_of(flt.date_from, flt.zone))
    if flt.date_to is not None:
        entries = entries.filter(at__lt=_start_of(flt.date_to + dt.timedelta(days=1), flt.zone))
    return entries


def display_zone() -> str:
    """The time zone the audit log shows times and reads dates in: the one every page of the request
    uses (``cadence.core.timezones``: the user's site, else the organization's first site)."""
    return timezone.get_current_timezone_name()


def record_numbers(participant_ids: Iterable[int | None]) -> dict[int, str]:
    """``{participant id: record number}`` for the given ids, in one query."""
    ids = {pid for pid in participant_ids if pid is not None}
    if not ids:
        return {}
    return dict(Participant.objects.filter(pk__in=ids).order_by().values_list("pk", "record_number"))


# --- CSV export ---------------------------------------------------------------------------------

CSV_COLUMNS = (
    "id",
    "at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "participant_id",
    "summary",
    "changes",
    "request_id",
    "ip",
    "prev_hash",
    "entry_hash",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """Free text as a spreadsheet-safe cell: a leading ``= + - @`` would run as a formula in Excel or
    LibreOffice (a failed sign-in's username is typed by anyone), so such text gets a leading quote."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def csv_row(entry: AuditEntry) -> list[str]:
    """One entry as CSV cells, in ``CSV_COLUMNS`` order. ``at`` is ISO 8601 in UTC; ``changes`` is the
    stored JSON, so the hashes can be checked against the export."""
    return [
        str(entry.pk),
        entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        _cell(entry.actor_label),
        entry.action,
        _cell(entry.object_type),
        _cell(entry.object_id),
        "" if entry.participant_id is None else str(entry.participant_id),
        _cell(entry.summary),
        json.dumps(entry.changes, sort_keys=True, ensure_ascii=False),
        _cell(entry.request_id),
        entry.ip or "",
        entry.prev_hash,
        entry.entry_hash,
    ]


class _Echo:
    """A file-like object whose ``write`` returns the line, for streaming ``csv.writer`` output."""

    def write(self, value: str) -> str:
        return value


def csv_lines(entries: QuerySet[AuditEntry]) -> Iterator[str]:
    """The header and one CSV line per entry, read from the database in chunks (constant memory)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for entry in entries.iterator(chunk_size=2000):
        yield writer.writerow(csv_row(entry))
