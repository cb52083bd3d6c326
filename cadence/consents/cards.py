"""Chart panels of Part 2 consents: "Consents and disclosures" in the chart's link row, and a banner
"No Part 2 consent in effect" when the participant has an open episode and no TPO consent in effect today.

Register with ``CADENCE_CHART_PANELS += ["cadence.consents.cards.consent_banner",
"cadence.consents.cards.consents_link_panel"]``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from cadence.accounts.models import User
from cadence.accounts.permissions import Capability, has_capability
from cadence.core.cards import Card
from cadence.participants.models import OPEN_STATUSES
from cadence.participants.queries import current_episode, today_in

from .queries import has_tpo_in_effect


def consents_link_panel(user: User, participant: Any, now: dt.datetime) -> Card | None:
    """'Consents and disclosures' in the chart's link row, for everyone who may see the participant."""
    if not has_capability(user.role, Capability.VIEW_PARTICIPANT):
        return None
    url = reverse("consents:participant", args=[participant.pk])
    return Card(
        key="consents-link",
        template="",
        context={"label": "Consents and disclosures", "url": url},
        column="links",
        order=30,
    )


def consent_banner(user: User, participant: Any, now: dt.datetime) -> Card | None:
    """A warning under the chart header while an open episode has no TPO consent in effect today."""
    if not has_capability(user.role, Capability.VIEW_PARTICIPANT):
        return None
    episode = current_episode(participant)
    if episode is None or episode.status not in OPEN_STATUSES:
        return None
    if has_tpo_in_effect(participant, today_in(episode, now)):
        return None
    context = {
        "participant": participant,
        "url": reverse("consents:participant", args=[participant.pk]),
        "can_manage": has_capability(user.role, Capability.MANAGE_CONSENTS),
    }
    return Card(key="consent-missing", template="consents/banner.html", context=context, column="banner", order=20)
