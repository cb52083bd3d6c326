"""Actions: each writes its audit row; each refusal names the field and leaves the database unchanged; the
database itself refuses rows the rules forbid."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from cadence.audit.models import AuditEntry
from cadence.consents import actions
from cadence.consents.models import Consent, Disclosure
from cadence.consents.rules import ConsentError, Status
from cadence.testing.personas import NOW, World

from .helpers import TODAY, consent, disclosure, person, portal_login, terms

pytestmark = pytest.mark.django_db


def _audit_count() -> int:
    return AuditEntry.objects.count()


def test_recording_a_draft_is_audited(world: World) -> None:
    participant = person(world).participant
    row = consent(world, participant, signed_on=None)
    assert row.status_on(TODAY) == Status.DRAFT and row.signature == ""
    entry = AuditEntry.objects.filter(object_type="consents.consent", object_id=str(row.pk)).get()
    assert (entry.action, entry.actor, entry.participant_id) == ("create", world.clinician_a, participant.pk)
    assert entry.changes["recipients"].startswith("my treating providers")


def test_signed_on_paper_is_in_effect_and_attested_by_the_recorder(world: World) -> None:
    participant = person(world).participant
    row = consent(world, participant, by=world.frontdesk)
    assert (row.signed_on, row.signature, row.signature_attested_by) == (TODAY, "paper", world.frontdesk)
    assert row.status_on(TODAY) == Status.IN_EFFECT
    summaries = list(AuditEntry.objects.filter(object_id=str(row.pk)).order_by("id").values_list("summary", flat=True))
    assert summaries[-1] == "Consent signed on paper, attested by staff on 2026-11-23"


def test_an_incomplete_consent_cannot_be_signed_and_nothing_is_saved(world: World) -> None:
    participant = person(world).participant
    before = _audit_count()
    with pytest.raises(ConsentError) as refused:
        consent(world, participant, purpose="", information="All records")
    assert "the purpose of the disclosure" in refused.value.reason
    assert "“All records” is not" in refused.value.reason
    assert Consent.objects.count() == 0 and _audit_count() == before


def test_a_consent_needs_an_expiry_date_or_event(world: World) -> None:
    participant = person(world).participant
    with pytest.raises(ConsentError) as refused:
        consent(world, participant, signed_on=None, expiry_event="", expires_on=None)
    assert refused.value.field == "expires_on" and not Consent.objects.exists()


def test_a_signed_consent_is_never_edited(world: World) -> None:
    participant = person(world).participant
    row = consent(world, participant)
    before = _audit_count()
    with pytest.raises(ConsentError) as refused:
        actions.edit_draft(consent=row, by=world.clinician_a, at=NOW, **{**terms(), "purpose": "Something else"})
    assert refused.value.field == "status" and "revoke it" in refused.value.reason
    row.refresh_from_db()
    assert row.purpose.startswith("Treatment") and _audit_count() == before


def test_editing_a_draft_records_what_changed(world: World) -> None:
    participant = person(world).participant
    row = consent(world, participant, "specific", signed_on=None)
    actions.edit_draft(consent=row, by=world.frontdesk, at=NOW, **terms("specific", purpose="Housing application"))
    row.refresh_from_db()
    assert row.purpose == "Housing application"
    entry = AuditEntry.objects.filter(object_id=str(row.pk)).order_by("-id").first()
    assert entry is not None and entry.changes == {"purpose": ["Coordination of care", "Housing application"]}


def test_changing_a_consent_sent_to_the_portal_takes_it_back_until_it_is_sent_again(world: World) -> None:
    participant = person(world).participant
    login = portal_login(participant)
    row = consent(world, participant, "specific", signed_on=None)
    actions.send_to_portal(consent=row, by=world.clinician_a, at=NOW)
    changed = terms("specific", recipients="Riverbend Primary Care; County Probation Office")
    actions.edit_draft(consent=row, by=world.clinician_a, at=NOW, **changed)
    row.refresh_from_db()
    assert row.sent_to_portal_at is None and row.sent_by is None
    with pytest.raises(ConsentError) as not_sent:  # a page opened before the change cannot sign the new words
        actions.sign_on_portal(consent=row, by=login, at=NOW, today=TODAY)
    assert not_sent.value.field == "status"
    actions.send_to_portal(consent=row, by=world.clinician_a, at=NOW)
    assert actions.sign_on_portal(consent=row, by=login, at=NOW, today=TODAY).signed_on == TODAY


def test_sending_to_the_portal_needs_a_login_and_a_complete_consent(world: World) -> None:
    participant = person(world).participant
    row = consent(world, participant, signed_on=None)
    with pytest.raises(ConsentError) as no_login:
        actions.send_to_portal(consent=row, by=world.clinician_a, at=NOW)
    assert no_login.value.field == "participant"
    portal_login(participant)
    incomplete = consent(world, participant, "specific", signed_on=None, recipients="")
    with pytest.raises(ConsentError) as missing:
        actions.send_to_portal(consent=incomplete, by=world.clinician_a, at=NOW)
    assert "the recipients" in missing.value.reason
    sent = actions.send_to_portal(consent=row, by=world.clinician_a, at=NOW)
    assert sent.sent_to_portal_at == NOW and sent.sent_by == world.clinician_a
    assert AuditEntry.objects.filter(object_id=str(row.pk), summary__startswith="Sent a consent").exists()


def test_only_the_participant_signs_on_the_portal_and_only_what_was_sent(world: World) -> None:
    participant = person(world).participant
    login = portal_login(participant)
    row = consent(world, participant, signed_on=None)
    with pytest.raises(ConsentError) as not_sent:
        actions.sign_on_portal(consent=row, by=login, at=NOW, today=TODAY)
    assert not_sent.value.field == "status"
    actions.send_to_portal(consent=row, by=world.clinician_a, at=NOW)
    other = portal_login(person(world, "Other").participant)
    with pytest.raises(ConsentError):
        actions.sign_on_portal(consent=row, by=other, at=NOW, today=TODAY)
    with pytest.raises(ConsentError):
        actions.sign_on_portal(consent=row, by=world.clinician_a, at=NOW, today=TODAY)
    signed = actions.sign_on_portal(consent=row, by=login, at=NOW, today=TODAY)
    assert (signed.signed_on, signed.signature, signed.signature_attested_by) == (TODAY, "portal", None)


def test_revocation_is_recorded_with_how_it_came_in_writing(world: World) -> None:
    participant = person(world).participant
    row = consent(world, participant, signed_on=TODAY - dt.timedelta(days=10))
    revoked = actions.revoke_consent(
        consent=row, revoked_on=TODAY, received="Signed letter by mail", by=world.frontdesk, at=NOW, today=TODAY
    )
    assert revoked.status_on(TODAY) == Status.REVOKED
    assert revoked.status_on(TODAY - dt.timedelta(days=1)) == Status.IN_EFFECT
    entry = AuditEntry.objects.filter(object_id=str(row.pk)).order_by("-id").first()
    assert entry is not None and entry.summary == "Consent revoked in writing on 2026-11-23"


@pytest.mark.parametrize(
    ("revoked_on", "received", "field"),
    [
        (TODAY + dt.timedelta(days=1), "Letter", "revoked_on"),
        (TODAY - dt.timedelta(days=11), "Letter", "revoked_on"),
        (TODAY, "  ", "received"),
    ],
)
def test_revocation_refusals_change_nothing(world: World, revoked_on: dt.date, received: str, field: str) -> None:
    participant = person(world).participant
    row = consent(world, participant, signed_on=TODAY - dt.timedelta(days=10))
    before = _audit_count()
    with pytest.raises(ConsentError) as refused:
        actions.revoke_consent(
            consent=row, revoked_on=revoked_on, received=received, by=world.clinician_a, at=NOW, today=TODAY
        )
    assert refused.value.field == field
    row.refresh_from_db()
    assert row.revoked_on is None and _audit_count() == before


def test_billing_cannot_revoke_and_front_desk_cannot_disclose(world: World) -> None:
    participant = person(world).participant
    row = consent(world, participant)
    with pytest.raises(ConsentError) as billing:
        actions.revoke_consent(consent=row, revoked_on=TODAY, received="Letter", by=world.billing, at=NOW, today=TODAY)
    assert billing.value.field == "by"
    with pytest.raises(ConsentError) as frontdesk:
        actions.record_disclosure(
            participant=participant,
            basis="consent",
            consent=row,
            recipient="Lakeside Family Health Plan",
            information="Claim",
            purpose="Payment",
            disclosed_on=TODAY,
            method="fax",
            by=world.frontdesk,
            at=NOW,
            today=TODAY,
        )
    assert frontdesk.value.field == "by" and not Disclosure.objects.exists()


def test_a_clinician_of_another_site_cannot_record_a_consent(world: World) -> None:
    participant = person(world).participant
    with pytest.raises(ConsentError) as refused:
        consent(world, participant, by=world.clinician_b)
    assert refused.value.field == "participant" and not Consent.objects.exists()


def test_expiry_event_ends_the_consent_after_that_day(world: World) -> None:
    participant = person(world).participant
    row = consent(world, participant, signed_on=TODAY - dt.timedelta(days=10))
    row = actions.record_expiry_event(
        consent=row, happened_on=TODAY - dt.timedelta(days=1), by=world.clinician_a, at=NOW, today=TODAY
    )
    assert row.status_on(TODAY - dt.timedelta(days=1)) == Status.IN_EFFECT
    assert row.status_on(TODAY) == Status.EXPIRED
    dated = consent(world, participant, "specific")
    with pytest.raises(ConsentError) as refused:
        actions.record_expiry_event(consent=dated, happened_on=TODAY, by=world.clinician_a, at=NOW, today=TODAY)
    assert refused.value.field == "happened_on"


def test_a_disclosure_under_a_consent_in_effect_is_recorded_and_audited(world: World) -> None:
    participant = person(world).participant
    row = consent(world, participant)
    made = disclosure(world, participant, row)
    assert (made.consent, made.disclosed_by, made.basis) == (row, world.billing, "consent")
    entry = AuditEntry.objects.get(object_type="consents.disclosure", object_id=str(made.pk))
    assert (entry.action, entry.participant_id) == ("create", participant.pk)
    assert entry.changes["consent"] == row.pk


def test_disclosure_refusals_leave_the_database_unchanged(world: World) -> None:
    participant = person(world).participant
    revoked = consent(world, participant, signed_on=TODAY - dt.timedelta(days=5))
    actions.revoke_consent(
        consent=revoked, revoked_on=TODAY, received="Letter", by=world.clinician_a, at=NOW, today=TODAY
    )
    tpo = consent(world, participant)
    someone_else = consent(world, person(world, "Other").participant)
    before = _audit_count()
    cases = [
        (revoked, {}, "consent"),  # revoked today: no longer covers today
        (tpo, {"includes_counseling_notes": True}, "includes_counseling_notes"),
        (someone_else, {}, "consent"),
        (None, {"basis": "court_order", "basis_note": ""}, "basis_note"),
        (tpo, {"method": "carrier pigeon"}, "method"),
    ]
    for under, overrides, field in cases:
        with pytest.raises(ConsentError) as refused:
            disclosure(world, participant, under, **overrides)
        assert refused.value.field == field, overrides
    assert not Disclosure.objects.exists() and _audit_count() == before


def test_counseling_notes_go_out_under_their_own_consent(world: World) -> None:
    participant = person(world).participant
    notes = consent(world, participant, "counseling_notes")
    made = disclosure(world, participant, notes, includes_counseling_notes=True, recipient="Dr. Example, psychiatrist")
    assert made.includes_counseling_notes and made.consent == notes


def test_the_database_refuses_a_consent_without_expiry(world: World) -> None:
    participant = person(world).participant
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(
            participant=participant,
            kind="tpo",
            disclosing_party="x",
            information="x",
            recipients="x",
            purpose="x",
            revocation_rights="in writing",
            created_at=NOW,
            created_by=world.clinician_a,
        )


def test_the_database_refuses_a_consent_basis_without_a_consent(world: World) -> None:
    participant = person(world).participant
    with pytest.raises(IntegrityError), transaction.atomic():
        Disclosure.objects.create(
            participant=participant,
            basis="consent",
            consent=None,
            recipient="x",
            information="x",
            purpose="x",
            disclosed_on=TODAY,
            method="fax",
            disclosed_by=world.billing,
            recorded_at=NOW,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Disclosure.objects.create(
            participant=participant,
            basis="medical_emergency",
            basis_note="",
            recipient="x",
            information="x",
            purpose="x",
            disclosed_on=TODAY,
            method="fax",
            disclosed_by=world.billing,
            recorded_at=NOW,
        )


def test_the_database_refuses_a_revocation_before_the_signature(world: World) -> None:
    participant = person(world).participant
    row = consent(world, participant)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.filter(pk=row.pk).update(
            revoked_on=TODAY - dt.timedelta(days=1),
            revocation_received="Letter",
            revoked_by=world.clinician_a,
            revocation_recorded_at=NOW,
        )


def test_the_database_keeps_a_signed_consent_as_signed(world: World) -> None:
    participant = person(world).participant
    row = consent(world, participant, signed_on=TODAY - dt.timedelta(days=3))
    with pytest.raises(Exception, match="signed consent cannot be changed"), transaction.atomic():
        Consent.objects.filter(pk=row.pk).update(recipients="Anyone at all")
    with pytest.raises(Exception, match="signed consent cannot be changed"), transaction.atomic():
        Consent.objects.filter(pk=row.pk).delete()
    revoked = actions.revoke_consent(
        consent=row, revoked_on=TODAY, received="Letter", by=world.clinician_a, at=NOW, today=TODAY
    )
    with pytest.raises(Exception, match="signed consent cannot be changed"), transaction.atomic():
        Consent.objects.filter(pk=revoked.pk).update(revoked_on=TODAY - dt.timedelta(days=1))
    draft = consent(world, participant, signed_on=None)
    Consent.objects.filter(pk=draft.pk).update(purpose="Changed while a draft")  # drafts stay editable
    assert Consent.objects.get(pk=draft.pk).purpose == "Changed while a draft"


def test_the_database_keeps_a_disclosure_as_recorded(world: World) -> None:
    participant = person(world).participant
    made = disclosure(world, participant, consent(world, participant))
    with pytest.raises(Exception, match="recorded disclosure cannot be changed"), transaction.atomic():
        Disclosure.objects.filter(pk=made.pk).update(recipient="Someone else")
    with pytest.raises(Exception, match="recorded disclosure cannot be changed"), transaction.atomic():
        Disclosure.objects.filter(pk=made.pk).delete()
    assert Disclosure.objects.get(pk=made.pk).recipient == "Lakeside Family Health Plan"
