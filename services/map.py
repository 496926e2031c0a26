"""Cached queries of the map explorer (keyed by ingest id; results are never mutated)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from domain.catalogue import Indicator
from presentation import assessment_scores as SCORES
from presentation.labels import unit_label
from reports import assessment_context as AC
from domain.classify import Classification, classify
from domain.rankings import ranking_frame
from services import TTL, coverage, indicators, layer, store, units
from services import assessment as SAS
from services import static_geo
from settings import get_settings

LEVELS = ("gmina", "powiat", "wojewodztwo")


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=4)
def availability(ingest: str) -> dict[str, dict[str, tuple[int, ...]]]:
    """level -> indicator -> years with at least one value at that level (ascending)."""
    cov = coverage(ingest)
    cov = cov.loc[(cov["count"] > 0) & cov["level"].isin(LEVELS)]
    known = indicators(ingest)
    out: dict[str, dict[str, tuple[int, ...]]] = {lv: {} for lv in LEVELS}
    for (level, ind), g in cov.groupby(["level", "indicator"]):
        if ind in known:
            out[level][ind] = tuple(sorted(int(y) for y in g["year"]))
    # the synthetic assessment's scores (presentation.assessment_scores): one year each, the latest
    # reference year of the tree's leaves at the level (the same rule as domain.assessment)
    tree = AC.tree_for(known)
    u = units(ingest)
    for level in LEVELS:
        if level not in SCORES.LEVELS:
            continue
        counts = {ind: dict(zip(g["year"].astype(int), g["count"].astype(int)))
                  for ind, g in cov.loc[cov["level"] == level].groupby("indicator")}
        refs = SCORES.ref_years_from_counts(tree, counts, int((u["level"] == level).sum()))
        year = SCORES.score_year(refs)
        if year is not None:
            out[level].update({SCORES.score_id(n): (year,) for n in SCORES.scorable_nodes(tree, refs)})
    return out


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=4)
def map_indicators(ingest: str) -> dict[str, Indicator]:
    """The store's indicators followed by the assessment scores (what the map offers)."""
    return SCORES.with_scores(indicators(ingest))


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=8)
def geometry_codes(ingest: str, level: str) -> frozenset[str]:
    lay = layer(ingest, level)
    return static_geo.feature_ids(lay[0]) if lay else frozenset()


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=8)
def feature_codes(ingest: str, level: str) -> tuple[str, ...]:
    """Unit code of each feature of the level's geometry file, in file order (= properties.i)."""
    lay = layer(ingest, level)
    return static_geo.feature_order(lay[0]) if lay else ()


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=128)
def ranking(ingest: str, indicator: str, year: int, level: str) -> pd.DataFrame:
    """Every current unit of ``level`` with value, rank, percentile, source notes, geometry flag.
    A score of the synthetic assessment (``ocena_*``): each unit against its own typology group
    (services.assessment.level_scores), with its rank in that group (``year`` is not read)."""
    u = units(ingest)
    u = u.loc[u["level"] == level]
    if SCORES.is_score(indicator):
        return SCORES.map_ranking(u, SAS.level_scores(ingest, level), SCORES.node_of(indicator),
                                  geometry_codes(ingest, level))
    ind = indicators(ingest)[indicator]
    vals = store().level_values(indicator, int(year), level)
    return ranking_frame(u, vals, ind.judging_polarity, geometry_codes(ingest, level))


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=256)
def classification(ingest: str, indicator: str, year: int, level: str, method: str, k: int,
                   breaks: tuple[float, ...] | None) -> Classification:
    """Classes of the ranking's values (same row order as ``ranking``)."""
    return classify(ranking(ingest, indicator, year, level)["value"].to_numpy(), method=method, k=k,
                    breaks=breaks)


@st.cache_resource(ttl=TTL, show_spinner=False, max_entries=16)
def _layer_file(ingest: str, level: str) -> tuple[str, str] | None:
    lay = layer(ingest, level)
    if not lay:
        return None
    u = units(ingest)
    powiaty = dict(zip(u.loc[u["level"] == "powiat", "code"], u.loc[u["level"] == "powiat", "name"]))
    props = {r["code"]: {"pl": unit_label(r, "pl", powiaty), "en": unit_label(r, "en", powiaty)}
             for r in u.loc[u["level"] == level].to_dict("records")}
    text = static_geo.with_properties(lay[0], props)
    path, url = static_geo.write_layer(get_settings().static_dir, level, text)
    return str(path), url


def layer_url(ingest: str, level: str) -> str | None:
    """URL of the level's geometry file (feature id = unit code, properties pl/en = hover label),
    written on first use; rewritten if someone deleted it."""
    res = _layer_file(ingest, level)
    if res and not Path(res[0]).is_file():
        _layer_file.clear()
        res = _layer_file(ingest, level)
    return res[1] if res else None


@st.cache_resource(ttl=TTL, show_spinner=False, max_entries=2)
def _basemap_prefix(static_dir: str) -> str:
    return static_geo.write_basemap_stub(Path(static_dir))


def basemap_url() -> str:
    """URL prefix of the (empty) basemap topojson plotly's geo maps load (``config.topojsonURL``);
    written on first use, rewritten if someone deleted it."""
    static_dir = get_settings().static_dir
    prefix = _basemap_prefix(str(static_dir))
    if not (Path(static_dir) / static_geo.BASEMAP_SUBDIR / "world_110m.json").is_file():
        _basemap_prefix.clear()
        prefix = _basemap_prefix(str(static_dir))
    return prefix
