"""Functional areas: a user-defined group of gminy treated as one unit (pure).

An area is identified by its *canonical definition*: the sorted, unique list of its members'
current 7-digit TERYT codes joined by commas (``"1206172,1219053,1261011"``). That string is the
area's ``unit`` wherever values are shown, and what the URL carries (``area=...``).

The pipeline is the ingest's roll-up (``domain.rollup``) applied to one ad-hoc group, with the
same mechanism (``domain.aggregation.aggregate``):

1. membership: the members and the years each exists. A gmina created later (Szczawa 2025, carved
   from Kamienica) whose parent is *not* in the area counts as existing in every year, so before
   its creation — when no source has data for it — it is a *missing* member and lowers coverage
   instead of silently shrinking the area. If the parent is in the area, the parent's earlier
   values include the territory and the new gmina counts only from its creation (as in roll-ups).
2. every indicator with an aggregation rule is aggregated by that rule (sums; ratio of sums;
   weighted means; odds), with coverage n/of and withholding below ``min_coverage``;
3. derived indicators (catalogue ``derive``) are computed from the area's aggregated inputs for
   years where step 2 gave no value — only from complete inputs (a partial sum is a lower bound,
   so a ratio of partial sums is not computed); a derived value carries the lowest coverage of
   its inputs;
4. indicators without an honest rule (``none``) get one row per year with no value and the flag
   ``not_aggregable`` (members only; n/of say how many members have data).

The result has the shape of ``Store.values()`` (+ ``rule``), so every page can show an area like a
unit. ``breakdown`` shows each member's contribution beside the total.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from domain.aggregation import (PARTIAL, RESULT_COLUMNS, WITHHELD, _member_inputs, aggregate, derive,
                                members_existing)
from domain.catalogue import Aggregation, Catalogue, Indicator

MIN_MEMBERS = 2
MAX_MEMBERS = 500  # same as domain.permalink.MAX_AREA_MEMBERS
VALUE_COLUMNS = ("unit", "indicator", "year", "value", "source", "method", "n", "of", "flag")
NOT_AGGREGABLE = "not_aggregable"  # flag: rule "none" — shown per member only

_CARVED = re.compile(r"created (\d{4}) from part of (\d{7})")


class AreaError(ValueError):
    """An area definition that cannot be used (too few/many members, codes that are not gminy)."""

    def __init__(self, reason: str, **params):
        super().__init__(reason)
        self.reason = reason
        self.params = params


# -------------------------------------------------------------------------------------------------
# Definition
# -------------------------------------------------------------------------------------------------

def canonical_codes(codes: Iterable[str]) -> tuple[str, ...]:
    """Sorted unique 7-digit codes; raises AreaError for anything that is not a 7-digit code."""
    out = set()
    for c in codes:
        c = str(c).strip()
        if not (len(c) == 7 and c.isdigit()):
            raise AreaError("not_canonical", code=c)
        out.add(c)
    return tuple(sorted(out))


def area_code(codes: Iterable[str]) -> str:
    """The canonical definition string (the area's ``unit``)."""
    return ",".join(canonical_codes(codes))


def is_area_code(unit: str) -> bool:
    """True for an area's unit string (it always has at least two members, so a comma)."""
    return "," in str(unit)


def check_size(codes: tuple[str, ...]) -> None:
    if len(codes) < MIN_MEMBERS:
        raise AreaError("too_few", n=len(codes), min=MIN_MEMBERS)
    if len(codes) > MAX_MEMBERS:
        raise AreaError("too_many", n=len(codes), max=MAX_MEMBERS)


def plural_form(n: int, lang: str = "pl") -> str:
    """CLDR plural category for counting gminy: Polish one / few / many, English one / other."""
    n = abs(int(n))
    if lang != "pl":
        return "one" if n == 1 else "other"
    if n == 1:
        return "one"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return "few"
    return "many"


@dataclass(frozen=True)
class AreaNote:
    """A fact about the area's territory over time, for the UI to explain.

    kind: ``created_parent_in``  — ``member`` was created in ``year`` from ``other`` (in the area):
                                   before ``year`` its territory is in ``other``'s values;
          ``created_parent_out`` — ``member`` created in ``year`` from ``other`` (NOT in the area):
                                   before ``year`` it counts as a member without data;
          ``parent_of_created``  — ``member``'s values before ``year`` include the territory of
                                   ``other`` (created then, NOT in the area).
    """
    kind: str
    member: str
    other: str
    year: int


def created_units(units: pd.DataFrame) -> pd.DataFrame:
    """Gminy created after the boundary vintage: columns code, year, parent (from the unit notes
    the ingest writes: "created 2025 from part of 1207052")."""
    rows = []
    for code, note in zip(units["code"], units["note"].fillna("")):
        m = _CARVED.search(str(note))
        if m:
            rows.append({"code": code, "year": int(m.group(1)), "parent": m.group(2)})
    return pd.DataFrame(rows, columns=["code", "year", "parent"])


def membership_frame(codes: tuple[str, ...], units: pd.DataFrame) -> tuple[pd.DataFrame, list[AreaNote]]:
    """Membership (group, member, valid_from, valid_to) of the area and notes on its territory.

    ``units``: the store's units (at least code, valid_from, valid_to, note of the members and of
    gminy created from them).
    """
    group = ",".join(codes)
    info = units.set_index("code")
    vf = [info["valid_from"].get(c, np.nan) for c in codes]
    vt = [info["valid_to"].get(c, np.nan) for c in codes]
    m = pd.DataFrame({"group": group, "member": list(codes), "valid_from": pd.array(vf, dtype="float64"),
                      "valid_to": pd.array(vt, dtype="float64")})
    notes: list[AreaNote] = []
    members = set(codes)
    for r in created_units(units).itertuples():
        if r.code in members:
            if r.parent in members:
                notes.append(AreaNote("created_parent_in", r.code, r.parent, r.year))
            else:
                m.loc[m["member"] == r.code, "valid_from"] = np.nan
                notes.append(AreaNote("created_parent_out", r.code, r.parent, r.year))
        elif r.parent in members:
            notes.append(AreaNote("parent_of_created", r.parent, r.code, r.year))
    return m, notes


# -------------------------------------------------------------------------------------------------
# Values
# -------------------------------------------------------------------------------------------------

@dataclass
class AreaResult:
    code: str  # canonical definition = the area's unit
    members: tuple[str, ...]
    values: pd.DataFrame  # columns RESULT_COLUMNS (unit = code)
    member_values: pd.DataFrame  # the members' values used (unit, indicator, year, value, source, method)
    membership: pd.DataFrame
    notes: list[AreaNote] = field(default_factory=list)

    def unit_values(self) -> pd.DataFrame:
        """The area's values in exactly the shape of ``Store.values()``."""
        return self.values.loc[:, list(VALUE_COLUMNS)].reset_index(drop=True)


def _gmina_indicators(indicators: Mapping[str, Indicator]) -> dict[str, Indicator]:
    return {k: i for k, i in indicators.items() if "gmina" in i.levels}


def compute(codes: Iterable[str], values: pd.DataFrame, indicators: Mapping[str, Indicator],
            units: pd.DataFrame) -> AreaResult:
    """The area's values from its members' values.

    ``values``: the members' values (unit, indicator, year, value, source[, method]) — other units'
    rows are ignored. ``indicators``: the catalogue. ``units``: see ``membership_frame``.
    """
    codes = canonical_codes(codes)
    check_size(codes)
    group = ",".join(codes)
    membership, notes = membership_frame(codes, units)
    cols = [c for c in ("unit", "indicator", "year", "value", "source", "method") if c in values.columns]
    mv = values.loc[values["unit"].isin(codes), cols].reset_index(drop=True)
    inds = _gmina_indicators(indicators)
    ruled = [i for i in inds.values() if i.aggregation.rule != "none"]
    frame = aggregate(mv[["unit", "indicator", "year", "value", "source"]], membership, ruled)
    frame = _derive_all(frame, inds, group)
    frame = pd.concat([f for f in (frame, _not_aggregable(mv, membership, inds, group)) if not f.empty]
                      or [frame], ignore_index=True)
    frame = frame.sort_values(["indicator", "year"]).reset_index(drop=True)
    frame["n"] = frame["n"].astype("float64")
    frame["of"] = frame["of"].astype("float64")
    frame["value"] = frame["value"].astype("float64")
    frame["flag"] = frame["flag"].fillna("")
    return AreaResult(code=group, members=codes, values=frame.loc[:, list(RESULT_COLUMNS)], member_values=mv,
                      membership=membership, notes=notes)


def _derive_all(frame: pd.DataFrame, inds: Mapping[str, Indicator], group: str) -> pd.DataFrame:
    """Step 3: derived indicators from complete aggregated inputs, where no value exists yet."""
    order = Catalogue(indicators=inds, sources={}, datasets=()).derivation_order()
    base_cols = ["unit", "indicator", "year", "value", "source"]
    for ind_id in order:
        ind = inds[ind_id]
        usable = frame.loc[frame["value"].notna() & ~frame["flag"].str.contains(PARTIAL, regex=False)]
        d = derive(usable[base_cols], ind, [group])
        if d.empty:
            continue
        have = frame.loc[(frame["indicator"] == ind_id) & frame["value"].notna(), ["year"]].assign(_h=1)
        d = d.merge(have, on="year", how="left")
        d = d.loc[d["_h"].isna()].drop(columns="_h")
        if d.empty:
            continue
        # coverage of a derived value: the weakest of its inputs
        inp = frame.loc[frame["indicator"].isin(ind.derive.inputs()), ["year", "n", "of", "flag"]]
        cov = inp.groupby("year").agg(n=("n", "min"), of=("of", "max"),
                                      flag=("flag", lambda s: ",".join(sorted({f for x in s for f in
                                                                               str(x).split(",") if f}))))
        d = d.drop(columns=["n", "of", "flag"]).merge(cov.reset_index(), on="year", how="left")
        d["flag"] = d["flag"].fillna("")
        # a derived value replaces a withheld aggregate of the same year
        drop = (frame["indicator"] == ind_id) & frame["year"].isin(d["year"]) & frame["value"].isna()
        frame = pd.concat([frame.loc[~drop], d.loc[:, list(RESULT_COLUMNS)]], ignore_index=True)
    return frame


def _not_aggregable(mv: pd.DataFrame, membership: pd.DataFrame, inds: Mapping[str, Indicator],
                    group: str) -> pd.DataFrame:
    """Step 4: rows without value for indicators with rule ``none`` (n = members with data)."""
    # indicators derived at every level (catalogue ``derive``) get their value in step 3 instead
    ids = [i.id for i in inds.values() if i.aggregation.rule == "none" and i.derive is None]
    s = mv.loc[mv["indicator"].isin(ids) & mv["value"].notna()]
    if s.empty:
        return pd.DataFrame(columns=list(RESULT_COLUMNS))
    g = s.groupby(["indicator", "year"]).agg(n=("unit", "nunique"),
                                             source=("source", lambda x: x.value_counts().index[0])).reset_index()
    existing = members_existing(membership, g["year"].unique())
    g = g.merge(existing.drop(columns="group"), on="year", how="left")
    g["of"] = np.maximum(g["of"].fillna(g["n"]), g["n"])
    return pd.DataFrame({"unit": group, "indicator": g["indicator"], "year": g["year"].astype("int64"),
                         "value": np.nan, "source": g["source"], "method": "aggregated", "rule": "none",
                         "n": g["n"].astype("float64"), "of": g["of"].astype("float64"), "flag": NOT_AGGREGABLE})


def latest(values: pd.DataFrame) -> pd.DataFrame:
    """Per indicator the row to show as "latest": the latest year with a value (for indicators
    that are not aggregated, the latest year with member data), plus ``withheld_year``/
    ``withheld_n``/``withheld_of`` — a later year whose value was withheld for low coverage, so the
    UI can say why a newer year is missing (NaN if none)."""
    v = values
    shown = v.loc[v["value"].notna() | v["flag"].str.contains(NOT_AGGREGABLE, regex=False)]
    last = shown.sort_values("year").groupby("indicator").tail(1).set_index("indicator")
    wh = v.loc[v["flag"].str.contains(WITHHELD, regex=False)].sort_values("year").groupby("indicator").tail(1)
    wh = wh.set_index("indicator")[["year", "n", "of"]].add_prefix("withheld_")
    out = last.join(wh, how="outer")
    late = out["withheld_year"].notna() & (out["year"].isna() | (out["withheld_year"] > out["year"]))
    for c in ("withheld_year", "withheld_n", "withheld_of"):
        out[c] = out[c].where(late)
    return out.reset_index()


# -------------------------------------------------------------------------------------------------
# Member breakdown
# -------------------------------------------------------------------------------------------------

BREAKDOWN_COLUMNS = ("member", "status", "value", "source", "a", "b", "rate", "share")


def rule_for(result: AreaResult, ind: Indicator, year: int) -> Aggregation:
    """The rule that produced the area's value of ``ind`` in ``year`` (primary, fallback or the
    derivation), so the breakdown shows the quantities the total was computed from."""
    row = result.values.loc[(result.values["indicator"] == ind.id) & (result.values["year"] == year)]
    used = row["rule"].iloc[0] if len(row) else ind.aggregation.rule
    method = row["method"].iloc[0] if len(row) else "aggregated"
    if method == "derived" and ind.derive is not None:
        d = ind.derive
        if d.op == "change":
            return ind.aggregation
        if d.op == "ratio":
            return Aggregation(rule="ratio", numerator=d.numerator, denominator=d.denominator, scale=d.scale)
        return Aggregation(rule="sum")
    agg: Aggregation | None = ind.aggregation
    while agg is not None:
        if agg.rule == used:
            return agg
        agg = agg.fallback
    return ind.aggregation


def breakdown(result: AreaResult, ind: Indicator, year: int) -> pd.DataFrame:
    """One row per member: its own value of ``ind`` in ``year`` and its contribution to the total.

    Columns: member; status (``included`` — counted in the total (rule ``none``: has a value);
    ``not_counted`` — has its own value but not the quantities the total is computed from;
    ``no_data`` — exists but has no data, so it is missing from the total, never counted as 0;
    ``not_existing`` — the gmina did not exist that year); value (the member's own
    value, as on its profile); source; a, b — the quantities summed (sum: the value; ratio:
    numerator and denominator; weighted mean: value × weight and weight; odds: the two groups);
    rate — a / b × scale for ratios; share — the member's share of the total (sum: of the value;
    ratio: of the numerator; weighted mean: of the weight; odds: of the base).
    """
    mv = result.member_values
    own = mv.loc[(mv["indicator"] == ind.id) & (mv["year"] == year) & mv["value"].notna()]
    own = own.drop_duplicates("unit").set_index("unit")
    ex = result.membership
    vf, vt = ex["valid_from"], ex["valid_to"]
    ex = ex.loc[(vf.isna() | (year >= vf)) & (vt.isna() | (year <= vt)), "member"]
    alive = set(ex)
    out = pd.DataFrame({"member": list(result.members)})
    out["value"] = out["member"].map(own["value"]).astype("float64")
    out["source"] = out["member"].map(own["source"])
    agg = rule_for(result, ind, year)
    if agg.rule == "none":
        out["a"] = np.nan
        out["b"] = np.nan
        included = out["value"].notna()
    else:
        x = _member_inputs(mv[["unit", "indicator", "year", "value", "source"]], agg, ind.id,
                           result.membership[["group", "member"]])
        x = x.loc[x["year"] == year].drop_duplicates("member").set_index("member")
        out["a"] = out["member"].map(x["a"]).astype("float64")
        out["b"] = out["member"].map(x["b"]).astype("float64")
        if agg.rule == "sum":
            out["b"] = np.nan
        included = out["a"].notna()
    out["status"] = np.where(included, "included", np.where(out["member"].isin(alive), "no_data", "not_existing"))
    # a member with its own value but without the quantities the total is computed from
    out.loc[(~included) & out["value"].notna(), "status"] = "not_counted"
    if agg.rule == "ratio":
        out["rate"] = out["a"] / out["b"].where(out["b"] != 0) * agg.scale
    else:
        out["rate"] = np.nan
    if agg.rule in ("sum", "ratio"):
        base = out["a"]
    elif agg.rule == "weighted_mean":
        base = out["b"]
    elif agg.rule == "odds":
        base = out["a"] + out["b"]
    else:
        base = pd.Series(np.nan, index=out.index)
    total = base.where(included).sum(min_count=1)
    out["share"] = (base / total * 100).where(included) if total and total == total else np.nan
    order = {"included": 0, "not_counted": 1, "no_data": 2, "not_existing": 3}
    out = out.assign(_o=out["status"].map(order), _v=-out["share"].fillna(-1))
    out = out.sort_values(["_o", "_v", "member"]).drop(columns=["_o", "_v"]).reset_index(drop=True)
    return out.loc[:, list(BREAKDOWN_COLUMNS)]


# -------------------------------------------------------------------------------------------------
# Predefined groups and outline
# -------------------------------------------------------------------------------------------------

def predefined_groups(units: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Every powiat and województwo as the group of its current gminy: code -> member codes."""
    g = units.loc[(units["level"] == "gmina") & ~units["historical"].astype(bool), "code"]
    out: dict[str, list[str]] = {}
    for c in g:
        out.setdefault(c[:4], []).append(c)
        out.setdefault(c[:2], []).append(c)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def outline(geometries: Iterable[str]) -> str | None:
    """The area's outline: the union of its members' GeoJSON geometries, as GeoJSON."""
    import json

    import shapely
    from shapely.geometry import mapping, shape

    geoms = [shape(json.loads(g)) for g in geometries]
    if not geoms:
        return None
    merged = shapely.union_all(geoms)
    return json.dumps(mapping(merged), separators=(",", ":"))


# -------------------------------------------------------------------------------------------------
# Plain-text summaries for the command line (the UI uses the message catalogue, keys areas.*)
# -------------------------------------------------------------------------------------------------

def _spans(years: list[int]) -> str:
    years = sorted(years)
    parts, start, prev = [], years[0], years[0]
    for y in years[1:] + [None]:
        if y is not None and y == prev + 1:
            prev = y
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if y is not None:
            start = prev = y
    return ",".join(parts)


def coverage_lines(values: pd.DataFrame, indicators: Mapping[str, Indicator]) -> list[str]:
    """One line per indicator and run of years whose coverage is incomplete or whose value is not
    given (withheld / not aggregable), e.g.
    "coverage: cultural_events 2016-2019: 3 of 4 gminy with data — withheld (below 90%)"."""
    lines = []
    v = values.copy()
    v["_status"] = np.select(
        [v["flag"].str.contains(NOT_AGGREGABLE, regex=False), v["flag"].str.contains(WITHHELD, regex=False),
         v["n"] < v["of"]], ["not_aggregable", "withheld", "partial"], "")
    v = v.loc[v["_status"] != ""]
    for (ind_id, n, of, status), g in v.groupby(["indicator", "n", "of", "_status"], sort=True):
        ind = indicators.get(ind_id)
        years = _spans([int(y) for y in g["year"]])
        head = f"coverage: {ind_id} {years}: {int(n)} of {int(of)} gminy with data"
        if status == "withheld":
            pct = round((ind.min_coverage if ind else 0.9) * 100)
            lines.append(f"{head} — withheld (below {pct}%)")
        elif status == "not_aggregable":
            reason = ind.aggregation.reason_en if ind else ""
            lines.append(f"coverage: {ind_id} {years}: not aggregated ({reason.rstrip('.')}); "
                         f"see the members' own values ({int(n)} of {int(of)} gminy with data)")
        else:
            lines.append(f"{head} — computed from the members with data")
    return lines
