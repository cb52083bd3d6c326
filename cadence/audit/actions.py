"""Writing to and verifying the audit log. ``record`` is called by every action and every read of
participant data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from . import context
from .hashing import GENESIS_HASH, entry_digest, to_json_safe
from .models import AuditAction, AuditEntry, AuditHead

if TYPE_CHECKING:
    from cadence.accounts.models import User


@transaction.atomic
def record(
    *,
    action: AuditAction | str,
    actor: User | None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    participant_id: int | None = None,
    summary: str = "",
    changes: Mapping[str, Any] | None = None,
    at: dt.datetime | None = None,
    actor_label: str | None = None,
) -> AuditEntry:
    """Append one entry to the chain. Locks the chain head so concurrent appends stay ordered."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    when = (at or timezone.now()).astimezone(dt.UTC)
    ctx = context.current()
    safe_changes = to_json_safe(dict(changes or {}))
    label = actor_label if actor_label is not None else (actor.username if actor is not None else "")
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head = AuditHead.objects.create(pk=1, last_hash=GENESIS_HASH, count=0)
    digest = entry_digest(
        prev_hash=head.last_hash,
        at=when,
        actor_id=actor.pk if actor is not None else None,
        actor_label=label,
        action=str(action),
        object_type=object_type,
        object_id=str(object_id),
        participant_id=participant_id,
        summary=summary[:300],
        changes=safe_changes,
        request_id=ctx.request_id,
        ip=ctx.ip,
    )
    entry = AuditEntry.objects.create(
        at=when,
        actor=actor,
        actor_label=label,
        action=str(action),
        object_type=object_type,
        object_id=str(object_id),
        participant_id=participant_id,
        summary=summary[:300],
        changes=safe_changes,
        request_id=ctx.request_id,
        ip=ctx.ip,
        prev_hash=head.last_hash,
        entry_hash=digest,
    )
    AuditHead.objects.filter(pk=1).update(last_hash=digest, count=models.F("count") + 1)
    return entry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_id: int | None
    reason: str


def _entries() -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("id").iterator(chunk_size=2000)


def verify_chain(*, progress: Callable[[int], None] | None = None, every: int = 10_000) -> ChainReport:
    """Recompute every hash in order; report the first entry whose link or content does not match.
    ``progress(checked)`` is called every ``every`` entries on long chains."""
    prev = GENESIS_HASH
    checked = 0
    for entry in _entries():
        if progress is not None and checked and checked % every == 0:
            progress(checked)
        if entry.prev_hash != prev:
            return ChainReport(False, checked, entry.pk, "its previous-hash link does not match the entry before it")
        expected = entry_digest(
            prev_hash=entry.prev_hash,
            at=entry.at,
            actor_id=entry.actor_id,
            actor_label=entry.actor_label,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            participant_id=entry.participant_id,
            summary=entry.summary,
            changes=entry.changes,
            request_id=entry.request_id,
            ip=entry.ip,
        )
        if expected != entry.entry_hash:
            return ChainReport(False, checked, entry.pk, "its content does not match its hash (edited)")
        prev = entry.entry_hash
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != prev:
        return ChainReport(False, checked, None, "the chain ends before the recorded head: newest entries were deleted")
    return ChainReport(True, checked, None, "intact")
