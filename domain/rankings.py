"""Rankings and percentiles of units — the ONE ranking rule of the app (pure; used by the map,
the profile, the comparison charts, the narrative and the reports).

Rank 1 = best according to the indicator's polarity (higher_better: highest value; lower_better:
lowest value; neutral: highest value, shown as "by value"). Ties share the best rank of the tie
("competition" ranking: 1, 2, 2, 4). Units without a value are not ranked.

Percentile = the unit's percentile rank among units with data: 100 · (B + E/2) / N, rounded
down, where B = units with a worse value, E = units with the same value (itself included) and
N = units with data. The best of 2,477 gminy is at 99, the median unit near 50, the worst at 0.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

POLARITIES = ("higher_better", "lower_better", "neutral")


def _goodness(values: pd.Series, polarity: str) -> pd.Series:
    if polarity not in POLARITIES:
        raise ValueError(f"unknown polarity {polarity!r}")
    v = pd.to_numeric(values, errors="coerce").astype("float64")
    return -v if polarity == "lower_better" else v


def rank_series(values: pd.Series, polarity: str) -> pd.Series:
    """Rank of every value (float; 1 = best, neutral: 1 = highest). NaN stays NaN; ties share the
    best rank of the tie."""
    return _goodness(values, polarity).rank(ascending=False, method="min")


def rank_of(value: float | None, others, polarity: str) -> tuple[int, int] | None:
    """(rank, out of) of ``value`` among ``others`` — the same rule as ``rank_series`` for one
    value that is not itself in ``others`` (e.g. a unit among its peers, or a functional area
    among the units it is compared with). "out of" counts the value too; NaN others are ignored;
    None when ``value`` is missing."""
    if value is None or pd.isna(value):
        return None
    if polarity not in POLARITIES:
        raise ValueError(f"unknown polarity {polarity!r}")
    o = np.asarray(others, dtype=float)
    o = o[np.isfinite(o)]
    better = (o < value).sum() if polarity == "lower_better" else (o > value).sum()
    return int(better) + 1, int(len(o)) + 1


def rank_values(values: pd.Series, polarity: str) -> pd.DataFrame:
    """``rank`` and ``percentile`` (nullable Int64, NA without a value) for a Series of values."""
    g = _goodness(values, polarity)
    ok = g.notna()
    n = int(ok.sum())
    rank = rank_series(values, polarity)
    worse = (g.rank(ascending=True, method="min") - 1)        # strictly worse values
    ties = g.map(g.value_counts()) if n else g * np.nan
    pr = (worse + ties / 2) / n * 100 if n else g * np.nan
    pct = np.floor(pr.astype("float64") + 1e-9)
    return pd.DataFrame({"rank": rank.astype("Int64"), "percentile": pct.astype("Int64")}, index=values.index)


def ranking_frame(units: pd.DataFrame, values: pd.DataFrame, polarity: str,
                  geometry: set[str] | frozenset[str] | None = None) -> pd.DataFrame:
    """All units of one level with their value (NaN = no data), rank and percentile.

    ``units``: code, name, level, gmina_type, city_powiat, parent_code (as Store.units()).
    ``values``: unit, value, source, method, n, of, flag (as Store.level_values()).
    ``geometry``: codes drawn on the map (``has_geometry`` column); None = all.
    Sorted by rank (best first), units without data last (alphabetically).
    """
    cols = ["unit", "value", "source", "method", "n", "of", "flag"]
    vals = values[cols] if not values.empty else pd.DataFrame(columns=cols)
    out = units[["code", "name", "level", "gmina_type", "city_powiat", "parent_code"]].merge(
        vals.rename(columns={"unit": "code"}), on="code", how="left")
    out["value"] = pd.to_numeric(out["value"], errors="coerce").astype("float64")
    out["flag"] = out["flag"].fillna("").astype(str)
    out = pd.concat([out, rank_values(out["value"], polarity)], axis=1)
    out["has_geometry"] = True if geometry is None else out["code"].isin(geometry)
    out["n_ranked"] = int(out["value"].notna().sum())
    out["_name"] = out["name"].str.casefold()
    out = out.sort_values(["rank", "_name", "code"], na_position="last", kind="mergesort")
    return out.drop(columns="_name").reset_index(drop=True)


def window(frame: pd.DataFrame, selected: str | None, *, top: int = 10, around: int = 5) -> pd.DataFrame:
    """Rows to show in a compact ranking: the first and last ``top`` ranked units and ``around``
    units on each side of the selected one (frame sorted as by ranking_frame). Keeps order."""
    ranked = frame.index[frame["rank"].notna()]
    keep = set(ranked[:top]) | set(ranked[-top:]) if len(ranked) else set()
    if selected is not None:
        pos = np.flatnonzero(frame["code"].to_numpy() == selected)
        if pos.size:
            p = int(pos[0])
            keep |= set(frame.index[max(0, p - around): p + around + 1])
    return frame.loc[sorted(keep)]
