"""The home-dashboard cards and the chart banner of the safety app (registered in settings:
``CADENCE_DASHBOARD_CARDS`` and ``CADENCE_CHART_PANELS``)."""

from __future__ import annotations

import datetime as dt

from cadence.accounts.models import User
from cadence.accounts.permissions import Capability, has_capability
from cadence.core.cards import Card
from cadence.participants.models import Participant
from cadence.participants.queries import current_episode

from .forms import ClearFlagForm, RaiseEventForm, RaiseFlagForm
from .queries import active_flags, needing_response_for, participant_events, unread_notifications


def crisis_card(user: User, now: dt.datetime) -> Card | None:
    """ "Crisis events needing a response": unacknowledged events of the user's participants, big and red."""
    if not has_capability(user.role, Capability.READ_CLINICAL_RECORD):
        return None
    events = needing_response_for(user)
    if not events:
        return None
    context = {"events": events, "now": now, "can_respond": has_capability(user.role, Capability.RESPOND_TO_CRISIS)}
    participants = len({e.participant_id for e in events})
    return Card(
        key="crisis",
        template="safety/card_crisis.html",
        context=context,
        column="top",
        order=0,
        participant_rows=participants,
    )


def notifications_card(user: User, now: dt.datetime) -> Card | None:
    """The user's unread crisis notifications (texts without clinical details)."""
    rows = list(unread_notifications(user)[:10])
    if not rows:
        return None
    return Card(key="safety-notifications", template="safety/card_notifications.html", context={"rows": rows}, order=5)


def risk_banner(user: User, participant: Participant, now: dt.datetime) -> Card | None:
    """The red banner under the chart header: active flags (kind, severity, source, date) and open events,
    with forms to raise a flag or a crisis event and to clear a flag with a reason."""
    flags = active_flags(participant)
    events = [e for e in participant_events(participant)[:20] if e.is_open]
    episode = current_episode(participant)
    context = {
        "participant": participant,
        "zone": episode.program.site.time_zone if episode is not None else "UTC",
        "flags": flags,
        "events": events,
        "show_notes": has_capability(user.role, Capability.READ_CLINICAL_RECORD),
        "can_raise": has_capability(user.role, Capability.RAISE_RISK_FLAG),
        "can_clear": has_capability(user.role, Capability.RESPOND_TO_CRISIS),
        "flag_form": RaiseFlagForm(auto_id="flag_%s"),
        "event_form": RaiseEventForm(auto_id="event_%s"),
        "clear_form": ClearFlagForm(),
    }
    return Card(key="risk", template="safety/banner.html", context=context, column="banner", order=0)
