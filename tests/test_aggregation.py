"""Aggregation rules on small hand-computed cases (the ingest and functional areas use the same code)."""
import math

import numpy as np
import pandas as pd
import pytest

from domain.aggregation import PARTIAL, WITHHELD, NEAREST_DENOMINATOR, aggregate, derive, members_existing
from domain.catalogue import Aggregation, Derivation, Indicator


def ind(id_, rule, **kw):
    agg_kw = {k: kw.pop(k) for k in list(kw) if k in ("numerator", "denominator", "weight", "base", "scale",
                                                     "denominator_year", "fallback", "reason_pl", "reason_en")}
    return Indicator(id=id_, name_pl=id_, name_en=id_, unit_pl="", unit_en="", category="demography",
                     definition_pl="", definition_en="", polarity="neutral", decimals=1,
                     levels=("gmina", "powiat"), aggregation=Aggregation(rule=rule, **agg_kw), **kw)


def vals(rows):
    return pd.DataFrame(rows, columns=["unit", "indicator", "year", "value"]).assign(source="s1")


MEMBERS = pd.DataFrame({"group": ["G"] * 3, "member": ["a", "b", "c"], "valid_from": [np.nan] * 3,
                        "valid_to": [np.nan] * 3})


def one(res, year=2019):
    r = res.loc[res["year"] == year]
    assert len(r) == 1
    return r.iloc[0]


def test_sum_full_coverage():
    v = vals([("a", "pop", 2019, 100), ("b", "pop", 2019, 200), ("c", "pop", 2019, 300)])
    r = one(aggregate(v, MEMBERS, [ind("pop", "sum")]))
    assert r["value"] == 600 and (r["n"], r["of"]) == (3, 3) and r["flag"] == "" and r["method"] == "aggregated"


def test_sum_missing_member_is_not_zero_and_is_withheld_below_threshold():
    v = vals([("a", "pop", 2019, 100), ("b", "pop", 2019, 200), ("c", "pop", 2019, np.nan)])
    r = one(aggregate(v, MEMBERS, [ind("pop", "sum")]))  # 2 of 3 < 90 %
    assert math.isnan(r["value"]) and (r["n"], r["of"]) == (2, 3) and WITHHELD in r["flag"]


def test_sum_partial_above_threshold_is_flagged():
    v = vals([("a", "pop", 2019, 100), ("b", "pop", 2019, 200)])
    r = one(aggregate(v, MEMBERS, [ind("pop", "sum", min_coverage=0.6)]))
    assert r["value"] == 300 and PARTIAL in r["flag"] and (r["n"], r["of"]) == (2, 3)


def test_ratio_is_ratio_of_sums_not_mean_of_ratios():
    # turnout: a 50/100, b 90/100, c 10/800 -> (50+90+10)/(1000) = 15 %, mean of ratios would be 48.75 %
    v = vals([("a", "ballots", 2019, 50), ("a", "eligible", 2019, 100),
              ("b", "ballots", 2019, 90), ("b", "eligible", 2019, 100),
              ("c", "ballots", 2019, 10), ("c", "eligible", 2019, 800)])
    r = one(aggregate(v, MEMBERS, [ind("turnout", "ratio", numerator="ballots", denominator="eligible", scale=100)]))
    assert r["value"] == pytest.approx(15.0)


def test_ratio_uses_only_members_with_both_parts():
    v = vals([("a", "num", 2019, 10), ("a", "den", 2019, 100), ("b", "num", 2019, 30), ("b", "den", 2019, 100),
              ("c", "den", 2019, 100)])
    r = one(aggregate(v, MEMBERS, [ind("rate", "ratio", numerator="num", denominator="den", scale=1000,
                                        min_coverage=0.5)]))
    assert r["value"] == pytest.approx(200.0) and (r["n"], r["of"]) == (2, 3)


def test_weighted_mean_by_population():
    v = vals([("a", "water", 2019, 100.0), ("a", "pop", 2019, 1000), ("b", "water", 2019, 50.0),
              ("b", "pop", 2019, 3000), ("c", "water", 2019, 0.0), ("c", "pop", 2019, 1000)])
    r = one(aggregate(v, MEMBERS, [ind("water", "weighted_mean", weight="pop")]))
    assert r["value"] == pytest.approx((100 * 1000 + 50 * 3000) / 5000)


def test_odds_feminisation_recovers_women_and_men():
    # a: 1000 people, 150 women per 100 men -> 600 W, 400 M; b: 1000 people, 100 -> 500/500
    v = vals([("a", "fem", 2019, 150), ("a", "pop", 2019, 1000), ("b", "fem", 2019, 100), ("b", "pop", 2019, 1000),
              ("c", "fem", 2019, 100), ("c", "pop", 2019, 0)])
    r = one(aggregate(v, MEMBERS, [ind("fem", "odds", base="pop", scale=100)]))
    assert r["value"] == pytest.approx(1100 / 900 * 100)


def test_none_rule_gives_nothing():
    v = vals([("a", "x", 2019, 1), ("b", "x", 2019, 2), ("c", "x", 2019, 3)])
    assert aggregate(v, MEMBERS, [ind("x", "none", reason_pl="r", reason_en="r")]).empty


def test_fallback_used_only_where_primary_has_no_inputs():
    v = vals([("a", "mig", 2019, 2.0), ("a", "pop", 2019, 1000), ("b", "mig", 2019, -1.0), ("b", "pop", 2019, 3000),
              ("c", "mig", 2019, 0.0), ("c", "pop", 2019, 1000),
              ("a", "net", 2024, 5), ("a", "pop", 2024, 1000), ("b", "net", 2024, -10), ("b", "pop", 2024, 3000),
              ("c", "net", 2024, 0), ("c", "pop", 2024, 1000)])
    i = ind("mig", "ratio", numerator="net", denominator="pop", scale=1000,
            fallback=Aggregation(rule="weighted_mean", weight="pop"))
    res = aggregate(v, MEMBERS, [i])
    r19, r24 = one(res, 2019), one(res, 2024)
    assert r19["rule"] == "weighted_mean" and r19["value"] == pytest.approx((2 * 1000 - 3000) / 5000)
    assert r24["rule"] == "ratio" and r24["value"] == pytest.approx(-5 / 5000 * 1000)


def test_nearest_denominator_year_is_flagged():
    v = vals([("a", "pop", 2018, 100), ("a", "area", 2019, 10), ("b", "pop", 2018, 300), ("b", "area", 2019, 30),
              ("c", "pop", 2018, 0), ("c", "area", 2019, 60)])
    i = ind("dens", "ratio", numerator="pop", denominator="area", scale=1, denominator_year="nearest")
    r = one(aggregate(v, MEMBERS, [i]), 2018)
    assert r["value"] == pytest.approx(400 / 100) and NEAREST_DENOMINATOR in r["flag"]


def test_members_existing_respects_validity():
    m = pd.DataFrame({"group": ["G", "G", "G"], "member": ["a", "new", "old"],
                      "valid_from": [np.nan, 2025, np.nan], "valid_to": [np.nan, np.nan, 2018]})
    ex = members_existing(m, [2018, 2019, 2025]).set_index("year")["of"].to_dict()
    assert ex == {2018: 2, 2019: 1, 2025: 2}


def test_coverage_denominator_ignores_members_not_yet_created():
    m = pd.DataFrame({"group": ["G", "G"], "member": ["a", "new"], "valid_from": [np.nan, 2025],
                      "valid_to": [np.nan, np.nan]})
    v = vals([("a", "pop", 2024, 100)])
    r = one(aggregate(v, m, [ind("pop", "sum")]), 2024)
    assert r["value"] == 100 and (r["n"], r["of"]) == (1, 1) and r["flag"] == ""


def test_derive_sum_and_ratio_only_where_missing():
    v = vals([("a", "p1", 2019, 1), ("a", "p2", 2019, 2), ("a", "tot", 2019, 99),
              ("b", "p1", 2019, 5), ("b", "p2", 2019, 6)])
    i = ind("tot", "sum", derive=Derivation(op="sum", of=("p1", "p2")))
    d = derive(v, i)
    assert d[["unit", "value"]].values.tolist() == [["b", 11.0]]  # a keeps its source value
    r = ind("share", "ratio", numerator="p1", denominator="p2", scale=100,
            derive=Derivation(op="ratio", numerator="p1", denominator="p2", scale=100))
    d2 = derive(v, r).set_index("unit")["value"]
    assert d2["a"] == pytest.approx(50.0) and d2["b"] == pytest.approx(500 / 6)


def test_vectorised_aggregate_equals_the_reference_on_real_data(prepared):
    """All catalogue indicators, gminy of two województwa rolled up to their powiaty."""
    from domain.aggregation import aggregate_reference
    from domain.rollup import ancestor_map

    units = prepared["units"]
    vals = prepared["values"]
    gm = units.loc[(units["level"] == "gmina") & units["code"].str[:2].isin(["12", "30"])]
    v = vals.loc[vals["unit"].isin(set(gm["code"]))]
    members = ancestor_map(units.loc[units["code"].isin(set(gm["code"])) | (units["level"] == "powiat")],
                           "powiat", "gmina")
    inds = list(prepared["catalogue"].indicators.values())
    fast = aggregate(v, members, inds).sort_values(["indicator", "unit", "year"]).reset_index(drop=True)
    slow = aggregate_reference(v, members, inds).sort_values(["indicator", "unit", "year"]).reset_index(drop=True)
    assert len(fast) == len(slow) > 5000
    pd.testing.assert_frame_equal(fast, slow, check_dtype=False, check_exact=False, rtol=1e-12)
