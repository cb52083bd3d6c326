"""A synthetic demo organization for Cadence: deterministic from a seed, fictional, fast at 10,000 participants.

``seed_demo`` plans every row in memory from ``random.Random(seed)`` (never a global random state), writes
the rows with ``bulk_create`` in one transaction and appends ONE audit entry that summarises the seeding.
Names come from small built-in lists; phone numbers use 555-01xx (reserved for fiction), e-mail addresses
use example.org, towns and health plans are invented. Same seed and same reference date, same data.

Errors: ``DemoError`` when the database already holds data (the seeder only fills an empty database).
"""

from __future__ import annotations

import datetime as dt
import random
import time
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Literal, TypeVar

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction

from cadence.accounts.models import Credential, Role, User
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.models import (
    Diagnosis,
    DiagnosisRank,
    EmergencyContact,
    Episode,
    EpisodeStatus,
    LevelOfCareChange,
    Participant,
    Payer,
    TedsReason,
)
from cadence.programs.models import (
    LevelOfCare,
    Organization,
    Population,
    Program,
    Room,
    Site,
    Track,
    TrackKind,
    mask_from_weekdays,
)

DEMO_ORG_NAME = "Cedar Valley Recovery Partners"
DEMO_ORG_SLUG = "cedar-valley-demo"
DEFAULT_PASSWORD = "cadence-demo-2026"  # noqa: S105 (the documented demo password, not a secret)
BATCH = 1000  # rows per bulk_create call
PROGRESS_EVERY = 5000

Progress = Callable[[str], None]
T = TypeVar("T")


class DemoError(Exception):
    """The demo cannot be seeded (the database already holds data)."""


# --- The organization: fixed structure, so screenshots and docs stay stable ------------------------


@dataclass(frozen=True)
class SiteSpec:
    key: str
    name: str
    time_zone: str
    address: str
    area_code: str
    towns: tuple[tuple[str, str, str], ...]  # town, state, ZIP
    rooms: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class TrackSpec:
    name: str
    kind: str
    weekdays: tuple[int, ...]
    starts_at: dt.time
    ends_at: dt.time
    weight: int


@dataclass(frozen=True)
class ProgramSpec:
    key: str
    site: str
    name: str
    code: str
    level: str
    population: str
    weight: int  # share of participants referred here
    tracks: tuple[TrackSpec, ...]
    max_days_between_services: int | None = None


@dataclass(frozen=True)
class StaffSpec:
    username: str
    first_name: str
    last_name: str
    role: str
    title: str
    credentials: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    programs: tuple[str, ...] = ()
    primary_weight: int = 0  # how often chosen as primary clinician in their programs (0: never)
    supervisor: str = ""
    max_hours_week: int | None = 40


# The tables below read as tables; the formatter would put every field on its own line.
# fmt: off
MON, TUE, WED, THU, FRI = 0, 1, 2, 3, 4
SITES = (
    SiteSpec("east", "Eastbrook Center", "America/New_York", "410 Larkspur Avenue, Suite 200\nEastbrook, NY 14620",
             "585",
             (("Eastbrook", "NY", "14620"), ("Millbrook Falls", "NY", "14534"), ("Oak Hollow", "NY", "14450"),
              ("Cedar Glen", "NY", "14526"), ("North Fairhaven", "NY", "14580")),
             (("Group Room A", 12), ("Group Room B", 10), ("Family Therapy Room", 8), ("Large Group Room", 15),
              ("Teen Group Room", 10))),
    SiteSpec("west", "Prairie Lake Center", "America/Chicago", "2250 Meadowlark Road\nPrairie Lake, IL 61615", "309",
             (("Prairie Lake", "IL", "61615"), ("Willow Bend", "IL", "61604"), ("Fox Meadow", "IL", "61525"),
              ("Harlan Crossing", "IL", "61611"), ("Stonebridge", "IL", "61614")),
             (("Group Room 1", 12), ("Group Room 2", 10), ("Community Room", 15), ("Family Room", 8))),
)
_MORNING_3 = TrackSpec("Morning", TrackKind.MORNING, (MON, TUE, THU), dt.time(9), dt.time(12), 55)
_EVENING_3 = TrackSpec("Evening", TrackKind.EVENING, (MON, WED, THU), dt.time(18), dt.time(21), 45)
_MORNING_5 = TrackSpec("Morning", TrackKind.MORNING, (MON, TUE, WED, THU, FRI), dt.time(9), dt.time(12), 50)
_EVENING_4 = TrackSpec("Evening", TrackKind.EVENING, (MON, TUE, WED, THU), dt.time(18), dt.time(21), 50)
_PHP_DAY = TrackSpec("Day", TrackKind.MORNING, (MON, TUE, WED, THU, FRI), dt.time(9), dt.time(14, 30), 100)
_TEEN = TrackSpec("After school", TrackKind.AFTERNOON, (MON, TUE, THU), dt.time(15, 30), dt.time(18, 30), 100)
PROGRAMS = (
    ProgramSpec("east-iop", "east", "Adult IOP", "adult-iop", "2.1", Population.ADULT, 30, (_MORNING_3, _EVENING_3), 3),
    ProgramSpec("east-php", "east", "Adult PHP", "adult-php", "2.5", Population.ADULT, 12, (_PHP_DAY,)),
    ProgramSpec("east-teen", "east", "Adolescent IOP", "teen-iop", "2.1", Population.ADOLESCENT, 8, (_TEEN,), 3),
    ProgramSpec("west-iop", "west", "Adult IOP", "adult-iop", "2.1", Population.ADULT, 35, (_MORNING_5, _EVENING_4)),
    ProgramSpec("west-php", "west", "Adult PHP", "adult-php", "2.5", Population.ADULT, 15, (_PHP_DAY,)),
)
_EAST = ("east-iop", "east-php", "east-teen")
_WEST = ("west-iop", "west-php")
_C = Role.CLINICIAN
STAFF = (
    StaffSpec("admin", "Robin", "Castellano", Role.ADMIN, "Systems administrator"),
    StaffSpec("director", "Dana", "Whitfield", Role.DIRECTOR, "Clinical director", ("LCSW",), ("east", "west")),
    StaffSpec("clinician", "Jordan", "Ellery", _C, "Primary therapist", ("LPC", "LADC"), ("east",), _EAST, 3),
    StaffSpec("clinician2", "Priya", "Natarajan", _C, "Primary therapist", ("LCSW",), ("west",), _WEST, 3),
    StaffSpec("frontdesk", "Casey", "Monroe", Role.FRONT_DESK, "Intake coordinator", (), ("east",)),
    StaffSpec("billing", "Terry", "Okafor", Role.BILLING, "Billing specialist"),
    StaffSpec("auditor", "Leslie", "Vance", Role.AUDITOR, "Compliance officer"),
    # More staff at the first site.
    StaffSpec("mabernathy", "Marisol", "Abernathy", _C, "Therapist", ("LCSW",), ("east",), _EAST[:2], 2),
    StaffSpec("tkowalski", "Theo", "Kowalski", _C, "Addiction counselor", ("LADC",), ("east",), ("east-iop",), 2),
    StaffSpec("rbishop", "Renata", "Bishop", _C, "Family therapist", ("LMFT",), ("east",), _EAST[::-2], 2),
    StaffSpec("dfairbanks", "Devon", "Fairbanks", _C, "Counselor (supervised)", ("CADC",), ("east",), ("east-iop",), 1,
              supervisor="clinician"),
    StaffSpec("hmarchetti", "Helen", "Marchetti", _C, "Psychiatrist", ("MD",), ("east",), _EAST, max_hours_week=16),
    StaffSpec("opryce", "Owen", "Pryce", _C, "Nurse", ("RN",), ("east",), _EAST),
    StaffSpec("tgreenleaf", "Tasha", "Greenleaf", _C, "Peer recovery specialist", ("CPRS",), ("east",), _EAST[:2],
              max_hours_week=32),
    # More staff at the second site.
    StaffSpec("frontdesk2", "Miguel", "Serrano", Role.FRONT_DESK, "Intake coordinator", (), ("west",)),
    StaffSpec("ghalvorsen", "Gwen", "Halvorsen", _C, "Therapist", ("LPC",), ("west",), _WEST, 2),
    StaffSpec("awhitaker", "Andre", "Whitaker", _C, "Addiction counselor", ("LADC",), ("west",), ("west-iop",), 2),
    StaffSpec("nlindqvist", "Nora", "Lindqvist", _C, "Psychiatric nurse practitioner", ("NP",), ("west",), _WEST,
              max_hours_week=20),
    StaffSpec("sadeyemi", "Samuel", "Adeyemi", _C, "Psychiatrist", ("MD",), ("west",), _WEST, max_hours_week=12),
    StaffSpec("kduval", "Keisha", "Duval", _C, "Nurse", ("RN",), ("west",), _WEST),
    StaffSpec("rcallahan", "Rory", "Callahan", _C, "Peer recovery specialist", ("CPRS",), ("west",), ("west-iop",),
              max_hours_week=32),
)
NAMED_LOGINS = ("admin", "director", "clinician", "clinician2", "frontdesk", "billing", "auditor")
PAYERS = (
    ("Medicare", Payer.Kind.MEDICARE), ("Evergreen State Medicaid", Payer.Kind.MEDICAID),
    ("Summit Health Plan", Payer.Kind.COMMERCIAL), ("Lakeshore Mutual PPO", Payer.Kind.COMMERCIAL),
    ("Self pay", Payer.Kind.SELF_PAY),
)
ADULT_PAYER_MIX = (("Evergreen State Medicaid", 42), ("Summit Health Plan", 22), ("Lakeshore Mutual PPO", 18),
                   ("Medicare", 6), ("Self pay", 12))
TEEN_PAYER_MIX = (("Evergreen State Medicaid", 50), ("Summit Health Plan", 30), ("Lakeshore Mutual PPO", 20))
MEMBER_ID_PREFIX = {"Evergreen State Medicaid": "EV", "Summit Health Plan": "SHP", "Lakeshore Mutual PPO": "LMP"}
# A Medicare Beneficiary Identifier's shape: 1-9, letter, letter or digit, digit, letter, ... (no S L O I B Z).
MBI_SHAPE = ("123456789", "A", "AN", "N", "A", "AN", "N", "A", "A", "N", "N")

# --- Word lists for invented people ---------------------------------------------------------------

FEMALE = (
    "Amara Ana Beatriz Brianna Camila Carmen Chloe Danielle Elena Erin Fatima Gabriela Grace Hannah Imani Isabel "
    "Jasmine Jennifer Katherine Keiko Laila Lauren Leah Lucia Maggie Maria Maya Megan Mei Nadia Naomi Olivia "
    "Priyanka Rachel Rebecca Rosa Samantha Sara Sofia Tamika Tanya Valeria Vanessa Yesenia Zoe"
).split()
MALE = (
    "Aaron Adrian Alejandro Andre Anthony Ben Brandon Caleb Carlos Christopher Daniel Darius David Diego Eli "
    "Ethan Gabriel Hector Isaac Jamal James Javier Jerome Jonah Jose Kenji Kevin Luis Malik Marcus Mateo Michael "
    "Nathan Nicholas Omar Owen Rafael Robert Ryan Samuel Terrence Tyler Victor William Xavier"
).split()
NEUTRAL = "Alex Avery Blake Cameron Charlie Drew Emerson Jesse Jordan Kai Morgan Quinn Reese Riley Rowan Skyler".split()
LAST = (
    "Abbott Acosta Alvarez Anders Bailey Banerjee Barrett Becker Bennett Brooks Calloway Cardenas Carver Chandler "
    "Chen Coleman Cortez Dalton Delgado Dominguez Donnelly Dunbar Easton Ellison Espinoza Farrell Fleming Foster "
    "Fujimoto Garrison Gill Goodwin Greer Guerrero Hadley Hale Hammond Harper Hensley Holloway Huang Ibarra "
    "Jennings Kaplan Keller Kendrick Kim Lambert Larkin Lowry Maddox Malone Mendez Mercer Nakamura Navarro Nolan "
    "Novak Oakley Ortega Osei Pacheco Park Pennington Perales Quintero Ramsey Reyes Rhodes Rocha Salazar Sandoval "
    "Santos Shah Sheridan Silva Singh Stanton Sullivan Tate Thornton Trujillo Underwood Vasquez Vaughn Walsh "
    "Whitley Winslow Yates Young Zamora"
).split()
NICKNAMES = {
    "Katherine": "Kate", "Jennifer": "Jen", "Rebecca": "Becca", "Samantha": "Sam", "Margaret": "Maggie",
    "Gabriela": "Gabby", "Christopher": "Chris", "Nicholas": "Nick", "Michael": "Mike", "Robert": "Rob",
    "William": "Will", "Anthony": "Tony", "Alejandro": "Alex", "Daniel": "Dan", "Samuel": "Sam", "Priyanka": "Priya",
}
STREETS = (
    "Maple Oak Cedar Birch Willow Juniper Orchard Meadow Ridge Hawthorn Sycamore Aspen Linden Chestnut Spruce "
    "Heron Foxglove Millrace Quarry Lantern"
).split()
STREET_KINDS = ("Street", "Avenue", "Road", "Lane", "Court", "Drive", "Way", "Place")
RELATIONSHIPS = ("Spouse", "Partner", "Mother", "Father", "Sister", "Brother", "Friend", "Sponsor", "Aunt",
                 "Grandmother", "Adult child", "Roommate")

# ICD-10-CM codes with the DSM-5-TR wording clinicians use for them, and how common each is here.
DxPool = tuple[tuple[str, str, int], ...]
SUD_DX: DxPool = (
    ("F10.20", "Alcohol use disorder, moderate", 26), ("F10.20", "Alcohol use disorder, severe", 14),
    ("F10.10", "Alcohol use disorder, mild", 4), ("F11.20", "Opioid use disorder, severe", 18),
    ("F11.20", "Opioid use disorder, moderate", 6), ("F14.20", "Cocaine use disorder, moderate", 8),
    ("F15.20", "Methamphetamine use disorder, severe", 8), ("F12.20", "Cannabis use disorder, moderate", 8),
    ("F13.20", "Sedative, hypnotic, or anxiolytic use disorder, moderate", 3),
)
MH_DX: DxPool = (
    ("F32.1", "Major depressive disorder, single episode, moderate", 14),
    ("F33.1", "Major depressive disorder, recurrent, moderate", 16), ("F41.1", "Generalized anxiety disorder", 18),
    ("F43.10", "Posttraumatic stress disorder", 12), ("F31.81", "Bipolar II disorder", 5),
    ("F41.0", "Panic disorder", 5), ("F43.23", "Adjustment disorder with mixed anxiety and depressed mood", 4),
)
TEEN_DX: DxPool = (
    ("F12.20", "Cannabis use disorder, moderate", 30), ("F10.10", "Alcohol use disorder, mild", 10),
    ("F32.1", "Major depressive disorder, single episode, moderate", 18), ("F41.1", "Generalized anxiety disorder", 14),
    ("F90.0", "Attention-deficit/hyperactivity disorder, predominantly inattentive presentation", 8),
    ("F43.10", "Posttraumatic stress disorder", 6),
)
REFERRAL_SOURCES = (
    ("Self-referral", 22), ("Primary care physician", 16), ("Emergency department", 12),
    ("Inpatient withdrawal management unit", 12), ("Drug court", 6), ("Employee assistance program", 6),
    ("Family member", 8), ("Community mental health center", 10), ("Residential program (step-down)", 8),
)
TEEN_REFERRAL_SOURCES = (("School counselor", 40), ("Parent or guardian", 35), ("Pediatrician", 15),
                         ("Juvenile court", 10))
CANCEL_NOTES = ("Did not attend the intake appointment; two reminder calls made.",
                "Chose a program closer to home.", "Payer did not authorize this level of care.",
                "Referred to residential treatment instead after assessment.")
STEP_DOWN_REASONS = {
    ("2.5", "2.1"): ("Step-down to IOP: no use in 14 days, mood stable, returned to part-time work.",
                     "PHP goals met; continuing at a lower intensity in the IOP."),
    ("2.1", "1"): ("Step-down to outpatient: treatment plan goals met, sober support network in place.",
                   "Stable for four weeks; moving to weekly outpatient counseling before discharge."),
    ("2.1", "2.5"): ("Step-up to PHP after a return to use and missed sessions; needs daily structure.",),
}
DISCHARGE_WEIGHTS = ((TedsReason.COMPLETED, 48), (TedsReason.DROPPED_OUT, 30), (TedsReason.TERMINATED, 5),
                     (TedsReason.TRANSFERRED, 8), (TedsReason.INCARCERATED, 3), (TedsReason.DEATH, 1),
                     (TedsReason.OTHER, 5))
DISCHARGE_NOTES = {
    TedsReason.COMPLETED: "Completed the treatment plan goals.",
    TedsReason.DROPPED_OUT: "Stopped attending; outreach by phone and letter was not answered.",
    TedsReason.TERMINATED: "Discharged after repeated breaks of the program agreement; referral list given.",
    TedsReason.TRANSFERRED: "Transferred to a higher level of care.",
    TedsReason.INCARCERATED: "Incarcerated; release of information on file.",
    TedsReason.DEATH: "Died during the episode; critical incident review completed.",
    TedsReason.OTHER: "Moved out of the service area.",
}
STEP_DOWN_TO = {
    (TedsReason.COMPLETED, "2.1"): ("Outpatient counseling (ASAM 1)", "Alumni aftercare group",
                                    "Weekly OP group and mutual-help meetings"),
    (TedsReason.COMPLETED, "2.5"): ("Adult IOP (ASAM 2.1)", "Outpatient counseling (ASAM 1)"),
    (TedsReason.DROPPED_OUT, ""): ("", "", "Outreach letter with outpatient referral"),
    (TedsReason.TERMINATED, ""): ("Community outpatient referral list",),
    (TedsReason.TRANSFERRED, ""): ("Residential treatment (ASAM 3.5)", "Inpatient withdrawal management (ASAM 3.7)"),
    (TedsReason.OTHER, ""): ("Outpatient provider near the new address",),
}

Kind = Literal["referred", "waitlisted", "cancelled", "active", "active_change", "discharged", "discharged_change",
               "readmitted", "php_to_iop"]
KIND_WEIGHTS: tuple[tuple[Kind, int], ...] = (
    ("referred", 8), ("waitlisted", 6), ("cancelled", 4), ("active", 34), ("active_change", 8), ("discharged", 28),
    ("discharged_change", 6), ("readmitted", 3), ("php_to_iop", 3),
)
# The first participants are fixed so even a tiny demo shows every stage and both named clinicians' caseloads.
FORCED: tuple[tuple[str, Kind, str], ...] = (
    ("east-iop", "active", "clinician"), ("west-iop", "active", "clinician2"), ("east-php", "php_to_iop", "clinician"),
    ("east-iop", "referred", ""), ("west-php", "waitlisted", ""), ("east-iop", "discharged_change", "clinician"),
    ("west-iop", "discharged", "clinician2"), ("east-teen", "active", "clinician"),
    ("west-php", "active_change", "clinician2"), ("east-iop", "cancelled", ""), ("west-iop", "readmitted", ""),
    ("east-iop", "active_change", "clinician"), ("east-php", "discharged", ""), ("east-iop", "waitlisted", ""),
)
# fmt: on


@dataclass(frozen=True)
class _Plan:
    """One planned episode of care."""

    program: str
    referred_on: dt.date
    status: EpisodeStatus
    admitted_on: dt.date | None = None
    discharged_on: dt.date | None = None
    change_on: dt.date | None = None
    reason: TedsReason | None = None
    step_down_to: str | None = None
    referral_source: str = ""


# --- Summary -----------------------------------------------------------------------------------------


@dataclass
class DemoSummary:
    participants: int = 0
    episodes: int = 0
    level_changes: int = 0
    diagnoses: int = 0
    contacts: int = 0
    staff: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        """The counts, for the audit entry."""
        return {name: value for name, value in asdict(self).items() if name != "seconds"}


def demo_state() -> Literal["empty", "demo", "other"]:
    """``demo`` if the demo organization exists, ``other`` if the database holds other data, else ``empty``."""
    if Organization.objects.filter(slug=DEMO_ORG_SLUG).exists():
        return "demo"
    taken = User.objects.filter(username__in=[s.username for s in STAFF]).exists()
    if taken or Organization.objects.exists() or Participant.objects.exists():
        return "other"
    return "empty"


# --- Small random helpers ---------------------------------------------------------------------------


def _weighted(rng: random.Random, items: Sequence[tuple[T, int]]) -> T:
    total = sum(w for _, w in items)
    pick = rng.randrange(total)
    for item, weight in items:
        pick -= weight
        if pick < 0:
            return item
    raise AssertionError("unreachable")


def _day(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    """A day in [lo, hi]; ``lo`` when the range is empty."""
    span = (hi - lo).days
    return lo if span <= 0 else lo + dt.timedelta(days=rng.randint(0, span))


def _at(day: dt.date, zone: zoneinfo.ZoneInfo, rng: random.Random, now: dt.datetime) -> dt.datetime:
    moment = dt.datetime.combine(day, dt.time(rng.randint(8, 16), rng.choice((0, 15, 30, 45))), tzinfo=zone)
    return min(moment, now)


# --- The seeder -------------------------------------------------------------------------------------


class _Seeder:
    def __init__(
        self, *, participants: int, weeks: int, seed: int, password: str, now: dt.datetime, progress: Progress
    ) -> None:
        self.count = participants
        self.weeks = weeks
        self.rng = random.Random(seed)  # noqa: S311 (synthetic data, not security)
        self.now = now
        self.password_hash = make_password(password)
        self.say = progress
        self.summary = DemoSummary()
        self.participants: list[Participant] = []
        self.episodes: list[Episode] = []
        self.changes: list[LevelOfCareChange] = []
        self.diagnoses: list[Diagnosis] = []
        self.contacts: list[EmergencyContact] = []

    # Structure ---------------------------------------------------------------------------------------
    def build_structure(self) -> None:
        self.org = Organization.objects.create(name=DEMO_ORG_NAME, slug=DEMO_ORG_SLUG)
        self.levels = {lv.code: lv for lv in LevelOfCare.objects.filter(code__in=["1", "2.1", "2.5"])}
        if len(self.levels) != 3:
            raise DemoError("The level-of-care catalog lacks 1, 2.1 or 2.5: run `manage.py migrate` first.")
        self.sites: dict[str, Site] = {}
        self.site_specs = {s.key: s for s in SITES}
        for spec in SITES:
            site = Site.objects.create(
                organization=self.org, name=spec.name, address=spec.address, time_zone=spec.time_zone
            )
            self.sites[spec.key] = site
            Room.objects.bulk_create([Room(site=site, name=n, capacity=c) for n, c in spec.rooms])
        self.programs: dict[str, Program] = {}
        self.program_specs = {p.key: p for p in PROGRAMS}
        self.tracks: dict[str, list[tuple[Track, int]]] = {}
        for pspec in PROGRAMS:
            program = Program.objects.create(
                site=self.sites[pspec.site],
                name=pspec.name,
                code=pspec.code,
                level_of_care=self.levels[pspec.level],
                population=pspec.population,
                max_days_between_services=pspec.max_days_between_services,
            )
            self.programs[pspec.key] = program
            self.tracks[pspec.key] = [
                (
                    Track.objects.create(
                        program=program,
                        name=t.name,
                        kind=t.kind,
                        weekdays_mask=mask_from_weekdays(t.weekdays),
                        starts_at=t.starts_at,
                        ends_at=t.ends_at,
                    ),
                    t.weight,
                )
                for t in pspec.tracks
            ]
        self.payers = {name: Payer.objects.create(organization=self.org, name=name, kind=kind) for name, kind in PAYERS}
        self.today = {key: self.now.astimezone(site.zone).date() for key, site in self.sites.items()}

    def build_staff(self) -> None:
        credentials = Credential.objects.in_bulk(field_name="code")
        missing = {code for spec in STAFF for code in spec.credentials} - set(credentials)
        if missing:
            raise DemoError(f"The credential catalog lacks {', '.join(sorted(missing))}: run `manage.py migrate`.")
        self.staff: dict[str, User] = {}
        for spec in STAFF:
            user = User(
                username=spec.username,
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=f"{spec.username}@example.org",
                role=spec.role,
                title=spec.title,
                organization=self.org,
                password=self.password_hash,
                max_hours_week=spec.max_hours_week,
                needs_supervision=bool(spec.supervisor),
                supervisor=self.staff[spec.supervisor] if spec.supervisor else None,
            )
            user.save()
            user.credentials.set([credentials[c] for c in spec.credentials])
            user.sites.set([self.sites[s] for s in spec.sites])
            user.programs.set([self.programs[p] for p in spec.programs])
            self.staff[spec.username] = user
        self.primary_pool = {
            key: [(self.staff[s.username], s.primary_weight) for s in STAFF if key in s.programs and s.primary_weight]
            for key in self.program_specs
        }
        self.summary.staff = len(STAFF)

    # People ------------------------------------------------------------------------------------------
    def build_people(self) -> None:
        start = {key: today - dt.timedelta(weeks=self.weeks) for key, today in self.today.items()}
        program_weights = [(p.key, p.weight) for p in PROGRAMS]
        episode_id = 0
        for index in range(self.count):
            n = index + 1
            if index < len(FORCED):
                program_key, kind, clinician = FORCED[index]
            else:
                program_key, clinician = _weighted(self.rng, program_weights), ""
                kind = _weighted(self.rng, KIND_WEIGHTS)
            pspec = self.program_specs[program_key]
            site_key = pspec.site
            participant = self._person(n, pspec, self.today[site_key])
            plans = self._episode_plan(kind, pspec, start[site_key], self.today[site_key])
            first_referral = plans[0].referred_on
            participant.created_at = _at(first_referral, self.sites[site_key].zone, self.rng, self.now)
            self.participants.append(participant)
            for plan in plans:
                episode_id += 1
                self._episode(episode_id, participant, plan, clinician)
            self._diagnoses(participant, pspec, first_referral)
            self._contacts(participant, pspec)
            if n % PROGRESS_EVERY == 0:
                self.say(f"  planned {n}/{self.count} participants")

    def _person(self, n: int, pspec: ProgramSpec, today: dt.date) -> Participant:
        rng = self.rng
        sex = _weighted(rng, (("female", 46), ("male", 50), ("unknown", 4)))
        pool = FEMALE if sex == "female" else MALE if sex == "male" else NEUTRAL
        first = rng.choice(pool if rng.random() > 0.06 else NEUTRAL)
        last = rng.choice(LAST)
        pronouns = {"female": "she/her", "male": "he/him"}.get(sex, "they/them")
        if rng.random() < 0.04:
            pronouns = "they/them"
        preferred = NICKNAMES.get(first, "") if rng.random() < 0.6 else ""
        teen = pspec.population == Population.ADOLESCENT
        age = rng.randint(13, 17) if teen else min(rng.randint(19, 64) + rng.choice((0, 0, 0, 0, 8)), 78)
        born = today - dt.timedelta(days=age * 365 + rng.randint(5, 360))
        payer, member_id = self._payer(age, teen)
        site = self.site_specs[pspec.site]
        town, state, zip_code = rng.choice(site.towns)
        address = (
            f"{rng.randint(12, 4980)} {rng.choice(STREETS)} {rng.choice(STREET_KINDS)}\n{town}, {state} {zip_code}"
        )
        email = f"{first.lower()}.{last.lower()}{n}@example.org" if rng.random() < 0.7 else ""
        participant = Participant(
            id=n,
            organization=self.org,
            record_number=f"C{n:06d}",
            legal_first_name=first,
            legal_last_name=last,
            preferred_name=preferred,
            date_of_birth=born,
            pronouns=pronouns,
            sex_at_birth=sex,
            phone=self._phone(site),
            email=email,
            address=address,
            language=_weighted(rng, (("en", 85), ("es", 12), ("other", 3))),
            payer=payer,
            member_id=member_id,
        )
        participant.refresh_search_text()
        return participant

    def _phone(self, site: SiteSpec) -> str:
        return f"({site.area_code}) 555-01{self.rng.randint(0, 99):02d}"

    def _payer(self, age: int, teen: bool) -> tuple[Payer, str]:
        rng = self.rng
        name = "Medicare" if age >= 65 else _weighted(rng, TEEN_PAYER_MIX if teen else ADULT_PAYER_MIX)
        if name == "Medicare":
            alphabet = {"A": "ACDEFGHJKMNPQRTUVWXY", "N": "0123456789", "AN": "ACDEFGHJKMNPQRTUVWXY0123456789"}
            member_id = "".join(rng.choice(alphabet.get(part, part)) for part in MBI_SHAPE)
        elif name in MEMBER_ID_PREFIX:
            member_id = f"{MEMBER_ID_PREFIX[name]}{rng.randint(10**8, 10**9 - 1)}"
        else:
            member_id = ""
        return self.payers[name], member_id

    # Episodes ---------------------------------------------------------------------------------------
    def _episode_plan(self, kind: Kind, pspec: ProgramSpec, start: dt.date, today: dt.date) -> list[_Plan]:
        """The participant's episodes, oldest first; every date between ``start`` and ``today``."""
        rng = self.rng
        day = dt.timedelta(days=1)
        key = pspec.key
        if kind == "php_to_iop" and pspec.level != "2.5":
            kind = "readmitted"
        if kind == "referred":
            return [_Plan(key, _day(rng, max(start, today - 21 * day), today), EpisodeStatus.REFERRED)]
        if kind == "waitlisted":
            return [_Plan(key, _day(rng, max(start, today - 35 * day), today - 2 * day), EpisodeStatus.WAITLISTED)]
        if kind == "cancelled":
            return [_Plan(key, _day(rng, start, today - 7 * day), EpisodeStatus.CANCELLED)]
        if kind in ("active", "active_change"):
            referred = _day(rng, start, today - day)
            admitted = min(today, referred + rng.randint(0, 10) * day)
            change: dt.date | None = _day(rng, admitted + 7 * day, today) if kind == "active_change" else None
            if change is not None and not admitted < change <= today:
                change = None
            return [_Plan(key, referred, EpisodeStatus.ACTIVE, admitted, change_on=change)]
        if kind in ("discharged", "discharged_change"):
            return [self._discharged(pspec, start, today, change=kind == "discharged_change")[0]]
        # Two episodes: the first ends in the first half of the period.
        middle = start + (today - start) // 2
        if kind == "php_to_iop":
            first, ended = self._discharged(
                pspec, start, middle, change=False, reason=TedsReason.COMPLETED, step_down_to="Adult IOP (ASAM 2.1)"
            )
            admitted = ended + rng.randint(1, 3) * day
            if admitted > today:
                return [first]
            iop = f"{pspec.site}-iop"
            return [first, _Plan(iop, ended, EpisodeStatus.ACTIVE, admitted, referral_source="Adult PHP (step-down)")]
        # readmitted: back in the same program after a return to use
        reason = _weighted(rng, ((TedsReason.DROPPED_OUT, 70), (TedsReason.COMPLETED, 30)))
        first, ended = self._discharged(pspec, start, middle, change=False, reason=reason)
        referred = ended + rng.randint(3, 20) * day
        if referred > today:
            return [first]
        status = _weighted(
            rng, ((EpisodeStatus.ACTIVE, 60), (EpisodeStatus.WAITLISTED, 20), (EpisodeStatus.REFERRED, 20))
        )
        admitted_on = min(today, referred + rng.randint(0, 7) * day) if status == EpisodeStatus.ACTIVE else None
        return [first, _Plan(key, referred, status, admitted_on, referral_source="Self-referral (readmission)")]

    def _discharged(
        self,
        pspec: ProgramSpec,
        start: dt.date,
        until: dt.date,
        *,
        change: bool,
        reason: TedsReason | None = None,
        step_down_to: str | None = None,
    ) -> tuple[_Plan, dt.date]:
        """A discharged episode between ``start`` and ``until``, and its discharge day."""
        rng = self.rng
        day = dt.timedelta(days=1)
        referred = _day(rng, start, until - 10 * day)
        admitted = min(until, referred + rng.randint(0, 7) * day)
        stay = rng.randint(10, 28) if pspec.level == "2.5" else rng.randint(20, 60)
        discharged = min(until, admitted + stay * day)
        change_on = _day(rng, admitted + day, discharged) if change and discharged > admitted else None
        if change_on is not None:
            reason = TedsReason.COMPLETED  # a step-down before discharge: the plan was completed
        reason = reason or _weighted(rng, DISCHARGE_WEIGHTS)
        status = EpisodeStatus.DISCHARGED
        return _Plan(pspec.key, referred, status, admitted, discharged, change_on, reason, step_down_to), discharged

    def _episode(self, episode_id: int, participant: Participant, plan: _Plan, clinician: str) -> None:
        rng = self.rng
        pspec = self.program_specs[plan.program]
        zone = self.sites[pspec.site].zone
        teen = pspec.population == Population.ADOLESCENT
        episode = Episode(
            id=episode_id,
            participant_id=participant.pk,
            program=self.programs[pspec.key],
            status=plan.status,
            referred_on=plan.referred_on,
            created_at=_at(plan.referred_on, zone, rng, self.now),
            referral_source=plan.referral_source or _weighted(rng, TEEN_REFERRAL_SOURCES if teen else REFERRAL_SOURCES),
        )
        self.summary.by_status[plan.status] = self.summary.by_status.get(plan.status, 0) + 1
        self.episodes.append(episode)
        if plan.status == EpisodeStatus.CANCELLED:
            episode.discharge_note = rng.choice(CANCEL_NOTES)
        if plan.admitted_on is None:
            return
        level = self.levels[pspec.level]
        episode.admitted_on = plan.admitted_on
        episode.track = _weighted(rng, self.tracks[pspec.key])
        by = self.staff[clinician] if clinician else _weighted(rng, self.primary_pool[pspec.key])
        episode.primary_clinician = by
        self.changes.append(
            LevelOfCareChange(
                episode_id=episode_id,
                level_of_care=level,
                starts_on=plan.admitted_on,
                reason="Admission",
                changed_by=by,
                created_at=_at(plan.admitted_on, zone, rng, self.now),
            )
        )
        if plan.change_on is not None:
            if pspec.level == "2.5":
                target = "2.1"
            elif teen or plan.discharged_on is not None or rng.random() < 0.6:
                target = "1"
            else:
                target = "2.5"
            level = self.levels[target]
            self.changes.append(
                LevelOfCareChange(
                    episode_id=episode_id,
                    level_of_care=level,
                    starts_on=plan.change_on,
                    reason=rng.choice(STEP_DOWN_REASONS[(pspec.level, target)]),
                    changed_by=by,
                    created_at=_at(plan.change_on, zone, rng, self.now),
                )
            )
        episode.level_of_care = level
        if plan.discharged_on is not None and plan.reason is not None:
            episode.discharged_on = plan.discharged_on
            episode.discharge_reason = int(plan.reason)
            episode.discharge_note = DISCHARGE_NOTES[plan.reason]
            if plan.step_down_to is not None:
                episode.step_down_to = plan.step_down_to
            else:
                key = (plan.reason, pspec.level if plan.reason == TedsReason.COMPLETED else "")
                episode.step_down_to = rng.choice(STEP_DOWN_TO.get(key, ("",)))

    # Clinical details ------------------------------------------------------------------------------
    def _diagnoses(self, participant: Participant, pspec: ProgramSpec, noted_on: dt.date) -> None:
        rng = self.rng
        pools: tuple[DxPool, DxPool] = (SUD_DX, MH_DX) if rng.random() < 0.8 else (MH_DX, SUD_DX)
        if pspec.population == Population.ADOLESCENT:
            pools = (TEEN_DX, TEEN_DX)
        codes: list[tuple[str, str]] = [self._dx(pools[0])]
        for _ in range(_weighted(rng, ((0, 30), (1, 50), (2, 20)))):
            code, text = self._dx(pools[1] if rng.random() < 0.75 else pools[0])
            if code not in {c for c, _ in codes}:
                codes.append((code, text))
        for rank_index, (code, text) in enumerate(codes):
            self.diagnoses.append(
                Diagnosis(
                    participant_id=participant.pk,
                    code=code,
                    description=text,
                    noted_on=noted_on,
                    rank=DiagnosisRank.PRIMARY if rank_index == 0 else DiagnosisRank.SECONDARY,
                )
            )

    def _dx(self, pool: DxPool) -> tuple[str, str]:
        return _weighted(self.rng, [((code, text), weight) for code, text, weight in pool])

    def _contacts(self, participant: Participant, pspec: ProgramSpec) -> None:
        rng = self.rng
        site = self.site_specs[pspec.site]
        if pspec.population == Population.ADOLESCENT:
            wanted = [rng.choice(("Mother", "Father", "Guardian", "Grandmother"))]
            if rng.random() < 0.5:
                wanted.append(rng.choice(("Aunt", "Older sibling", "Father", "Stepparent")))
        else:
            wanted = [rng.choice(RELATIONSHIPS) for _ in range(_weighted(rng, ((0, 10), (1, 65), (2, 25))))]
        for relationship in wanted:
            family = relationship not in ("Friend", "Sponsor", "Roommate", "Partner", "Guardian")
            last = participant.legal_last_name if family and rng.random() < 0.8 else rng.choice(LAST)
            first = rng.choice(FEMALE + MALE)
            self.contacts.append(
                EmergencyContact(
                    participant_id=participant.pk,
                    name=f"{first} {last}",
                    relationship=relationship,
                    phone=self._phone(site),
                )
            )

    # Writing ---------------------------------------------------------------------------------------
    def write(self) -> None:
        self._bulk(Participant, self.participants, "participants")
        self._bulk(Episode, self.episodes, "episodes")
        self._bulk(LevelOfCareChange, self.changes, "level-of-care changes")
        self._bulk(Diagnosis, self.diagnoses, "diagnoses")
        self._bulk(EmergencyContact, self.contacts, "emergency contacts")
        # Rows were written with explicit ids (record number C000123 = id 123, as registration numbers them);
        # move the sequences past them so the next registration gets a fresh id.
        written = [Participant, Episode, LevelOfCareChange, Diagnosis, EmergencyContact]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Participant, Episode]):
                cursor.execute(sql)
            # Fresh planner statistics: without them PostgreSQL plans the caseload as if the tables were empty
            # until autovacuum catches up.
            for model in written:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        self.summary.participants = len(self.participants)
        self.summary.episodes = len(self.episodes)
        self.summary.level_changes = len(self.changes)
        self.summary.diagnoses = len(self.diagnoses)
        self.summary.contacts = len(self.contacts)

    def _bulk(self, model: type[models.Model], rows: Sequence[models.Model], label: str) -> None:
        for offset in range(0, len(rows), BATCH):
            model._default_manager.bulk_create(rows[offset : offset + BATCH], batch_size=500)
            done = min(offset + BATCH, len(rows))
            if len(rows) > BATCH and (done % PROGRESS_EVERY == 0 or done == len(rows)):
                self.say(f"  wrote {done}/{len(rows)} {label}")


def seed_demo(
    *,
    participants: int,
    weeks: int,
    seed: int,
    now: dt.datetime,
    password: str = DEFAULT_PASSWORD,
    progress: Progress | None = None,
) -> DemoSummary:
    """Create the demo organization, its staff and ``participants`` participants whose episodes fall in the
    ``weeks`` weeks ending at ``now``. Deterministic for the same ``seed`` and ``now``.

    Raises ``DemoError`` unless the database is empty of organizations, participants and demo usernames.
    """
    if participants < 0 or weeks < 1:
        raise DemoError("Give a participant count of 0 or more and at least 1 week.")
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    with transaction.atomic():
        state = demo_state()
        if state != "empty":
            what = "the demo organization" if state == "demo" else "other organizations, participants or staff"
            raise DemoError(f"The database already holds {what}; seed_demo only fills an empty database.")
        seeder = _Seeder(participants=participants, weeks=weeks, seed=seed, password=password, now=now, progress=say)
        say("Creating the organization, sites, programs, tracks, rooms and payers")
        seeder.build_structure()
        say(f"Creating {len(STAFF)} staff accounts")
        seeder.build_staff()
        say(f"Planning {participants} participants over {weeks} weeks (seed {seed})")
        seeder.build_people()
        say("Writing rows")
        seeder.write()
        summary = seeder.summary
        record(
            action=AuditAction.CREATE,
            actor=None,
            actor_label="seed_demo",
            object_type="demo.seed",
            object_id=DEMO_ORG_SLUG,
            at=now,
            summary=f"Seeded synthetic demo data: {participants} participants over {weeks} weeks (seed {seed})",
            changes={"seed": seed, "weeks": weeks, **summary.as_dict()},
        )
    summary.by_status = dict(sorted(summary.by_status.items()))
    summary.seconds = time.perf_counter() - started
    return summary
