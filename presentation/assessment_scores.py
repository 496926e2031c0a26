"""The synthetic assessment's scores as map and comparison "indicators" (issue 13, item 4) — pure,
no Streamlit.

The overall score and the three dimension scores (0–100 points, higher = better) are offered on
/mapa and /porownania beside the catalogue's indicators, as pseudo-indicators with ids
``ocena_<node>`` (``ocena_overall``, ``ocena_gospodarczy``, ...). They are never stored: the map
scores every unit of a level against its OWN default comparison group (typology, exactly as
/ocena with no ``peers=``; domain.assessment.assess_all + typology_groups), the comparison page
scores the subject's current comparison group (as the /ocena group table). The prefix ``ocena_``
can never be a user indicator (those are ``own_*`` and ``bdl_*``) and no catalogue id uses it
(tests/test_assessment_scores.py checks the committed catalogue).

A score exists for one reference year only (each leaf has its own reference year, see
domain.assessment): the year shown is the latest leaf reference year (``score_year``), and every
caption lists the leaves' reference years (``years_text``).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Mapping

import numpy as np
import pandas as pd

from domain import assessment as AS
from domain.catalogue import Aggregation, Indicator
from domain.rankings import ranking_frame
from i18n import fmt_num, t
from presentation.data_text import md

PREFIX = "ocena_"
CATEGORY = "assessment"
LEVELS = ("gmina", "powiat", "wojewodztwo")  # every level has a default (typology) comparison group
METHOD = "assessment"  # the ``method`` of a score row (never "source", "aggregated" or "derived")
METHOD_LINK = "/o-danych#ocena"
DECIMALS = 1


@lru_cache(maxsize=1)
def _tree() -> AS.Tree:
    return AS.load_tree()  # structure only: the ids and names do not depend on the store


@lru_cache(maxsize=1)
def score_nodes() -> tuple[str, ...]:
    """The nodes offered as scores: the overall node and the dimensions of the committed tree."""
    tree = _tree()
    return (tree.root, *(d.id for d in tree.of_kind("dimension")))


def score_id(node: str) -> str:
    return PREFIX + node


def score_ids() -> tuple[str, ...]:
    return tuple(score_id(n) for n in score_nodes())


def is_score(indicator: str | None) -> bool:
    """True for the id of a score pseudo-indicator (``ocena_overall``...), False for anything else."""
    return isinstance(indicator, str) and indicator.startswith(PREFIX) and indicator[len(PREFIX):] in score_nodes()


def node_of(indicator: str) -> str:
    if not is_score(indicator):
        raise KeyError(indicator)
    return indicator[len(PREFIX):]


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if len(text) > 1 and text[0].isupper() and not text[1].isupper() else text


@lru_cache(maxsize=1)
def _indicators() -> dict[str, Indicator]:
    tree = _tree()
    out = {}
    for node in score_nodes():
        n = tree.nodes[node]
        out[score_id(node)] = Indicator(
            id=score_id(node),
            name_pl=t("assessmap.name", "pl", name=_lower_first(n.name_pl)),
            name_en=t("assessmap.name", "en", name=_lower_first(n.name_en)),
            unit_pl=t("assessmap.unit", "pl"), unit_en=t("assessmap.unit", "en"),
            category=CATEGORY,
            definition_pl=t("assessmap.definition", "pl"), definition_en=t("assessmap.definition", "en"),
            polarity="higher_better", decimals=DECIMALS, levels=LEVELS,
            aggregation=Aggregation("none"))
    return out


def node_label(indicator: str, lang: str) -> str:
    """The tree's own name of a score's node ("Ocena ogólna", "Wymiar gospodarczy"): selectors
    show it after the category "Ocena syntetyczna ›"."""
    return _tree().nodes[node_of(indicator)].name(lang) if is_score(indicator) else indicator


def score_indicators() -> dict[str, Indicator]:
    """id -> the pseudo-indicator (category "assessment", unit pkt / points, higher is better). A
    new dict each call: callers may merge it with the store's indicators."""
    return dict(_indicators())


def with_scores(indicators: Mapping[str, Indicator]) -> dict[str, Indicator]:
    """The store's indicators followed by the scores (a store id never shadows a score: the
    prefix is reserved)."""
    out = {k: v for k, v in indicators.items() if not is_score(k)}
    out.update(_indicators())
    return out


# --------------------------------------------------------------------------------------------
# Years
# --------------------------------------------------------------------------------------------
def score_year(ref_years: Mapping[str, int | None]) -> int | None:
    """The year a score is shown under: the latest reference year of its leaves."""
    ys = [int(y) for y in ref_years.values() if y is not None]
    return max(ys) if ys else None


def ref_years_from_counts(tree: AS.Tree, counts: Mapping[str, Mapping[int, int]], n_units: int
                          ) -> dict[str, int | None]:
    """The leaves' reference years from per-year counts of units with a value (indicator -> year
    -> count), by domain.assessment's rule (the latest year with >= 90 % of the level's units)."""
    refs: dict[str, int | None] = {}
    for ind in tree.indicators:
        ok = [y for y, n in (counts.get(ind) or {}).items() if n >= AS.COVERAGE_FOR_REFERENCE * n_units]
        refs[ind] = max(ok) if ok else None
    return refs


def scorable_nodes(tree: AS.Tree, ref_years: Mapping[str, int | None]) -> tuple[str, ...]:
    """The offered nodes that can have a score at all at a level: with only the leaves that have
    a reference year there, the node still holds >= 2/3 of its children's weight at every step
    (domain.assessment's coverage rule). E.g. the social dimension of powiaty: European Parliament
    turnout is not published for powiaty, so local civic participation (1 of 2 leaves), civic
    participation and the dimension fall below 2/3 — no powiat can have that score."""
    present = np.array([[50.0 if ref_years.get(leaf.indicator) is not None else np.nan for leaf in tree.leaves]])
    scores, _ = AS._aggregate(tree, present)  # the tree's own aggregation rule, on one "present" row
    return tuple(n for n in score_nodes() if np.isfinite(scores[n][0]))


def years_text(ref_years: Mapping[str, int | None], lang: str) -> str:
    """"2019 (10 wskaźników), 2023 (1 wskaźnik), 2024 (6 wskaźników)" — the leaves' reference
    years with how many leaves use each; leaves without one are counted as "brak danych"."""
    counts: dict[int, int] = {}
    missing = 0
    for y in ref_years.values():
        if y is None:
            missing += 1
        else:
            counts[int(y)] = counts.get(int(y), 0) + 1
    parts = [t("assessmap.year_count", lang, year=y, n=n) for y, n in sorted(counts.items())]
    if missing:
        parts.append(t("assessmap.year_missing", lang, n=missing))
    return ", ".join(parts) or "–"


# --------------------------------------------------------------------------------------------
# The map: every unit of a level against its own typology group
# --------------------------------------------------------------------------------------------
def map_ranking(units: pd.DataFrame, scores: pd.DataFrame, node: str,
                geometry: set[str] | frozenset[str] | None = None) -> pd.DataFrame:
    """The map's ranking frame (as domain.rankings.ranking_frame: code, name, value, rank,
    percentile, has_geometry, n_ranked...) of one score for every unit of ``units`` (one level),
    plus ``group_rank`` and ``group_size`` (the unit's rank in its own group, as on /ocena).

    ``scores``: domain.assessment.assess_all's frame (index unit code; columns (what, node)). A
    unit without a score ("brak danych": under 2/3 of the weight present, or not scored at all)
    has no value. ``rank``/``percentile`` order ALL units of the level by their score, each
    earned in its own group."""
    codes = units["code"].astype(str)
    s = scores.reindex(codes.to_numpy())
    vals = pd.DataFrame({
        "unit": codes.to_numpy(), "value": s[("score", node)].to_numpy(dtype=float),
        "source": None, "method": METHOD, "n": np.nan, "of": np.nan, "flag": "",
    })
    out = ranking_frame(units, vals, "higher_better", geometry)
    extra = pd.DataFrame({"group_rank": s[("rank", node)].to_numpy(dtype=float),
                          "group_size": s[("group_size", node)].to_numpy(dtype=float),
                          "coverage": s[("coverage", node)].to_numpy(dtype=float)}, index=codes.to_numpy())
    extra = extra.reindex(out["code"].to_numpy())
    for c in ("group_rank", "group_size"):
        out[c] = pd.array(np.where(out["value"].notna(), extra[c].to_numpy(), np.nan)).astype("Float64").round() \
            .astype("Int64")
    out["coverage"] = extra["coverage"].to_numpy()
    return out


def map_caption(indicator: Indicator, ref_years: Mapping[str, int | None], *, level: str, year: int, lang: str,
                n_scored: int, n_units: int, unit_code: str | None = None, unit_name: str | None = None) -> str:
    """The map's source note for a score: what it is (derived, not an official statistic), who
    each unit is scored against, the leaves' reference years, the method link and the selected
    unit's /ocena page."""
    parts = [t("map.caption_head", lang, name=indicator.name(lang), unit=indicator.unit(lang), year=year,
               definition=indicator.definition(lang)),
             t("assessmap.map_derived", lang, units=t(f"assessmap.units_each.{level}", lang), link=METHOD_LINK),
             t("assessmap.map_years", lang, years=years_text(ref_years, lang)),
             t("assessmap.map_coverage", lang, n=fmt_num(n_scored, 0, lang), of=fmt_num(n_units, 0, lang), units=t(f"map.units_gen.{level}", lang))]
    if unit_code and unit_name:
        query = f"unit={unit_code}" + ("&lang=en" if lang == "en" else "")
        parts.append(t("assessmap.unit_link", lang, name=md(unit_name), link=f"/ocena?{query}"))
    return "  \n".join(parts)
