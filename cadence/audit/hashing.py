"""Pure functions for the audit hash chain and change sets (no database)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

GENESIS_HASH = "0" * 64


def to_json_safe(value: Any) -> Any:
    """Round-trip through JSON so what is hashed is exactly what the database stores."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def entry_digest(
    *,
    prev_hash: str,
    at: dt.datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    participant_id: int | None,
    summary: str,
    changes: Mapping[str, Any],
    request_id: str,
    ip: str | None,
) -> str:
    payload = [
        prev_hash,
        at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        actor_id,
        actor_label,
        action,
        object_type,
        object_id,
        participant_id,
        summary,
        changes,
        request_id,
        ip,
    ]
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Fields whose values differ, as ``{field: [old, new]}`` (JSON-safe)."""
    changed: dict[str, list[Any]] = {}
    for key in sorted(set(before) | set(after)):
        old, new = to_json_safe(before.get(key)), to_json_safe(after.get(key))
        if old != new:
            changed[key] = [old, new]
    return changed
