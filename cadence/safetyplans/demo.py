"""Synthetic safety plans for the demo organization made by ``seed_demo`` (``seed_safetyplans_demo``).

Every site gets a (fictional) nearest emergency department. About half of the admitted participants get a
signed plan, written by their primary clinician a few days after admission; the demo portal participant
(login ``participant``) always has one, plus a new version their clinician has signed that waits for
their signature on the portal. People, places and phone numbers are invented (555-01xx numbers).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.db import transaction

from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.models import Episode, EpisodeStatus, Participant
from cadence.programs.models import Site

from . import actions
from .models import EmergencyDepartment, SafetyPlan
from .rules import Item, PlanContent, SafetyPlanError

PORTAL_USERNAME = "participant"

POOLS: dict[str, dict[str, list[str]]] = {
    "en": {
        "warning_signs": [
            "Not sleeping for two nights in a row",
            "Staying in my room and not answering the phone",
            "Thinking 'nothing will ever change'",
            "Cravings after payday",
            "Skipping group or meals",
            "Arguments at home that leave me shaking",
        ],
        "coping": [
            "Walk around the block with music on",
            "Box breathing for five minutes",
            "Take a hot shower",
            "Write in my journal",
            "Play a game on my phone for ten minutes",
            "Cook something simple",
        ],
        "environment": [
            "Medications kept by my sister; I get one week at a time",
            "No alcohol in the house",
            "Firearm stored with a friend until my care team and I agree otherwise",
            "Remove the extra pills from the cabinet; drop them at the pharmacy",
        ],
        "reasons": ["My kids", "My dog, Pepper", "Finishing my GED", "Seeing my grandmother again", "My faith"],
        "places": ["Coffee shop on Main Street", "The public library", "Tuesday night meeting at the church hall"],
        "counselor": ["My counselor at the program"],
    },
    "es": {
        "warning_signs": [
            "No dormir dos noches seguidas",
            "Encerrarme en mi cuarto y no contestar el teléfono",
            "Pensar 'nada va a cambiar'",
            "Ganas de consumir después del día de pago",
        ],
        "coping": [
            "Caminar con música",
            "Respirar despacio cinco minutos",
            "Darme una ducha caliente",
            "Escribir en mi diario",
        ],
        "environment": [
            "Mi hermana guarda mis medicamentos",
            "No tener alcohol en la casa",
            "Llevar las pastillas que sobran a la farmacia",
        ],
        "reasons": ["Mis hijos", "Mi madre", "Mi perro", "Terminar mis estudios"],
        "places": ["La cafetería de la esquina", "La biblioteca pública", "La reunión del martes en la iglesia"],
        "counselor": ["Mi consejero del programa"],
    },
}
FIRST_NAMES = ["Maria", "Dana", "Luis", "Keisha", "Tom", "Aisha", "Rosa", "Ben", "Mei", "Omar"]
RELATIONSHIPS = {
    "en": ["sister", "friend", "sponsor", "cousin", "neighbor"],
    "es": ["hermana", "amigo", "padrino", "prima"],
}


@dataclass
class SafetyPlansSummary:
    departments: int = 0
    signed: int = 0
    awaiting: int = 0
    skipped: int = 0


def _phone(rng: random.Random) -> str:
    return f"555-01{rng.randint(0, 99):02d}"


def _content(rng: random.Random, language: str, base: PlanContent) -> PlanContent:
    pool = POOLS["es" if language == "es" else "en"]
    relationships = RELATIONSHIPS["es" if language == "es" else "en"]
    people = tuple(
        Item(name=f"{name} ({rng.choice(relationships)})", phone=_phone(rng)) for name in rng.sample(FIRST_NAMES, 2)
    )
    return PlanContent(
        warning_signs=tuple(Item(text=t) for t in rng.sample(pool["warning_signs"], 3)),
        coping=tuple(Item(text=t) for t in rng.sample(pool["coping"], 3)),
        distractions=(Item(name=rng.choice(pool["places"])), Item(name=rng.choice(FIRST_NAMES), phone=_phone(rng))),
        people=people,
        professionals=(*base.professionals, Item(name=pool["counselor"][0], phone=_phone(rng))),
        environment=tuple(Item(text=t) for t in rng.sample(pool["environment"], 2)),
        reasons=tuple(Item(text=t) for t in rng.sample(pool["reasons"], 2)),
    )


def _departments(sites: list[Site]) -> int:
    made = 0
    for index, site in enumerate(sites):
        _row, created = EmergencyDepartment.objects.get_or_create(
            site=site,
            defaults={
                "name": f"{site.name.split()[0]} Memorial Hospital emergency department",
                "address": f"{100 + index * 20} Hospital Drive (fictional)",
                "phone": f"555-019{index % 10}",
            },
        )
        made += int(created)
    return made


def _write(episode: Episode, rng: random.Random, at: dt.datetime) -> None:
    participant = episode.participant
    by = episode.primary_clinician
    assert by is not None  # noqa: S101
    version = actions.start_draft(participant=participant, by=by, at=at, from_current=False)
    content = _content(rng, participant.language, version.plan_content)
    actions.save_content(version=version, content=content, by=by, at=at)
    actions.sign_as_clinician(
        version=version, by=by, at=at, written_with_participant=True, participant_signed_on_paper=True
    )


def _revise_for_portal(episode: Episode, rng: random.Random, at: dt.datetime) -> None:
    """A second version the clinician has signed, waiting for the participant's signature on the portal."""
    by = episode.primary_clinician
    assert by is not None  # noqa: S101
    version = actions.start_draft(participant=episode.participant, by=by, at=at, from_current=True)
    language = "es" if episode.participant.language == "es" else "en"
    extra = Item(text=rng.choice(POOLS[language]["coping"]) + " (new)")
    actions.add_item(version=version, section="coping", item=extra, by=by, at=at)
    actions.sign_as_clinician(version=version, by=by, at=at, written_with_participant=True)


def _portal_participant() -> Participant | None:
    found = Participant.objects.filter(portal_user__username=PORTAL_USERNAME).first()
    if found is not None:
        return found
    episode = (
        Episode.objects.filter(status=EpisodeStatus.ACTIVE, primary_clinician__username="clinician")
        .select_related("participant")
        .order_by("participant__legal_last_name", "pk")
        .first()
    )
    return episode.participant if episode is not None else None


def seed_safetyplans(
    *, seed: int, now: dt.datetime, progress: Callable[[str], None] | None = None
) -> SafetyPlansSummary:
    """Write the demo safety plans (see the module docstring); deterministic for a seed and a day."""
    say = progress or (lambda _message: None)
    summary = SafetyPlansSummary()
    rng = random.Random(seed)  # noqa: S311 - synthetic demo data
    with transaction.atomic():
        summary.departments = _departments(list(Site.objects.order_by("pk")))
        portal = _portal_participant()
        episodes = list(
            Episode.objects.filter(
                status=EpisodeStatus.ACTIVE, admitted_on__isnull=False, primary_clinician__isnull=False
            )
            .select_related("participant", "program__site", "primary_clinician")
            .order_by("pk")
        )
        say(f"Writing safety plans for about half of {len(episodes)} admitted episodes")
        done: set[int] = set(SafetyPlan.objects.values_list("participant_id", flat=True))
        for index, episode in enumerate(episodes):
            is_portal = portal is not None and episode.participant_id == portal.pk
            if episode.participant_id in done or (index % 2 and not is_portal):
                continue
            assert episode.admitted_on is not None  # noqa: S101
            day = episode.admitted_on + dt.timedelta(days=2 + index % 4)
            at = min(dt.datetime.combine(day, dt.time(16, 0), tzinfo=dt.UTC), now - dt.timedelta(days=2))
            try:
                _write(episode, rng, at)
                if is_portal:
                    _revise_for_portal(episode, rng, now - dt.timedelta(hours=3))
                    summary.awaiting += 1
            except SafetyPlanError:
                summary.skipped += 1  # the primary clinician's role or scope does not allow it
                continue
            done.add(episode.participant_id)
            summary.signed += 1
        record(
            action=AuditAction.CREATE,
            actor=None,
            actor_label="seed_safetyplans_demo",
            object_type="demo.seed",
            object_id="safetyplans",
            at=now,
            summary=f"Seeded synthetic safety plans (seed {seed})",
            changes=asdict(summary),
        )
    return summary
