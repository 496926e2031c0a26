"""Combining values of several units into a group value, by the catalogue's rule per indicator.

One mechanism serves the roll-ups (gminy -> powiat -> województwo -> country) and functional
areas (any group of gminy). Missing member data is never treated as zero: every result carries its
coverage (members with data / members existing that year) and is withheld below the indicator's
``min_coverage``.

Frames used here (pandas, long format):
  values      unit, indicator, year, value, source   (one row per known value)
  membership  group, member, valid_from, valid_to    (valid_* = years the member exists, NaN = open)
Results have the columns in ``RESULT_COLUMNS``.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from domain.catalogue import Aggregation, Derivation, Indicator

RESULT_COLUMNS = ("unit", "indicator", "year", "value", "source", "method", "rule", "n", "of", "flag")

# Flags (several may be joined with ",").
WITHHELD = "withheld"  # coverage below min_coverage: value is NaN, row kept so the UI can explain
PARTIAL = "partial"  # a sum over fewer members than exist: a lower bound, shown with coverage
NEAREST_DENOMINATOR = "nearest_denominator"  # a ratio used another year's denominator for some members


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("value", "n", "of") else
                                      "int64" if c == "year" else "object") for c in RESULT_COLUMNS})


def members_existing(membership: pd.DataFrame, years: Iterable[int]) -> pd.DataFrame:
    """Count of members of each group existing in each year: columns group, year, of."""
    years = sorted(set(int(y) for y in years))
    if not years or membership.empty:
        return pd.DataFrame({"group": [], "year": [], "of": []})
    m = membership.merge(pd.DataFrame({"year": years}), how="cross")
    vf = m["valid_from"].astype("float64")
    vt = m["valid_to"].astype("float64")
    alive = (vf.isna() | (m["year"] >= vf)) & (vt.isna() | (m["year"] <= vt))
    return (m.loc[alive].groupby(["group", "year"]).size().rename("of").reset_index())


def _series(values: pd.DataFrame, indicator: str) -> pd.DataFrame:
    s = values.loc[(values["indicator"] == indicator) & values["value"].notna(),
                   ["unit", "year", "value", "source"]]
    return s.rename(columns={"unit": "member"})


def _nearest(series: pd.DataFrame, wanted: pd.DataFrame) -> pd.DataFrame:
    """For each (member, year) in ``wanted``, the series value of the same member at the nearest
    year (ties -> the earlier year). Adds column ``den_year``."""
    if series.empty or wanted.empty:
        return wanted.assign(value=np.nan, den_year=np.nan)
    left = wanted[["member", "year"]].drop_duplicates().sort_values("year")
    right = series[["member", "year", "value"]].rename(columns={"year": "den_year"})
    right = right.assign(year=right["den_year"]).sort_values("year")
    out = pd.merge_asof(left.astype({"year": "int64"}), right.astype({"year": "int64"}), on="year",
                        by="member", direction="nearest")
    return out[["member", "year", "value", "den_year"]]


def _member_inputs(values: pd.DataFrame, agg: Aggregation, indicator: str,
                   membership: pd.DataFrame) -> pd.DataFrame:
    """Per member-year: columns group, member, year, a, b, source — the two quantities summed
    over members (the group value is f(Σa, Σb)); only rows where both are known."""
    if agg.rule == "sum":
        x = _series(values, indicator).assign(b=1.0).rename(columns={"value": "a"})
    elif agg.rule == "ratio":
        num = _series(values, agg.numerator).rename(columns={"value": "a"})
        if agg.denominator_year == "nearest":
            den = _nearest(_series(values, agg.denominator), num)
            x = num.merge(den.rename(columns={"value": "b"}), on=["member", "year"])
        else:
            den = _series(values, agg.denominator).rename(columns={"value": "b"}).drop(columns="source")
            x = num.merge(den, on=["member", "year"])
    elif agg.rule == "weighted_mean":
        v = _series(values, indicator)
        w = _series(values, agg.weight).rename(columns={"value": "w"}).drop(columns="source")
        x = v.merge(w, on=["member", "year"])
        x = x.assign(a=x["value"] * x["w"], b=x["w"]).drop(columns=["value", "w"])
    elif agg.rule == "odds":
        v = _series(values, indicator)
        p = _series(values, agg.base).rename(columns={"value": "p"}).drop(columns="source")
        x = v.merge(p, on=["member", "year"])
        b = x["p"] * agg.scale / (agg.scale + x["value"])
        x = x.assign(a=x["p"] - b, b=b).drop(columns=["value", "p"])
    else:
        raise ValueError(f"rule {agg.rule!r} does not aggregate")
    x = x.dropna(subset=["a", "b"])
    return membership[["group", "member"]].merge(x, on="member")


def aggregate(values: pd.DataFrame, membership: pd.DataFrame, indicators: Iterable[Indicator],
              *, years: Iterable[int] | None = None) -> pd.DataFrame:
    """Group values for ``indicators`` by their catalogue rule; see the module docstring.

    Vectorised over indicators: the member inputs of all rules are built as one long frame
    (target, stage, member, year, a, b) and grouped once, because per-indicator pandas calls cost
    ~40 ms each (76 indicators for one functional area). ``aggregate_reference`` is the plain
    per-indicator version the tests compare against.
    """
    inds = [i for i in indicators if i.aggregation.rule != "none"]
    if not inds or values.empty or membership.empty:
        return _empty()
    v = values.loc[values["value"].notna(), ["unit", "indicator", "year", "value", "source"]]
    v = v.rename(columns={"unit": "member"})
    v = v.loc[v["member"].isin(set(membership["member"]))]
    parts: list[pd.DataFrame] = []
    specs: list[dict] = []  # one per (target, stage): rule, scale, min_coverage
    special: list[tuple[Indicator, int, Aggregation]] = []
    by_rule: dict[str, list[tuple[str, int, Aggregation]]] = {}
    for ind in inds:
        agg, stage = ind.aggregation, 0
        while agg is not None:
            specs.append({"target": ind.id, "stage": stage, "rule": agg.rule, "scale": agg.scale})
            if agg.rule == "odds" or (agg.rule == "ratio" and agg.denominator_year == "nearest"):
                special.append((ind, stage, agg))
            else:
                by_rule.setdefault(agg.rule, []).append((ind.id, stage, agg))
            agg, stage = agg.fallback, stage + 1
    if "sum" in by_rule:
        m = pd.DataFrame([(t, st_) for t, st_, _ in by_rule["sum"]], columns=["target", "stage"])
        x = v.merge(m, left_on="indicator", right_on="target")
        parts.append(x.assign(a=x["value"], b=1.0)[["target", "stage", "member", "year", "a", "b", "source"]])
    if "weighted_mean" in by_rule:
        m = pd.DataFrame([(t, st_, a.weight) for t, st_, a in by_rule["weighted_mean"]],
                         columns=["target", "stage", "weight"])
        x = v.merge(m, left_on="indicator", right_on="target")
        w = v[["indicator", "member", "year", "value"]].rename(columns={"indicator": "weight", "value": "w"})
        x = x.merge(w, on=["weight", "member", "year"])
        parts.append(x.assign(a=x["value"] * x["w"], b=x["w"])[["target", "stage", "member", "year", "a", "b",
                                                                "source"]])
    if "ratio" in by_rule:
        m = pd.DataFrame([(t, st_, a.numerator, a.denominator) for t, st_, a in by_rule["ratio"]],
                         columns=["target", "stage", "num", "den"])
        x = v.merge(m, left_on="indicator", right_on="num")
        d = v[["indicator", "member", "year", "value"]].rename(columns={"indicator": "den", "value": "b"})
        x = x.merge(d, on=["den", "member", "year"])
        parts.append(x.rename(columns={"value": "a"})[["target", "stage", "member", "year", "a", "b", "source"]])
    flagged = []
    for ind, stage, agg in special:
        x = _member_inputs(values, agg, ind.id, membership[["member"]].assign(group="_"))
        if x.empty:
            continue
        x = x.assign(target=ind.id, stage=stage)
        if "den_year" in x.columns:
            moved = x.loc[x["den_year"].notna() & (x["den_year"] != x["year"]), ["member", "year"]]
            flagged.append(moved.assign(target=ind.id, stage=stage))
        parts.append(x[["target", "stage", "member", "year", "a", "b", "source"]])
    parts = [p_ for p_ in parts if not p_.empty]
    if not parts:
        return _empty()
    x = pd.concat(parts, ignore_index=True).dropna(subset=["a", "b"])
    x = membership[["group", "member"]].merge(x, on="member")
    if x.empty:
        return _empty()
    keys = ["target", "stage", "group", "year"]
    res = x.groupby(keys, sort=False).agg(a=("a", "sum"), b=("b", "sum"), n=("member", "nunique")).reset_index()
    spec = pd.DataFrame(specs)
    res = res.merge(spec, on=["target", "stage"])
    ratio_like = res["rule"].isin(["ratio", "odds"])
    bnz = res["b"].where(res["b"] != 0)
    res["value"] = np.where(res["rule"] == "sum", res["a"],
                            np.where(ratio_like, res["a"] / bnz * res["scale"], res["a"] / bnz))
    # fallback stages only where an earlier stage produced nothing for that group-year
    res = res.sort_values(keys).drop_duplicates(["target", "group", "year"], keep="first")
    counts = x.groupby(keys + ["source"], sort=False).size().rename("_c").reset_index()
    src = counts.sort_values("_c", ascending=False, kind="stable").drop_duplicates(keys)
    res = res.merge(src[keys + ["source"]], on=keys, how="left")
    res["flag"] = ""
    if flagged:
        moved = membership[["group", "member"]].merge(pd.concat(flagged), on="member")
        moved = moved[keys].drop_duplicates().assign(_moved=True)
        res = res.merge(moved, on=keys, how="left")
        res.loc[res["_moved"].eq(True), "flag"] = NEAREST_DENOMINATOR
        res = res.drop(columns="_moved")
    if years is not None:
        res = res.loc[res["year"].isin(list(years))]
    existing = members_existing(membership, res["year"].unique())
    res = res.merge(existing, on=["group", "year"], how="left")
    res["of"] = np.maximum(res["of"].fillna(res["n"]), res["n"])
    min_cov = res["target"].map({i.id: i.min_coverage for i in inds})
    withheld = (res["n"] / res["of"]) < min_cov - 1e-12
    res.loc[withheld, "value"] = np.nan
    res.loc[withheld, "flag"] = _join(res.loc[withheld, "flag"], WITHHELD)
    partial = (~withheld) & (res["rule"] == "sum") & (res["n"] < res["of"])
    res.loc[partial, "flag"] = _join(res.loc[partial, "flag"], PARTIAL)
    out = pd.DataFrame({"unit": res["group"].to_numpy(), "indicator": res["target"].to_numpy(),
                        "year": res["year"].astype("int64").to_numpy(), "value": res["value"].astype(float).to_numpy(),
                        "source": res["source"].to_numpy(), "method": "aggregated", "rule": res["rule"].to_numpy(),
                        "n": res["n"].astype(float).to_numpy(), "of": res["of"].astype(float).to_numpy(),
                        "flag": res["flag"].to_numpy()})
    order = {i.id: k for k, i in enumerate(inds)}
    out = out.assign(_o=out["indicator"].map(order)).sort_values(["_o", "unit", "year"], kind="stable")
    return out.drop(columns="_o").reset_index(drop=True).loc[:, list(RESULT_COLUMNS)]


def aggregate_reference(values: pd.DataFrame, membership: pd.DataFrame, indicators: Iterable[Indicator],
                        *, years: Iterable[int] | None = None) -> pd.DataFrame:
    """The straightforward per-indicator version of ``aggregate`` (kept as the tests' oracle)."""
    out = []
    for ind in indicators:
        res = _aggregate_one(values, membership, ind, years)
        if not res.empty:
            out.append(res)
    if not out:
        return _empty()
    return pd.concat(out, ignore_index=True).loc[:, list(RESULT_COLUMNS)]


def _apply_rule(values, membership, ind: Indicator, agg: Aggregation) -> pd.DataFrame:
    x = _member_inputs(values, agg, ind.id, membership)
    if x.empty:
        return pd.DataFrame(columns=["group", "year", "value", "n", "source", "rule", "flag"])
    g = x.groupby(["group", "year"])
    res = g.agg(a=("a", "sum"), b=("b", "sum"), n=("member", "nunique")).reset_index()
    if agg.rule == "sum":
        res["value"] = res["a"]
    elif agg.rule == "weighted_mean":
        res["value"] = np.where(res["b"] != 0, res["a"] / res["b"].where(res["b"] != 0), np.nan)
    else:  # ratio, odds
        res["value"] = res["a"] / res["b"].where(res["b"] != 0) * agg.scale
    # the group's source: the one most members' values came from
    counts = x.groupby(["group", "year", "source"]).size().rename("_c").reset_index()
    src = counts.sort_values("_c", ascending=False).drop_duplicates(["group", "year"])
    res = res.merge(src[["group", "year", "source"]], on=["group", "year"])
    res["rule"] = agg.rule
    res["flag"] = ""
    if "den_year" in x.columns:
        moved = x.loc[x["den_year"].notna() & (x["den_year"] != x["year"]), ["group", "year"]]
        moved = moved.drop_duplicates().assign(_moved=True)
        res = res.merge(moved, on=["group", "year"], how="left")
        res.loc[res["_moved"].eq(True), "flag"] = NEAREST_DENOMINATOR
        res = res.drop(columns="_moved")
    return res[["group", "year", "value", "n", "source", "rule", "flag"]]


def _aggregate_one(values, membership, ind: Indicator, years) -> pd.DataFrame:
    if ind.aggregation.rule == "none":
        return _empty()
    parts = []
    agg: Aggregation | None = ind.aggregation
    done = pd.DataFrame(columns=["group", "year"])
    while agg is not None:
        res = _apply_rule(values, membership, ind, agg)
        if not res.empty and not done.empty:
            key = res[["group", "year"]].merge(done.assign(_d=1), on=["group", "year"], how="left")
            res = res.loc[key["_d"].isna().to_numpy()]
        if not res.empty:
            parts.append(res)
            done = pd.concat([done, res[["group", "year"]]], ignore_index=True)
        agg = agg.fallback
    if not parts:
        return _empty()
    res = pd.concat(parts, ignore_index=True)
    if years is not None:
        res = res.loc[res["year"].isin(list(years))]
    existing = members_existing(membership, res["year"].unique())
    res = res.merge(existing, on=["group", "year"], how="left")
    # A source may attribute data to a member before its official creation (it re-codes history to
    # today's division); such a member counts as existing for coverage.
    res["of"] = np.maximum(res["of"].fillna(res["n"]), res["n"])
    cov = res["n"] / res["of"]
    withheld = cov < ind.min_coverage - 1e-12
    res.loc[withheld, "value"] = np.nan
    res.loc[withheld, "flag"] = _join(res.loc[withheld, "flag"], WITHHELD)
    partial = (~withheld) & (res["rule"] == "sum") & (res["n"] < res["of"])
    res.loc[partial, "flag"] = _join(res.loc[partial, "flag"], PARTIAL)
    res = res.rename(columns={"group": "unit"})
    res["indicator"] = ind.id
    res["method"] = "aggregated"
    res["year"] = res["year"].astype("int64")
    return res.loc[:, list(RESULT_COLUMNS)]


def _join(flags: pd.Series, flag: str) -> pd.Series:
    return flags.where(flags == "", flags + ",").fillna("") + flag


def derive(values: pd.DataFrame, ind: Indicator, units: Iterable[str] | None = None) -> pd.DataFrame:
    """Compute ``ind`` from its ``derive`` inputs for unit-years where all inputs are known and
    ``values`` has no value of ``ind`` yet."""
    d: Derivation | None = ind.derive
    if d is None:
        return _empty()
    v = values
    if units is not None:
        v = v.loc[v["unit"].isin(set(units))]
    if d.op == "change":
        return _derive_change(v, ind, d)
    inputs = d.inputs()
    frames = []
    for i, name in enumerate(inputs):
        s = v.loc[(v["indicator"] == name) & v["value"].notna(), ["unit", "year", "value", "source"]]
        frames.append(s.rename(columns={"value": f"v{i}", "source": f"s{i}"}))
    merged = frames[0]
    for f in frames[1:]:
        merged = merged.merge(f, on=["unit", "year"])
    if merged.empty:
        return _empty()
    if d.op == "sum":
        val = sum(merged[f"v{i}"] for i in range(len(inputs)))
    elif d.op == "ratio":
        val = merged["v0"] / merged["v1"].where(merged["v1"] != 0) * d.scale
    else:
        raise ValueError(f"derive op {d.op!r}")
    res = pd.DataFrame({"unit": merged["unit"], "indicator": ind.id, "year": merged["year"].astype("int64"),
                        "value": val, "source": merged["s0"], "method": "derived", "rule": d.op,
                        "n": np.nan, "of": np.nan, "flag": ""})
    have = v.loc[(v["indicator"] == ind.id) & v["value"].notna(), ["unit", "year"]].assign(_h=1)
    res = res.merge(have, on=["unit", "year"], how="left")
    res = res.loc[res["_h"].isna() & res["value"].notna()].drop(columns="_h")
    return res.loc[:, list(RESULT_COLUMNS)].reset_index(drop=True)


def _derive_change(v: pd.DataFrame, ind: Indicator, d: Derivation) -> pd.DataFrame:
    """``change``: (x[y] / x[y - lag] - 1) * scale for unit-years where both years are known (and
    x[y - lag] is not 0) and ``v`` has no value of ``ind`` yet."""
    s = v.loc[(v["indicator"] == d.of[0]) & v["value"].notna(), ["unit", "year", "value", "source"]]
    if s.empty:
        return _empty()
    past = s[["unit", "year", "value"]].assign(year=s["year"] + d.lag).rename(columns={"value": "v_past"})
    merged = s.merge(past, on=["unit", "year"])
    if merged.empty:
        return _empty()
    val = (merged["value"] / merged["v_past"].where(merged["v_past"] != 0) - 1) * d.scale
    res = pd.DataFrame({"unit": merged["unit"], "indicator": ind.id, "year": merged["year"].astype("int64"),
                        "value": val, "source": merged["source"], "method": "derived", "rule": d.op,
                        "n": np.nan, "of": np.nan, "flag": ""})
    have = v.loc[(v["indicator"] == ind.id) & v["value"].notna(), ["unit", "year"]].assign(_h=1)
    res = res.merge(have, on=["unit", "year"], how="left")
    res = res.loc[res["_h"].isna() & res["value"].notna()].drop(columns="_h")
    return res.loc[:, list(RESULT_COLUMNS)].reset_index(drop=True)
