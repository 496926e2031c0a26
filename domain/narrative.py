"""Strengths and weaknesses against the peer group, as structured statements (pure; the wording
lives in the message catalogue, see components/profile_summary.py).

Rule, per profile indicator the unit has a value for (its latest year):

* compare the unit's value with its peers' values IN THE SAME YEAR; at least ``MIN_PEERS`` peers
  must have a value, otherwise no statement;
* gap = (value − peer median) / robust spread, the spread being IQR / 1.349 (equals the standard
  deviation for normal data) or, if the IQR is 0, the peers' standard deviation; with no spread
  at all there is no statement;
* "better" = signed by polarity (higher_better: above the median is better; lower_better: below);
  a strength needs better-gap ≥ ``MIN_GAP`` AND the unit in the better half of the group, a
  weakness the mirror image; neutral indicators and counts (``Indicator.judged``) are NEVER
  strengths or weaknesses — the ones that
  differ most are returned separately as ``notable`` ("differs from its peers, no judgement");
* a value whose base is small (catalogue ``small_base``: e.g. population < 5 000 for rates per
  1 000) is still reported but carries ``small_base`` so the text always qualifies it, and it is
  ordered after the reliable statements;
* at most ``PER_CATEGORY`` statements of one kind per theme (four turnouts must not crowd out
  everything else), ``TOP`` per kind.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from domain.catalogue import Indicator
from domain.profile import level_arrays
from domain.rankings import rank_of

MIN_PEERS = 5
MIN_GAP = 0.5
TOP = 3
PER_CATEGORY = 2
IQR_TO_SD = 1.349


@dataclass(frozen=True)
class Statement:
    kind: str  # strength | weakness | notable
    indicator: str
    category: str
    year: int
    value: float
    peer_median: float
    peer_n: int
    rank: int  # within unit + peers (1 = best; neutral: 1 = highest)
    of: int
    gap: float  # (value - median) / spread, signed as the data (not by polarity)
    direction: str  # above | below (the peer median)
    source: str
    method: str
    small_base: dict | None = None  # {indicator, year, value, below}


@dataclass(frozen=True)
class Summary:
    strengths: tuple[Statement, ...]
    weaknesses: tuple[Statement, ...]
    notable: tuple[Statement, ...]
    assessed: int  # indicators with enough peers to be compared
    peer_n: int  # size of the peer group


def spread(values) -> float:
    """Robust spread of the peers' values (IQR/1.349, else population SD; NaN if none)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) < 2:
        return np.nan
    q1, q3 = np.percentile(v, [25, 75])
    iqr = float(q3 - q1)
    if iqr > 0:
        return iqr / IQR_TO_SD
    sd = float(v.std())
    return sd if sd > 0 else np.nan


def statements(cards: pd.DataFrame, indicators: dict[str, Indicator], level: pd.DataFrame, peers, *,
               unit: str | None = None) -> list[Statement]:
    """Every candidate statement (unfiltered), one per indicator that can be compared.

    ``cards``: domain.profile.profile_cards output (value, year, source, method, small_base, peer
    rank); ``level``: wide frame (indicator, year) of the level's units.
    """
    peers = [p for p in peers if p != unit]
    pos = level.index.get_indexer(peers)
    pos = pos[pos >= 0]
    arr, colpos = level_arrays(level)
    out: list[Statement] = []
    for r in cards.to_dict("records"):
        ind = indicators[r["indicator"]]
        key = (ind.id, int(r["year"]))
        if key not in colpos:
            continue
        pv = arr[pos, colpos[key]]
        pv = pv[np.isfinite(pv)]
        if len(pv) < MIN_PEERS:
            continue
        s = spread(pv)
        if not np.isfinite(s):
            continue
        med = float(np.median(pv))
        gap = (float(r["value"]) - med) / s
        # neutral indicators and counts (whose size follows the unit's size) are never judged
        polarity = ind.polarity if ind.judged else "neutral"
        if polarity == "neutral":
            better = 0.0
        else:
            better = gap if polarity == "higher_better" else -gap
        if polarity == "neutral":
            kind = "notable" if abs(gap) >= MIN_GAP else None
        elif better >= MIN_GAP:
            kind = "strength"
        elif better <= -MIN_GAP:
            kind = "weakness"
        else:
            kind = None
        if kind is None:
            continue
        rank, of = rank_of(float(r["value"]), pv, polarity)
        # a strength must also be in the better half of the group (and a weakness in the worse)
        if kind == "strength" and rank > (of + 1) / 2 or kind == "weakness" and rank < (of + 1) / 2:
            continue
        out.append(Statement(kind=kind, indicator=ind.id, category=ind.category, year=int(r["year"]),
                             value=float(r["value"]), peer_median=med, peer_n=int(len(pv)), rank=rank, of=of,
                             gap=gap, direction="above" if gap > 0 else "below", source=r["source"],
                             method=r["method"], small_base=r.get("small_base") or None))
    return out


def _pick(cands: list[Statement], top: int, per_category: int) -> tuple[Statement, ...]:
    cands = sorted(cands, key=lambda s: (s.small_base is not None, -abs(s.gap), s.indicator))
    chosen: list[Statement] = []
    per: dict[str, int] = {}
    for s in cands:
        if per.get(s.category, 0) >= per_category:
            continue
        chosen.append(s)
        per[s.category] = per.get(s.category, 0) + 1
        if len(chosen) == top:
            break
    return tuple(chosen)


def summarise(cards: pd.DataFrame, indicators: dict[str, Indicator], level: pd.DataFrame, peers, *,
              unit: str | None = None, top: int = TOP, per_category: int = PER_CATEGORY) -> Summary:
    """The strongest strengths, weaknesses and (neutral) notable differences against the peers."""
    peers = [p for p in peers if p != unit]
    cands = statements(cards, indicators, level, peers, unit=unit)
    pos = level.index.get_indexer(peers)
    pos = pos[pos >= 0]
    arr, colpos = level_arrays(level)
    assessed = 0
    for r in cards.to_dict("records"):
        key = (r["indicator"], int(r["year"]))
        if key in colpos and np.isfinite(arr[pos, colpos[key]]).sum() >= MIN_PEERS:
            assessed += 1
    return Summary(
        strengths=_pick([s for s in cands if s.kind == "strength"], top, per_category),
        weaknesses=_pick([s for s in cands if s.kind == "weakness"], top, per_category),
        notable=_pick([s for s in cands if s.kind == "notable"], 2, 1),
        assessed=assessed, peer_n=len(peers))
