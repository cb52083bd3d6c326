"""The pure builders, on plain data (no database): missing items and skip logic, the measure mapping at
its edges, episode status history, plan status, and the labels."""

from __future__ import annotations

import datetime as dt

from cadence.interop import fhir
from cadence.measures.instruments import get_instrument

AT = dt.datetime(2026, 11, 20, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))


def _measure(instrument: str, answers: list[object], total: int | None, band: str = "") -> fhir.MeasureData:
    return fhir.MeasureData(
        id=7, instrument=instrument, answers=answers, total=total, band_label=band, administered_at=AT, language="en"
    )  # type: ignore[arg-type]


def _episode(status: str, admitted: dt.date | None = None, discharged: dt.date | None = None) -> fhir.EpisodeData:
    return fhir.EpisodeData(
        id=12,
        status=status,
        referred_on=dt.date(2026, 9, 1),
        admitted_on=admitted,
        discharged_on=discharged,
        level_code="2.1" if admitted else "",
        level_name="Intensive outpatient" if admitted else "",
        organization="Riverbend Recovery Collective",
    )


def test_a_complete_result_with_a_total_of_zero_has_an_observation_of_zero() -> None:
    response, observation = fhir.measure_resources(_measure("phq2", [0, 0], 0, "Negative"), patient_id=3)
    assert response["status"] == "completed" and observation["valueInteger"] == 0
    assert observation["code"]["coding"][0]["code"] == "55758-7"
    assert observation["effectiveDateTime"] == "2026-11-20T15:30:00+00:00"
    assert observation["interpretation"] == [{"text": "Negative"}]


def test_an_incomplete_result_never_gets_an_observation_even_with_a_stored_total() -> None:
    resources = fhir.measure_resources(_measure("phq2", [3, None], 3), patient_id=3)
    assert [r["resourceType"] for r in resources] == ["QuestionnaireResponse"]
    assert resources[0]["status"] == "in-progress" and len(resources[0]["item"]) == 1


def test_a_result_without_a_total_has_no_observation() -> None:
    resources = fhir.measure_resources(
        _measure("cssrs", [False, False, None, None, None, False, None], None), patient_id=3
    )
    (response,) = resources
    assert response["status"] == "completed"
    assert response["item"][0]["answer"] == [{"valueBoolean": False}]


def test_loinc_codes_of_the_totals_come_from_the_instrument_library() -> None:
    expected = {"phq9": "44261-6", "gad7": "70274-6", "audit": "75624-7", "auditc": "75626-2", "dast10": "82667-7"}
    for code, loinc in expected.items():
        instrument = get_instrument(code)
        answers = [instrument.items[i].options[0].value for i in range(len(instrument.items))]
        resources = fhir.measure_resources(_measure(code, answers, 1), patient_id=3)
        assert resources[-1]["code"]["coding"][0]["code"] == loinc, code


def test_status_history_of_a_referral_and_of_a_cancelled_one() -> None:
    referred = fhir.episode_resource(_episode("referred"), patient_id=3)
    assert referred["status"] == "planned" and "period" not in referred and "type" not in referred
    assert referred["statusHistory"] == [{"status": "planned", "period": {"start": "2026-09-01"}}]
    cancelled = fhir.episode_resource(_episode("cancelled"), patient_id=3)
    assert cancelled["statusHistory"][0]["status"] == "cancelled"


def test_status_history_of_an_admitted_episode_has_no_finished_phase() -> None:
    active = fhir.episode_resource(_episode("active", admitted=dt.date(2026, 9, 8)), patient_id=3)
    assert [h["status"] for h in active["statusHistory"]] == ["planned", "active"]
    assert active["statusHistory"][1]["period"] == {"start": "2026-09-08"}
    assert active["type"][0]["coding"][0] == {"code": "2.1", "display": "ASAM 2.1 Intensive outpatient"}


def _plan(status: str, reason: int | None) -> fhir.PlanData:
    snapshot = {"problems": [{"number": 1, "text": "Drinks daily", "diagnosis": "F10.20", "goals": []}]}
    return fhir.PlanData(
        id=4,
        revision=2,
        plan_status=status,
        episode_id=12,
        episode_discharge_reason=reason,
        signed_at=AT,
        signed_on=AT.date(),
        snapshot=snapshot,
    )


def test_a_closed_plan_is_completed_only_when_treatment_was_completed() -> None:
    assert fhir.plan_resources(_plan("active", None), patient_id=3)[0]["status"] == "active"
    assert fhir.plan_resources(_plan("closed", 1), patient_id=3)[0]["status"] == "completed"
    assert fhir.plan_resources(_plan("closed", 2), patient_id=3)[0]["status"] == "revoked"
    (care_plan,) = fhir.plan_resources(_plan("active", None), patient_id=3)
    assert care_plan["addresses"] == [{"display": "Problem 1: Drinks daily (F10.20)"}] and "goal" not in care_plan


def test_patient_without_optional_details() -> None:
    patient = fhir.PatientData(
        id=3,
        record_number="R-1",
        legal_first_name="Ada",
        legal_last_name="Sample",
        preferred_name="",
        date_of_birth=dt.date(1990, 1, 2),
        sex_at_birth="unknown",
        phone="",
        email="",
        address="",
        language="other",
        organization="Riverbend",
    )
    resource = fhir.patient_resource(patient)
    assert len(resource["name"]) == 1 and resource["extension"][0]["valueCode"] == "UNK"
    for absent in ("telecom", "address", "communication"):
        assert absent not in resource


def test_labels_are_copies_so_a_resource_cannot_change_another() -> None:
    first = fhir.patient_resource(
        fhir.PatientData(3, "R", "A", "B", "", dt.date(1990, 1, 2), "male", "", "", "", "en", "O")
    )
    first["meta"]["security"][0]["code"] = "changed"
    second = fhir.flag_resource(fhir.FlagData(1, "relapse", "Relapse", AT, None), patient_id=3)
    assert second["meta"]["security"][0]["code"] == "R"
