"""/api/v1/outcomes: a program's outcome summary over a period, and one episode's outcome per measure.

The same reads and rules as the report page. A program or episode out of scope is a 404 (and a DENIED
audit entry); a role that may not is a 403; a bad date or mode is a 400 ``{"detail": [{"field",
"reason"}]}`` naming ``from``, ``to`` or ``mode``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field as SchemaField
from ninja import Query, Router, Schema

from cadence.accounts.permissions import Capability, require
from cadence.accounts.request import staff_user
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.measures.access import require_view_measures
from cadence.participants.queries import audit_list, get_episode_for

from . import queries
from .display import TEDS_LABELS, measure_outcome_dict, summary_dict
from .rules import parse_period

router = Router(tags=["Program outcomes"])


class PeriodQuery(Schema):
    starts: str | None = SchemaField(
        None, alias="from", description="First day, YYYY-MM-DD (default: 89 days before `to`)"
    )
    ends: str | None = SchemaField(None, alias="to", description="Last day, YYYY-MM-DD (default: today)")
    mode: str | None = SchemaField(None, description="`discharged` (default) or `active`")


@router.get("/programs/{program_id}", response=dict[str, Any], summary="A program's outcomes over a period")
def program_summary(request: HttpRequest, program_id: int, period: Query[PeriodQuery]) -> dict[str, Any]:
    user = staff_user(request)
    require(user, Capability.VIEW_OUTCOMES)
    program = queries.get_program_for(user, program_id)
    today = timezone.now().astimezone(program.site.zone).date()
    chosen = parse_period(starts=period.starts, ends=period.ends, mode=period.mode, today=today)
    report = queries.outcome_report(programs=[program], period=chosen)
    audit_list(
        user,
        what=f"API program outcomes of {program.name} ({chosen.mode.value}, {chosen.starts_on} to {chosen.ends_on})",
        count=report.participant_count,
    )
    return {
        "program_id": program.pk,
        "program": program.name,
        "from": chosen.starts_on,
        "to": chosen.ends_on,
        "mode": chosen.mode.value,
        "baseline_days_before": report.days_before,
        **summary_dict(report.summary),
    }


@router.get("/episodes/{episode_id}", response=dict[str, Any], summary="One episode's outcome on each measure")
def episode_detail(request: HttpRequest, episode_id: int) -> dict[str, Any]:
    user = staff_user(request)
    require_view_measures(user)  # the same people who read the participant's measure results
    episode = get_episode_for(user, episode_id)
    today = timezone.now().astimezone(episode.program.site.zone).date()
    outcome = queries.episode_outcomes(episode, today=today)
    record(
        action=AuditAction.VIEW,
        actor=user,
        obj=episode,
        participant_id=episode.participant_id,
        summary="Read the episode's outcomes (API)",
    )
    facts = outcome.facts
    return {
        "episode_id": episode.pk,
        "participant_id": episode.participant_id,
        "record_number": facts.record_number,
        "program_id": episode.program_id,
        "status": episode.status,
        "admitted_on": episode.admitted_on,
        "discharged_on": episode.discharged_on,
        "discharge_reason": episode.discharge_reason,
        "discharge_reason_label": TEDS_LABELS.get(episode.discharge_reason or 0, ""),
        "length_of_stay_days": facts.length_of_stay,
        "measures": [measure_outcome_dict(m) for m in outcome.measures.values()],
    }
