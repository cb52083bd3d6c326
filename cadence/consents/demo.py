"""Synthetic Part 2 consents and disclosures for the demo organization made by ``seed_demo``
(``seed_consents_demo``).

Most participants with an open episode get a TPO consent signed on paper at admission (attested by their
primary clinician); every seventh also a specific consent for their primary care practice; one of those is
revoked and one has expired. The demo portal participant (login ``participant``) also has a specific
consent waiting for their signature on the portal. A handful of disclosures (claims to the health plan,
a summary to primary care, one medical emergency) fill the accounting. Recipients are invented.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.db import transaction

from cadence.accounts.models import Role, User
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.models import OPEN_STATUSES, Episode, EpisodeStatus
from cadence.participants.queries import today_in

from . import actions
from .forms import initial_terms
from .models import Consent, ConsentKind, DisclosureBasis, DisclosureMethod
from .rules import ConsentError, Kind

PORTAL_USERNAME = "participant"
HEALTH_PLAN = "Lakeside Family Health Plan"
PRIMARY_CARE = "Riverbend Primary Care"
SPECIFIC = {
    "information": "Attendance dates, diagnoses, current medications and the discharge summary.",
    "recipients": f"{PRIMARY_CARE} (my primary care practice)",
    "purpose": "Coordination of care with my primary care doctor",
}


@dataclass
class ConsentsSummary:
    tpo: int = 0
    specific: int = 0
    revoked: int = 0
    expired: int = 0
    awaiting: int = 0
    disclosures: int = 0
    skipped: int = 0


def _tpo(episode: Episode, by: User, today: dt.date) -> Consent:
    participant = episode.participant
    signed_on = min(episode.admitted_on or episode.referred_on, today)
    terms = initial_terms(Kind.TPO, participant.organization.name)
    terms.pop("kind")
    return actions.record_consent(
        participant=participant,
        kind=ConsentKind.TPO,
        signed_on_paper=signed_on,
        by=by,
        at=_moment(signed_on),
        today=today,
        **terms,
    )


def _specific(episode: Episode, by: User, today: dt.date, *, signed_on: dt.date | None, days: int) -> Consent:
    participant = episode.participant
    start = signed_on or today
    terms = initial_terms(Kind.SPECIFIC, participant.organization.name)
    terms.pop("kind")
    terms.update(SPECIFIC)
    return actions.record_consent(
        participant=participant,
        kind=ConsentKind.SPECIFIC,
        expires_on=start + dt.timedelta(days=days),
        signed_on_paper=signed_on,
        by=by,
        at=_moment(start),
        today=today,
        **terms,
    )


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(15, 0), tzinfo=dt.UTC)


def _disclose(
    consent: Consent | None, episode: Episode, by: User, today: dt.date, *, day: dt.date, **fields: object
) -> None:
    actions.record_disclosure(
        participant=episode.participant,
        consent=consent,
        disclosed_on=day,
        by=by,
        at=_moment(day),
        today=today,
        named_in_consent=consent is not None,  # the demo's recipients are those its consents name
        **fields,  # type: ignore[arg-type]
    )


def seed_consents(*, now: dt.datetime, progress: Callable[[str], None] | None = None) -> ConsentsSummary:
    """Write the demo consents and disclosures (see the module docstring); deterministic for a day."""
    say = progress or (lambda _message: None)
    summary = ConsentsSummary()
    billing = User.objects.filter(role=Role.BILLING, is_active=True).order_by("pk").first()
    with transaction.atomic():
        episodes = list(
            Episode.objects.filter(status__in=OPEN_STATUSES, primary_clinician__isnull=False)
            .select_related("participant__organization", "participant__portal_user", "program__site")
            .order_by("pk")
        )
        say(f"Recording consents for {len(episodes)} open episodes")
        seen: set[int] = set()
        specifics: list[tuple[Consent, Episode]] = []
        for index, episode in enumerate(episodes):
            participant = episode.participant
            is_portal = participant.portal_user is not None and participant.portal_user.username == PORTAL_USERNAME
            if participant.pk in seen or (index % 6 == 5 and not is_portal):
                continue  # about one in six has no TPO consent yet: the chart shows the warning
            seen.add(participant.pk)
            by = episode.primary_clinician
            assert by is not None  # noqa: S101
            today = today_in(episode, now)
            try:
                tpo = _tpo(episode, by, today)
                summary.tpo += 1
                if billing is not None and index % 4 == 0:
                    day = max(tpo.signed_on or today, today - dt.timedelta(days=3))
                    _disclose(
                        tpo,
                        episode,
                        billing,
                        today,
                        day=day,
                        basis=DisclosureBasis.CONSENT,
                        recipient=HEALTH_PLAN,
                        information="Claim: dates of service, diagnosis codes and service codes",
                        purpose="Payment of claims",
                        method=DisclosureMethod.SECURE_ELECTRONIC,
                    )
                    summary.disclosures += 1
                if index % 7 == 0 or is_portal:
                    specific = _specific(episode, by, today, signed_on=tpo.signed_on, days=180)
                    specifics.append((specific, episode))
                    summary.specific += 1
                if is_portal:
                    waiting = _specific(episode, by, today, signed_on=None, days=365)
                    actions.send_to_portal(consent=waiting, by=by, at=now)
                    summary.awaiting += 1
            except ConsentError:
                summary.skipped += 1  # the primary clinician's role or scope does not allow it
        _special_cases(specifics, now, summary)
        # Participants discharged lately signed theirs at admission; it runs a year past their treatment, so
        # their last claims can still go out.
        discharged = (
            Episode.objects.filter(
                status=EpisodeStatus.DISCHARGED, admitted_on__isnull=False, primary_clinician__isnull=False
            )
            .exclude(participant_id__in=seen)
            .select_related("participant__organization", "program__site", "primary_clinician")
            .order_by("pk")
        )
        for episode in discharged:
            if episode.participant_id in seen:
                continue
            seen.add(episode.participant_id)
            assert episode.primary_clinician is not None  # noqa: S101
            try:
                _tpo(episode, episode.primary_clinician, today_in(episode, now))
                summary.tpo += 1
            except ConsentError:
                summary.skipped += 1
        record(
            action=AuditAction.CREATE,
            actor=None,
            actor_label="seed_consents_demo",
            object_type="demo.seed",
            object_id="consents",
            at=now,
            summary="Seeded synthetic Part 2 consents and disclosures",
            changes=asdict(summary),
        )
    return summary


def _special_cases(specifics: list[tuple[Consent, Episode]], now: dt.datetime, summary: ConsentsSummary) -> None:
    """A disclosure to primary care, one revoked consent, one expired consent, one medical emergency."""
    for number, (consent, episode) in enumerate(specifics[:4]):
        by = episode.primary_clinician
        assert by is not None  # noqa: S101
        today = today_in(episode, now)
        if number == 0:
            _disclose(
                consent,
                episode,
                by,
                today,
                day=consent.signed_on or today,
                basis=DisclosureBasis.CONSENT,
                recipient=PRIMARY_CARE,
                information="Admission summary and current medications",
                purpose=SPECIFIC["purpose"],
                method=DisclosureMethod.FAX,
            )
            summary.disclosures += 1
        elif number == 1:
            actions.revoke_consent(
                consent=consent,
                revoked_on=today,
                received="Signed letter handed to the front desk",
                by=by,
                at=now,
                today=today,
            )
            summary.revoked += 1
        elif number == 2:
            signed_on = today - dt.timedelta(days=120)
            old = _specific(episode, by, today, signed_on=signed_on, days=90)
            summary.expired += int(old.status_on(today) == "expired")
            _disclose(
                None,
                episode,
                by,
                today,
                day=today - dt.timedelta(days=1),
                basis=DisclosureBasis.MEDICAL_EMERGENCY,
                basis_note="Participant collapsed during group; paramedics were told current medications.",
                recipient="County emergency medical services (paramedics on scene)",
                information="Current medications and allergies",
                purpose="Emergency treatment",
                method=DisclosureMethod.IN_PERSON,
            )
            summary.disclosures += 1
