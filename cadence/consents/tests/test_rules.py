"""The pure rules at their edges: every missing element of a written consent, the status on the signature,
expiry and revocation days, counseling notes, and the refusals of a disclosure (no database)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from cadence.consents.rules import (
    ConsentError,
    ConsentFacts,
    ConsentTerms,
    DisclosureFacts,
    Status,
    check_disclosure,
    check_signable,
    covering_consents,
    missing_elements,
    status_on,
)
from cadence.consents.wording import REVOCATION_RIGHTS, TPO_RECIPIENTS

D = dt.date(2026, 11, 23)
COMPLETE = ConsentTerms(
    kind="specific",
    participant_name="Jordan Rivera",
    disclosing_party="Riverbend Recovery Collective",
    information="Attendance dates and current medications",
    recipients="Riverbend Primary Care",
    purpose="Coordination of care",
    revocation_rights=REVOCATION_RIGHTS,
    expires_on=dt.date(2027, 5, 31),
)


def test_a_complete_consent_misses_nothing() -> None:
    assert missing_elements(COMPLETE) == []
    assert missing_elements(COMPLETE, signing=True, signed_on=D) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"participant_name": " "}, "the participant's name"),
        ({"disclosing_party": ""}, "who may disclose the information (the program or organization)"),
        ({"information": ""}, "a specific description of the information to disclose"),
        (
            {"recipients": "\n"},
            "the recipients (by name, or the wording of a treatment, payment and operations consent)",
        ),
        ({"purpose": ""}, "the purpose of the disclosure"),
        ({"revocation_rights": ""}, "the right to revoke the consent in writing, and how"),
        ({"expires_on": None, "expiry_event": " "}, "an expiry date or event"),
    ],
)
def test_each_missing_element_is_named_alone(change: dict[str, object], expected: str) -> None:
    assert missing_elements(replace(COMPLETE, **change)) == [expected]  # type: ignore[arg-type]


def test_every_missing_element_is_listed_in_order() -> None:
    empty = ConsentTerms(
        kind="tpo",
        participant_name="",
        disclosing_party="",
        information="",
        recipients="",
        purpose="",
        revocation_rights="",
    )
    missing = missing_elements(empty, signing=True)
    assert len(missing) == 8
    assert missing[0] == "the participant's name" and missing[-1] == "the date of the signature"


def test_an_expiry_event_is_enough_without_a_date() -> None:
    assert missing_elements(replace(COMPLETE, expires_on=None, expiry_event="My discharge")) == []


@pytest.mark.parametrize("vague", ["All records", "everything.", "  my   records "])
def test_a_vague_description_is_not_specific(vague: str) -> None:
    (problem,) = missing_elements(replace(COMPLETE, information=vague))
    assert problem.startswith("a specific description of the information to disclose (")


def test_a_specific_consent_must_name_its_recipients() -> None:
    (problem,) = missing_elements(replace(COMPLETE, recipients=TPO_RECIPIENTS))
    assert "named recipients" in problem
    assert missing_elements(replace(COMPLETE, kind="tpo", recipients=TPO_RECIPIENTS)) == []


def test_a_tpo_consent_names_its_recipients_in_the_rules_words() -> None:
    # Billing releases claims under any TPO consent in effect, so it must name payers as the rule words it.
    tpo = replace(COMPLETE, kind="tpo", recipients=TPO_RECIPIENTS)
    assert missing_elements(replace(tpo, recipients="  " + TPO_RECIPIENTS.upper() + ". ")) == []  # case, spaces
    (problem,) = missing_elements(replace(tpo, recipients="Dr. Jane Roe, my primary care doctor only"))
    assert "treatment, payment and operations consent" in problem and TPO_RECIPIENTS in problem


def test_revocation_wording_must_say_in_writing() -> None:
    (problem,) = missing_elements(replace(COMPLETE, revocation_rights="You may revoke it by phone."))
    assert "in writing" in problem
    assert missing_elements(replace(COMPLETE, revocation_rights="Puede revocarla por escrito.")) == []


def test_signing_needs_a_date_not_in_the_future_and_before_expiry() -> None:
    with pytest.raises(ConsentError) as no_date:
        check_signable(COMPLETE, signed_on=None, today=D)
    assert no_date.value.field == "consent" and "the date of the signature" in no_date.value.reason
    with pytest.raises(ConsentError) as future:
        check_signable(COMPLETE, signed_on=D + dt.timedelta(days=1), today=D)
    assert future.value.field == "signed_on"
    assert check_signable(COMPLETE, signed_on=D, today=D) == D
    late = replace(COMPLETE, expires_on=D - dt.timedelta(days=1))
    with pytest.raises(ConsentError) as expired:
        check_signable(late, signed_on=D, today=D)
    assert expired.value.field == "expires_on"
    assert check_signable(replace(COMPLETE, expires_on=D), signed_on=D, today=D) == D


def test_signing_refuses_with_every_missing_element_named() -> None:
    with pytest.raises(ConsentError) as refused:
        check_signable(replace(COMPLETE, purpose="", disclosing_party=""), signed_on=D, today=D)
    assert "who may disclose" in refused.value.reason and "the purpose" in refused.value.reason


SIGNED = ConsentFacts(kind="tpo", signed_on=D, expires_on=D + dt.timedelta(days=10))


def test_status_around_the_signature_day() -> None:
    assert status_on(ConsentFacts(kind="tpo"), D) == Status.DRAFT
    assert status_on(SIGNED, D - dt.timedelta(days=1)) == Status.DRAFT
    assert status_on(SIGNED, D) == Status.IN_EFFECT


def test_the_expiry_day_is_the_last_day_in_effect() -> None:
    last = D + dt.timedelta(days=10)
    assert status_on(SIGNED, last) == Status.IN_EFFECT
    assert status_on(SIGNED, last + dt.timedelta(days=1)) == Status.EXPIRED


def test_the_expiry_event_day_is_the_last_day_in_effect() -> None:
    facts = ConsentFacts(kind="tpo", signed_on=D, expiry_event_on=D + dt.timedelta(days=3))
    assert status_on(facts, D + dt.timedelta(days=3)) == Status.IN_EFFECT
    assert status_on(facts, D + dt.timedelta(days=4)) == Status.EXPIRED
    assert status_on(ConsentFacts(kind="tpo", signed_on=D), D + dt.timedelta(days=900)) == Status.IN_EFFECT


def test_a_consent_revoked_on_a_day_no_longer_covers_that_day() -> None:
    revoked = replace(SIGNED, revoked_on=D + dt.timedelta(days=2))
    assert status_on(revoked, D + dt.timedelta(days=1)) == Status.IN_EFFECT
    assert status_on(revoked, D + dt.timedelta(days=2)) == Status.REVOKED
    assert status_on(revoked, D + dt.timedelta(days=30)) == Status.REVOKED  # revoked wins over expired


def test_counseling_notes_only_under_a_counseling_notes_consent() -> None:
    tpo = SIGNED
    specific = replace(SIGNED, kind="specific")
    notes = replace(SIGNED, kind="counseling_notes")
    draft = ConsentFacts(kind="counseling_notes")
    consents = [tpo, specific, notes, draft]
    assert covering_consents(consents, D, counseling_notes=True) == [notes]
    assert covering_consents(consents, D, counseling_notes=False) == [tpo, specific]
    assert covering_consents(consents, D + dt.timedelta(days=11), counseling_notes=False) == []


DISCLOSURE = DisclosureFacts(
    basis="consent",
    disclosed_on=D,
    includes_counseling_notes=False,
    recipient="Lakeside Family Health Plan",
    information="Claim",
    purpose="Payment",
    named_in_consent=True,
)


def _refusal(facts: DisclosureFacts, consent: ConsentFacts | None, today: dt.date = D) -> ConsentError:
    with pytest.raises(ConsentError) as refused:
        check_disclosure(facts, consent, today=today)
    return refused.value


def test_a_disclosure_under_a_consent_in_effect_passes() -> None:
    check_disclosure(DISCLOSURE, SIGNED, today=D)


def test_a_disclosure_under_consent_needs_the_recorders_word_that_the_consent_names_recipient_and_purpose() -> None:
    error = _refusal(replace(DISCLOSURE, named_in_consent=False), SIGNED)
    assert error.field == "named_in_consent" and "recipients and purpose written in it" in error.reason
    # Not asked of an exception, which has no consent to compare with.
    emergency = replace(DISCLOSURE, basis="medical_emergency", basis_note="Paramedics on scene", named_in_consent=False)
    check_disclosure(emergency, None, today=D)


def test_a_disclosure_on_the_revocation_day_is_refused() -> None:
    revoked = replace(SIGNED, revoked_on=D)
    error = _refusal(DISCLOSURE, revoked)
    assert error.field == "consent" and "not in effect on 2026-11-23 (revoked)" in error.reason


def test_a_disclosure_the_day_after_expiry_is_refused() -> None:
    after = replace(DISCLOSURE, disclosed_on=D + dt.timedelta(days=11))
    assert "(expired)" in _refusal(after, SIGNED, today=D + dt.timedelta(days=20)).reason


def test_counseling_notes_under_a_tpo_consent_are_refused() -> None:
    error = _refusal(replace(DISCLOSURE, includes_counseling_notes=True), SIGNED)
    assert error.field == "includes_counseling_notes" and "own consent" in error.reason
    check_disclosure(
        replace(DISCLOSURE, includes_counseling_notes=True), replace(SIGNED, kind="counseling_notes"), today=D
    )


def test_exceptions_need_a_note_and_no_consent() -> None:
    emergency = replace(DISCLOSURE, basis="medical_emergency")
    assert _refusal(emergency, None).field == "basis_note"
    assert _refusal(replace(emergency, basis_note="Paramedics"), SIGNED).field == "consent"
    check_disclosure(replace(emergency, basis_note="Paramedics on scene"), None, today=D)
    assert _refusal(replace(DISCLOSURE, basis="court_order"), None).field == "basis_note"


def test_a_disclosure_needs_a_consent_a_past_date_and_words() -> None:
    assert _refusal(DISCLOSURE, None).field == "consent"
    assert _refusal(replace(DISCLOSURE, disclosed_on=D + dt.timedelta(days=1)), SIGNED).field == "disclosed_on"
    assert _refusal(replace(DISCLOSURE, recipient=" "), SIGNED).field == "recipient"
    assert _refusal(replace(DISCLOSURE, basis="subpoena"), SIGNED).field == "basis"
