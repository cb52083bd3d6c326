"""Signals other apps listen to when an episode of care changes, without participants importing them.

``episode_discharged``
    Sent by ``cadence.participants.actions.discharge_participant`` inside its transaction, after the
    episode is saved as discharged and the discharge is audited. Keyword arguments:

    - ``episode``: the discharged ``Episode`` (status ``discharged``, ``discharged_on`` set);
    - ``at``: the ``datetime`` of the discharge action (the action's ``at``);
    - ``by``: the ``User`` who discharged.

    ``sender`` is ``Episode``. Receivers run in the same transaction: a receiver that raises rolls the
    discharge back (raise a ``DomainError`` so the page and the API show the reason), so receivers do
    only what must happen together with the discharge (e.g. closing the treatment plan).
"""

from __future__ import annotations

from django.dispatch import Signal

episode_discharged = Signal()
