"""What the plans app does when something happens elsewhere (connected in ``PlansConfig.ready``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cadence.accounts.models import User
from cadence.participants.models import Episode
from cadence.participants.rules import ParticipantError

from .models import PlanStatus, TreatmentPlan
from .rules import PlanError


def close_plan_on_discharge(*, episode: Episode, at: dt.datetime, by: User, **_: Any) -> None:
    """Close the treatment plan of a discharged episode, in the discharge's transaction.

    An episode without a plan (or with a plan already closed) is left alone. If the plan cannot be closed
    the discharge is refused with the reason (a ``ParticipantError``, so the discharge page and the API
    show it), keeping "discharged" and "plan closed" together."""
    from .actions import close_plan

    plan = TreatmentPlan.objects.filter(episode_id=episode.pk).first()
    if plan is None or plan.status == PlanStatus.CLOSED:
        return
    try:
        close_plan(plan=plan, by=by, at=at)
    except PlanError as err:
        raise ParticipantError("episode", f"The treatment plan could not be closed: {err.reason}") from err
