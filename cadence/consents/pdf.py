"""The cover sheet of a disclosure: the context of ``consents/cover.html`` (printable HTML) and
``consents/cover_pdf.html`` (one letter page through WeasyPrint). It carries the Part 2 notice verbatim and a
summary of the consent, or of the exception that allowed the disclosure without consent."""

from __future__ import annotations

from typing import Any

from cadence.participants.queries import current_episode

from .models import Disclosure
from .wording import PART2_NOTICE


def cover_context(disclosure: Disclosure) -> dict[str, Any]:
    participant = disclosure.participant
    episode = current_episode(participant)
    return {
        "disclosure": disclosure,
        "participant": participant,
        "consent": disclosure.consent,
        "site": episode.program.site if episode is not None else None,
        "organization": participant.organization,
        "part2_notice": PART2_NOTICE,
    }
