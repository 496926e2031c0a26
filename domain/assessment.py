"""The synthetic assessment ("Ocena syntetyczna", issue 13) — pure: no Streamlit, no SQL.

A unit (gmina, powiat, or a functional area) is assessed ONLY against its comparison group — the
unit plus its peers, chosen exactly as on the profile (domain.peers: typology by default, kNN, a
user's list; a functional area: its member gminy or areas of similar size). Nothing here is an
absolute judgement: a score of 80 means "better than most of this group", not "good".

The tree (``data/catalogue/assessment.yaml``, read by ``load_tree``)::

    overall -> 3 dimensions (gospodarczy, społeczny, środowiskowo-przestrzenny) -> areas
            -> sub-areas -> indicator leaves (catalogue id, direction +1/-1, weight)

Only intensive indicators (rates, shares, per-capita and per-1,000 values) may be leaves:
``load_tree`` rejects a count (``is_intensive``: aggregation rule ``sum``, or rule ``none`` with a
count unit) with a ``TreeError`` naming it. Every gmina-level intensive catalogue indicator is a
leaf or is listed under ``left_out`` with the reason (``missing_from_tree``).

Method — every number can be recomputed from ``cli.py show`` output of the group's members:

1. **Reference year per leaf**: the latest year in which at least 90 % of the level's current
   units have a value (``COVERAGE_FOR_REFERENCE``; the same rule as the kNN reference years in
   domain.peers). A leaf without such a year is "brak danych" for everyone. A functional area is
   scored on the same years as the level it is compared with.
2. **Leaf score (level)**: for each leaf, the group members with a value in the reference year
   are ordered by ``direction × value`` (direction 1 = higher is better, -1 = lower is better),
   and the unit's score is its **percentile rank within the group**
   ``100 × (B + (E − 1) / 2) / (N − 1)`` — B = members strictly worse, E = members with the same
   value (the unit included), N = members with a value. The best member scores 100, the worst 0,
   ties share the average, the median member 50. With N < 2 the leaf has no score.
   Why this rule: it is robust (an outlier is simply the best or worst, it does not squash the
   others as min–max does), it needs no distribution assumption, it is invariant to any
   increasing transformation of an indicator (units, per-1,000 vs per-100,000, logs), and a
   better value can never lower a unit's score. Its cost — equal steps between neighbours
   however close their values are — is what the uncertainty analysis tests with the two
   alternatives (``NORMALISATIONS``):

   * ``robust_z``: z = (g − median) / (1.4826 · MAD) over the group (if MAD = 0: IQR / 1.349;
     if that is 0 too, every member scores 50), clipped to [−3, 3], score = 50 + z · 50 / 3;
   * ``minmax``: 100 · (g − min) / (max − min) over the group (50 if max = min).

3. **Aggregation**: a node's score is the weighted arithmetic mean of the scores of its children
   that have one (weights from the tree, default 1). A node needs at least 2/3 of its children's
   weight present (``MIN_COVERAGE``), otherwise it is "brak danych" — never imputed. ``coverage``
   = the share of the children's weight present (a leaf: 1 with a value, 0 without).
4. **Dynamics**: each leaf's change Δ = value(reference year) − value(start year), where the
   start year is the earliest well-covered (≥ 90 %) year between ref − 5 and ref − 1 (the
   window is the tree's ``dynamics``: up to 5 years, the longest the data allow); Δ is scored
   exactly as in 2. (percentile rank of direction × Δ within the group) and aggregated as in 3.,
   with the same 2/3 rule. A leaf without such a start year (one year of data, e.g. the 2024
   vital statistics) has no dynamics, so a node's dynamics can be "brak danych" where its level
   has a score.
5. **Rank**: 1 = best score at the node among the group members that have a score there
   (ties share the best rank, as domain.rankings); ``group_size`` = members with a score there
   (at most the unit + its peers).
6. **Rank uncertainty interval**: the 5th and 95th percentile (observed values,
   ``inverted_cdf``) of the unit's rank at each node over these scenarios, sampled jointly (as
   in the JRC/COINr uncertainty analysis):

   * ``N_DRAWS`` = 500 weight sets drawn (numpy ``default_rng(SEED)``) for every internal node
     from a Dirichlet distribution with α = ``CONCENTRATION`` (10) × k × w / Σw (k children;
     mean = the stated weights, each weight's standard deviation about a third of it for 3
     equal children), rescaled to the stated total; draw i is scored with normalisation
     i mod 3 (rank, robust_z, minmax);
   * for each of the 3 normalisations: the stated weights, and each leaf dropped in turn
     (weight 0; a node left without children drops out of its parent).

   500 + 3 × (1 + L) scenarios (L leaves; 569 for the committed tree). A leaf's rank does not
   depend on weights or on the normalisation, so a leaf's interval is its rank.

``assess_group`` scores one group (vectorised over members and leaves), ``rank_interval`` adds
the interval for one unit, ``unit_frame`` shapes the CLI/report rows (``COLUMNS``), and
``assess_all`` scores every unit of a level in its own group, computing each distinct group once.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import yaml

from domain import peers as P
from domain.catalogue import Indicator

TREE_PATH = Path(__file__).resolve().parent.parent / "data" / "catalogue" / "assessment.yaml"
KINDS = ("overall", "dimension", "area", "subarea", "indicator")
COLUMNS = ("node", "parent", "kind", "name", "year", "value", "direction", "score", "rank", "group_size",
           "rank_low", "rank_high", "dynamics", "coverage")
MIN_COVERAGE = 2 / 3
COVERAGE_FOR_REFERENCE = P.COVERAGE_FOR_REFERENCE
NORMALISATIONS = ("rank", "robust_z", "minmax")
N_DRAWS = 500
SEED = 20261
CONCENTRATION = 10.0
PERCENTILES = (5, 95)
USER_PREFIXES = ("bdl_", "own_")
_EPS = 1e-9
# units of measure that mark a count or an amount (used for rule "none", where the rule says nothing)
_RATE_MARKS = ("%", "‰", " na ", "na 1", "/")


class TreeError(ValueError):
    """The assessment tree is invalid (a count leaf, unknown ids, bad directions...)."""


# --------------------------------------------------------------------------------------------
# The tree
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Node:
    id: str
    parent: str | None
    kind: str
    name_pl: str
    name_en: str
    weight: float = 1.0
    children: tuple[str, ...] = ()
    indicator: str | None = None
    direction: int = 0
    reason_pl: str = ""
    reason_en: str = ""

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_pl

    def reason(self, lang: str) -> str:
        return self.reason_en if lang == "en" else self.reason_pl


@dataclass(frozen=True)
class LeftOut:
    indicator: str
    reason_pl: str
    reason_en: str

    def reason(self, lang: str) -> str:
        return self.reason_en if lang == "en" else self.reason_pl


@dataclass(frozen=True)
class Tree:
    nodes: Mapping[str, Node]  # pre-order (root first, children in the file's order)
    root: str
    left_out: tuple[LeftOut, ...] = ()
    window_years: int = 5
    window_min_years: int = 3

    @property
    def leaves(self) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes.values() if n.kind == "indicator")

    @property
    def indicators(self) -> tuple[str, ...]:
        return tuple(n.indicator for n in self.leaves)

    @property
    def internal(self) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes.values() if n.kind != "indicator")

    def post_order(self) -> list[Node]:
        """Internal nodes, children before parents."""
        return [n for n in reversed(list(self.nodes.values())) if n.kind != "indicator"]

    def of_kind(self, kind: str) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes.values() if n.kind == kind)

    def ancestors(self, node_id: str) -> list[str]:
        out, cur = [], self.nodes[node_id].parent
        while cur is not None:
            out.append(cur)
            cur = self.nodes[cur].parent
        return out


def is_intensive(ind: Indicator) -> bool:
    """A rate, share, per-capita or per-1,000 value (may be a leaf), not a count or an amount.

    Aggregation rule ``ratio``, ``weighted_mean`` or ``odds`` = intensive; ``sum`` = a count;
    ``none`` (not aggregated) = intensive only if the unit of measure is a rate (%, ‰, "na ...").
    """
    rule = ind.aggregation.rule
    if rule in ("ratio", "weighted_mean", "odds"):
        return True
    if rule == "sum":
        return False
    unit = f" {ind.unit_pl} "
    return any(m in unit for m in _RATE_MARKS)


def _read(source) -> dict:
    if source is None:
        source = TREE_PATH
    if isinstance(source, (str, Path)):
        with open(source, encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    return source


def load_tree(source=None, indicators: Mapping[str, Indicator] | None = None) -> Tree:
    """Read and validate the tree (a path, a parsed mapping, or None = ``TREE_PATH``).

    With ``indicators`` (the catalogue, or the store's indicators incl. user ones) every leaf is
    checked: a count indicator is rejected (``TreeError``: "... is a count ..."), an unknown id is
    rejected unless it names a user indicator (``bdl_``/``own_``: absent = "brak danych"), a
    direction against the catalogue's polarity is rejected, and a neutral indicator needs a
    reason. Kinds follow depth: overall, dimension, area, subarea; leaves are indicators.
    """
    raw = _read(source)
    if not isinstance(raw, dict) or "root" not in raw:
        raise TreeError("the assessment tree needs a 'root' node")
    nodes: dict[str, Node] = {}
    problems: list[str] = []
    depth_kind = ("overall", "dimension", "area", "subarea")

    def walk(item: dict, parent: str | None, depth: int) -> str | None:
        if not isinstance(item, dict):
            problems.append(f"node under {parent!r} is not a mapping")
            return None
        weight = item.get("weight", 1)
        try:
            weight = float(weight)
        except (TypeError, ValueError):
            weight = -1.0
        if not math.isfinite(weight) or weight <= 0:
            problems.append(f"node {item.get('id') or item.get('indicator')!r}: weight must be a positive number")
            weight = 1.0
        if "indicator" in item:
            ind = str(item["indicator"])
            nid = str(item.get("id", ind))
            direction = item.get("direction")
            if direction not in (1, -1):
                problems.append(f"leaf {nid!r}: direction must be 1 or -1")
                direction = 1
            if depth < 1:
                problems.append(f"leaf {nid!r} directly under the root")
            node = Node(nid, parent, "indicator", str(item.get("name_pl", "")), str(item.get("name_en", "")),
                        weight, (), ind, int(direction), str(item.get("reason_pl", "")),
                        str(item.get("reason_en", "")))
        else:
            nid = str(item.get("id", ""))
            if not nid:
                problems.append(f"node under {parent!r} without id")
                return None
            if depth >= len(depth_kind):
                problems.append(f"node {nid!r} is deeper than a sub-area")
                return None
            if not item.get("name_pl") or not item.get("name_en"):
                problems.append(f"node {nid!r} needs name_pl and name_en")
            kids = item.get("children") or []
            if not kids:
                problems.append(f"node {nid!r} has no children")
            node = Node(nid, parent, depth_kind[depth], str(item.get("name_pl", "")), str(item.get("name_en", "")),
                        weight)
        if nid in nodes:
            problems.append(f"duplicate node id {nid!r}")
            return None
        nodes[nid] = node
        if node.kind != "indicator":
            child_ids = [c for c in (walk(k, nid, depth + 1) for k in item.get("children") or []) if c]
            nodes[nid] = Node(**{**node.__dict__, "children": tuple(child_ids)})
        return nid

    root = walk(raw["root"], None, 0)
    seen: set[str] = set()
    for leaf in (n for n in nodes.values() if n.kind == "indicator"):
        if leaf.indicator in seen:
            problems.append(f"indicator {leaf.indicator!r} is a leaf twice")
        seen.add(leaf.indicator)
    left = []
    for item in raw.get("left_out") or []:
        if not isinstance(item, dict) or not item.get("indicator") or not item.get("reason_pl") \
                or not item.get("reason_en"):
            problems.append(f"left_out entry {item!r} needs indicator, reason_pl and reason_en")
            continue
        if item["indicator"] in seen:
            problems.append(f"indicator {item['indicator']!r} is both a leaf and left out")
        left.append(LeftOut(str(item["indicator"]), str(item["reason_pl"]), str(item["reason_en"])))
    if indicators is not None:
        problems += _check_leaves(nodes, indicators)
        for nid, n in list(nodes.items()):  # leaves take the catalogue's names unless the tree names them
            ind = indicators.get(n.indicator) if n.kind == "indicator" else None
            if ind is not None:
                nodes[nid] = Node(**{**n.__dict__, "name_pl": n.name_pl or ind.name_pl,
                                     "name_en": n.name_en or ind.name_en})
    if problems:
        raise TreeError("assessment tree problems:\n  " + "\n  ".join(problems))
    dyn = raw.get("dynamics") or {}
    return Tree(nodes=dict(nodes), root=root, left_out=tuple(left), window_years=int(dyn.get("years", 5)),
                window_min_years=int(dyn.get("min_years", 3)))


def _check_leaves(nodes: Mapping[str, Node], indicators: Mapping[str, Indicator]) -> list[str]:
    problems = []
    for leaf in (n for n in nodes.values() if n.kind == "indicator"):
        ind = indicators.get(leaf.indicator)
        if ind is None:
            if not leaf.indicator.startswith(USER_PREFIXES):
                problems.append(f"leaf {leaf.id!r}: unknown indicator {leaf.indicator!r}")
            continue
        if not is_intensive(ind):
            problems.append(f"leaf {leaf.id!r}: {leaf.indicator!r} is a count ({ind.unit_en}, aggregated by "
                            f"{ind.aggregation.rule}) — only rates, shares and per-capita values may be leaves")
        if ind.polarity == "neutral":
            if not (leaf.reason_pl and leaf.reason_en):
                problems.append(f"leaf {leaf.id!r}: {leaf.indicator!r} is neutral in the catalogue, so its "
                                f"direction needs reason_pl and reason_en")
        elif (ind.polarity == "higher_better") != (leaf.direction == 1):
            problems.append(f"leaf {leaf.id!r}: direction {leaf.direction} contradicts the catalogue "
                            f"polarity {ind.polarity}")
    return problems


def missing_from_tree(tree: Tree, indicators: Mapping[str, Indicator], level: str = "gmina") -> list[str]:
    """Intensive catalogue indicators of ``level`` that are neither leaves nor left out."""
    listed = set(tree.indicators) | {x.indicator for x in tree.left_out}
    return sorted(i.id for i in indicators.values()
                  if level in i.levels and is_intensive(i) and i.id not in listed
                  and not i.id.startswith(USER_PREFIXES))


# --------------------------------------------------------------------------------------------
# Level inputs: reference years, values and changes
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LevelInputs:
    """Every unit's leaf values at the level, in the leaves' reference years (built once per level).

    ``values`` / ``changes``: float arrays (units × leaves), NaN = no data; ``codes`` the row codes.
    """
    codes: np.ndarray
    values: np.ndarray
    changes: np.ndarray
    ref_years: dict[str, int | None]
    start_years: dict[str, int | None]
    n_units: int
    row: dict[str, int] = field(default_factory=dict)

    def rows(self, codes: Iterable[str]) -> np.ndarray:
        return np.array([self.row[c] for c in codes], dtype=np.int64)


def reference_year(matrix: pd.DataFrame, indicator: str, n_units: int) -> int | None:
    """The latest year with values for >= 90 % of the level's ``n_units`` (None if none)."""
    years = P.good_years(matrix, indicator, n_units=n_units, min_share=COVERAGE_FOR_REFERENCE)
    return max(years) if years else None


def start_year(matrix: pd.DataFrame, indicator: str, ref: int | None, n_units: int, tree: Tree) -> int | None:
    """Start of the dynamics window: the earliest well-covered year in [ref − years, ref − min_years]
    (the tree's ``dynamics``: 5 and 1)."""
    if ref is None:
        return None
    years = P.good_years(matrix, indicator, n_units=n_units, min_share=COVERAGE_FOR_REFERENCE)
    ok = [y for y in years if ref - tree.window_years <= y <= ref - tree.window_min_years]
    return min(ok) if ok else None


def level_inputs(tree: Tree, matrix: pd.DataFrame, n_units: int) -> LevelInputs:
    """Inputs from a wide level matrix (index unit code, columns (indicator, year), as
    domain.profile.wide_matrix / services.profile.level_matrix); ``n_units`` = current units of the
    level (the coverage base). A functional area is one more row (domain.profile.with_row)."""
    codes = np.asarray(matrix.index, dtype=object)
    L = len(tree.leaves)
    vals = np.full((len(codes), L), np.nan)
    chg = np.full((len(codes), L), np.nan)
    refs: dict[str, int | None] = {}
    starts: dict[str, int | None] = {}
    have = set(matrix.columns.get_level_values(0)) if len(matrix.columns) else set()
    for j, leaf in enumerate(tree.leaves):
        ind = leaf.indicator
        if ind not in have:
            refs[ind] = starts[ind] = None
            continue
        ref = reference_year(matrix, ind, n_units)
        st = start_year(matrix, ind, ref, n_units, tree)
        refs[ind], starts[ind] = ref, st
        if ref is not None:
            vals[:, j] = matrix[(ind, ref)].to_numpy(dtype=float)
            if st is not None:
                chg[:, j] = vals[:, j] - matrix[(ind, st)].to_numpy(dtype=float)
    return LevelInputs(codes=codes, values=vals, changes=chg, ref_years=refs, start_years=starts,
                       n_units=int(n_units), row={str(c): i for i, c in enumerate(codes)})


# --------------------------------------------------------------------------------------------
# Normalisation within a group (columns = leaves, rows = group members)
# --------------------------------------------------------------------------------------------
def normalise(X: np.ndarray, direction: np.ndarray, method: str = "rank") -> np.ndarray:
    """Leaf scores 0–100 (higher = better) of the group members ``X`` (members × leaves); NaN stays
    NaN, a column with fewer than 2 values is all NaN. See the module docstring for the rules."""
    G = np.asarray(X, dtype=float) * np.asarray(direction, dtype=float)
    ok = np.isfinite(G)
    n = ok.sum(axis=0)
    out = np.full(G.shape, np.nan)
    if method == "rank":
        r = pd.DataFrame(G).rank(method="average", axis=0).to_numpy()  # 1-based, ascending = worse first
        with np.errstate(invalid="ignore", divide="ignore"):
            out = 100.0 * (r - 1.0) / (n - 1.0)
    elif method == "robust_z":
        with np.errstate(invalid="ignore", all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns (no data) stay NaN
            med = np.nanmedian(np.where(ok, G, np.nan), axis=0) if G.size else np.zeros(G.shape[1])
            mad = 1.4826 * np.nanmedian(np.abs(G - med), axis=0)
            q1, q3 = np.nanpercentile(G, [25, 75], axis=0)
            iqr = (q3 - q1) / 1.349
            spread = np.where(mad > _EPS * np.maximum(np.abs(med), 1), mad, iqr)
            z = np.where(spread > _EPS * np.maximum(np.abs(med), 1), (G - med) / spread, 0.0)
            out = 50.0 + np.clip(z, -3, 3) * 50.0 / 3.0
    elif method == "minmax":
        with np.errstate(invalid="ignore", all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            lo = np.nanmin(np.where(ok, G, np.inf), axis=0)
            hi = np.nanmax(np.where(ok, G, -np.inf), axis=0)
            span = hi - lo
            out = np.where(span > _EPS * np.maximum(np.abs(hi), 1), 100.0 * (G - lo) / span, 50.0)
    else:
        raise ValueError(f"unknown normalisation {method!r}")
    out = np.where(ok & (n >= 2), out, np.nan)
    return np.clip(out, 0.0, 100.0)


# --------------------------------------------------------------------------------------------
# Aggregation up the tree
# --------------------------------------------------------------------------------------------
def _aggregate(tree: Tree, leaf_scores: np.ndarray, weights: Mapping[str, np.ndarray] | None = None
               ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Scores and coverage of every node.

    ``leaf_scores``: (members, leaves) or (scenarios, members, leaves). ``weights``: per internal
    node its children's weights, shape (k,) or (scenarios, k) (default: the tree's). Returns
    (score, coverage) dicts node id -> array shaped like ``leaf_scores`` without the last axis. A
    node whose children all have weight 0 (dropped) is absent and weightless for its parent.
    """
    L3 = np.asarray(leaf_scores, dtype=float)
    flat = L3.ndim == 2
    if flat:
        L3 = L3[None]
    n_s = L3.shape[0]
    if weights:
        n_s = max([n_s] + [np.asarray(w).shape[0] for w in weights.values() if np.ndim(w) == 2])
    m = L3.shape[1]
    scores: dict[str, np.ndarray] = {}
    cover: dict[str, np.ndarray] = {}
    alive: dict[str, np.ndarray] = {}  # (scenarios, 1): the node exists in the scenario
    for j, leaf in enumerate(tree.leaves):
        scores[leaf.id] = L3[:, :, j]
        cover[leaf.id] = np.isfinite(L3[:, :, j]).astype(float)
        alive[leaf.id] = np.ones((n_s, 1), dtype=bool)
    for node in tree.post_order():
        if weights is not None and node.id in weights:
            w = np.asarray(weights[node.id], dtype=float)
        else:
            w = np.array([tree.nodes[c].weight for c in node.children], dtype=float)
        w = np.broadcast_to(w if w.ndim == 2 else w[None, :], (n_s, len(node.children)))
        wk_all = w * np.hstack([alive[c] for c in node.children])  # (scenarios, k)
        den_all = wk_all.sum(axis=1, keepdims=True)
        num = np.zeros((n_s, m))
        den_present = np.zeros((n_s, m))
        flat_kids = [k for k, c in enumerate(node.children) if scores[c].shape[0] == 1]
        if flat_kids:  # children that do not vary by scenario (leaves): one matrix product
            s0 = np.vstack([scores[node.children[k]] for k in flat_kids])  # (k', m)
            pres = np.isfinite(s0)
            num += wk_all[:, flat_kids] @ np.where(pres, s0, 0.0)
            den_present += wk_all[:, flat_kids] @ pres.astype(float)
        for k, c in enumerate(node.children):
            if k in flat_kids:
                continue
            sc_c = scores[c]
            pres = np.isfinite(sc_c)
            wk = wk_all[:, k:k + 1]
            num += np.where(pres, sc_c, 0.0) * wk
            den_present += pres * wk
        with np.errstate(invalid="ignore", divide="ignore"):
            cov = np.where(den_all > 0, den_present / np.where(den_all > 0, den_all, 1.0), 0.0)
            ok = (den_all > 0) & (cov >= MIN_COVERAGE - _EPS) & (den_present > 0)
            sc = np.where(ok, num / np.where(den_present > 0, den_present, 1.0), np.nan)
        scores[node.id], cover[node.id], alive[node.id] = sc, cov, den_all > 0
    if flat:
        scores = {k: v[0] for k, v in scores.items()}
        cover = {k: v[0] for k, v in cover.items()}
    return scores, cover


def _ranks(S: np.ndarray) -> np.ndarray:
    """Competition ranks (1 = highest score) along the last axis; NaN stays NaN."""
    ok = np.isfinite(S)
    G = np.where(ok, S, -np.inf)
    r = pd.DataFrame(G.reshape(-1, G.shape[-1]).T).rank(method="min", ascending=False, axis=0).to_numpy().T
    return np.where(ok, r.reshape(S.shape), np.nan)


def _rank_of(S: np.ndarray, pos: int) -> np.ndarray:
    """Rank of member ``pos`` in every row of S (..., members): 1 + members with a higher score."""
    me = S[..., pos:pos + 1]
    better = (np.isfinite(S) & (S > me)).sum(axis=-1).astype(float)
    return np.where(np.isfinite(me[..., 0]), better + 1.0, np.nan)


# --------------------------------------------------------------------------------------------
# One group
# --------------------------------------------------------------------------------------------
@dataclass
class GroupResult:
    """The scores of one comparison group (members × nodes frames, index = member codes)."""
    tree: Tree
    unit: str
    members: tuple[str, ...]  # the unit first, then its peers
    values: pd.DataFrame  # members × leaf ids: reference-year values
    score: pd.DataFrame  # members × node ids, 0–100, NaN = brak danych
    dynamics: pd.DataFrame
    coverage: pd.DataFrame
    rank: pd.DataFrame  # members × node ids (float, NaN without a score)
    group_size: pd.Series  # node id -> members with a score
    ref_years: dict[str, int | None]
    start_years: dict[str, int | None]
    interval: pd.DataFrame | None = None  # node id -> rank_low, rank_high (for ``unit``)

    def median(self, node: str, what: str = "score") -> float:
        s = getattr(self, what)[node].dropna()
        return float(s.median()) if len(s) else float("nan")


def _members(unit: str, peers: Iterable[str], inputs: LevelInputs) -> tuple[str, ...]:
    others = [c for c in dict.fromkeys(peers) if c != unit and c in inputs.row]
    if unit not in inputs.row:
        raise KeyError(f"{unit!r} is not a row of the level inputs")
    return (unit, *others)


def _direction(tree: Tree) -> np.ndarray:
    return np.array([leaf.direction for leaf in tree.leaves], dtype=float)


def assess_group(tree: Tree, inputs: LevelInputs, unit: str, peers: Iterable[str], *,
                 normalisation: str = "rank") -> GroupResult:
    """Level and dynamics scores, coverage and ranks of every member of the group unit + peers."""
    members = _members(unit, peers, inputs)
    rows = inputs.rows(members)
    d = _direction(tree)
    X, D = inputs.values[rows], inputs.changes[rows]
    lvl, cov = _aggregate(tree, normalise(X, d, normalisation))
    dyn, _ = _aggregate(tree, normalise(D, d, normalisation))
    ids = list(tree.nodes)
    score = pd.DataFrame({n: lvl[n] for n in ids}, index=list(members))
    ranks = pd.DataFrame(_ranks(score.to_numpy().T).T, index=score.index, columns=ids)
    leaf_ids = [leaf.id for leaf in tree.leaves]
    return GroupResult(
        tree=tree, unit=unit, members=members,
        values=pd.DataFrame(X, index=list(members), columns=leaf_ids),
        score=score, dynamics=pd.DataFrame({n: dyn[n] for n in ids}, index=list(members)),
        coverage=pd.DataFrame({n: cov[n] for n in ids}, index=list(members)), rank=ranks,
        group_size=score.notna().sum().astype(int), ref_years=dict(inputs.ref_years),
        start_years=dict(inputs.start_years))


def dirichlet_weights(tree: Tree, draws: int = N_DRAWS, seed: int = SEED) -> dict[str, np.ndarray]:
    """``draws`` weight sets per internal node: Dirichlet(α = CONCENTRATION · k · w / Σw), shape
    (draws, k), rescaled to the stated weights' total (seeded, reproducible)."""
    rng = np.random.default_rng(seed)
    out = {}
    for node in tree.internal:
        w = np.array([tree.nodes[c].weight for c in node.children], dtype=float)
        alpha = CONCENTRATION * len(w) * w / w.sum()
        out[node.id] = rng.dirichlet(alpha, size=draws) * w.sum()
    return out


def scenario_weights(tree: Tree, draws: int = N_DRAWS, seed: int = SEED, *, part: int = 0, parts: int = 1
                     ) -> dict[str, np.ndarray]:
    """Weights of the scenarios of one normalisation: the stated weights, the Dirichlet draws
    number ``part``, ``part + parts``, ... (the draws are shared out among the normalisations), then
    each leaf dropped in turn. Shape per internal node (1 + its draws + leaves, k)."""
    base = {n.id: np.array([tree.nodes[c].weight for c in n.children], dtype=float)[None, :] for n in tree.internal}
    rnd = {k: v[part::parts] for k, v in dirichlet_weights(tree, draws, seed).items()}
    out = {}
    leaves = tree.leaves
    for node in tree.internal:
        drop = np.repeat(base[node.id], len(leaves), axis=0)
        for j, leaf in enumerate(leaves):
            if leaf.parent == node.id:
                drop[j, node.children.index(leaf.id)] = 0.0
        out[node.id] = np.vstack([base[node.id], rnd[node.id], drop])
    return out


def _scenario_sets(tree: Tree, draws: int, seed: int) -> list[dict[str, np.ndarray]]:
    """``scenario_weights`` of each normalisation (part i of ``NORMALISATIONS``), the Dirichlet
    draws computed once (the same numbers as calling ``scenario_weights`` per part)."""
    base = {n.id: np.array([tree.nodes[c].weight for c in n.children], dtype=float)[None, :] for n in tree.internal}
    rnd_all = dirichlet_weights(tree, draws, seed)
    parts = len(NORMALISATIONS)
    leaves = tree.leaves
    drop = {}
    for node in tree.internal:
        dr = np.repeat(base[node.id], len(leaves), axis=0)
        for j, leaf in enumerate(leaves):
            if leaf.parent == node.id:
                dr[j, node.children.index(leaf.id)] = 0.0
        drop[node.id] = dr
    return [{n.id: np.vstack([base[n.id], rnd_all[n.id][part::parts], drop[n.id]]) for n in tree.internal}
            for part in range(parts)]


def _unit_ranks(tree: Tree, S: np.ndarray, weights: Mapping[str, np.ndarray], pos: int = 0
                ) -> dict[str, np.ndarray]:
    """Rank of member ``pos`` at every internal node in every scenario: node id -> (scenarios,),
    NaN where it has no score there. ``S``: leaf scores (members, leaves) of one normalisation;
    ``weights``: per internal node (scenarios, k).

    The same numbers as ``_rank_of(_aggregate(tree, S[None], weights)[0][node], pos)``, computed
    with the same floating point operations in the same order, but cheaper. Members are grouped
    by which leaves they have a score for (real groups have one or two such patterns): the
    weight present at a node, its coverage and so whether a member has a score there depend only
    on that pattern and the scenario, so they are computed once per pattern ((scenarios,
    patterns) arrays) instead of per member; per member only the weighted sum of the children's
    scores and one division remain. Scores are kept NaN-free (0 where absent): an absent member
    never beats the unit, as every score is a mean of leaf scores in [0, 100]."""
    n_s = max(np.asarray(w).shape[0] for w in weights.values())
    leaf_col = {leaf.id: j for j, leaf in enumerate(tree.leaves)}
    pres_l = np.isfinite(S)
    patterns, inv = np.unique(pres_l, axis=0, return_inverse=True)
    inv = np.asarray(inv).ravel()
    order = np.argsort(inv, kind="stable")  # members grouped by pattern, in blocks
    inv_o = inv[order]
    me_col = int(np.flatnonzero(order == pos)[0])
    me_pat = int(inv_o[me_col])
    starts = np.searchsorted(inv_o, np.arange(len(patterns)))
    ends = np.append(starts[1:], len(inv_o))
    S0 = np.where(pres_l, S, 0.0)[order]
    Ppat = patterns.astype(float)  # (patterns, leaves)
    m = S0.shape[0]
    thr = MIN_COVERAGE - _EPS
    alive: dict[str, np.ndarray] = {}
    score: dict[str, np.ndarray] = {}  # (scenarios, members): 0 where absent
    present: dict[str, np.ndarray] = {}  # (scenarios, patterns)
    out: dict[str, np.ndarray] = {}
    gt = np.empty((n_s, m), dtype=bool)
    for node in tree.post_order():
        kids = node.children
        w = np.broadcast_to(np.asarray(weights[node.id], dtype=float), (n_s, len(kids)))
        wk_all = w * np.hstack([alive.get(c, np.ones((n_s, 1), dtype=bool)) for c in kids])
        den_all = wk_all.sum(axis=1, keepdims=True)
        alive[node.id] = den_all > 0
        flat = [k for k, c in enumerate(kids) if c in leaf_col]
        num = den = None  # a sum starts with its first term (0 + x = x)
        if flat:  # leaves: the same matrix product as _aggregate
            cols = [leaf_col[kids[k]] for k in flat]
            num = wk_all[:, flat] @ S0[:, cols].T
            for k, j in zip(flat, cols):  # the weight present, term by term, per pattern
                term = wk_all[:, k:k + 1] * Ppat[:, j]
                den = term if den is None else den + term
        for k, c in enumerate(kids):
            if c in leaf_col:
                continue
            wk = wk_all[:, k:k + 1]
            term = score.pop(c)
            np.multiply(term, wk, out=term)
            if num is None:
                num = term
            else:
                num += term
            pterm = present.pop(c) * wk
            den = pterm if den is None else den + pterm
        ok = den / np.where(den_all > 0, den_all, 1.0) >= thr
        for b in range(len(patterns)):
            block = slice(int(starts[b]), int(ends[b]))
            d = den[:, b:b + 1]
            np.divide(num[:, block], d + (d == 0), out=num[:, block])  # d = 0 only where absent
            if not ok[:, b].all():
                num[:, block] *= ok[:, b:b + 1]
        sc = num
        np.greater(sc, sc[:, me_col:me_col + 1], out=gt)
        better = np.count_nonzero(gt, axis=1).astype(float)
        out[node.id] = np.where(ok[:, me_pat], better + 1.0, np.nan)
        score[node.id], present[node.id] = sc, ok
    return out


def _interval_frame(tree: Tree, ranks: Mapping[str, list[np.ndarray]], leaf_rank: Mapping[str, np.ndarray],
                    percentiles: tuple[float, float]) -> pd.DataFrame:
    rows = []
    for nid, node in tree.nodes.items():
        if node.kind == "indicator":
            r = float(leaf_rank.get(nid, np.nan))
            rows.append((nid, r, r, 1 if np.isfinite(r) else 0))
            continue
        allr = np.concatenate(ranks[nid])
        allr = allr[np.isfinite(allr)]
        if not len(allr):
            rows.append((nid, np.nan, np.nan, 0))
            continue
        lo, hi = np.percentile(allr, percentiles, method="inverted_cdf")
        rows.append((nid, float(lo), float(hi), int(len(allr))))
    return pd.DataFrame(rows, columns=["node", "rank_low", "rank_high", "scenarios"]).set_index("node")


def rank_interval(tree: Tree, inputs: LevelInputs, unit: str, peers: Iterable[str], *, draws: int = N_DRAWS,
                  seed: int = SEED, percentiles: tuple[float, float] = PERCENTILES) -> pd.DataFrame:
    """The unit's rank interval at every node (index node id; columns rank_low, rank_high,
    scenarios = scenarios in which the unit has a score there). See the module docstring, 6.
    Identical to ``rank_interval_naive`` (the scenarios' ranks computed by ``_unit_ranks``)."""
    members = _members(unit, peers, inputs)
    X = inputs.values[inputs.rows(members)]
    d = _direction(tree)
    ranks: dict[str, list[np.ndarray]] = {n.id: [] for n in tree.internal}
    leaf_rank = {}
    for method, W in zip(NORMALISATIONS, _scenario_sets(tree, draws, seed)):
        S = normalise(X, d, method)
        if method == "rank":
            leaf_rank = {leaf.id: _rank_of(S[:, j], 0) for j, leaf in enumerate(tree.leaves)}
        for nid, r in _unit_ranks(tree, S, W).items():
            ranks[nid].append(r)
    return _interval_frame(tree, ranks, leaf_rank, percentiles)


def rank_interval_naive(tree: Tree, inputs: LevelInputs, unit: str, peers: Iterable[str], *,
                        draws: int = N_DRAWS, seed: int = SEED,
                        percentiles: tuple[float, float] = PERCENTILES) -> pd.DataFrame:
    """The reference implementation of ``rank_interval`` (the benchmark's baseline, and what the
    tests compare it with): every member's score at every node in every scenario
    (``_aggregate``), then the unit's rank in each."""
    members = _members(unit, peers, inputs)
    X = inputs.values[inputs.rows(members)]
    d = _direction(tree)
    ranks: dict[str, list[np.ndarray]] = {n.id: [] for n in tree.internal}
    leaf_rank = {}
    for part, method in enumerate(NORMALISATIONS):
        W = scenario_weights(tree, draws, seed, part=part, parts=len(NORMALISATIONS))
        S = normalise(X, d, method)
        if method == "rank":
            leaf_rank = {leaf.id: _rank_of(S[:, j], 0) for j, leaf in enumerate(tree.leaves)}
        lvl, _ = _aggregate(tree, S[None, :, :], W)
        for node in tree.internal:
            ranks[node.id].append(_rank_of(lvl[node.id], 0))
    return _interval_frame(tree, ranks, leaf_rank, percentiles)


def assess_unit(tree: Tree, inputs: LevelInputs, unit: str, peers: Iterable[str], *, interval: bool = True,
                draws: int = N_DRAWS, seed: int = SEED) -> GroupResult:
    """``assess_group`` plus the unit's rank interval."""
    res = assess_group(tree, inputs, unit, peers)
    if interval:
        res.interval = rank_interval(tree, inputs, unit, peers, draws=draws, seed=seed)
    return res


def unit_frame(res: GroupResult, lang: str = "pl", names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The unit's rows in ``COLUMNS`` order (one per node, pre-order) — the CLI's CSV and the
    reports' table. Empty score/dynamics = brak danych. ``names``: leaf names (indicator id ->
    name) when the tree gives none."""
    tree, u = res.tree, res.unit
    # the unit's rows of the frames, read once (one .at lookup per cell was most of the cost)
    score_r, rank_r = res.score.loc[u], res.rank.loc[u]
    dyn_r, cov_r, val_r = res.dynamics.loc[u], res.coverage.loc[u], res.values.loc[u]
    size = res.group_size
    iv = {}
    if res.interval is not None:
        iv = dict(zip(res.interval.index, zip(res.interval["rank_low"], res.interval["rank_high"])))
    rows = []
    for nid, node in tree.nodes.items():
        leaf = node.kind == "indicator"
        name = node.name(lang) or ((names or {}).get(node.indicator, node.indicator) if leaf else nid)
        score = score_r[nid]
        rank = rank_r[nid]
        lo = hi = np.nan
        if nid in iv and np.isfinite(score):
            lo, hi = iv[nid]
        rows.append({
            "node": nid, "parent": node.parent or "", "kind": node.kind, "name": name,
            "year": res.ref_years.get(node.indicator) if leaf else None,
            "value": val_r[nid] if leaf else np.nan,
            "direction": node.direction if leaf else None,
            "score": score, "rank": rank,
            "group_size": int(size[nid]) if np.isfinite(score) else None,
            "rank_low": lo, "rank_high": hi,
            "dynamics": dyn_r[nid], "coverage": cov_r[nid],
        })
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    for c in ("year", "direction", "rank", "group_size", "rank_low", "rank_high"):
        out[c] = pd.to_numeric(out[c], errors="coerce").round().astype("Int64")
    return out


def pulls(res: GroupResult, n: int = 3) -> tuple[list[str], list[str]]:
    """Sub-areas that pull the unit up (highest scores, best first) and down (lowest, worst first)."""
    subs = [s.id for s in res.tree.of_kind("subarea")]
    s = res.score.loc[res.unit, subs].dropna().astype(float)
    order = sorted(s.index, key=lambda k: (-s[k], subs.index(k)))
    up = [k for k in order if s[k] >= 50][:n]
    down = [k for k in reversed(order) if s[k] < 50][:n]
    return up, down


# --------------------------------------------------------------------------------------------
# Every unit of a level in its own group
# --------------------------------------------------------------------------------------------
def typology_groups(units: pd.DataFrame, population: pd.Series, *, min_peers: int = P.MIN_PEERS
                    ) -> dict[str, tuple[str, ...]]:
    """unit code -> its typology peers (exactly domain.peers.typology_peers), computed per
    (kind, size class) bucket; only units of buckets too small to stand alone are grouped one
    by one (their classes are widened)."""
    units = units.reset_index(drop=True)
    level = units["level"].iloc[0]
    bounds = P.SIZE_CLASSES.get(level)
    kinds = P.unit_kinds(units)
    codes = units["code"].astype(str)
    pop = population.reindex(codes.to_numpy())
    cls = pd.Series([P.size_class(p, level) for p in pop.to_numpy()], index=units.index, dtype=object)
    out: dict[str, tuple[str, ...]] = {}
    key = pd.Series([f"{k}|{'-' if c is None else c}" for k, c in zip(kinds, cls)], index=units.index)
    for _, idx in key.groupby(key).groups.items():
        bucket = codes.loc[idx]
        c0 = cls.loc[idx[0]]
        if bounds is not None and (pd.isna(c0) or len(bucket) - 1 < min_peers):
            for code in bucket:
                out[code] = P.typology_peers(units, population, code, min_peers=min_peers).codes
            continue
        members = tuple(sorted(bucket))
        for code in bucket:
            out[code] = tuple(c for c in members if c != code)
    return out


def assess_all(tree: Tree, inputs: LevelInputs, groups: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Level scores, dynamics and ranks of every unit in ``groups`` (unit -> its peers), each in
    its own group. Each distinct member set is scored once. Returns a frame indexed by unit with
    columns (what, node) for what in score, dynamics, rank, group_size, coverage."""
    by_set: dict[tuple[str, ...], list[str]] = {}
    for unit, peers in groups.items():
        key = tuple(sorted({unit, *[p for p in peers if p in inputs.row]}))
        by_set.setdefault(key, []).append(unit)
    d = _direction(tree)
    ids = list(tree.nodes)
    parts = []
    for key, units in by_set.items():
        rows = inputs.rows(key)
        lvl, cov = _aggregate(tree, normalise(inputs.values[rows], d))
        dyn, _ = _aggregate(tree, normalise(inputs.changes[rows], d))
        S = np.column_stack([lvl[n] for n in ids])
        R = _ranks(S.T).T
        size = np.isfinite(S).sum(axis=0)
        pos = [key.index(u) for u in units]
        block = {}
        block.update({("score", n): S[pos, k] for k, n in enumerate(ids)})
        block.update({("dynamics", n): dyn[n][pos] for n in ids})
        block.update({("rank", n): R[pos, k] for k, n in enumerate(ids)})
        block.update({("group_size", n): np.where(np.isfinite(S[pos, k]), size[k], np.nan)
                      for k, n in enumerate(ids)})
        block.update({("coverage", n): cov[n][pos] for n in ids})
        parts.append(pd.DataFrame(block, index=units))
    out = pd.concat(parts)
    out.columns = pd.MultiIndex.from_tuples(out.columns)
    return out.loc[[u for u in groups if u in out.index]]


def assess_all_naive(tree: Tree, inputs: LevelInputs, groups: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """The benchmark's baseline: ``assess_group`` once per unit (same scores as ``assess_all``)."""
    rows = {}
    for unit, peers in groups.items():
        r = assess_group(tree, inputs, unit, peers)
        rows[unit] = r.score.loc[unit]
    return pd.DataFrame(rows).T
