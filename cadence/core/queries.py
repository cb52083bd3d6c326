"""Reads for the home dashboard.

Every list of participants is drawn from the user's scope (``cadence.participants.queries``); counts
are aggregates and carry no participant data. Dates are the local dates of the user's site.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from cadence.accounts.models import Role, User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.measures.models import Alert
from cadence.measures.queries import OverdueRow, active_alerts_for, overdue_measures, shows_alerts
from cadence.participants.models import OPEN_STATUSES, Episode, EpisodeStatus
from cadence.participants.queries import episodes_for, today_in
from cadence.programs.models import Program, Site

RECENT_DAYS = 14
LIST_LIMIT = 8
ROW_RELATIONS = ("participant", "program__site", "track", "level_of_care", "primary_clinician")

# What the dashboard emphasises for each role: clinicians their own participants, intake and directors
# the program caseload and the waitlist, billing coverage gaps, auditors the audit trail (no names).
CLINICAL = "clinical"
BILLING = "billing"
AUDITOR = "auditor"


def home_site(user: User) -> Site | None:
    """The user's first site by name, else the organization's first site."""
    site = user.sites.order_by("name").first()
    if site is None and user.organization_id is not None:
        site = Site.objects.filter(organization_id=user.organization_id).order_by("name").first()
    return site


def local_now(user: User, now: dt.datetime, site: Site | None = None) -> dt.datetime:
    """``now`` in the time zone of the user's site (the server's zone when the user has none)."""
    site = site or home_site(user)
    zone = site.zone if site is not None else zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return now.astimezone(zone)


def greeting(local: dt.datetime) -> str:
    if local.hour < 12:
        return "Good morning"
    return "Good afternoon" if local.hour < 18 else "Good evening"


@dataclass(frozen=True)
class StatusCounts:
    referred: int
    waitlisted: int
    active: int
    discharged_recent: int

    @property
    def total_open(self) -> int:
        return self.referred + self.waitlisted + self.active


@dataclass(frozen=True)
class Waiting:
    episode: Episode
    days_waiting: int


@dataclass(frozen=True)
class AuditActivity:
    entries_today: int
    denied_week: int
    recent_denied: list[AuditEntry]


@dataclass
class Dashboard:
    kind: str
    today: dt.date
    greeting: str
    site: Site | None
    mine_only: bool
    counts: StatusCounts
    programs: list[Program] = field(default_factory=list)
    my_participants: list[Episode] = field(default_factory=list)
    waiting: list[Waiting] = field(default_factory=list)
    admissions: list[Episode] = field(default_factory=list)
    discharges: list[Episode] = field(default_factory=list)
    missing_coverage: list[Episode] = field(default_factory=list)
    audit: AuditActivity | None = None
    # Measurement-based care (clinicians: their own participants; directors and admins: their scope).
    shows_alerts: bool = False
    alerts: list[Alert] = field(default_factory=list)
    alerts_total: int = 0
    overdue: list[OverdueRow] = field(default_factory=list)
    overdue_total: int = 0

    @property
    def participant_rows(self) -> int:
        """How many participant rows the page shows (what the LIST audit entry counts)."""
        lists = (self.my_participants, self.waiting, self.admissions, self.discharges, self.missing_coverage)
        return sum(len(rows) for rows in lists) + len(self.alerts) + len(self.overdue)


def status_counts(episodes: QuerySet[Episode], today: dt.date) -> StatusCounts:
    since = today - dt.timedelta(days=30)
    totals = episodes.aggregate(
        referred=Count("pk", filter=Q(status=EpisodeStatus.REFERRED)),
        waitlisted=Count("pk", filter=Q(status=EpisodeStatus.WAITLISTED)),
        active=Count("pk", filter=Q(status=EpisodeStatus.ACTIVE)),
        discharged_recent=Count("pk", filter=Q(status=EpisodeStatus.DISCHARGED, discharged_on__gte=since)),
    )
    return StatusCounts(**totals)


def program_counts(episodes: QuerySet[Episode]) -> list[Program]:
    """Programs that have episodes in ``episodes``, each annotated with open counts (one query)."""
    program_ids = episodes.values("program_id")
    return list(
        Program.objects.filter(pk__in=program_ids, active=True)
        .select_related("site", "level_of_care")
        .annotate(
            referred=Count("episodes", filter=Q(episodes__status=EpisodeStatus.REFERRED)),
            waitlisted=Count("episodes", filter=Q(episodes__status=EpisodeStatus.WAITLISTED)),
            active_count=Count("episodes", filter=Q(episodes__status=EpisodeStatus.ACTIVE)),
        )
        .order_by("site__name", "name")
    )


def waiting_list(episodes: QuerySet[Episode], now: dt.datetime) -> list[Waiting]:
    """Open referrals and waitlist entries, longest waiting first, with days waiting at their site."""
    rows = (
        episodes.filter(status__in=[EpisodeStatus.REFERRED, EpisodeStatus.WAITLISTED])
        .select_related(*ROW_RELATIONS)
        .order_by("referred_on", "pk")[:LIST_LIMIT]
    )
    return [Waiting(e, (today_in(e, now) - e.referred_on).days) for e in rows]


def recent_admissions(episodes: QuerySet[Episode], today: dt.date) -> list[Episode]:
    since = today - dt.timedelta(days=RECENT_DAYS)
    rows = episodes.filter(admitted_on__gte=since).select_related(*ROW_RELATIONS)
    return list(rows.order_by("-admitted_on", "-pk")[:LIST_LIMIT])


def recent_discharges(episodes: QuerySet[Episode], today: dt.date) -> list[Episode]:
    since = today - dt.timedelta(days=RECENT_DAYS)
    rows = episodes.filter(status=EpisodeStatus.DISCHARGED, discharged_on__gte=since).select_related(*ROW_RELATIONS)
    return list(rows.order_by("-discharged_on", "-pk")[:LIST_LIMIT])


def missing_coverage(episodes: QuerySet[Episode]) -> list[Episode]:
    """Admitted participants with no payer or no member id on file (claims would be denied)."""
    rows = episodes.filter(status=EpisodeStatus.ACTIVE).filter(
        Q(participant__payer__isnull=True) | Q(participant__member_id="")
    )
    return list(rows.select_related(*ROW_RELATIONS).order_by("admitted_on", "pk")[:LIST_LIMIT])


def audit_activity(user: User, local: dt.datetime) -> AuditActivity:
    """Counts for the auditor's card: entries since local midnight, denied attempts in the last 7 days."""
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    org_actors = Q(actor__organization_id=user.organization_id) | Q(actor__isnull=True)
    entries = AuditEntry.objects.filter(org_actors)
    denied = entries.filter(action=AuditAction.DENIED, at__gte=local - dt.timedelta(days=7))
    return AuditActivity(
        entries_today=entries.filter(at__gte=midnight).count(),
        denied_week=denied.count(),
        recent_denied=list(denied.order_by("-at", "-pk")[:5]),
    )


def dashboard_for(user: User, now: dt.datetime) -> Dashboard:
    """What the home page shows ``user`` at ``now``; see the role notes at the top of this module."""
    site = home_site(user)
    local = local_now(user, now, site)
    today = local.date()
    scope = episodes_for(user)
    mine_only = user.role == Role.CLINICIAN
    caseload = scope.filter(primary_clinician=user) if mine_only else scope
    kind = {Role.BILLING.value: BILLING, Role.AUDITOR.value: AUDITOR}.get(user.role, CLINICAL)
    counts = status_counts(caseload, today)
    board = Dashboard(kind=kind, today=today, greeting=greeting(local), site=site, mine_only=mine_only, counts=counts)
    if not mine_only:
        board.programs = program_counts(scope)
    if kind == AUDITOR:
        board.audit = audit_activity(user, local)
        return board
    board.admissions = recent_admissions(scope, today)
    board.discharges = recent_discharges(scope, today)
    if kind == BILLING:
        board.missing_coverage = missing_coverage(scope)
        return board
    if mine_only:
        open_mine = caseload.filter(status__in=OPEN_STATUSES).select_related(*ROW_RELATIONS)
        board.my_participants = list(open_mine.order_by("participant__legal_last_name", "pk")[:LIST_LIMIT])
    board.waiting = waiting_list(scope, now)
    if shows_alerts(user):
        add_measure_cards(board, user, caseload, now)
    return board


def add_measure_cards(board: Dashboard, user: User, caseload: QuerySet[Episode], now: dt.datetime) -> None:
    """Open alerts and overdue measures of ``caseload`` (the clinician's own participants, or the scope)."""
    board.shows_alerts = True
    alerts = active_alerts_for(user, mine_only=board.mine_only)
    board.alerts_total = alerts.count()
    board.alerts = list(alerts[:LIST_LIMIT])
    board.overdue, board.overdue_total = overdue_measures(caseload, now, limit=LIST_LIMIT)
