"""Chart panel: "FHIR export" in the chart's link row, for users who may read the clinical record.

Register with ``CADENCE_CHART_PANELS += ["cadence.interop.cards.fhir_export_link_panel"]``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from cadence.accounts.models import User
from cadence.accounts.permissions import Capability, has_capability
from cadence.core.cards import Card


def fhir_export_link_panel(user: User, participant: Any, now: dt.datetime) -> Card | None:
    """'FHIR export' in the link row; None for roles without READ_CLINICAL_RECORD."""
    if not has_capability(user.role, Capability.READ_CLINICAL_RECORD):
        return None
    url = reverse("interop:participant", args=[participant.pk])
    return Card(
        key="fhir-export-link", template="", context={"label": "FHIR export", "url": url}, column="links", order=90
    )
