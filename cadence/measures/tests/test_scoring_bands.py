"""Totals, bands at both sides of every cut, flags and caseness for the summed instruments."""

from __future__ import annotations

import pytest

from cadence.measures.instruments import INSTRUMENTS, MeasureSettings, ScoringError, score

from .test_scoring_support import answers_for_total

# Straight from DOMAIN.md §4: (total, band) pairs on both sides of each cut and at the range ends.
BAND_EDGES: dict[str, list[tuple[int, str]]] = {
    "phq9": [
        (0, "none_minimal"),
        (4, "none_minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
    "gad7": [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
    "phq2": [(0, "negative"), (2, "negative"), (3, "positive"), (6, "positive")],
    "gad2": [(0, "negative"), (2, "negative"), (3, "positive"), (6, "positive")],
    "audit": [
        (0, "zone_i"),
        (7, "zone_i"),
        (8, "zone_ii"),
        (15, "zone_ii"),
        (16, "zone_iii"),
        (19, "zone_iii"),
        (20, "zone_iv"),
        (40, "zone_iv"),
    ],
    "dast10": [
        (0, "none"),
        (1, "low"),
        (2, "low"),
        (3, "moderate"),
        (5, "moderate"),
        (6, "substantial"),
        (8, "substantial"),
        (9, "severe"),
        (10, "severe"),
    ],
    "pcl5": [(0, "below_cutoff"), (32, "below_cutoff"), (33, "provisional_ptsd"), (80, "provisional_ptsd")],
}

CASES = [(code, total, band) for code, edges in BAND_EDGES.items() for total, band in edges]


@pytest.mark.parametrize(("code", "total", "band"), CASES)
def test_total_lands_in_the_band_domain_md_gives(code: str, total: int, band: str) -> None:
    result = score(code, answers_for_total(code, total))
    assert result.total == total
    assert result.band_code == band


@pytest.mark.parametrize(
    ("sex", "total", "band"),
    [
        ("male", 0, "negative"),
        ("male", 3, "negative"),
        ("male", 4, "positive"),
        ("male", 12, "positive"),
        ("female", 0, "negative"),
        ("female", 2, "negative"),
        ("female", 3, "positive"),
        ("female", 12, "positive"),
    ],
)
def test_auditc_cut_depends_on_sex(sex: str, total: int, band: str) -> None:
    result = score("auditc", answers_for_total("auditc", total), sex=sex)
    assert result.total == total
    assert result.band_code == band
    assert result.has_flag("auditc_positive") is (band == "positive")


def test_auditc_three_points_is_positive_for_a_woman_but_not_a_man() -> None:
    answers = [1, 1, 1]
    assert score("auditc", answers, sex="female").band_code == "positive"
    assert score("auditc", answers, sex="male").band_code == "negative"


def test_pacs_has_a_total_but_no_bands() -> None:
    result = score("pacs", [6, 6, 6, 6, 6])
    assert result.total == 30
    assert result.band is None
    assert result.flags == ()
    assert score("pacs", [0, 0, 0, 0, 0]).total == 0


def test_phq9_item9_above_zero_flags_whatever_the_total() -> None:
    result = score("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert result.band_code == "none_minimal"
    assert result.flag_codes == ("phq9_item9",)
    assert result.flags[0].message.en == "Item 9 above 0: thoughts of self-harm — review safety now"
    assert result.flags[0].message.es


def test_phq9_without_item9_raises_no_flag_even_when_severe() -> None:
    result = score("phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0])
    assert result.band_code == "severe"
    assert result.flags == ()


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_phq9_item9_flag_for_every_nonzero_value(item9: int) -> None:
    assert score("phq9", [3, 3, 3, 3, 3, 3, 3, 3, item9]).has_flag("phq9_item9")


@pytest.mark.parametrize(("code", "flag"), [("phq2", "phq2_positive"), ("gad2", "gad2_positive")])
def test_two_item_screen_flags_positive_at_three_not_two(code: str, flag: str) -> None:
    assert score(code, [1, 2]).flag_codes == (flag,)
    assert score(code, [1, 1]).flag_codes == ()
    assert score(code, [0, 3]).has_flag(flag)


def test_pcl5_provisional_flag_at_cutoff_only() -> None:
    assert score("pcl5", answers_for_total("pcl5", 33)).flag_codes == ("pcl5_provisional_ptsd",)
    assert score("pcl5", answers_for_total("pcl5", 32)).flag_codes == ()


@pytest.mark.parametrize(("cutoff", "below", "at"), [(31, 30, 31), (32, 31, 32), (33, 32, 33), (40, 39, 40)])
def test_pcl5_cutoff_is_a_setting(cutoff: int, below: int, at: int) -> None:
    settings = MeasureSettings(pcl5_cutoff=cutoff)
    assert score("pcl5", answers_for_total("pcl5", below), settings=settings).band_code == "below_cutoff"
    result = score("pcl5", answers_for_total("pcl5", at), settings=settings)
    assert result.band_code == "provisional_ptsd"
    assert result.case is True
    assert result.band is not None and result.band.low == cutoff


def test_pcl5_default_cutoff_is_33() -> None:
    assert score("pcl5", answers_for_total("pcl5", 32)).case is False
    assert score("pcl5", answers_for_total("pcl5", 33)).case is True


@pytest.mark.parametrize("cutoff", [0, 81, -5, True, 33.0, "33"])
def test_pcl5_cutoff_setting_must_be_a_sensible_whole_number(cutoff: object) -> None:
    with pytest.raises(ValueError, match="pcl5_cutoff"):
        MeasureSettings(pcl5_cutoff=cutoff)  # type: ignore[arg-type]


def test_pcl5_clusters_sum_their_own_items() -> None:
    # Give each item its cluster's marker value so each cluster sum is unique.
    answers = [1] * 5 + [2] * 2 + [3] * 7 + [4] * 6
    result = score("pcl5", answers)
    assert result.subscales == {"b": 5, "c": 4, "d": 21, "e": 24}
    assert result.total == 54


@pytest.mark.parametrize(
    ("item", "cluster"),
    [(n, "b") for n in range(1, 6)]
    + [(n, "c") for n in (6, 7)]
    + [(n, "d") for n in range(8, 15)]
    + [(n, "e") for n in range(15, 21)],
)
def test_each_pcl5_item_belongs_to_its_dsm5_cluster(item: int, cluster: str) -> None:
    answers = [0] * 20
    answers[item - 1] = 4
    result = score("pcl5", answers)
    assert result.subscales == {c: (4 if c == cluster else 0) for c in "bcde"}


@pytest.mark.parametrize(("total", "case"), [(0, False), (9, False), (10, True), (27, True)])
def test_phq9_caseness_is_above_nine(total: int, case: bool) -> None:
    assert score("phq9", answers_for_total("phq9", total)).case is case


@pytest.mark.parametrize(("total", "case"), [(0, False), (7, False), (8, True), (21, True)])
def test_gad7_caseness_is_above_seven(total: int, case: bool) -> None:
    assert score("gad7", answers_for_total("gad7", total)).case is case


@pytest.mark.parametrize("code", ["phq2", "gad2", "audit", "dast10", "pacs"])
def test_instruments_without_a_caseness_cut_report_none(code: str) -> None:
    assert score(code, answers_for_total(code, 0)).case is None


def test_dast10_item3_is_reverse_scored() -> None:
    all_no = [False] * 10
    result = score("dast10", all_no)
    assert result.total == 1  # "no" to "always able to stop" scores a point
    assert result.band_code == "low"
    all_yes = [True] * 10
    assert score("dast10", all_yes).total == 9
    yes_but_cannot_stop = [True, True, False, True, True, True, True, True, True, True]
    assert score("dast10", yes_but_cannot_stop).total == 10
    only_able_to_stop = [False, False, True, False, False, False, False, False, False, False]
    assert score("dast10", only_able_to_stop).band_code == "none"


@pytest.mark.parametrize("value", [0, 2, 4])
@pytest.mark.parametrize("index", [8, 9])
def test_audit_items_9_and_10_accept_0_2_4(index: int, value: int) -> None:
    answers = [0] * 10
    answers[index] = value
    assert score("audit", answers).total == value


@pytest.mark.parametrize("value", [1, 3, 5, -1])
@pytest.mark.parametrize("index", [8, 9])
def test_audit_items_9_and_10_reject_other_values(index: int, value: int) -> None:
    answers = [0] * 10
    answers[index] = value
    with pytest.raises(ScoringError) as caught:
        score("audit", answers)
    assert caught.value.index == index
    assert "allowed: 0, 2, 4" in caught.value.reason


@pytest.mark.parametrize("value", [0, 1, 2, 3, 4])
def test_audit_items_1_to_8_take_0_to_4(value: int) -> None:
    assert score("audit", [value] * 8 + [0, 0]).total == 8 * value


def test_every_band_has_english_and_spanish_labels() -> None:
    settings = MeasureSettings()
    for instrument in INSTRUMENTS.values():
        for band in instrument.bands_for(settings):
            assert band.label.en and band.label.es


def test_result_to_dict_is_plain_data_in_the_chosen_language() -> None:
    result = score("phq9", [3, 3, 3, 3, 3, 3, 3, 3, 3])
    data = result.to_dict("es")
    assert data["total"] == 27
    assert data["band"] == {"code": "severe", "label": "Grave"}
    assert data["flags"][0]["code"] == "phq9_item9"
    assert data["flags"][0]["message"].startswith("Ítem 9")
    assert result.band_label() == "Severe"
