"""A participant's record as FHIR R4 resources and one ``collection`` Bundle (DOMAIN.md section 8).

Pure builders: plain data (the dataclasses below, filled by ``queries.gather_record``) in, JSON-ready
dicts out; nothing here touches the database. Every resource carries the Part 2 security labels of
``cadence.consents.fhir`` (R, 42CFRPart2, NORDSCLCD); ids are stable (``episode-12``) and every reference
points inside the bundle (``EpisodeOfCare/episode-12``). Consents are built by
``cadence.consents.fhir.consent_resource``, whose Consent names the Patient by the participant's id, so
the Patient's id is the participant's id.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cadence.consents.fhir import ACT_CODE, SECURITY_LABELS, consent_resource
from cadence.consents.models import Consent
from cadence.core.pdf import PART2_NOTICE
from cadence.measures.instruments import ItemKind, get_instrument, missing_items
from cadence.measures.instruments.model import Answer

FHIR_VERSION = "4.0.1"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
BIRTH_SEX = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex"
LANGUAGE = "urn:ietf:bcp:47"
EVERYTHING = "http://hl7.org/fhir/OperationDefinition/Patient-everything"

# Cadence episode status -> EpisodeOfCare.status.
EPISODE_STATUS = {
    "referred": "planned",
    "waitlisted": "waitlist",
    "active": "active",
    "discharged": "finished",
    "cancelled": "cancelled",
}
BIRTH_SEX_CODE = {"female": "F", "male": "M", "unknown": "UNK"}
TEDS_COMPLETED = 1


@dataclass(frozen=True)
class PatientData:
    id: int
    record_number: str
    legal_first_name: str
    legal_last_name: str
    preferred_name: str
    date_of_birth: dt.date
    sex_at_birth: str
    phone: str
    email: str
    address: str
    language: str
    organization: str


@dataclass(frozen=True)
class EpisodeData:
    id: int
    status: str
    referred_on: dt.date
    admitted_on: dt.date | None
    discharged_on: dt.date | None
    level_code: str
    level_name: str
    organization: str


@dataclass(frozen=True)
class EncounterData:
    """One attended session (a PRESENT attendance mark)."""

    id: int
    episode_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    service_code: str
    service_name: str
    minutes: int


@dataclass(frozen=True)
class MeasureData:
    id: int
    instrument: str
    answers: Sequence[Answer]
    total: int | None
    band_label: str
    administered_at: dt.datetime
    language: str


@dataclass(frozen=True)
class PlanData:
    """A treatment plan's current signed revision: ``snapshot`` is the frozen plan, never draft rows."""

    id: int
    revision: int
    plan_status: str
    episode_id: int
    episode_discharge_reason: int | None
    signed_at: dt.datetime
    signed_on: dt.date  # the signature's day at the plan's site
    snapshot: dict[str, Any]


@dataclass(frozen=True)
class FlagData:
    id: int
    kind: str
    kind_label: str
    raised_at: dt.datetime
    cleared_at: dt.datetime | None


@dataclass(frozen=True)
class Record:
    """Everything exported for one participant."""

    patient: PatientData
    today: dt.date
    episodes: list[EpisodeData] = field(default_factory=list)
    encounters: list[EncounterData] = field(default_factory=list)
    measures: list[MeasureData] = field(default_factory=list)
    plans: list[PlanData] = field(default_factory=list)
    flags: list[FlagData] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)


def _meta() -> dict[str, Any]:
    return {"security": [dict(label) for label in SECURITY_LABELS]}


def _resource(resource_type: str, resource_id: str, **fields: Any) -> dict[str, Any]:
    return {"resourceType": resource_type, "id": resource_id, "meta": _meta(), **fields}


def _patient_ref(patient_id: int) -> dict[str, str]:
    return {"reference": f"Patient/{patient_id}"}


def _local_code(code: str, display: str) -> dict[str, Any]:
    """A Cadence-local code (no published code system yet): the code, its display and the text."""
    return {"coding": [{"code": code, "display": display}], "text": display}


def _instant(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat()


# -- Patient and episodes -------------------------------------------------------------------------------


def patient_resource(patient: PatientData) -> dict[str, Any]:
    """Patient: identifier = the record number (type MR), legal and preferred names, birth date, contact
    details, language; sex at birth as the US Core birth-sex extension (not administrative gender)."""
    names: list[dict[str, Any]] = [
        {"use": "official", "family": patient.legal_last_name, "given": [patient.legal_first_name]}
    ]
    if patient.preferred_name:
        names.append({"use": "usual", "family": patient.legal_last_name, "given": [patient.preferred_name]})
    resource = _resource(
        "Patient",
        str(patient.id),
        extension=[{"url": BIRTH_SEX, "valueCode": BIRTH_SEX_CODE.get(patient.sex_at_birth, "UNK")}],
        identifier=[
            {
                "use": "usual",
                "type": {"coding": [{"system": IDENTIFIER_TYPE, "code": "MR", "display": "Medical record number"}]},
                "value": patient.record_number,
                "assigner": {"display": patient.organization},
            }
        ],
        # The Part 2 notice travels in words as well as in the labels (DOMAIN.md section 6).
        text={"status": "additional", "div": f'<div xmlns="http://www.w3.org/1999/xhtml"><p>{PART2_NOTICE}</p></div>'},
        active=True,
        name=names,
        birthDate=patient.date_of_birth.isoformat(),
        managingOrganization={"display": patient.organization},
    )
    telecom = [{"system": "phone", "value": patient.phone}] if patient.phone else []
    if patient.email:
        telecom.append({"system": "email", "value": patient.email})
    if telecom:
        resource["telecom"] = telecom
    if patient.address:
        resource["address"] = [{"text": patient.address}]
    if patient.language in ("en", "es"):
        resource["communication"] = [
            {"language": {"coding": [{"system": LANGUAGE, "code": patient.language}]}, "preferred": True}
        ]
    return resource


def episode_id(pk: int) -> str:
    return f"episode-{pk}"


def _status_history(episode: EpisodeData) -> list[dict[str, Any]]:
    """The phases the dates tell: before admission (planned, or the current pre-admission status),
    admitted (active) and discharged (finished). Waitlist and cancellation days are not stored, so the
    time before admission is one phase."""
    if episode.admitted_on is None:
        return [{"status": EPISODE_STATUS[episode.status], "period": {"start": episode.referred_on.isoformat()}}]
    history = [
        {
            "status": "planned",
            "period": {"start": episode.referred_on.isoformat(), "end": episode.admitted_on.isoformat()},
        }
    ]
    active: dict[str, str] = {"start": episode.admitted_on.isoformat()}
    if episode.discharged_on is not None:
        active["end"] = episode.discharged_on.isoformat()
    history.append({"status": "active", "period": active})
    if episode.discharged_on is not None and episode.status == "discharged":
        history.append({"status": "finished", "period": {"start": episode.discharged_on.isoformat()}})
    return history


def episode_resource(episode: EpisodeData, *, patient_id: int) -> dict[str, Any]:
    """EpisodeOfCare: status from the episode, statusHistory, type = the level of care, period =
    admission..discharge (none before admission), managingOrganization by display name."""
    resource = _resource(
        "EpisodeOfCare",
        episode_id(episode.id),
        status=EPISODE_STATUS[episode.status],
        statusHistory=_status_history(episode),
        patient=_patient_ref(patient_id),
        managingOrganization={"display": episode.organization},
    )
    if episode.level_code:
        resource["type"] = [_local_code(episode.level_code, f"ASAM {episode.level_code} {episode.level_name}")]
    if episode.admitted_on is not None:
        period = {"start": episode.admitted_on.isoformat()}
        if episode.discharged_on is not None:
            period["end"] = episode.discharged_on.isoformat()
        resource["period"] = period
    return resource


def encounter_resource(encounter: EncounterData, *, patient_id: int) -> dict[str, Any]:
    """Encounter (class AMB, status finished) for one attended session, linked to its episode."""
    return _resource(
        "Encounter",
        f"encounter-{encounter.id}",
        status="finished",
        **{"class": {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"}},
        serviceType=_local_code(encounter.service_code, encounter.service_name),
        subject=_patient_ref(patient_id),
        episodeOfCare=[{"reference": f"EpisodeOfCare/{episode_id(encounter.episode_id)}"}],
        period={"start": _instant(encounter.starts_at), "end": _instant(encounter.ends_at)},
        length={"value": encounter.minutes, "unit": "min", "system": UCUM, "code": "min"},
    )


# -- Measures ---------------------------------------------------------------------------------------------


def _answer(kind: ItemKind, value: int | bool) -> dict[str, Any]:
    if kind is ItemKind.YES_NO:
        return {"valueBoolean": bool(value)}
    return {"valueInteger": int(value)}


def measure_resources(measure: MeasureData, *, patient_id: int) -> list[dict[str, Any]]:
    """A QuestionnaireResponse (answered items in item order; "in-progress" when an asked item is
    unanswered), and for a complete result with a total an Observation of the total (category survey,
    the LOINC code of the total where the instrument has one, else a text code) derived from it.
    An incomplete result gets no Observation: a missing item is never scored as 0."""
    instrument = get_instrument(measure.instrument)
    complete = not missing_items(instrument, measure.answers)
    items = []
    for position, item in enumerate(instrument.items):
        value = measure.answers[position] if position < len(measure.answers) else None
        if value is None:
            continue
        items.append(
            {"linkId": item.field, "text": item.text.get(measure.language), "answer": [_answer(item.kind, value)]}
        )
    response_id = f"measure-{measure.id}"
    response = _resource(
        "QuestionnaireResponse",
        response_id,
        status="completed" if complete else "in-progress",
        subject=_patient_ref(patient_id),
        authored=_instant(measure.administered_at),
        item=items,
    )
    if instrument.loinc_panel:
        response["questionnaire"] = f"{LOINC}/q/{instrument.loinc_panel}"
    if not complete or measure.total is None:
        return [response]
    display = f"{instrument.abbreviation} total score"
    if instrument.loinc_total:
        code = {"coding": [{"system": LOINC, "code": instrument.loinc_total, "display": display}], "text": display}
    else:
        code = {"text": display}
    observation = _resource(
        "Observation",
        f"measure-{measure.id}-total",
        status="final",
        category=[{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}],
        code=code,
        subject=_patient_ref(patient_id),
        effectiveDateTime=_instant(measure.administered_at),
        valueInteger=measure.total,
        derivedFrom=[{"reference": f"QuestionnaireResponse/{response_id}"}],
    )
    if measure.band_label:
        observation["interpretation"] = [{"text": measure.band_label}]
    return [response, observation]


# -- Treatment plan -------------------------------------------------------------------------------------


def _plan_status(plan: PlanData) -> tuple[str, str]:
    """(CarePlan.status, Goal.lifecycleStatus): active while the plan is; a closed plan is completed
    when its episode ended with treatment completed (TEDS 1), else revoked (goals cancelled)."""
    if plan.plan_status == "active":
        return "active", "active"
    if plan.episode_discharge_reason == TEDS_COMPLETED:
        return "completed", "completed"
    return "revoked", "cancelled"


def _problem_display(problem: dict[str, Any]) -> str:
    text = f"Problem {problem['number']}: {problem['text']}"
    return f"{text} ({problem['diagnosis']})" if problem.get("diagnosis") else text


def plan_resources(plan: PlanData, *, patient_id: int) -> list[dict[str, Any]]:
    """A CarePlan and its Goals from the signed snapshot of the plan's current revision: problems as
    ``addresses`` (display only), goals with their objectives as targets, prescribed services and
    interventions as activities."""
    status, goal_status = _plan_status(plan)
    snapshot = plan.snapshot
    goals: list[dict[str, Any]] = []
    activities: list[dict[str, Any]] = []
    detail_status = "in-progress" if status == "active" else ("completed" if status == "completed" else "stopped")
    for problem in snapshot.get("problems", []):
        for goal in problem.get("goals", []):
            goal_ref = {"reference": f"Goal/goal-{goal['id']}"}
            targets = [
                {
                    "measure": {"text": f"Objective {goal['number']}.{objective['number']}"},
                    "detailString": objective["text"],
                    "dueDate": objective["target_on"],
                }
                for objective in goal.get("objectives", [])
            ]
            resource = _resource(
                "Goal",
                f"goal-{goal['id']}",
                lifecycleStatus=goal_status,
                description={"text": goal["text"]},
                subject=_patient_ref(patient_id),
                addresses=[{"display": _problem_display(problem)}],
            )
            if targets:
                resource["target"] = targets
            goals.append(resource)
            for intervention in goal.get("interventions", []):
                description = intervention.get("description") or intervention["method_label"]
                activities.append(
                    {
                        "detail": {
                            "code": _local_code(intervention["method"], intervention["method_label"]),
                            "goal": [goal_ref],
                            "status": detail_status,
                            "description": f"{description} ({intervention['frequency']})",
                        }
                    }
                )
    for service in snapshot.get("services", []):
        activities.append(
            {
                "detail": {
                    "code": _local_code(service["service_type"], service["name"]),
                    "status": detail_status,
                    "description": (
                        f"{service['sessions_per_week']} session(s) a week, "
                        f"{service['minutes_per_session']} minutes each"
                    ),
                }
            }
        )
    care_plan = _resource(
        "CarePlan",
        f"careplan-{plan.id}",
        status=status,
        intent="plan",
        title=f"Treatment plan (signed revision {plan.revision})",
        subject=_patient_ref(patient_id),
        period={"start": plan.signed_on.isoformat()},
        created=_instant(plan.signed_at),
        addresses=[{"display": _problem_display(p)} for p in snapshot.get("problems", [])],
        goal=[{"reference": f"Goal/{g['id']}"} for g in goals],
    )
    care_plan["supportingInfo"] = [{"reference": f"EpisodeOfCare/{episode_id(plan.episode_id)}"}]
    if not care_plan["addresses"]:
        del care_plan["addresses"]
    if not care_plan["goal"]:
        del care_plan["goal"]
    if activities:
        care_plan["activity"] = activities
    return [care_plan, *goals]


# -- Risk flags -----------------------------------------------------------------------------------------


def flag_resource(flag: FlagData, *, patient_id: int) -> dict[str, Any]:
    """Flag: active until cleared; code = the kind; period = raised..cleared. The flag's note stays in
    Cadence (it is shown only inside Cadence)."""
    period = {"start": _instant(flag.raised_at)}
    if flag.cleared_at is not None:
        period["end"] = _instant(flag.cleared_at)
    return _resource(
        "Flag",
        f"flag-{flag.id}",
        status="active" if flag.cleared_at is None else "inactive",
        category=[
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/flag-category",
                        "code": "safety",
                        "display": "Safety",
                    }
                ]
            }
        ],
        code=_local_code(flag.kind, flag.kind_label),
        subject=_patient_ref(patient_id),
        period=period,
    )


# -- Bundle ---------------------------------------------------------------------------------------------


def record_resources(record: Record) -> list[dict[str, Any]]:
    """Every resource of the record, Patient first, then in the order of the mapping table."""
    pid = record.patient.id
    resources = [patient_resource(record.patient)]
    resources += [episode_resource(e, patient_id=pid) for e in record.episodes]
    resources += [encounter_resource(e, patient_id=pid) for e in record.encounters]
    for measure in record.measures:
        resources += measure_resources(measure, patient_id=pid)
    for plan in record.plans:
        resources += plan_resources(plan, patient_id=pid)
    resources += [flag_resource(f, patient_id=pid) for f in record.flags]
    resources += [consent_resource(consent, today=record.today) for consent in record.consents]
    return resources


def bundle(resources: Iterable[dict[str, Any]], *, base_url: str, at: dt.datetime) -> dict[str, Any]:
    """A ``collection`` Bundle of ``resources``, each entry with its absolute ``fullUrl`` under
    ``base_url`` (which ends with a slash), so relative references resolve inside the bundle."""
    return {
        "resourceType": "Bundle",
        "meta": _meta(),
        "type": "collection",
        "timestamp": _instant(at),
        "entry": [{"fullUrl": f"{base_url}{r['resourceType']}/{r['id']}", "resource": r} for r in resources],
    }


def resource_counts(resources: Iterable[dict[str, Any]]) -> dict[str, int]:
    """How many resources of each type (for the audit entry)."""
    return dict(sorted(Counter(r["resourceType"] for r in resources).items()))


def capability_statement(*, base_url: str, date: dt.date) -> dict[str, Any]:
    """The minimal CapabilityStatement: FHIR 4.0.1, JSON, one operation (Patient/$everything)."""
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": date.isoformat(),
        "publisher": "Cadence",
        "kind": "instance",
        "software": {"name": "Cadence"},
        "implementation": {"description": "Cadence: FHIR R4 export of a participant's record", "url": base_url},
        "fhirVersion": FHIR_VERSION,
        "format": ["application/fhir+json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Bearer token or session; every export is audited. Resources carry the 42 CFR Part 2 "
                    "security labels R, 42CFRPart2 and NORDSCLCD."
                ),
                "resource": [
                    {
                        "type": "Patient",
                        "operation": [{"name": "everything", "definition": EVERYTHING}],
                    }
                ],
            }
        ],
    }
