"""Pure helpers that shape a unit's values for display (latest values, changes over time)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from domain.catalogue import CATEGORIES, Indicator
from domain.peers import DEFAULT_CONTEXT
from domain.rankings import rank_of


def latest_by_indicator(values: pd.DataFrame, indicators: dict[str, Indicator]) -> pd.DataFrame:
    """One row per indicator: the latest year with a value, plus the first year for the change.

    Columns: indicator, category, year, value, source, method, n, of, flag, first_year,
    first_value, change (latest - first, NaN with only one year).
    """
    empty = pd.DataFrame(columns=["indicator", "category", "year", "value", "source", "method", "n", "of", "flag",
                                  "first_year", "first_value", "change"])
    if values.empty:
        return empty
    # numpy, not groupby: this runs for every unit shown, and string-column pandas ops cost ms each
    ind = values["indicator"].to_numpy(dtype=object)
    year = values["year"].to_numpy(dtype=np.int64)
    val = values["value"].to_numpy(dtype=float)
    rank = {i: k for k, i in enumerate(indicators)}
    keep = np.flatnonzero(np.isfinite(val) & np.fromiter((i in rank for i in ind), bool, len(ind)))
    if not len(keep):
        return empty
    keep = keep[np.lexsort((year[keep], ind[keep]))]
    ks = ind[keep]
    starts = np.r_[0, np.flatnonzero(ks[1:] != ks[:-1]) + 1]
    ends = np.r_[starts[1:], len(ks)] - 1
    first_pos, last_pos = keep[starts], keep[ends]
    out = values.iloc[last_pos].reset_index(drop=True)
    out.insert(0, "indicator", out.pop("indicator"))
    out["first_year"] = year[first_pos]
    out["first_value"] = val[first_pos]
    out["change"] = (out["value"] - out["first_value"]).where(out["first_year"] != out["year"])
    out["category"] = [indicators[i].category for i in out["indicator"]]
    order = {c: k for k, c in enumerate(CATEGORIES)}
    sort = sorted(range(len(out)), key=lambda r: (order.get(out["category"].iat[r], 99), rank[out["indicator"].iat[r]]))
    return out.iloc[sort].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Peer statistics (functions take values, not unit codes, so a functional area's values can be
# compared with the units of a level just like a unit's own). Ranks: domain.rankings.
# --------------------------------------------------------------------------------------------
def quartiles(values) -> dict:
    """Median, quartiles (linear interpolation, as pandas) and count of the finite values."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if not len(v):
        return {"median": np.nan, "q1": np.nan, "q3": np.nan, "n": 0}
    q1, med, q3 = np.percentile(v, [25, 50, 75])
    return {"median": float(med), "q1": float(q1), "q3": float(q3), "n": int(len(v))}


def is_percent(indicator: Indicator) -> bool:
    """Changes of a percentage are shown in percentage points."""
    return indicator.unit_pl.strip().startswith("%")


def change_sign(change: float, polarity: str) -> str:
    """'better' | 'worse' | 'same' | 'neutral' for a change of an indicator with this polarity."""
    if change is None or pd.isna(change):
        return "neutral"
    if change == 0:
        return "same"
    if polarity == "neutral":
        return "neutral"
    up_good = polarity == "higher_better"
    return "better" if (change > 0) == up_good else "worse"


def series_map(values: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """indicator -> (years, values), sorted by year, non-null only (built once per unit)."""
    v = values.loc[values["value"].notna(), ["indicator", "year", "value"]].sort_values(["indicator", "year"])
    ind = v["indicator"].to_numpy()
    years = v["year"].to_numpy(dtype=int)
    vals = v["value"].to_numpy(dtype=float)
    out = {}
    if not len(ind):
        return out
    cuts = np.flatnonzero(ind[1:] != ind[:-1]) + 1
    for a, b in zip(np.r_[0, cuts], np.r_[cuts, len(ind)]):
        out[str(ind[a])] = (years[a:b], vals[a:b])
    return out


def value_at(values, indicator: str, year: int, *, nearest: bool = True) -> tuple[int, float] | None:
    """(year, value) of ``indicator`` in ``year`` (or the nearest year with a value; of two
    equally near years the later). ``values``: long values frame or a series_map."""
    smap = values if isinstance(values, dict) else series_map(values)
    if indicator not in smap:
        return None
    years, vals = smap[indicator]
    hit = np.flatnonzero(years == year)
    if len(hit):
        return int(year), float(vals[hit[0]])
    if not nearest:
        return None
    d = np.abs(years - year)
    best = np.flatnonzero(d == d.min())[-1]
    return int(years[best]), float(vals[best])


def small_base(values, indicator: Indicator, year: int) -> dict | None:
    """The catalogue's small-number warning for the unit's value in ``year``, if it applies.

    Returns {indicator, year, value, below} when the base indicator (e.g. population or eligible
    voters) is below the threshold in that year (nearest year if that year has no base value).
    ``values``: long values frame or a series_map.
    """
    if not indicator.small_base:
        return None
    base_id, below = indicator.small_base
    hit = value_at(values, base_id, year)
    if hit is None or hit[1] >= below:
        return None
    return {"indicator": base_id, "year": hit[0], "value": hit[1], "below": float(below)}


def level_arrays(level: pd.DataFrame) -> tuple[np.ndarray, dict]:
    """The wide frame as one float array plus {(indicator, year): column position} — column
    lookups on a MultiIndex frame cost ~0.1 ms each, array slices microseconds."""
    arr = level.to_numpy(dtype=float)
    return arr, {(str(i), int(y)): n for n, (i, y) in enumerate(level.columns)}


CARD_COLUMNS = ["indicator", "category", "year", "value", "source", "method", "n", "of", "flag", "first_year",
                "first_value", "change", "change_pct", "trend", "rank", "rank_of", "peer_rank", "peer_rank_of",
                "peer_median", "peer_q1", "peer_q3", "peer_n", "small_base"]


def profile_cards(values: pd.DataFrame, indicators: dict[str, Indicator], level: pd.DataFrame, *, unit: str,
                  peers, national: bool = True, not_compared=frozenset()) -> pd.DataFrame:
    """One row per profile indicator the unit has a value for, in catalogue order.

    ``values``: the unit's (or an area's) long values frame; ``level``: wide frame of every unit
    of the comparison level (columns (indicator, year)); ``unit``: its code in ``level`` (dropped
    from the comparison sets so a unit is never its own peer); ``peers``: peer codes.
    Adds to latest_by_indicator: change_pct (relative change; only for positive values of
    indicators that are neither percentages nor centred on a midpoint such as net migration), trend
    (better/worse/same/neutral), national rank and peer rank (1 = best by polarity, ties share,
    "of" counts the unit), peer median/quartiles/n in the same year, small_base (dict or None).
    ``national=False``: no national rank (a functional area overlaps the units it would be ranked
    among); ``not_compared``: indicator ids without peer rank and peer statistics (an area's count
    against its own member gminy, domain.peers.comparable).
    """
    prof = {i: ind for i, ind in indicators.items() if ind.profile}
    latest = latest_by_indicator(values, prof)
    if latest.empty:
        return pd.DataFrame(columns=CARD_COLUMNS)
    peers = [p for p in peers if p != unit]
    smap = series_map(values)
    pos = level.index.get_indexer(peers)
    pos = pos[pos >= 0]
    keep = np.ones(len(level.index), dtype=bool)
    me = level.index.get_indexer([unit])[0]
    if me >= 0:
        keep[me] = False
    arr, colpos = level_arrays(level)
    rows = []
    for r in latest.to_dict("records"):
        ind = prof[r["indicator"]]
        pol = ind.polarity if ind.judged else "neutral"  # counts are never better or worse
        year = int(r["year"])
        key = (ind.id, year)
        col = arr[:, colpos[key]] if key in colpos else np.array([], dtype=float)
        nat = rank_of(r["value"], col[keep] if len(col) else col, pol) if national else None
        peer_vals = col[pos] if len(col) and ind.id not in not_compared else np.array([], dtype=float)
        has_peers = bool(np.isfinite(peer_vals).any()) if len(peer_vals) else False
        pr = rank_of(r["value"], peer_vals, pol) if has_peers else None
        ps = quartiles(peer_vals)
        pct = np.nan
        if (not is_percent(ind) and ind.centered_on is None and pd.notna(r["change"]) and r["first_value"] > 0
                and r["value"] > 0):
            pct = r["change"] / r["first_value"] * 100
        rows.append({**r, "change_pct": pct, "trend": change_sign(r["change"], pol),
                     "rank": nat[0] if nat else np.nan, "rank_of": nat[1] if nat else np.nan,
                     "peer_rank": pr[0] if pr else np.nan, "peer_rank_of": pr[1] if pr else np.nan,
                     "peer_median": ps["median"], "peer_q1": ps["q1"], "peer_q3": ps["q3"], "peer_n": ps["n"],
                     "small_base": small_base(smap, ind, year)})
    return pd.DataFrame(rows, columns=CARD_COLUMNS)


def wide_matrix(values: pd.DataFrame, codes) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(wide, provenance) of a level's long values.

    wide: index unit code (every code of ``codes``, even without values, in that order), columns
    MultiIndex (indicator, year) sorted, float values (NaN = no value). provenance: indicator,
    year, source, method, count — which sources (and computed methods) stand behind each
    indicator-year, for captions. Rows of units not in ``codes`` and values that are NaN are
    ignored.
    """
    codes = pd.Index(list(codes), name="unit")
    v = values.loc[values["value"].notna() & values["unit"].isin(set(codes))]
    if v.empty:
        wide = pd.DataFrame(index=codes, columns=pd.MultiIndex.from_tuples([], names=["indicator", "year"]),
                            dtype=float)
    else:
        wide = v.pivot(index="unit", columns=["indicator", "year"], values="value").reindex(codes.to_numpy())
        wide = wide.sort_index(axis=1)
    wide.index.name = "unit"
    prov = (v.groupby(["indicator", "year", "source", "method"], observed=True).size()
            .rename("count").reset_index())
    return wide, prov


def profile_ids(indicators: dict[str, Indicator]) -> tuple[str, ...]:
    """Indicators the profile reads at a level: profile cards + the default kNN context."""
    ids = [i for i, ind in indicators.items() if ind.profile]
    ids += [i for i in DEFAULT_CONTEXT if i in indicators and i not in ids]
    return tuple(sorted(ids))


def join_columns(base: tuple[pd.DataFrame, pd.DataFrame], base_ids, wanted, extra
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(wide, prov) holding the ``wanted`` indicators: from the profile matrix ``base`` (which
    holds ``base_ids``) and, for the others, from ``extra(indicator) -> (wide, prov)``; ``base``
    itself when it holds them all (no copy)."""
    wanted = list(dict.fromkeys(wanted))
    if set(wanted) <= set(base_ids):
        return base
    wide, prov = base
    parts, provs = [], []
    inside = [i for i in wanted if i in base_ids]
    if inside:
        parts.append(wide[inside])
        provs.append(prov.loc[prov["indicator"].isin(inside)])
    for i in wanted:
        if i not in base_ids:
            w, pr = extra(i)
            parts.append(w)
            provs.append(pr)
    return pd.concat(parts, axis=1), pd.concat(provs, ignore_index=True)


def with_row(level: pd.DataFrame, code: str, values: pd.DataFrame) -> pd.DataFrame:
    """A NEW wide frame: ``level`` plus one row ``code`` holding ``values`` (long frame: indicator,
    year, value) at ``level``'s columns — how a functional area joins the units it is compared
    with (ranks, medians, scatter, kNN). ``level`` is not modified (it may be a shared cache)."""
    row = pd.Series(np.nan, index=level.columns, dtype=float)
    v = values.loc[values["value"].notna(), ["indicator", "year", "value"]]
    if len(v) and len(level.columns):
        keys = pd.MultiIndex.from_arrays([v["indicator"].astype(str), v["year"].astype(int)])
        hit = level.columns.get_indexer(keys)
        ok = hit >= 0
        row.iloc[hit[ok]] = v["value"].to_numpy(dtype=float)[ok]
    out = pd.concat([level.drop(index=[code], errors="ignore"), row.to_frame(code).T])
    out.index.name = level.index.name
    return out


def series(values: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """year, value of one indicator (sorted, non-null)."""
    v = values.loc[(values["indicator"] == indicator) & values["value"].notna(), ["year", "value"]]
    return v.sort_values("year").reset_index(drop=True)


def peer_band(level: pd.DataFrame, indicator: str, peers) -> pd.DataFrame:
    """Per year: peers' median, quartiles and count (years where at least one peer has a value)."""
    if indicator not in level.columns.get_level_values(0) or not len(peers):
        return pd.DataFrame(columns=["year", "q1", "median", "q3", "n"])
    sub = level[indicator].reindex(list(peers))
    out = pd.DataFrame({"q1": sub.quantile(0.25), "median": sub.median(), "q3": sub.quantile(0.75),
                        "n": sub.notna().sum()})
    out.index.name = "year"
    out = out.loc[out["n"] > 0].reset_index()
    out["year"] = out["year"].astype(int)
    return out


def age_structure(values: pd.DataFrame) -> pd.DataFrame:
    """year, pre, working, post (counts) and their shares of the three groups' sum, in %.

    Years where any group is missing are left out (never a partial stack)."""
    ids = {"population_pre_working": "pre", "population_working": "working", "population_post_working": "post"}
    v = values.loc[values["indicator"].isin(ids) & values["value"].notna()]
    if v.empty:
        return pd.DataFrame(columns=["year", "pre", "working", "post", "pre_pct", "working_pct", "post_pct"])
    w = v.pivot_table(index="year", columns="indicator", values="value", aggfunc="first").rename(columns=ids)
    w = w.reindex(columns=list(ids.values())).dropna()
    total = w.sum(axis=1)
    for c in ("pre", "working", "post"):
        w[c + "_pct"] = w[c] / total * 100
    return w.reset_index()


def level_change(level: pd.DataFrame, indicator: str, *, n_units: int, min_share: float = 0.9
                 ) -> tuple[int, int, pd.DataFrame] | None:
    """(first, last, frame[code, level, change]) for the level × change quadrant: the first and
    last years in which >= ``min_share`` of the level's units have a value; None with < 2 years."""
    if indicator not in level.columns.get_level_values(0):
        return None
    sub = level[indicator]
    good = [int(y) for y, n in sub.notna().sum().items() if n >= min_share * n_units]
    if len(good) < 2:
        return None
    first, last = min(good), max(good)
    out = pd.DataFrame({"level": sub[last], "change": sub[last] - sub[first]})
    out.index.name = "code"
    return first, last, out.reset_index()


def latest_population(level: pd.DataFrame, n_units: int, *, min_share: float = 0.9) -> tuple[pd.Series, int | None]:
    """Population of every unit of a wide level frame in the latest year with values for at least
    ``min_share`` of ``n_units`` (a unit missing that year keeps its own latest value)."""
    if "population_total" not in level.columns.get_level_values(0):
        return pd.Series(dtype=float), None
    sub = level["population_total"]
    counts = sub.notna().sum()
    good = [int(y) for y, n in counts.items() if n >= min_share * n_units]
    own_latest = sub.ffill(axis=1).iloc[:, -1]
    if not good:
        return own_latest, None
    y = max(good)
    return sub[y].fillna(own_latest), y
