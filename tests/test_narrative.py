"""Strengths and weaknesses: hand-computed gaps against peer medians, polarity, neutral indicators,
small numbers, too few peers; then the real store (the smallest gmina, a gmina with missing data)."""
import math

import numpy as np
import pandas as pd
import pytest

from domain import narrative as N
from domain import peers as P
from domain.catalogue import indicator_from_dict
from domain.profile import profile_cards


def ind(id_, polarity, category="finance", small_base=None):
    raw = {"id": id_, "name_pl": id_, "name_en": id_, "unit_pl": "%", "unit_en": "%", "category": category,
           "definition_pl": "-", "definition_en": "-", "polarity": polarity,
           "aggregation": {"rule": "weighted_mean", "weight": "population_total"}, "profile": True}
    if small_base:
        raw["small_base"] = small_base
    return indicator_from_dict(raw)


PEERS = [f"P{i}" for i in range(8)]
PEER_VALUES = [10.0, 11, 12, 13, 14, 15, 16, 17]  # median 13.5, q1 11.75, q3 15.25 -> spread 3.5/1.349
SPREAD = 3.5 / 1.349


def level(columns: dict[str, list[float]], year=2019) -> pd.DataFrame:
    """Wide frame: index U + peers, one column per indicator (values for U first)."""
    data = {(k, year): v for k, v in columns.items()}
    return pd.DataFrame(data, index=["U"] + PEERS)


def cards(values: dict[str, float], small: dict[str, dict] | None = None, year=2019) -> pd.DataFrame:
    small = small or {}
    return pd.DataFrame([{"indicator": k, "year": year, "value": v, "source": "src", "method": "source",
                          "small_base": small.get(k)} for k, v in values.items()])


def test_a_count_is_never_a_strength_or_weakness_even_with_a_direction():
    """Issue 18: a summed count (e.g. a user's BDL import with a polarity) grows with the unit's
    size; it may differ from its peers ("notable") but is never judged."""
    raw = {"id": "cnt", "name_pl": "c", "name_en": "c", "unit_pl": "liczba", "unit_en": "number",
           "category": "safety", "definition_pl": "-", "definition_en": "-", "polarity": "lower_better",
           "aggregation": {"rule": "sum"}, "profile": True}
    inds = {"cnt": indicator_from_dict(raw)}
    assert inds["cnt"].is_count and not inds["cnt"].judged and inds["cnt"].judging_polarity == "neutral"
    s = N.summarise(cards({"cnt": 40.0}), inds, level({"cnt": [40.0] + PEER_VALUES}), PEERS, unit="U")
    assert s.strengths == () and s.weaknesses == ()
    assert [x.indicator for x in s.notable] == ["cnt"]


def test_spread_is_iqr_over_1349_then_sd():
    assert N.spread(PEER_VALUES) == pytest.approx(SPREAD)
    # IQR 0 -> population SD: values 5 ×7 and 9: mean 5.5, variance 1.75
    assert N.spread([5, 5, 5, 5, 5, 5, 5, 9]) == pytest.approx(math.sqrt(1.75))
    assert math.isnan(N.spread([5, 5, 5]))
    assert math.isnan(N.spread([5]))


def test_higher_better_far_above_the_median_is_a_strength_with_its_numbers():
    inds = {"hb": ind("hb", "higher_better")}
    s = N.summarise(cards({"hb": 20.0}), inds, level({"hb": [20.0] + PEER_VALUES}), PEERS, unit="U")
    assert len(s.strengths) == 1 and not s.weaknesses and not s.notable
    st = s.strengths[0]
    assert (st.indicator, st.value, st.peer_median, st.peer_n, st.rank, st.of) == ("hb", 20.0, 13.5, 8, 1, 9)
    assert st.gap == pytest.approx(6.5 / SPREAD) and st.direction == "above"
    assert s.assessed == 1 and s.peer_n == 8


def test_lower_better_above_the_median_is_a_weakness():
    inds = {"lb": ind("lb", "lower_better")}
    s = N.summarise(cards({"lb": 20.0}), inds, level({"lb": [20.0] + PEER_VALUES}), PEERS, unit="U")
    assert not s.strengths and [w.indicator for w in s.weaknesses] == ["lb"]
    assert (s.weaknesses[0].rank, s.weaknesses[0].of) == (9, 9)
    # and below the median it is a strength
    s = N.summarise(cards({"lb": 9.0}), inds, level({"lb": [9.0] + PEER_VALUES}), PEERS, unit="U")
    assert [x.indicator for x in s.strengths] == ["lb"] and s.strengths[0].rank == 1


def test_neutral_indicators_are_never_strengths_or_weaknesses():
    inds = {"nt": ind("nt", "neutral")}
    s = N.summarise(cards({"nt": 30.0}), inds, level({"nt": [30.0] + PEER_VALUES}), PEERS, unit="U")
    assert not s.strengths and not s.weaknesses
    assert [x.indicator for x in s.notable] == ["nt"] and s.notable[0].kind == "notable"


# gap = (value - 13.5) / 2.5945; a claim needs |gap| >= 0.5
@pytest.mark.parametrize("value,kind", [(14.0, None), (14.5, None), (15.0, "strength"), (16.0, "strength"),
                                        (13.0, None), (12.0, "weakness")])
def test_threshold_half_a_spread(value, kind):
    inds = {"hb": ind("hb", "higher_better")}
    s = N.summarise(cards({"hb": value}), inds, level({"hb": [value] + PEER_VALUES}), PEERS, unit="U")
    got = "strength" if s.strengths else "weakness" if s.weaknesses else None
    assert got == kind


def test_too_few_peers_or_no_spread_means_no_claim():
    inds = {"hb": ind("hb", "higher_better"), "flat": ind("flat", "higher_better")}
    lv = level({"hb": [20.0, 10, 11, 12, 13] + [np.nan] * 4, "flat": [9.0] + [5.0] * 8})
    s = N.summarise(cards({"hb": 20.0, "flat": 9.0}), inds, lv, PEERS, unit="U")
    assert not s.strengths and not s.weaknesses
    assert s.assessed == 1  # "flat" has 8 peers (no spread), "hb" only 4 with values


def test_small_base_claims_are_qualified_and_listed_after_reliable_ones():
    inds = {"a": ind("a", "higher_better", "finance", small_base={"indicator": "population_total", "below": 5000}),
            "b": ind("b", "higher_better", "safety")}
    sb = {"indicator": "population_total", "year": 2019, "value": 1157.0, "below": 5000.0}
    lv = level({"a": [40.0] + PEER_VALUES, "b": [18.0] + PEER_VALUES})
    s = N.summarise(cards({"a": 40.0, "b": 18.0}, small={"a": sb}), inds, lv, PEERS, unit="U")
    assert [x.indicator for x in s.strengths] == ["b", "a"]  # a is further above, but on a small base
    assert s.strengths[1].small_base == sb and s.strengths[0].small_base is None


def test_at_most_two_claims_per_theme_and_three_in_all():
    inds = {f"f{i}": ind(f"f{i}", "higher_better", "finance") for i in range(3)}
    inds |= {"s0": ind("s0", "higher_better", "safety"), "c0": ind("c0", "higher_better", "civic")}
    vals = {"f0": 30.0, "f1": 29.0, "f2": 28.0, "s0": 20.0, "c0": 19.0}
    lv = level({k: [v] + PEER_VALUES for k, v in vals.items()})
    s = N.summarise(cards(vals), inds, lv, PEERS, unit="U")
    assert [x.indicator for x in s.strengths] == ["f0", "f1", "s0"]


def test_the_unit_is_never_its_own_peer():
    inds = {"hb": ind("hb", "higher_better")}
    s = N.summarise(cards({"hb": 20.0}), inds, level({"hb": [20.0] + PEER_VALUES}), ["U"] + PEERS, unit="U")
    assert s.strengths[0].peer_n == 8 and s.peer_n == 8


# --------------------------------------------------------------------------------------------
# the real store
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def real(sqlite_store):
    inds = sqlite_store.indicators()
    units = sqlite_store.units("gmina")
    ids = sorted({i for i, x in inds.items() if x.profile} | set(P.DEFAULT_CONTEXT))
    v = sqlite_store.values(indicators=ids, level="gmina")
    wide = v.pivot(index="unit", columns=["indicator", "year"], values="value").reindex(units["code"].to_numpy())
    return inds, units, wide.sort_index(axis=1)


def _summary(sqlite_store, real, code):
    inds, units, wide = real
    g = P.typology_peers(units, wide["population_total"][2024], code)
    c = profile_cards(sqlite_store.unit_values(code), inds, wide, unit=code, peers=g.codes)
    return c, N.summarise(c, inds, wide, g.codes, unit=code)


def test_smallest_gmina_rates_carry_the_small_number_warning(sqlite_store, real):
    # Krynica Morska: 1,157 residents in 2024 (GUS) — rates per 1,000 rest on a tiny base
    c, s = _summary(sqlite_store, real, "2210011")
    births = c.set_index("indicator").loc["births_per_1000"]
    assert births["small_base"] == {"indicator": "population_total", "year": 2024, "value": 1157.0,
                                    "below": 5000.0}
    claims = s.strengths + s.weaknesses
    assert claims, "a seaside resort differs from small towns"
    inds = real[0]
    for st in claims:
        if inds[st.indicator].small_base and inds[st.indicator].small_base[0] == "population_total":
            assert st.small_base and st.small_base["value"] == 1157.0
    # reliable claims first within each list
    for group in (s.strengths, s.weaknesses):
        flags = [x.small_base is not None for x in group]
        assert flags == sorted(flags)
    # fire-service call-outs per 1,000 (tourists inflate them) is a weakness, but a qualified one
    fire = [x for x in s.weaknesses if x.indicator == "fire_service_incidents_per_1000"]
    assert fire and fire[0].small_base is not None
    assert all(inds[x.indicator].polarity != "neutral" for x in claims)


def test_gmina_with_missing_data_gets_only_what_exists(sqlite_store, real):
    # Szczawa, created 1 Jan 2025: no population yet, only the 2025 presidential turnout
    c, s = _summary(sqlite_store, real, "1207132")
    assert set(c["indicator"]) == {"turnout_president_r1", "turnout_president_r2"}
    assert {x.indicator for x in s.strengths + s.weaknesses + s.notable} <= set(c["indicator"])
    assert s.peer_n > 1000  # no size class without a population: all rural gminy
