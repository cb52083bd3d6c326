"""The registry, the definitions themselves, and describe() for the API."""

from __future__ import annotations

import json

import pytest

from cadence.measures.instruments import (
    INSTRUMENTS,
    Band,
    ItemKind,
    MeasureError,
    MeasureSettings,
    UnknownInstrumentError,
    describe,
    get_instrument,
)

CODES = ["phq9", "gad7", "phq2", "gad2", "cssrs", "bam", "audit", "auditc", "dast10", "pcl5", "pacs"]

ITEM_COUNTS = {
    "phq9": 9,
    "gad7": 7,
    "phq2": 2,
    "gad2": 2,
    "cssrs": 7,  # q1-q5, q6 lifetime, q6 past 3 months
    "bam": 23,  # 17 items with item 7 split into 7A-7G
    "audit": 10,
    "auditc": 3,
    "dast10": 10,
    "pcl5": 20,
    "pacs": 5,
}

TOTAL_RANGES = {
    "phq9": (0, 27),
    "gad7": (0, 21),
    "phq2": (0, 6),
    "gad2": (0, 6),
    "cssrs": None,
    "bam": None,
    "audit": (0, 40),
    "auditc": (0, 12),
    "dast10": (0, 10),
    "pcl5": (0, 80),
    "pacs": (0, 30),
}

LOINC = {
    "phq9": ("44261-6", "44249-1"),
    "gad7": ("70274-6", "69737-5"),
    "phq2": ("55758-7", None),
    "audit": ("75624-7", None),
    "auditc": ("75626-2", None),
    "dast10": ("82667-7", None),
}


def test_registry_holds_exactly_the_eleven_instruments() -> None:
    assert list(INSTRUMENTS) == CODES
    for code in CODES:
        assert get_instrument(code).code == code


def test_registry_cannot_be_changed_by_callers() -> None:
    with pytest.raises(TypeError):
        INSTRUMENTS["x"] = INSTRUMENTS["phq9"]  # type: ignore[index]


@pytest.mark.parametrize("code", CODES)
def test_item_counts(code: str) -> None:
    assert len(get_instrument(code).items) == ITEM_COUNTS[code]


@pytest.mark.parametrize("code", CODES)
def test_total_ranges(code: str) -> None:
    assert get_instrument(code).total_range == TOTAL_RANGES[code]


@pytest.mark.parametrize("code", CODES)
def test_loinc_codes_where_domain_md_gives_them(code: str) -> None:
    instrument = get_instrument(code)
    assert (instrument.loinc_total, instrument.loinc_panel) == LOINC.get(code, (None, None))


@pytest.mark.parametrize("code", CODES)
def test_every_text_exists_in_english_and_spanish(code: str) -> None:
    instrument = get_instrument(code)
    for text in (instrument.name, instrument.recall_period, instrument.instructions):
        assert text.en.strip() and text.es.strip()
    for item in instrument.items:
        assert item.text.en.strip() and item.text.es.strip()
        assert item.text.en != item.text.es
        for option in item.options:
            assert option.label.en.strip() and option.label.es.strip()


@pytest.mark.parametrize("code", CODES)
def test_every_instrument_has_a_version_and_recall_period(code: str) -> None:
    instrument = get_instrument(code)
    assert instrument.version
    assert instrument.recall_duration.startswith("P")


@pytest.mark.parametrize(
    ("code", "values"),
    [
        ("phq9", (0, 1, 2, 3)),
        ("gad7", (0, 1, 2, 3)),
        ("phq2", (0, 1, 2, 3)),
        ("gad2", (0, 1, 2, 3)),
        ("pcl5", (0, 1, 2, 3, 4)),
        ("pacs", (0, 1, 2, 3, 4, 5, 6)),
        ("auditc", (0, 1, 2, 3, 4)),
        ("dast10", (True, False)),
        ("cssrs", (True, False)),
    ],
)
def test_answer_values_per_instrument(code: str, values: tuple[object, ...]) -> None:
    for item in get_instrument(code).items:
        assert item.allowed_values == values


def test_audit_values_items_1_to_8_then_9_and_10() -> None:
    items = get_instrument("audit").items
    assert all(item.allowed_values == (0, 1, 2, 3, 4) for item in items[:8])
    assert items[8].allowed_values == (0, 2, 4)
    assert items[9].allowed_values == (0, 2, 4)


def test_bam_values() -> None:
    for item in get_instrument("bam").items:
        if item.field == "bam_14":
            assert item.kind is ItemKind.YES_NO
        else:
            assert item.allowed_values == (0, 1, 2, 3, 4)


def test_two_item_screens_reuse_the_first_two_items_wording() -> None:
    for short, full in (("phq2", "phq9"), ("gad2", "gad7"), ("auditc", "audit")):
        n = len(get_instrument(short).items)
        assert [i.text for i in get_instrument(short).items] == [i.text for i in get_instrument(full).items[:n]]


def test_phq9_and_gad7_use_the_standard_wording() -> None:
    assert get_instrument("phq9").items[8].text.en == (
        "Thoughts that you would be better off dead or of hurting yourself in some way"
    )
    assert get_instrument("gad7").items[0].text.en == "Feeling nervous, anxious, or on edge"


def _covers(bands: list[Band], low: int, high: int) -> bool:
    covered: list[int] = []
    for band in bands:
        assert band.low is not None and band.high is not None
        covered.extend(range(band.low, band.high + 1))
    covered.sort()
    return covered == list(range(low, high + 1))


@pytest.mark.parametrize("code", [c for c in CODES if TOTAL_RANGES[c] is not None and c != "pacs"])
def test_bands_cover_the_whole_range_without_gaps_or_overlaps(code: str) -> None:
    instrument = get_instrument(code)
    low, high = TOTAL_RANGES[code]  # type: ignore[misc]
    bands = instrument.bands_for(MeasureSettings())
    for sex in {band.sex for band in bands}:
        assert _covers([b for b in bands if b.sex == sex], low, high)


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("language", ["en", "es"])
def test_describe_is_json_ready(code: str, language: str) -> None:
    data = describe(code, language)
    assert json.loads(json.dumps(data)) == data
    assert data["code"] == code
    assert data["language"] == language
    assert data["answer_count"] == ITEM_COUNTS[code] == len(data["items"])
    assert [item["index"] for item in data["items"]] == list(range(ITEM_COUNTS[code]))


def test_describe_phq9_in_spanish() -> None:
    data = describe(get_instrument("phq9"), "es")
    assert data["items"][0]["text"] == "Poco interés o placer en hacer las cosas"
    assert data["items"][0]["options"][3] == {"value": 3, "label": "Casi todos los días", "points": 3}
    assert data["bands"][0] == {"code": "none_minimal", "label": "Ninguna o mínima", "min": 0, "max": 4, "sex": None}
    assert data["flags"][0]["code"] == "phq9_item9"
    assert data["flags"][0]["when"] == {"field": "phq9_9", "above": 0}
    assert data["loinc"] == {"total": "44261-6", "panel": "44249-1"}
    assert data["caseness"] == {"at_or_above": 10}
    assert data["recall_period"] == "Durante las últimas 2 semanas"


def test_describe_accepts_regional_language_tags() -> None:
    assert describe("gad7", "es-MX")["language"] == "es"
    assert describe("gad7", "en_US")["language"] == "en"


def test_describe_cssrs_shows_the_skip_logic() -> None:
    items = describe("cssrs")["items"]
    assert [i["asked_when"] for i in items] == [
        None,
        None,
        {"field": "cssrs_2", "values": [True]},
        {"field": "cssrs_2", "values": [True]},
        {"field": "cssrs_2", "values": [True]},
        None,
        {"field": "cssrs_6_lifetime", "values": [True]},
    ]
    assert [b["code"] for b in describe("cssrs")["bands"]] == ["none", "low", "moderate", "high"]


def test_describe_bam_shows_subscales_and_sub_item_condition() -> None:
    data = describe("bam")
    assert [s["code"] for s in data["subscales"]] == ["use", "risk", "protective"]
    assert data["subscales"][2]["higher_is_better"] is True
    assert data["subscales"][2]["concern_at_or_below"] == 12
    assert data["items"][6]["asked_when"] == {"field": "bam_6", "values": [1, 2, 3, 4]}
    assert data["items"][6]["empty_values"] == [0]
    assert data["total"] is None


def test_describe_pcl5_bands_follow_the_cutoff_setting() -> None:
    bands = describe("pcl5", settings=MeasureSettings(pcl5_cutoff=31))["bands"]
    assert [(b["code"], b["min"], b["max"]) for b in bands] == [
        ("below_cutoff", 0, 30),
        ("provisional_ptsd", 31, 80),
    ]
    assert describe("pcl5", settings=MeasureSettings(pcl5_cutoff=31))["caseness"] == {"at_or_above": 31}


def test_describe_auditc_lists_bands_per_sex() -> None:
    bands = describe("auditc")["bands"]
    assert {(b["sex"], b["code"], b["min"]) for b in bands} == {
        ("male", "negative", 0),
        ("male", "positive", 4),
        ("female", "negative", 0),
        ("female", "positive", 3),
    }
    assert describe("auditc")["requires_sex"] is True


@pytest.mark.parametrize("language", ["fr", "", "xx-ES"])
def test_describe_rejects_unsupported_languages(language: str) -> None:
    with pytest.raises(MeasureError, match="unsupported language"):
        describe("phq9", language)


def test_describe_rejects_unknown_codes() -> None:
    with pytest.raises(UnknownInstrumentError):
        describe("phq10")


def test_describe_rejects_other_objects() -> None:
    with pytest.raises(MeasureError):
        describe(42)  # type: ignore[arg-type]
