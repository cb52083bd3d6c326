"""Every state change of safety plans. Keyword-only, atomic, audited; each raises ``SafetyPlanError`` for a
broken rule and leaves the database unchanged.

The life of a version: ``start_draft`` (from scratch or a copy of the current plan) -> ``add_item`` /
``replace_item`` / ``remove_item`` -> ``sign_as_clinician`` (locks the content; with
``participant_signed_on_paper`` it is at once the current plan) -> ``sign_as_participant`` on the portal or
``attest_paper_signature`` by a clinician -> current; the version it replaces is superseded.
``reopen_draft`` unlocks a version the participant has not signed yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Max

from cadence.accounts.models import Role, User
from cadence.accounts.permissions import Capability, has_capability
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.models import Participant
from cadence.participants.queries import participants_for

from . import rules
from .models import ParticipantSignature, SafetyPlan, SafetyPlanVersion, VersionStatus
from .queries import emergency_department_of, site_of
from .rules import Item, PlanContent, SafetyPlanError


def _check_clinician(by: User, participant: Participant) -> None:
    if not has_capability(by.role, Capability.WRITE_CLINICAL_RECORD):
        raise SafetyPlanError("by", "Only a clinician, director or administrator can write or sign a safety plan.")
    if not participants_for(by).filter(pk=participant.pk).exists():
        raise SafetyPlanError("participant", "This participant is not in your programs.")


def _locked(version: SafetyPlanVersion) -> SafetyPlanVersion:
    """The version re-read under a row lock, so two edits or signatures never interleave."""
    return SafetyPlanVersion.objects.select_for_update().select_related("plan__participant").get(pk=version.pk)


def _refuse_if_locked(version: SafetyPlanVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise SafetyPlanError(
            "status",
            f"Version {version.number} is {version.get_status_display().lower()}; start a new draft to change it.",
        )
    if version.clinician_signed_at is not None:
        raise SafetyPlanError(
            "status",
            f"Version {version.number} is signed by the clinician and waits for the participant; reopen it to edit.",
        )


def _current(plan: SafetyPlan) -> SafetyPlanVersion | None:
    return plan.versions.filter(status=VersionStatus.SIGNED).first()


def _changes(before: SafetyPlanVersion | None, after: PlanContent) -> list[str]:
    previous = before.plan_content if before is not None else None
    return [change.describe() for change in rules.diff(previous, after)]


def default_emergency_department(participant: Participant) -> Item:
    """Step 5's emergency department for a new plan: the one configured for the participant's site."""
    department = emergency_department_of(site_of(participant))
    if department is None:
        return rules.emergency_department_item(language=participant.language)
    return rules.emergency_department_item(department.name, department.address, department.phone)


@transaction.atomic
def start_draft(*, participant: Participant, by: User, at: dt.datetime, from_current: bool = True) -> SafetyPlanVersion:
    """A new draft: a copy of the current signed version (``from_current`` and one exists), else a fresh
    plan with 988 and the site's emergency department in step 5. Refuses while a draft exists."""
    _check_clinician(by, participant)
    plan, created = SafetyPlan.objects.select_for_update().get_or_create(
        participant=participant, defaults={"created_at": at, "created_by": by}
    )
    existing = plan.versions.filter(status=VersionStatus.DRAFT).first()
    if existing is not None:
        raise SafetyPlanError("status", f"Version {existing.number} is already being written; finish it first.")
    current = _current(plan)
    if from_current and current is not None:
        content = current.plan_content
    else:
        content = rules.starting_content(
            emergency_department=default_emergency_department(participant), language=participant.language
        )
    number = (plan.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = SafetyPlanVersion.objects.create(
        plan=plan,
        number=number,
        status=VersionStatus.DRAFT,
        content=content.to_dict(),
        based_on=current if from_current else None,
        created_at=at,
        created_by=by,
        updated_at=at,
    )
    origin = f"a copy of version {current.number}" if from_current and current is not None else "a new plan"
    record(
        action=AuditAction.CREATE,
        actor=by,
        obj=version,
        participant_id=participant.pk,
        summary=f"Started safety plan version {number} ({origin})",
        changes={"number": number, "based_on": current.number if from_current and current else None},
        at=at,
    )
    return version


def _save_content(
    *, version: SafetyPlanVersion, content: PlanContent, by: User, at: dt.datetime, summary: str
) -> SafetyPlanVersion:
    row = _locked(version)
    _check_clinician(by, row.plan.participant)
    _refuse_if_locked(row)
    rules.check_draft(content)
    before = row.plan_content
    row.content = content.to_dict()
    row.updated_at = at
    row.save(update_fields=["content", "updated_at"])
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=row,
        participant_id=row.plan.participant_id,
        summary=f"Safety plan version {row.number}: {summary}",
        changes={"changes": [change.describe() for change in rules.diff(before, content)]},
        at=at,
    )
    return row


def _section(section: str) -> str:
    if section not in rules.SECTION_KEYS:
        raise SafetyPlanError("section", f"Unknown section {section!r}.")
    return section


@transaction.atomic
def save_content(*, version: SafetyPlanVersion, content: PlanContent, by: User, at: dt.datetime) -> SafetyPlanVersion:
    """Replace a draft's whole content (the API's edit)."""
    return _save_content(version=version, content=content, by=by, at=at, summary="edited")


@transaction.atomic
def add_item(*, version: SafetyPlanVersion, section: str, item: Item, by: User, at: dt.datetime) -> SafetyPlanVersion:
    """Append ``item`` to ``section`` of a draft."""
    key = _section(section)
    content = _locked(version).plan_content
    updated = content.with_items(key, [*content.items(key), item])
    return _save_content(version=version, content=updated, by=by, at=at, summary=f"added to {rules.section_label(key)}")


def _index(items: Sequence[Item], index: int, section: str) -> int:
    if not 0 <= index < len(items):
        raise SafetyPlanError("index", f"{rules.section_label(section)} has no item {index + 1}.")
    return index


@transaction.atomic
def replace_item(
    *, version: SafetyPlanVersion, section: str, index: int, item: Item, by: User, at: dt.datetime
) -> SafetyPlanVersion:
    """Rewrite item ``index`` (0-based) of ``section``; it keeps its kind (988, the emergency department)."""
    key = _section(section)
    content = _locked(version).plan_content
    items = list(content.items(key))
    old = items[_index(items, index, key)]
    items[index] = Item(text=item.text, name=item.name, phone=item.phone, kind=old.kind)
    return _save_content(
        version=version,
        content=content.with_items(key, items),
        by=by,
        at=at,
        summary=f"edited {rules.section_label(key)}",
    )


@transaction.atomic
def remove_item(
    *, version: SafetyPlanVersion, section: str, index: int, by: User, at: dt.datetime
) -> SafetyPlanVersion:
    """Remove item ``index`` (0-based) of ``section``."""
    key = _section(section)
    content = _locked(version).plan_content
    items = list(content.items(key))
    del items[_index(items, index, key)]
    return _save_content(
        version=version,
        content=content.with_items(key, items),
        by=by,
        at=at,
        summary=f"removed from {rules.section_label(key)}",
    )


def _make_current(row: SafetyPlanVersion, at: dt.datetime) -> SafetyPlanVersion | None:
    """Supersede the current version (if any) and make ``row`` current; returns the superseded one."""
    previous = _current(row.plan)
    if previous is not None:
        SafetyPlanVersion.objects.filter(pk=previous.pk).update(status=VersionStatus.SUPERSEDED, superseded_at=at)
    row.status = VersionStatus.SIGNED
    row.save(
        update_fields=[
            "status",
            "participant_signed_at",
            "participant_signature",
            "participant_signature_attested_by",
            "clinician_signed_at",
            "clinician_signed_by",
            "written_with_participant",
        ]
    )
    return previous


def _audit_current(
    row: SafetyPlanVersion, previous: SafetyPlanVersion | None, by: User, at: dt.datetime, how: str
) -> None:
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=row,
        participant_id=row.plan.participant_id,
        summary=f"Safety plan version {row.number} is now the current plan ({how})",
        changes={
            "superseded": previous.number if previous is not None else None,
            "changes": _changes(previous, row.plan_content),
        },
        at=at,
    )


@transaction.atomic
def sign_as_clinician(
    *,
    version: SafetyPlanVersion,
    by: User,
    at: dt.datetime,
    written_with_participant: bool,
    participant_signed_on_paper: bool = False,
) -> SafetyPlanVersion:
    """The clinician signs a complete draft (every step filled, 988 and the emergency department in step 5,
    written with the participant). The content is locked from then on. With
    ``participant_signed_on_paper`` the clinician also attests the participant's signature on paper and the
    version becomes the current plan at once; otherwise it waits for the participant's signature."""
    row = _locked(version)
    _check_clinician(by, row.plan.participant)
    _refuse_if_locked(row)
    rules.check_ready_to_sign(row.plan_content, written_with_participant=written_with_participant)
    row.written_with_participant = True
    row.clinician_signed_by = by
    row.clinician_signed_at = at
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=row,
        participant_id=row.plan.participant_id,
        summary=f"Signed safety plan version {row.number} as clinician",
        changes={"written_with_participant": True, "participant_signed_on_paper": participant_signed_on_paper},
        at=at,
    )
    if not participant_signed_on_paper:
        row.save(update_fields=["written_with_participant", "clinician_signed_by", "clinician_signed_at"])
        return row
    row.participant_signed_at = at
    row.participant_signature = ParticipantSignature.PAPER
    row.participant_signature_attested_by = by
    previous = _make_current(row, at)
    _audit_current(row, previous, by, at, "participant signed on paper, attested by the clinician")
    return row


def _awaiting(row: SafetyPlanVersion) -> None:
    if not row.awaiting_participant:
        if row.status != VersionStatus.DRAFT:
            raise SafetyPlanError("status", f"Version {row.number} is already {row.get_status_display().lower()}.")
        raise SafetyPlanError("status", f"The clinician has not signed version {row.number} yet.")


@transaction.atomic
def sign_as_participant(*, version: SafetyPlanVersion, by: User, at: dt.datetime) -> SafetyPlanVersion:
    """The participant signs, on the portal, a version the clinician has signed; it becomes current."""
    row = _locked(version)
    participant = row.plan.participant
    if by.role != Role.PARTICIPANT or participant.portal_user_id != by.pk:
        raise SafetyPlanError("by", "Only the participant can sign their own safety plan on the portal.")
    _awaiting(row)
    row.participant_signed_at = at
    row.participant_signature = ParticipantSignature.PORTAL
    previous = _make_current(row, at)
    _audit_current(row, previous, by, at, "signed by the participant on the portal")
    return row


@transaction.atomic
def attest_paper_signature(*, version: SafetyPlanVersion, by: User, at: dt.datetime) -> SafetyPlanVersion:
    """A clinician attests that the participant signed the printed version; it becomes current."""
    row = _locked(version)
    _check_clinician(by, row.plan.participant)
    _awaiting(row)
    row.participant_signed_at = at
    row.participant_signature = ParticipantSignature.PAPER
    row.participant_signature_attested_by = by
    previous = _make_current(row, at)
    _audit_current(row, previous, by, at, "participant signed on paper, attested by the clinician")
    return row


@transaction.atomic
def reopen_draft(*, version: SafetyPlanVersion, by: User, at: dt.datetime) -> SafetyPlanVersion:
    """Take back the clinician's signature of a version the participant has not signed, to edit it again."""
    row = _locked(version)
    _check_clinician(by, row.plan.participant)
    _awaiting(row)
    signed_by = row.clinician_signed_by
    row.clinician_signed_by = None
    row.clinician_signed_at = None
    row.updated_at = at
    row.save(update_fields=["clinician_signed_by", "clinician_signed_at", "updated_at"])
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=row,
        participant_id=row.plan.participant_id,
        summary=f"Reopened safety plan version {row.number} for editing (clinician signature withdrawn)",
        changes={"withdrawn_signature_of": signed_by.username if signed_by else ""},
        at=at,
    )
    return row
