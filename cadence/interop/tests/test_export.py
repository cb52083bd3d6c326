"""The Bundle built from a hand-built participant: every resource type, references that resolve inside
the bundle, the Part 2 labels, LOINC codes, incomplete results, signed plan content only, the query-count
guard, and validation against the FHIR R4 models of ``fhir.resources``."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B.bundle import Bundle

from cadence.audit.models import AuditAction, AuditEntry
from cadence.interop.actions import export_record
from cadence.testing.personas import NOW, World

from .helpers import DRAFT_GOAL, build_chart, incomplete_phq9

pytestmark = pytest.mark.django_db
BASE = "https://cadence.example.org/api/v1/fhir/"
LABELS = {
    ("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R"),
    ("http://terminology.hl7.org/CodeSystem/v3-ActCode", "42CFRPart2"),
    ("http://terminology.hl7.org/CodeSystem/v3-ActCode", "NORDSCLCD"),
}


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _export(world: World, **chart: Any) -> tuple[Any, dict[str, Any]]:
    built = build_chart(world, **chart)
    return built, export_record(
        participant=built.participant, by=world.clinician_a, at=NOW, base_url=BASE, channel="api"
    )


def _resources(bundle: dict[str, Any], kind: str | None = None) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if kind is None or e["resource"]["resourceType"] == kind]


def _references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for value in node:
            yield from _references(value)


def test_every_resource_type_is_exported(world: World) -> None:
    _chart, bundle = _export(world)
    kinds = {r["resourceType"] for r in _resources(bundle)}
    assert kinds == {
        "Patient",
        "EpisodeOfCare",
        "Encounter",
        "QuestionnaireResponse",
        "Observation",
        "CarePlan",
        "Goal",
        "Flag",
        "Consent",
    }
    assert bundle["type"] == "collection" and bundle["timestamp"] == NOW.isoformat()


def test_every_reference_resolves_inside_the_bundle(world: World) -> None:
    _chart, bundle = _export(world)
    full_urls = {e["fullUrl"] for e in bundle["entry"]}
    assert len(full_urls) == len(bundle["entry"])  # ids are unique
    for entry in bundle["entry"]:
        assert entry["fullUrl"] == f"{BASE}{entry['resource']['resourceType']}/{entry['resource']['id']}"
    references = list(_references(bundle))
    assert len(references) > 10
    unresolved = [ref for ref in references if f"{BASE}{ref}" not in full_urls]
    assert unresolved == []


def test_every_resource_carries_the_part2_labels(world: World) -> None:
    _chart, bundle = _export(world)
    for resource in [bundle, *_resources(bundle)]:
        labels = {(c["system"], c["code"]) for c in resource["meta"]["security"]}
        assert labels == LABELS, resource["resourceType"]


def test_the_bundle_validates_as_fhir(world: World) -> None:
    _chart, bundle = _export(world)
    parsed = Bundle.model_validate(json.loads(json.dumps(bundle)))
    assert parsed.entry is not None and len(parsed.entry) == len(bundle["entry"])


def test_patient_and_episodes(world: World) -> None:
    chart, bundle = _export(world)
    (patient,) = _resources(bundle, "Patient")
    assert patient["id"] == str(chart.participant.pk)
    assert patient["identifier"][0]["value"] == chart.participant.record_number
    assert patient["name"][0] == {"use": "official", "family": "Rivera", "given": ["Jordan"]}
    assert patient["name"][1]["given"] == ["Jo"] and patient["birthDate"] == "1990-05-17"
    assert patient["extension"][0]["valueCode"] == "F"
    assert patient["communication"][0]["language"]["coding"][0]["code"] == "es"
    episodes = {e["id"]: e for e in _resources(bundle, "EpisodeOfCare")}
    old, current = episodes[f"episode-{chart.old_episode.pk}"], episodes[f"episode-{chart.episode.pk}"]
    assert old["status"] == "finished" and old["period"] == {"start": "2025-01-13", "end": "2025-03-28"}
    assert [h["status"] for h in old["statusHistory"]] == ["planned", "active", "finished"]
    assert old["statusHistory"][1]["period"] == {"start": "2025-01-13", "end": "2025-03-28"}
    assert current["status"] == "active" and current["period"] == {"start": "2026-10-05"}
    assert current["type"][0]["coding"][0]["code"] == chart.episode.level_of_care.code
    assert current["managingOrganization"]["display"] == chart.participant.organization.name


def test_only_attended_sessions_become_encounters(world: World) -> None:
    chart, bundle = _export(world, sessions=3)
    encounters = _resources(bundle, "Encounter")
    assert len(encounters) == 3
    first = encounters[0]
    assert first["class"]["code"] == "AMB" and first["status"] == "finished"
    assert first["episodeOfCare"] == [{"reference": f"EpisodeOfCare/episode-{chart.episode.pk}"}]
    assert first["period"] == {"start": "2026-11-02T14:00:00+00:00", "end": "2026-11-02T17:00:00+00:00"}
    assert first["serviceType"]["text"] == "Process group" and first["length"]["value"] == 170


def test_measure_totals_carry_their_loinc_code_or_a_text_code(world: World) -> None:
    _chart, bundle = _export(world)
    observations = _resources(bundle, "Observation")
    codes = {o["code"]["text"]: o["code"].get("coding", [{}])[0].get("code") for o in observations}
    assert codes == {"PHQ-9 total score": "44261-6", "GAD-7 total score": "70274-6", "PACS total score": None}
    gad7 = next(o for o in observations if o["code"]["text"].startswith("GAD-7"))
    assert gad7["valueInteger"] == 11 and gad7["category"][0]["coding"][0]["code"] == "survey"
    assert gad7["effectiveDateTime"] == "2026-10-06T15:00:00+00:00"
    response_ids = {r["id"] for r in _resources(bundle, "QuestionnaireResponse")}
    for observation in observations:
        (source,) = observation["derivedFrom"]
        assert source["reference"].removeprefix("QuestionnaireResponse/") in response_ids


def test_incomplete_result_has_a_response_in_progress_and_no_observation(world: World) -> None:
    chart, bundle = _export(world)
    response_id = f"measure-{chart.incomplete.pk}"
    response = next(r for r in _resources(bundle, "QuestionnaireResponse") if r["id"] == response_id)
    assert response["status"] == "in-progress"
    assert [i["linkId"] for i in response["item"]] == [
        "phq9_1",
        "phq9_2",
        "phq9_3",
        "phq9_5",
        "phq9_6",
        "phq9_7",
        "phq9_8",
        "phq9_9",
    ]
    derived = [ref for o in _resources(bundle, "Observation") for ref in _references(o["derivedFrom"])]
    assert f"QuestionnaireResponse/{response_id}" not in derived
    complete = [r for r in _resources(bundle, "QuestionnaireResponse") if r["id"] != response_id]
    assert {r["status"] for r in complete} == {"completed"}


def test_care_plan_comes_from_the_signed_snapshot_never_the_draft(world: World) -> None:
    chart, bundle = _export(world)
    assert DRAFT_GOAL not in json.dumps(bundle) and "Draft objective" not in json.dumps(bundle)
    (care_plan,) = _resources(bundle, "CarePlan")
    assert care_plan["id"] == f"careplan-{chart.plan.pk}" and care_plan["status"] == "active"
    assert care_plan["title"] == "Treatment plan (signed revision 1)"
    (goal,) = _resources(bundle, "Goal")
    assert care_plan["goal"] == [{"reference": f"Goal/{goal['id']}"}]
    assert goal["description"]["text"] == "I want to stay sober for my kids" and goal["lifecycleStatus"] == "active"
    assert goal["target"][0]["dueDate"] == "2026-12-15"
    descriptions = [a["detail"]["description"] for a in care_plan["activity"]]
    assert "3 session(s) a week, 90 minutes each" in descriptions


def test_a_plan_never_signed_is_not_exported(world: World) -> None:
    from cadence.plans import actions as plans

    chart, _bundle = _export(world)
    other = world.episode(participant=chart.participant, program=world.php_a, track=world.php_day_a)
    plans.create_plan(episode=other, by=world.clinician_a, at=NOW)
    bundle = export_record(participant=chart.participant, by=world.clinician_a, at=NOW, base_url=BASE, channel="api")
    assert len(_resources(bundle, "CarePlan")) == 1


def test_flags_and_consents(world: World) -> None:
    chart, bundle = _export(world)
    flags = {f["code"]["coding"][0]["code"]: f for f in _resources(bundle, "Flag")}
    assert flags["overdose_risk"]["status"] == "active" and "end" not in flags["overdose_risk"]["period"]
    assert flags["relapse"]["status"] == "inactive" and flags["relapse"]["period"]["end"] == "2026-11-22T15:00:00+00:00"
    assert "Internal note" not in json.dumps(bundle)
    (consent,) = _resources(bundle, "Consent")
    assert consent["status"] == "active" and consent["patient"] == {"reference": f"Patient/{chart.participant.pk}"}


def test_the_export_is_audited_with_its_resource_counts(world: World) -> None:
    chart, _bundle = _export(world)
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).get()
    assert entry.actor == world.clinician_a and entry.participant_id == chart.participant.pk
    assert entry.changes["resources"] == {
        "CarePlan": 1,
        "Consent": 1,
        "Encounter": 2,
        "EpisodeOfCare": 2,
        "Flag": 2,
        "Goal": 1,
        "Observation": 3,
        "Patient": 1,
        "QuestionnaireResponse": 4,
    }


def _count_queries(world: World, **chart: Any) -> int:
    built = build_chart(world, **chart)
    with CaptureQueriesContext(connection) as queries:
        export_record(participant=built.participant, by=world.clinician_a, at=NOW, base_url=BASE, channel="api")
    return len(queries)


def test_query_count_does_not_grow_with_sessions_and_results(world: World) -> None:
    few = _count_queries(world, sessions=1, results=1)
    many = _count_queries(world, sessions=6, results=5)
    assert few == many == 15


def test_only_what_the_user_may_see_leaves_and_never_an_unsigned_consent(world: World) -> None:
    from cadence.consents.tests.helpers import consent
    from cadence.plans import actions as plans

    chart = build_chart(world)
    # An episode in site B's program, with a signed plan and a result recorded against it.
    other = world.episode(
        participant=chart.participant, program=world.iop_b, track=world.morning_b, primary_clinician=world.clinician_b
    )
    by, at = world.clinician_b, NOW - dt.timedelta(days=3)
    plan = plans.create_plan(episode=other, by=by, at=at)
    problem = plans.add_problem(plan=plan, text="SITE B problem", asam_dimension="5", by=by, at=at)
    goal = plans.add_goal(problem=problem, text="Site B goal", by=by, at=at)
    plans.add_objective(goal=goal, text="Attend 3 groups a week", target_on=dt.date(2026, 12, 15), by=by, at=at)
    plans.sign_as_clinician(plan=plan, by=by, at=at)
    result = incomplete_phq9(chart.participant, other, by)
    consent(world, chart.participant, "specific", signed_on=None, recipients="Dr Unsigned Draft Recipient")

    bundle = export_record(participant=chart.participant, by=world.clinician_a, at=NOW, base_url=BASE, channel="api")
    text = json.dumps(bundle)
    ids = {r["id"] for r in _resources(bundle)}
    assert f"episode-{other.pk}" not in ids and f"careplan-{plan.pk}" not in ids and f"measure-{result.pk}" not in ids
    assert "SITE B" not in text and "Site B goal" not in text
    assert "Dr Unsigned Draft Recipient" not in text
    assert [c["status"] for c in _resources(bundle, "Consent")] == ["active"]
    # Site B's clinician sees that episode and its plan (and not site A's).
    theirs = export_record(participant=chart.participant, by=by, at=NOW, base_url=BASE, channel="api")
    theirs_ids = {r["id"] for r in _resources(theirs)}
    assert f"careplan-{plan.pk}" in theirs_ids and f"episode-{chart.episode.pk}" not in theirs_ids


def test_the_patient_carries_the_part2_notice_in_words(world: World) -> None:
    _chart, bundle = _export(world)
    (patient,) = _resources(bundle, "Patient")
    assert "42 CFR part 2 prohibits unauthorized use or disclosure of these records." in patient["text"]["div"]


def test_the_time_zone_of_instants_is_utc(world: World) -> None:
    _chart, bundle = _export(world)
    for response in _resources(bundle, "QuestionnaireResponse"):
        assert dt.datetime.fromisoformat(response["authored"]).utcoffset() == dt.timedelta(0)
