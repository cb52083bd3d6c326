"""Actions: drafts, editing, signatures, refusals, immutability (database triggers too) and audit rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, transaction

from cadence.audit.models import AuditEntry
from cadence.programs.models import Site
from cadence.safetyplans import actions
from cadence.safetyplans.models import EmergencyDepartment, SafetyPlanVersion, VersionStatus
from cadence.safetyplans.rules import EMERGENCY_DEPARTMENT, Item, SafetyPlanError
from cadence.testing.personas import NOW, World

from .factories_content import full_content
from .helpers import draft, person, portal_login, signed

pytestmark = pytest.mark.django_db
LATER = NOW + dt.timedelta(days=7)


def _audits(version: SafetyPlanVersion) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="safetyplans.safetyplanversion", object_id=str(version.pk))
        .order_by("id")
        .values_list("summary", flat=True)
    )


def test_a_new_plan_starts_with_988_and_the_sites_emergency_department(world: World) -> None:
    EmergencyDepartment.objects.create(site=world.site_a, name="Northside General ER", address="1 Main St")
    participant = person(world).participant
    version = actions.start_draft(participant=participant, by=world.clinician_a, at=NOW)
    step5 = version.plan_content.professionals
    assert [i.phone for i in step5 if i.kind == "crisis_line"] == ["988"]
    assert [(i.name, i.text) for i in step5 if i.kind == EMERGENCY_DEPARTMENT] == [
        ("Northside General ER", "1 Main St")
    ]
    assert (version.number, version.status) == (1, VersionStatus.DRAFT)
    assert _audits(version) == ["Started safety plan version 1 (a new plan)"]
    entry = AuditEntry.objects.get(object_id=str(version.pk), action="create")
    assert entry.participant_id == participant.pk


def test_without_a_configured_department_step_5_says_nearest_emergency_department(world: World) -> None:
    version = actions.start_draft(participant=person(world).participant, by=world.clinician_a, at=NOW)
    assert any(i.name == "Nearest emergency department" for i in version.plan_content.professionals)


def test_only_one_draft_at_a_time(world: World) -> None:
    participant = person(world).participant
    actions.start_draft(participant=participant, by=world.clinician_a, at=NOW)
    with pytest.raises(SafetyPlanError, match="already being written"):
        actions.start_draft(participant=participant, by=world.clinician_a, at=NOW)


def test_front_desk_and_other_site_clinicians_cannot_write(world: World) -> None:
    participant = person(world).participant
    with pytest.raises(SafetyPlanError, match="Only a clinician"):
        actions.start_draft(participant=participant, by=world.frontdesk, at=NOW)
    with pytest.raises(SafetyPlanError, match="not in your programs"):
        actions.start_draft(participant=participant, by=world.clinician_b, at=NOW)
    assert not SafetyPlanVersion.objects.exists()


def test_items_are_added_edited_and_removed_with_an_audit_row_each(world: World) -> None:
    participant = person(world).participant
    version = actions.start_draft(participant=participant, by=world.clinician_a, at=NOW)
    version = actions.add_item(
        version=version, section="coping", item=Item(text="Breathe"), by=world.clinician_a, at=NOW
    )
    version = actions.replace_item(
        version=version, section="coping", index=0, item=Item(text="Box breathing"), by=world.clinician_a, at=NOW
    )
    assert version.plan_content.coping == (Item(text="Box breathing"),)
    version = actions.remove_item(version=version, section="coping", index=0, by=world.clinician_a, at=NOW)
    assert version.plan_content.coping == ()
    assert _audits(version)[1:] == [
        "Safety plan version 1: added to Step 2 (internal coping strategies)",
        "Safety plan version 1: edited Step 2 (internal coping strategies)",
        "Safety plan version 1: removed from Step 2 (internal coping strategies)",
    ]
    entry = AuditEntry.objects.filter(object_id=str(version.pk)).order_by("id")[1]
    assert entry.changes == {"changes": ["Step 2 (internal coping strategies): added “Breathe”"]}


def test_editing_the_emergency_department_keeps_it_marked(world: World) -> None:
    version = actions.start_draft(participant=person(world).participant, by=world.clinician_a, at=NOW)
    index = next(n for n, i in enumerate(version.plan_content.professionals) if i.kind == EMERGENCY_DEPARTMENT)
    version = actions.replace_item(
        version=version,
        section="professionals",
        index=index,
        item=Item(name="Lakeside ER", phone="555-0140"),
        by=world.clinician_a,
        at=NOW,
    )
    assert version.plan_content.professionals[index] == Item(
        name="Lakeside ER", phone="555-0140", kind=EMERGENCY_DEPARTMENT
    )


def test_a_bad_phone_number_is_refused_and_nothing_changes(world: World) -> None:
    version = actions.start_draft(participant=person(world).participant, by=world.clinician_a, at=NOW)
    with pytest.raises(SafetyPlanError, match="does not look like a phone number"):
        actions.add_item(
            version=version, section="people", item=Item(name="Sam", phone="call sam"), by=world.clinician_a, at=NOW
        )
    version.refresh_from_db()
    assert version.plan_content.people == ()


def test_removing_an_item_that_is_not_there_is_refused(world: World) -> None:
    version = actions.start_draft(participant=person(world).participant, by=world.clinician_a, at=NOW)
    with pytest.raises(SafetyPlanError, match="has no item 1"):
        actions.remove_item(version=version, section="coping", index=0, by=world.clinician_a, at=NOW)


def test_signing_an_incomplete_plan_names_the_missing_steps(world: World) -> None:
    version = actions.start_draft(participant=person(world).participant, by=world.clinician_a, at=NOW)
    with pytest.raises(SafetyPlanError) as caught:
        actions.sign_as_clinician(version=version, by=world.clinician_a, at=NOW, written_with_participant=True)
    assert "Step 1 (warning signs)" in caught.value.reason
    assert "Step 6 (making the environment safe)" in caught.value.reason
    version.refresh_from_db()
    assert version.clinician_signed_at is None


def test_signing_without_the_written_with_attestation_is_refused(world: World) -> None:
    version = draft(world, person(world).participant)
    with pytest.raises(SafetyPlanError, match="written together with the participant"):
        actions.sign_as_clinician(version=version, by=world.clinician_a, at=NOW, written_with_participant=False)


def test_clinician_signature_locks_the_draft_until_the_participant_signs_on_the_portal(world: World) -> None:
    participant = person(world).participant
    login = portal_login(participant)
    version = draft(world, participant)
    version = actions.sign_as_clinician(version=version, by=world.clinician_a, at=NOW, written_with_participant=True)
    assert version.awaiting_participant and version.status == VersionStatus.DRAFT
    with pytest.raises(SafetyPlanError, match="waits for the participant"):
        actions.add_item(version=version, section="coping", item=Item(text="x"), by=world.clinician_a, at=NOW)
    with pytest.raises(SafetyPlanError, match="Only the participant"):
        actions.sign_as_participant(version=version, by=world.clinician_a, at=NOW)
    version = actions.sign_as_participant(version=version, by=login, at=LATER)
    assert (version.status, version.participant_signature, version.participant_signed_at) == ("signed", "portal", LATER)
    assert (
        _audits(version)[-1]
        == "Safety plan version 1 is now the current plan (signed by the participant on the portal)"
    )


def test_another_participant_cannot_sign(world: World) -> None:
    participant = person(world).participant
    stranger = portal_login(person(world, "Other").participant)
    version = draft(world, participant)
    version = actions.sign_as_clinician(version=version, by=world.clinician_a, at=NOW, written_with_participant=True)
    with pytest.raises(SafetyPlanError, match="Only the participant"):
        actions.sign_as_participant(version=version, by=stranger, at=NOW)


def test_the_participant_cannot_sign_before_the_clinician(world: World) -> None:
    participant = person(world).participant
    login = portal_login(participant)
    version = draft(world, participant)
    with pytest.raises(SafetyPlanError, match="has not signed version 1 yet"):
        actions.sign_as_participant(version=version, by=login, at=NOW)


def test_paper_signature_attested_later_makes_the_version_current(world: World) -> None:
    participant = person(world).participant
    version = draft(world, participant)
    version = actions.sign_as_clinician(version=version, by=world.clinician_a, at=NOW, written_with_participant=True)
    version = actions.attest_paper_signature(version=version, by=world.director, at=LATER)
    assert (version.status, version.participant_signature, version.participant_signature_attested_by) == (
        "signed",
        "paper",
        world.director,
    )


def test_reopen_withdraws_the_clinician_signature(world: World) -> None:
    version = draft(world, person(world).participant)
    version = actions.sign_as_clinician(version=version, by=world.clinician_a, at=NOW, written_with_participant=True)
    version = actions.reopen_draft(version=version, by=world.clinician_a, at=LATER)
    assert version.clinician_signed_at is None
    actions.add_item(version=version, section="coping", item=Item(text="Music"), by=world.clinician_a, at=LATER)


def test_a_new_version_is_a_copy_and_supersedes_the_old_one_when_signed(world: World) -> None:
    participant = person(world).participant
    first = signed(world, participant)
    second = actions.start_draft(participant=participant, by=world.clinician_a, at=LATER)
    assert (second.number, second.based_on, second.content) == (2, first, first.content)
    second = actions.add_item(version=second, section="coping", item=Item(text="Music"), by=world.clinician_a, at=LATER)
    second = actions.sign_as_clinician(
        version=second, by=world.clinician_a, at=LATER, written_with_participant=True, participant_signed_on_paper=True
    )
    first.refresh_from_db()
    assert (first.status, first.superseded_at, second.status) == ("superseded", LATER, "signed")
    entry = AuditEntry.objects.filter(object_id=str(second.pk)).order_by("-id").first()
    assert entry is not None
    assert entry.changes == {"superseded": 1, "changes": ["Step 2 (internal coping strategies): added “Music”"]}


def test_a_draft_from_scratch_ignores_the_current_version(world: World) -> None:
    participant = person(world).participant
    signed(world, participant)
    fresh = actions.start_draft(participant=participant, by=world.clinician_a, at=LATER, from_current=False)
    assert fresh.based_on is None and fresh.plan_content.coping == ()


def test_signed_versions_refuse_edits_in_the_actions(world: World) -> None:
    version = signed(world, person(world).participant)
    with pytest.raises(SafetyPlanError, match="is signed \\(current\\); start a new draft"):
        actions.add_item(version=version, section="coping", item=Item(text="x"), by=world.clinician_a, at=NOW)
    with pytest.raises(SafetyPlanError, match="already signed"):
        actions.attest_paper_signature(version=version, by=world.clinician_a, at=NOW)


def test_the_database_refuses_to_change_or_delete_a_signed_version(world: World) -> None:
    version = signed(world, person(world).participant)
    with pytest.raises(DatabaseError), transaction.atomic():
        SafetyPlanVersion.objects.filter(pk=version.pk).update(content=full_content(coping=()).to_dict())
    with pytest.raises(DatabaseError), transaction.atomic():
        SafetyPlanVersion.objects.filter(pk=version.pk).update(status="draft")
    with pytest.raises(DatabaseError), transaction.atomic():
        SafetyPlanVersion.objects.filter(pk=version.pk).delete()
    version.refresh_from_db()
    assert version.plan_content == full_content()


def test_the_database_refuses_to_revive_a_superseded_version(world: World) -> None:
    participant = person(world).participant
    first = signed(world, participant)
    signed(world, participant, at=LATER)
    with pytest.raises(DatabaseError), transaction.atomic():
        SafetyPlanVersion.objects.filter(pk=first.pk).update(status="signed", superseded_at=None)


def test_a_draft_can_still_be_changed_in_the_database(world: World) -> None:
    version = draft(world, person(world).participant)
    assert SafetyPlanVersion.objects.filter(pk=version.pk).update(content={}) == 1


def test_site_has_one_emergency_department(world: World) -> None:
    EmergencyDepartment.objects.create(site=world.site_a, name="A")
    assert Site.objects.get(pk=world.site_a.pk).emergency_department.name == "A"
