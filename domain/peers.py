"""Peer groups: who a unit is compared with (pure: typology classes, nearest neighbours, user lists).

Three methods, chosen by the URL's ``peers`` parameter (see domain.permalink):

``typology`` (default) / ``typology:woj``
    Units of the same kind and population size class (``:woj`` = only within the same
    województwo). Kinds: gminy — urban, rural, urban-rural, city with powiat rights (a city
    with powiat rights is its own kind whatever its TERYT type digit); powiaty — land powiat
    vs city powiat; województwa — all 16 form one group.
    Size classes by the latest population of the level (see ``SIZE_CLASSES``):

    * gminy: < 5 000, 5 000–9 999, 10 000–19 999, 20 000–49 999, 50 000–99 999, ≥ 100 000
      (GUS's customary thresholds; in 2024: 724 / 878 / 532 / 253 / 56 / 34 gminy)
    * powiaty: < 50 000, 50 000–99 999, 100 000–249 999, ≥ 250 000

    A class holding fewer than ``MIN_PEERS`` other units is widened by the adjacent class
    nearer (on a log scale) to the unit's population, then the other side, until the group has
    ``MIN_PEERS`` peers or every class is included; the widened bounds are reported, so a
    caption always says exactly which units are in the group.

``knn:k=10;w=population_total*2,...``
    The k statistically nearest units of the same level. Context indicators and weights are
    chosen by the user (``DEFAULT_CONTEXT`` otherwise). Each indicator is taken in ONE
    reference year (``reference_years``: the latest year that all chosen indicators share with
    >= 90 % of the level's units covered; if they share none, each indicator's own latest such
    year — the page states the years). Strongly right-skewed, strictly positive indicators
    (population, density...) are compared on a log10 scale (``needs_log``). Values are
    standardised to z-scores over ALL units of the level that have a value (mean, population
    standard deviation). Distance = weighted root mean square of z-differences
    (sqrt(Σ w·Δz² / Σ w)), i.e. "how many standard deviations apart, on average".
    Missing values: an indicator the unit itself lacks is dropped from the distance (and
    reported); a candidate lacking any remaining indicator is excluded (and counted) — no
    value is imputed. Each peer carries its per-indicator share of the squared distance, so the
    group is explained ("similar in X and Y, differs mostly in Z").

``custom:code,code``
    A user's list; codes are checked against the units of the unit's level (others rejected
    and reported).

Functional areas (a group of gminy treated as one unit, domain.areas) are compared with:

``members`` (the default for an area)
    Its own member gminy — "how does the area as a whole stand against each of its gminy".
    A count (aggregation rule ``sum``: population, ballots...) is the members' total, so it is
    never ranked against the members themselves (``comparable``).
``typology`` — other areas of similar size
    Every powiat is a predefined group of its gminy (domain.areas.predefined_groups) whose
    values are the same roll-ups; the area is compared with the powiaty (land and city) in its
    population size class of powiaty, widened exactly as for units (``area_size_peers``).
``knn`` — the k powiaty nearest to the area on the context indicators (the area's values are
    one more row of the powiat matrix: domain.profile.with_row).
``custom`` — a user's list of gminy or of powiaty (the level the list mostly holds).

Ranks (rank 1 = best by polarity) come from domain.rankings, the one ranking rule of the app.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

MIN_PEERS = 5
DEFAULT_K = 10
MIN_K, MAX_K = 1, 50
MAX_CONTEXT = 12
MIN_WEIGHT, MAX_WEIGHT = 0.1, 10.0
COVERAGE_FOR_REFERENCE = 0.9

INF = math.inf
SIZE_CLASSES: dict[str, tuple[float, ...]] = {
    # class i = [bounds[i], bounds[i+1]) residents
    "gmina": (0, 5_000, 10_000, 20_000, 50_000, 100_000, INF),
    "powiat": (0, 50_000, 100_000, 250_000, INF),
}
DEFAULT_CONTEXT = ("population_total", "population_density", "share_post_working", "own_revenue_per_capita",
                   "unemployed_share_working_age")
METHODS = ("typology", "typology_woj", "knn", "custom", "members")
AREA_METHODS = ("members", "typology", "knn", "custom")  # what an area offers (default first)

_ID = re.compile(r"^[a-z][a-z0-9_]{1,79}$")


# --------------------------------------------------------------------------------------------
# The peers= argument
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class KnnSpec:
    k: int = DEFAULT_K
    weights: tuple[tuple[str, float], ...] = tuple((i, 1.0) for i in DEFAULT_CONTEXT)

    @property
    def indicators(self) -> tuple[str, ...]:
        return tuple(i for i, _ in self.weights)


def _fmt_weight(w: float) -> str:
    return format(round(float(w), 2), "g")


def parse_knn(arg: str) -> KnnSpec:
    """``k=10;w=population_total*2,population_density`` -> KnnSpec (ValueError if malformed).

    Both parts are optional; ``w`` lists indicator ids, each optionally ``*weight`` (0.1..10).
    """
    k = DEFAULT_K
    weights: tuple[tuple[str, float], ...] | None = None
    seen_keys = set()
    for part in [p for p in arg.split(";") if p]:
        key, eq, val = part.partition("=")
        if not eq or key in seen_keys:
            raise ValueError(part)
        seen_keys.add(key)
        if key == "k":
            if not re.fullmatch(r"\d{1,3}", val):
                raise ValueError(part)
            k = int(val)
            if not MIN_K <= k <= MAX_K:
                raise ValueError(part)
        elif key == "w":
            items = [x for x in val.split(",") if x]
            if not items or len(items) > MAX_CONTEXT:
                raise ValueError(part)
            out: list[tuple[str, float]] = []
            for item in items:
                ind, star, w = item.partition("*")
                if not _ID.match(ind) or ind in {i for i, _ in out}:
                    raise ValueError(item)
                weight = 1.0
                if star:
                    if not re.fullmatch(r"\d{1,2}(\.\d{1,2})?", w):
                        raise ValueError(item)
                    weight = float(w)
                    if not MIN_WEIGHT <= weight <= MAX_WEIGHT:
                        raise ValueError(item)
                out.append((ind, weight))
            weights = tuple(out)
        else:
            raise ValueError(part)
    return KnnSpec(k=k, weights=weights if weights is not None else KnnSpec().weights)


def format_knn(spec: KnnSpec) -> str:
    """Canonical argument: ``k=<k>`` plus ``;w=...`` only when the context differs from the default."""
    out = f"k={spec.k}"
    if spec.weights != KnnSpec().weights:
        out += ";w=" + ",".join(i if w == 1 else f"{i}*{_fmt_weight(w)}" for i, w in spec.weights)
    return out


@dataclass(frozen=True)
class PeerSpec:
    method: str  # typology | typology_woj | knn | custom | members
    knn: KnnSpec = field(default_factory=KnnSpec)
    codes: tuple[str, ...] = ()


def parse_spec(peers: str | None) -> PeerSpec:
    """The view state's (already syntactically valid) ``peers`` string as a PeerSpec."""
    if not peers:
        return PeerSpec("typology")
    method, _, arg = peers.partition(":")
    if method == "typology":
        return PeerSpec("typology_woj" if arg == "woj" else "typology")
    if method == "knn":
        return PeerSpec("knn", knn=parse_knn(arg))
    if method == "custom":
        return PeerSpec("custom", codes=tuple(x for x in arg.split(",") if x))
    if method == "members" and not arg:
        return PeerSpec("members")
    raise ValueError(peers)


def spec_to_param(spec: PeerSpec, *, default: str = "typology") -> str | None:
    """The ``peers`` URL value of a spec (None = the default: typology for a unit, members for a
    functional area — pass ``default="members"`` there)."""
    if spec.method == default:
        return None
    if spec.method in ("typology", "members"):
        return spec.method
    if spec.method == "typology_woj":
        return "typology:woj"
    if spec.method == "knn":
        return "knn:" + format_knn(spec.knn)
    return "custom:" + ",".join(sorted(set(spec.codes)))


# --------------------------------------------------------------------------------------------
# Typology
# --------------------------------------------------------------------------------------------
def unit_kind(row) -> str:
    """Typology kind of a unit row (level, gmina_type, city_powiat)."""
    level = row["level"]
    if level == "gmina":
        if bool(row["city_powiat"]):
            return "city"
        return row["gmina_type"] if row["gmina_type"] in ("urban", "rural", "urban_rural") else "other"
    if level == "powiat":
        return "city_powiat" if bool(row["city_powiat"]) else "land_powiat"
    return level


def unit_kinds(units: pd.DataFrame) -> pd.Series:
    """unit_kind for every row (vectorised)."""
    level = units["level"].to_numpy()
    city = units["city_powiat"].fillna(False).astype(bool).to_numpy()
    gtype = units["gmina_type"].to_numpy()
    gk = np.where(city, "city", np.where(np.isin(gtype, ["urban", "rural", "urban_rural"]), gtype, "other"))
    out = np.where(level == "gmina", gk, np.where(level == "powiat", np.where(city, "city_powiat", "land_powiat"),
                                                  level))
    return pd.Series(out, index=units.index, dtype=object)


def size_class(population: float | None, level: str | None, *, bounds: tuple[float, ...] | None = None
               ) -> int | None:
    bounds = bounds or SIZE_CLASSES.get(level)
    if bounds is None or population is None or not np.isfinite(population):
        return None
    for i in range(len(bounds) - 1):
        if bounds[i] <= population < bounds[i + 1]:
            return i
    return None


@dataclass(frozen=True)
class Neighbours:
    """Result of a kNN search (all frames indexed by peer code, nearest first)."""
    codes: tuple[str, ...]
    distance: pd.Series  # weighted RMS z-difference
    share: pd.DataFrame  # per-indicator share of the squared distance (rows sum to 1; 0 if identical)
    dz: pd.DataFrame  # signed z(peer) - z(unit)
    used: tuple[str, ...]  # indicators in the distance
    weights: dict[str, float]
    dropped: tuple[tuple[str, str], ...]  # (indicator, reason: unknown | unit_missing | constant)
    log_scaled: tuple[str, ...]
    excluded_missing: int  # candidates without a value on some used indicator
    candidates: int  # units compared


@dataclass(frozen=True)
class PeerGroup:
    method: str  # typology | typology_woj | knn | custom | none
    unit: str
    codes: tuple[str, ...]  # peers, never including the unit itself
    level: str
    kind: str | None = None
    size_lo: float | None = None  # typology population bounds after widening ([lo, hi))
    size_hi: float | None = None
    widened: bool = False
    woj: str | None = None
    neighbours: Neighbours | None = None
    rejected: tuple[str, ...] = ()  # custom codes that are not units of the level

    @property
    def n(self) -> int:
        return len(self.codes)


def typology_peers(units: pd.DataFrame, population: pd.Series, code: str, *, same_woj: bool = False,
                   min_peers: int = MIN_PEERS) -> PeerGroup:
    """Units of the same kind and size class as ``code`` (see module docstring).

    ``units``: the level's units (code, level, gmina_type, city_powiat); ``population``: residents
    by code (latest year); a unit without population is grouped by kind only.
    """
    units = units.set_index("code", drop=False)
    row = units.loc[code]
    level = row["level"]
    same_level = units.loc[(units["level"] == level) & (units.index != code)]
    if level == "country":
        return PeerGroup("none", code, (), level)
    method = "typology_woj" if same_woj else "typology"
    kinds = unit_kinds(same_level)
    kind = unit_kind(row)
    pool = same_level.loc[kinds == kind] if level != "wojewodztwo" else same_level
    woj = code[:2] if same_woj and level in ("gmina", "powiat") else None
    if woj:
        pool = pool.loc[pool.index.str[:2] == woj]
    bounds = SIZE_CLASSES.get(level)
    own = size_class(population.get(code), level) if bounds else None
    if bounds is None or own is None:
        return PeerGroup(method, code, tuple(sorted(pool.index)), level, kind=kind, woj=woj)
    chosen, lo, hi, widened = _size_window(population.reindex(pool.index), float(population[code]), bounds,
                                           own, min_peers)
    return PeerGroup(method, code, tuple(sorted(chosen)), level, kind=kind, size_lo=bounds[lo],
                     size_hi=bounds[hi + 1], widened=widened, woj=woj)


def _size_window(pop: pd.Series, own_pop: float, bounds: tuple[float, ...], own: int, min_peers: int
                 ) -> tuple[pd.Index, int, int, bool]:
    """Codes of ``pop`` in size classes lo..hi, starting at the unit's class ``own`` and widened
    towards the nearer (log scale) neighbouring class until ``min_peers`` are in or every class
    is. Returns (codes, lo, hi, widened)."""
    classes = pop.map(lambda p: size_class(p, level=None, bounds=bounds))
    lo = hi = own
    n_classes = len(bounds) - 1
    widened = False

    def members(a: int, b: int) -> pd.Index:
        return classes.index[(classes >= a) & (classes <= b)]

    chosen = members(lo, hi)
    log_pop = math.log10(max(own_pop, 1.0))
    while len(chosen) < min_peers and (lo > 0 or hi < n_classes - 1):
        down = log_pop - math.log10(max(bounds[lo], 1.0)) if lo > 0 else INF
        up = math.log10(bounds[hi + 1]) - log_pop if hi < n_classes - 1 else INF
        if down <= up:
            lo -= 1
        else:
            hi += 1
        widened = True
        chosen = members(lo, hi)
    return chosen, lo, hi, widened


def area_size_peers(population: pd.Series, code: str, area_population: float | None, *, level: str = "powiat",
                    min_peers: int = MIN_PEERS) -> PeerGroup:
    """"Areas of similar size": the units of ``level`` (every powiat is a predefined group of its
    gminy) in the area's population size class, widened as for units. ``population``: residents
    by code of the level's units; ``code``: the area's definition (never its own peer)."""
    bounds = SIZE_CLASSES[level]
    pool = population.drop(index=[code], errors="ignore")
    own = size_class(area_population, level)
    if own is None:
        return PeerGroup("typology", code, tuple(sorted(pool.index)), level, kind="area")
    chosen, lo, hi, widened = _size_window(pool, float(area_population), bounds, own, min_peers)
    return PeerGroup("typology", code, tuple(sorted(chosen)), level, kind="area", size_lo=bounds[lo],
                     size_hi=bounds[hi + 1], widened=widened)


def members_peers(code: str, members: tuple[str, ...]) -> PeerGroup:
    """A functional area compared with its own member gminy."""
    return PeerGroup("members", code, tuple(sorted(members)), "gmina", kind="area")


def comparable(aggregation_rule: str, method: str) -> bool:
    """Whether an area's value may be ranked against its peers: a count (rule ``sum``) of an area
    is its members' total, so it is never compared with the members themselves."""
    return not (method == "members" and aggregation_rule == "sum")


# --------------------------------------------------------------------------------------------
# Nearest neighbours
# --------------------------------------------------------------------------------------------
def _skew(x: np.ndarray) -> float:
    """Sample skewness (adjusted Fisher–Pearson, as pandas' Series.skew) of finite values."""
    n = len(x)
    if n < 3:
        return 0.0
    d = x - x.mean()
    m2 = (d * d).mean()
    if m2 == 0:
        return 0.0
    g1 = (d ** 3).mean() / m2 ** 1.5
    return float(g1 * math.sqrt(n * (n - 1)) / (n - 2))


def needs_log(values) -> bool:
    """Compare on a log10 scale: strictly positive and strongly right-skewed (skewness > 2)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) < 3 or (v <= 0).any():
        return False
    return _skew(v) > 2


def standardise(values, *, log: bool) -> np.ndarray:
    """z-scores over all values present (population standard deviation); NaN stays NaN
    (all NaN if the values do not vary)."""
    v = np.asarray(values, dtype=float).copy()
    if log:
        with np.errstate(divide="ignore", invalid="ignore"):
            v = np.where(v > 0, np.log10(np.where(v > 0, v, 1.0)), np.nan)
    ok = np.isfinite(v)
    if ok.sum() == 0:
        return np.full_like(v, np.nan)
    mean = v[ok].mean()
    sd = v[ok].std()
    if not np.isfinite(sd) or sd == 0:
        return np.full_like(v, np.nan)
    return (v - mean) / sd


def knn_peers(matrix: pd.DataFrame, code: str, spec: KnnSpec, *, log_scale: tuple[str, ...] | None = None
              ) -> Neighbours:
    """The ``spec.k`` units nearest to ``code``.

    ``matrix``: one row per unit of the level (index = code, may include the unit; for a
    functional area pass its row too), one column per indicator holding the reference-year
    value. ``log_scale``: indicators to log-transform (default: decided by ``needs_log`` on the
    column). Ties in distance are broken by code, so the result is deterministic.
    """
    dropped: list[tuple[str, str]] = []
    weights: dict[str, float] = {}
    index = matrix.index
    pos = index.get_indexer([code])[0]
    known = [i for i, _ in spec.weights if i in matrix.columns]
    X = matrix[known].to_numpy(dtype=float) if known else np.empty((len(index), 0))
    col = {i: X[:, n] for n, i in enumerate(known)}
    for ind, w in spec.weights:
        if ind not in col:
            dropped.append((ind, "unknown"))
        elif pos < 0 or not np.isfinite(col[ind][pos]):
            dropped.append((ind, "unit_missing"))
        else:
            weights[ind] = float(w)
    logs = tuple(i for i in weights if (needs_log(col[i]) if log_scale is None else i in log_scale))
    cols = {}
    for i in list(weights):
        zi = standardise(col[i], log=i in logs)
        if not np.isfinite(zi).any():
            dropped.append((i, "constant"))
            del weights[i]
        else:
            cols[i] = zi
    used = tuple(weights)
    if not used:
        return Neighbours((), pd.Series(dtype=float), pd.DataFrame(columns=list(used)),
                          pd.DataFrame(columns=list(used)), used, weights, tuple(dropped), logs, 0, 0)
    z = np.column_stack([cols[i] for i in used])
    w = np.array([weights[i] for i in used])
    dz_all = z - z[pos]
    complete = np.isfinite(dz_all).all(axis=1)
    complete[pos] = False
    excluded = int((~np.isfinite(dz_all).all(axis=1)).sum())
    cand = np.flatnonzero(complete)
    dz = dz_all[cand]
    d2 = dz * dz * w
    dist = np.sqrt(d2.sum(axis=1) / w.sum())
    cand_codes = index.to_numpy()[cand]
    order = np.lexsort((cand_codes, dist))[: spec.k]
    codes = tuple(str(c) for c in cand_codes[order])
    tot = d2[order].sum(axis=1, keepdims=True)
    share = np.divide(d2[order], tot, out=np.zeros_like(d2[order]), where=tot > 0)
    return Neighbours(
        codes=codes,
        distance=pd.Series(dist[order], index=list(codes)),
        share=pd.DataFrame(share, index=list(codes), columns=list(used)),
        dz=pd.DataFrame(dz[order], index=list(codes), columns=list(used)),
        used=used, weights=weights, dropped=tuple(dropped), log_scaled=logs,
        excluded_missing=excluded, candidates=int(len(cand)))


def knn_peers_naive(matrix: pd.DataFrame, code: str, spec: KnnSpec) -> tuple[str, ...]:
    """Pure-Python reference implementation (the benchmark's baseline; same result as knn_peers)."""
    inds = [i for i, _ in spec.weights if i in matrix.columns and code in matrix.index
            and not pd.isna(matrix.at[code, i])]
    cols = {}
    for i in inds:
        vals = [float(x) for x in matrix[i].tolist()]
        use_log = needs_log(matrix[i].to_numpy())
        xs = [math.log10(x) if use_log and x > 0 else (x if not use_log else float("nan")) for x in vals]
        present = [x for x in xs if x == x]
        mean = sum(present) / len(present)
        sd = math.sqrt(sum((x - mean) ** 2 for x in present) / len(present))
        if sd == 0:
            continue
        cols[i] = [(x - mean) / sd for x in xs]
    if not cols:
        return ()
    weights = dict(spec.weights)
    codes = list(matrix.index)
    me = codes.index(code)
    wsum = sum(weights[i] for i in cols)
    out = []
    for r, c in enumerate(codes):
        if r == me:
            continue
        acc, ok = 0.0, True
        for i, col in cols.items():
            d = col[r] - col[me]
            if d != d:
                ok = False
                break
            acc += weights[i] * d * d
        if ok:
            out.append((math.sqrt(acc / wsum), c))
    out.sort()
    return tuple(c for _, c in out[: spec.k])


def good_years(matrix: pd.DataFrame, indicator: str, *, n_units: int,
               min_share: float = COVERAGE_FOR_REFERENCE) -> list[int]:
    """Years in which at least ``min_share`` of the level's ``n_units`` have a value.

    ``matrix``: wide frame, columns MultiIndex (indicator, year).
    """
    if indicator not in matrix.columns.get_level_values(0):
        return []
    sub = matrix[indicator]
    counts = sub.notna().sum()
    return sorted(int(y) for y, n in counts.items() if n >= min_share * n_units)


def reference_years(available: dict[str, list[int]]) -> dict[str, int]:
    """One year per indicator: the latest year all share; else each one's own latest year."""
    have = {i: set(ys) for i, ys in available.items() if ys}
    if not have:
        return {}
    common = set.intersection(*have.values())
    if common:
        y = max(common)
        return {i: y for i in have}
    return {i: max(ys) for i, ys in have.items()}


def reference_matrix(matrix: pd.DataFrame, years: dict[str, int]) -> pd.DataFrame:
    """unit × indicator frame of the reference-year values (input to knn_peers)."""
    return pd.DataFrame({i: matrix[(i, y)] for i, y in years.items()}, index=matrix.index)


# --------------------------------------------------------------------------------------------
# User-defined lists
# --------------------------------------------------------------------------------------------
def custom_peers(level_codes: set[str] | list[str], code: str, codes: tuple[str, ...], level: str) -> PeerGroup:
    """A user's list, restricted to units of the unit's level (the unit itself is not its own peer)."""
    valid = set(level_codes)
    ok = tuple(sorted({c for c in codes if c in valid and c != code}))
    rejected = tuple(sorted({c for c in codes if c not in valid}))
    return PeerGroup("custom", code, ok, level, rejected=rejected)
