"""Staff pages through their URLs: status codes, database state, audit rows, and the forbidden cases (front
desk cannot record a disclosure, billing cannot revoke, a clinician of another site gets 404)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cadence.accounts.models import User
from cadence.audit.models import AuditEntry
from cadence.consents import actions
from cadence.consents.models import Consent, Disclosure
from cadence.consents.wording import PART2_NOTICE, TPO_RECIPIENTS
from cadence.testing.personas import NOW, World

from .helpers import TODAY, consent, disclosure, person, portal_login, terms

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def _last_audit(user: User) -> AuditEntry:
    entry = AuditEntry.objects.filter(actor=user).order_by("-id").first()
    assert entry is not None
    return entry


def _consent_post(**overrides: Any) -> dict[str, Any]:
    data = {key: ("" if value is None else value) for key, value in terms(**overrides).items()}
    data["kind"] = overrides.get("kind", "tpo")
    return data


def test_page_lists_consents_and_the_accounting_and_is_audited(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    tpo = consent(world, participant)
    disclosure(world, participant, tpo)
    response = client_for(world.clinician_a).get(f"/consents/{participant.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "In effect" in html and "Lakeside Family Health Plan" in html and "Cover sheet" in html
    entry = _last_audit(world.clinician_a)
    assert (entry.action, entry.participant_id) == ("view", participant.pk)
    assert entry.summary == "Read the Part 2 consents and disclosures"


def test_page_queries_do_not_grow_with_rows(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    client = client_for(world.clinician_a)
    tpo = consent(world, participant)
    disclosure(world, participant, tpo)
    with CaptureQueriesContext(connection) as few:
        client.get(f"/consents/{participant.pk}/")
    for _ in range(5):
        disclosure(world, participant, consent(world, participant, "specific"))
    with CaptureQueriesContext(connection) as many:
        client.get(f"/consents/{participant.pk}/")
    assert len(many) == len(few)


def test_new_consent_form_is_prefilled_with_the_tpo_wording(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    html = client_for(world.frontdesk).get(f"/consents/{participant.pk}/new/?kind=tpo").content.decode()
    assert TPO_RECIPIENTS in html and "Riverbend Recovery Collective" in html


def test_front_desk_records_a_consent_signed_on_paper(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    data = _consent_post(signed_on_paper=TODAY.isoformat())
    response = client_for(world.frontdesk).post(f"/consents/{participant.pk}/new/", data)
    row = Consent.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/consents/c/{row.pk}/"
    assert (row.signed_on, row.signature_attested_by, row.recipients) == (TODAY, world.frontdesk, TPO_RECIPIENTS)
    assert _last_audit(world.frontdesk).summary == "Consent signed on paper, attested by staff on 2026-11-23"


def test_a_consent_form_with_a_vague_description_shows_the_error(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    data = _consent_post(information="everything", signed_on_paper=TODAY.isoformat())
    response = client_for(world.clinician_a).post(f"/consents/{participant.pk}/new/", data)
    assert response.status_code == 200
    assert "cannot be signed" in response.content.decode() and not Consent.objects.exists()


def test_a_consent_form_without_expiry_shows_a_field_error(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    data = _consent_post(expiry_event="", expires_on=None)
    response = client_for(world.clinician_a).post(f"/consents/{participant.pk}/new/", data)
    assert response.status_code == 200 and "Give an expiry date" in response.content.decode()
    assert not Consent.objects.exists()


def test_attest_send_and_revoke_through_the_pages(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    portal_login(participant)
    client = client_for(world.clinician_a)
    draft = consent(world, participant, signed_on=None)
    assert client.post(f"/consents/c/{draft.pk}/send/").status_code == 302
    draft.refresh_from_db()
    assert draft.sent_to_portal_at is not None
    other = consent(world, participant, "specific", signed_on=None)
    client.post(f"/consents/c/{other.pk}/attest/", {"attest-signed_on": TODAY.isoformat()})
    other.refresh_from_db()
    assert other.signed_on == TODAY and other.signature == "paper"
    client.post(
        f"/consents/c/{other.pk}/revoke/", {"revoke-revoked_on": TODAY.isoformat(), "revoke-received": "Letter"}
    )
    other.refresh_from_db()
    assert other.revoked_on == TODAY and other.revoked_by == world.clinician_a
    assert _last_audit(world.clinician_a).summary == "Consent revoked in writing on 2026-11-23"


def test_a_bad_revocation_date_is_an_error_message_not_a_500(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    row = consent(world, participant)
    client = client_for(world.clinician_a)
    response = client.post(
        f"/consents/c/{row.pk}/revoke/", {"revoke-revoked_on": "soon", "revoke-received": "x"}, follow=True
    )
    assert response.status_code == 200 and "Enter a valid date" in response.content.decode()
    later = (TODAY + dt.timedelta(days=3)).isoformat()
    response = client.post(
        f"/consents/c/{row.pk}/revoke/", {"revoke-revoked_on": later, "revoke-received": "x"}, follow=True
    )
    assert "cannot be in the future" in response.content.decode()
    row.refresh_from_db()
    assert row.revoked_on is None


def test_billing_cannot_revoke(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    row = consent(world, participant)
    response = client_for(world.billing).post(
        f"/consents/c/{row.pk}/revoke/", {"revoke-revoked_on": TODAY.isoformat(), "revoke-received": "Letter"}
    )
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.revoked_on is None


def test_front_desk_cannot_record_a_disclosure(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    consent(world, participant)
    client = client_for(world.frontdesk)
    assert client.get(f"/consents/{participant.pk}/disclosures/new/").status_code == 403
    assert client.post(f"/consents/{participant.pk}/disclosures/new/", {}).status_code == 403


def test_billing_records_a_disclosure_and_gets_the_cover_sheet(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    tpo = consent(world, participant)
    client = client_for(world.billing)
    form = client.get(f"/consents/{participant.pk}/disclosures/new/").content.decode()
    assert f'value="{tpo.pk}"' in form
    data = {
        "basis": "consent",
        "consent": tpo.pk,
        "recipient": "Lakeside Family Health Plan",
        "information": "Claim for November",
        "purpose": "Payment",
        "disclosed_on": TODAY.isoformat(),
        "method": "secure_electronic",
        "named_in_consent": "on",
    }
    response = client.post(f"/consents/{participant.pk}/disclosures/new/", data)
    made = Disclosure.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/consents/disclosures/{made.pk}/cover/"
    assert _last_audit(world.billing).summary.startswith("Recorded a disclosure to Lakeside Family Health Plan")
    cover = client.get(response["Location"])
    assert cover.status_code == 200
    html = cover.content.decode()
    assert PART2_NOTICE in html and TPO_RECIPIENTS in html and "Claim for November" in html


def test_the_disclosure_form_offers_only_consents_in_effect(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    draft = consent(world, participant, signed_on=None)
    expired = consent(
        world, participant, "specific", signed_on=TODAY - dt.timedelta(days=30), expires_on=TODAY - dt.timedelta(days=1)
    )
    html = client_for(world.clinician_a).get(f"/consents/{participant.pk}/disclosures/new/").content.decode()
    assert f'value="{draft.pk}"' not in html and f'value="{expired.pk}"' not in html
    assert "No consent covers a disclosure on 23 Nov 2026" in html


def test_the_consent_choices_follow_the_day_and_counseling_notes(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    tpo = consent(world, participant, signed_on=TODAY - dt.timedelta(days=10))
    tpo = actions.revoke_consent(
        consent=tpo, revoked_on=TODAY, received="Letter", by=world.clinician_a, at=NOW, today=TODAY
    )
    notes = consent(world, participant, "counseling_notes", signed_on=TODAY - dt.timedelta(days=10))
    client = client_for(world.clinician_a)
    url = f"/consents/{participant.pk}/disclosures/consents/"
    today = client.get(url, {"disclosed_on": TODAY.isoformat()}, headers={"HX-Request": "true"}).content.decode()
    assert f'value="{tpo.pk}"' not in today and "No consent covers a disclosure on 23 Nov 2026" in today
    before = (TODAY - dt.timedelta(days=1)).isoformat()
    earlier = client.get(url, {"disclosed_on": before}).content.decode()
    assert f'value="{tpo.pk}"' in earlier and f'value="{notes.pk}"' not in earlier
    with_notes = client.get(url, {"disclosed_on": before, "includes_counseling_notes": "on"}).content.decode()
    assert f'value="{notes.pk}"' in with_notes and f'value="{tpo.pk}"' not in with_notes
    assert client.get(url, {"disclosed_on": "garbage"}).status_code == 200  # falls back to today
    assert client_for(world.frontdesk).get(url).status_code == 403
    assert client_for(world.clinician_b).get(url).status_code == 404


def test_a_refused_disclosure_explains_why_and_saves_nothing(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    tpo = consent(world, participant)
    data = {
        "basis": "consent",
        "consent": tpo.pk,
        "includes_counseling_notes": "on",
        "recipient": "Riverbend Primary Care",
        "information": "Group counseling notes",
        "purpose": "Care coordination",
        "disclosed_on": TODAY.isoformat(),
        "method": "fax",
        "named_in_consent": "on",
    }
    response = client_for(world.clinician_a).post(f"/consents/{participant.pk}/disclosures/new/", data)
    assert response.status_code == 200
    assert "SUD counseling notes need their own consent" in response.content.decode()
    assert not Disclosure.objects.exists()
    # The refused form shows the consents in effect again: that read is audited too.
    read = _last_audit(world.clinician_a)
    assert read.action == "view" and read.participant_id == participant.pk
    assert read.summary.startswith("Opened the disclosure form")


def test_clinician_of_another_site_gets_404_and_it_is_audited(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    row = consent(world, participant)
    made = disclosure(world, participant, row)
    client = client_for(world.clinician_b)
    for url in (
        f"/consents/{participant.pk}/",
        f"/consents/{participant.pk}/new/",
        f"/consents/c/{row.pk}/",
        f"/consents/disclosures/{made.pk}/cover/",
        f"/consents/disclosures/{made.pk}/cover.pdf",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/consents/c/{row.pk}/revoke/", {}).status_code == 404
    assert _last_audit(world.clinician_b).action == "denied"


def test_auditor_reads_but_cannot_change(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    row = consent(world, participant)
    client = client_for(world.auditor)
    assert client.get(f"/consents/{participant.pk}/").status_code == 200
    assert client.get(f"/consents/c/{row.pk}/").status_code == 200
    assert client.get(f"/consents/{participant.pk}/new/").status_code == 403
    assert client.post(f"/consents/c/{row.pk}/revoke/", {}).status_code == 403


def test_the_cover_sheet_pdf_carries_the_notice(world: World, client_for: ClientFor) -> None:
    import io

    from pypdf import PdfReader

    participant = person(world).participant
    made = disclosure(world, participant, consent(world, participant))
    response = client_for(world.clinician_a).get(f"/consents/disclosures/{made.pk}/cover.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = " ".join(" ".join(page.extract_text().split()) for page in pages)
    assert len(pages) == 1
    assert PART2_NOTICE in text and "Lakeside Family Health Plan" in text
    assert _last_audit(world.clinician_a).action == "export"


def test_the_chart_warns_when_no_tpo_consent_is_in_effect(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    client = client_for(world.frontdesk)
    html = client.get(f"/participants/{participant.pk}/").content.decode()
    assert "No Part 2 consent in effect" in html and f'href="/consents/{participant.pk}/"' in html
    consent(world, participant)
    html = client.get(f"/participants/{participant.pk}/").content.decode()
    assert "No Part 2 consent in effect" not in html and "Consents and disclosures" in html


def test_no_warning_without_an_open_episode(world: World, client_for: ClientFor) -> None:
    participant = person(world, status="discharged", discharged_on=TODAY, discharge_reason=1).participant
    html = client_for(world.clinician_a).get(f"/participants/{participant.pk}/").content.decode()
    assert "No Part 2 consent in effect" not in html


def test_a_draft_is_edited_but_a_signed_consent_is_not(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    client = client_for(world.frontdesk)
    draft = consent(world, participant, "specific", signed_on=None, recipients="")
    page = client.get(f"/consents/c/{draft.pk}/").content.decode()
    assert "It cannot be signed yet; it is missing:" in page and "the recipients" in page
    assert client.get(f"/consents/c/{draft.pk}/edit/").status_code == 200
    data = {key: ("" if value is None else value) for key, value in terms("specific").items()}
    data["recipients"] = "Riverbend Primary Care, Dr. Example"
    response = client.post(f"/consents/c/{draft.pk}/edit/", data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.recipients == "Riverbend Primary Care, Dr. Example"
    assert _last_audit(world.frontdesk).summary == "Edited a draft consent"
    signed = consent(world, participant)
    response = client.post(f"/consents/c/{signed.pk}/edit/", {**data, "purpose": "Other"}, follow=True)
    assert "never edited" in response.content.decode()
    signed.refresh_from_db()
    assert signed.purpose.startswith("Treatment")


def test_recording_the_expiry_event_through_the_page(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    row = consent(world, participant, signed_on=TODAY - dt.timedelta(days=5))  # TPO: ends at discharge
    client = client_for(world.clinician_a)
    assert "The expiry event happened" in client.get(f"/consents/c/{row.pk}/").content.decode()
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    client.post(f"/consents/c/{row.pk}/expiry-event/", {"event-happened_on": yesterday})
    row.refresh_from_db()
    assert row.expiry_event_on == TODAY - dt.timedelta(days=1) and row.status_on(TODAY) == "expired"
