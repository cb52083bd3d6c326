"""Chart panels of the safety plan: "Safety plan" in the chart's link row, and a card with its state.

Register with ``CADENCE_CHART_PANELS += ["cadence.safetyplans.cards.safety_plan_link_panel",
"cadence.safetyplans.cards.safety_plan_panel"]``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from cadence.accounts.models import User
from cadence.accounts.permissions import Capability, has_capability
from cadence.core.cards import Card

from .models import SafetyPlanVersion, VersionStatus
from .rules import STEP_KEYS


def safety_plan_link_panel(user: User, participant: Any, now: dt.datetime) -> Card | None:
    """'Safety plan' in the chart's link row, for roles that read the clinical record."""
    if not has_capability(user.role, Capability.READ_CLINICAL_RECORD):
        return None
    url = reverse("safetyplans:plan", args=[participant.pk])
    return Card(
        key="safety-plan-link", template="", context={"label": "Safety plan", "url": url}, column="links", order=25
    )


def safety_plan_panel(user: User, participant: Any, now: dt.datetime) -> Card | None:
    """The current plan (signed on, version, steps filled) and a draft in progress, if any."""
    if not has_capability(user.role, Capability.READ_CLINICAL_RECORD):
        return None
    versions = list(
        SafetyPlanVersion.objects.filter(
            plan__participant=participant, status__in=[VersionStatus.SIGNED, VersionStatus.DRAFT]
        ).select_related("clinician_signed_by")
    )
    current = next((v for v in versions if v.status == VersionStatus.SIGNED), None)
    draft = next((v for v in versions if v.status == VersionStatus.DRAFT), None)
    context: dict[str, Any] = {
        "participant": participant,
        "current": current,
        "draft": draft,
        "filled": current.plan_content.filled_steps() if current else 0,
        "draft_filled": draft.plan_content.filled_steps() if draft else 0,
        "steps": len(STEP_KEYS),
        "url": reverse("safetyplans:plan", args=[participant.pk]),
    }
    return Card(key="safety-plan", template="safetyplans/panel.html", context=context, column="main", order=22)
