"""Cached queries for the profile, comparison and report pages (keyed by the ingest id).

``level_matrix`` is the workhorse: every value of a set of indicators for every unit of one level
in ONE query, pivoted to a compact wide frame (index unit code, columns (indicator, year)); the
page's ranks, peer medians, kNN and charts are cheap pandas operations on it. Cached objects are
shared by all sessions: never mutate them.

``Source(ingest)`` bundles these cached reads behind the data-source interface that
presentation.profile_context and reports.gather use (a bare Store gets the same interface from
reports.source.StoreSource, for the command line and tests).
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

import services
from presentation.labels import short_names
from domain.profile import join_columns, latest_population, profile_ids, wide_matrix
from services import areas as SA

TTL = services.TTL
LEVEL_TTL = 12 * 3600  # level matrices are keyed by the ingest id, so only memory bounds their life

AGE_GROUPS = ("population_pre_working", "population_working", "population_post_working")


@st.cache_data(ttl=LEVEL_TTL, show_spinner=False, max_entries=24)
def level_matrix(ingest: str, level: str, indicators: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(wide values, provenance) for ``indicators`` at ``level`` (see domain.profile.wide_matrix):
    every current unit of the level is a row, even without values."""
    units = services.units(ingest)
    codes = units.loc[units["level"] == level, "code"]
    v = services.store().values(indicators=list(indicators), level=level)
    return wide_matrix(v, codes)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=4)
def profile_indicator_ids(ingest: str) -> tuple[str, ...]:
    """Indicators the profile reads at a level: profile cards + default kNN context."""
    return profile_ids(services.indicators(ingest))


def profile_matrix(ingest: str, level: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    return level_matrix(ingest, level, profile_indicator_ids(ingest))


def columns_for(ingest: str, level: str, indicators) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A wide frame holding ``indicators`` (the cached profile matrix itself when it holds them
    all; otherwise a new frame joined from per-indicator cached queries)."""
    ids = profile_indicator_ids(ingest)
    return join_columns(level_matrix(ingest, level, ids), ids, indicators,
                        lambda i: level_matrix(ingest, level, (i,)))


@st.cache_data(ttl=LEVEL_TTL, show_spinner=False, max_entries=8)
def level_population(ingest: str, level: str) -> tuple[pd.Series, int | None]:
    """Residents of every unit of the level in the latest well-covered year (for size classes)."""
    wide, _ = profile_matrix(ingest, level)
    n = level_counts(ingest).get(level, len(wide))
    return latest_population(wide, n)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=8)
def unit_names(ingest: str, lang: str) -> dict[str, str]:
    """Chart-friendly short names of every unit (presentation.labels.short_names)."""
    return short_names(services.units(ingest), lang)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=8)
def level_counts(ingest: str) -> dict[str, int]:
    """Number of current units per level."""
    units = services.units(ingest)
    return {str(k): int(v) for k, v in units["level"].value_counts().items()}


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=256)
def boundaries(ingest: str, codes: tuple[str, ...]) -> pd.DataFrame:
    return services.store().boundaries(list(codes))


@st.cache_resource(ttl=TTL, show_spinner=False, max_entries=4)
def parsed_layer(ingest: str, level: str) -> tuple[str, str] | None:
    """A level's web layer (GeoJSON text, sha256) — kept as a resource: the text is large."""
    return services.store().layer(level)


class Source:
    """The data a profile, a comparison or a report reads, answered from the shared caches.

    Same interface as reports.source.StoreSource (a bare Store): units, all_units, indicators,
    sources, unit_values, values, area_result, area_values, area_breakdown, columns,
    profile_matrix, population, names, boundaries, layer.
    """

    def __init__(self, ingest: str):
        self.ingest = ingest

    def units(self, include_historical: bool = False) -> pd.DataFrame:
        return SA.all_units(self.ingest) if include_historical else services.units(self.ingest)

    def all_units(self) -> pd.DataFrame:
        return SA.all_units(self.ingest)

    def indicators(self):
        return services.indicators(self.ingest)

    def sources(self) -> pd.DataFrame:
        return services.sources(self.ingest)

    def unit_values(self, code: str) -> pd.DataFrame:
        return services.unit_values(self.ingest, code)

    def values(self, *, units=None, indicators=None) -> pd.DataFrame:
        return services.values(self.ingest, tuple(units) if units is not None else None,
                               tuple(indicators) if indicators is not None else None)

    def area_result(self, codes: tuple[str, ...]):
        return SA.area_result(self.ingest, tuple(codes))

    def area_values(self, codes: tuple[str, ...]) -> pd.DataFrame:
        return SA.area_values(self.ingest, tuple(codes))

    def area_breakdown(self, codes: tuple[str, ...], indicator: str, year: int) -> pd.DataFrame:
        return SA.area_breakdown(self.ingest, tuple(codes), indicator, int(year))

    def columns(self, level: str, indicators) -> tuple[pd.DataFrame, pd.DataFrame]:
        return columns_for(self.ingest, level, indicators)

    def profile_matrix(self, level: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        return profile_matrix(self.ingest, level)

    def population(self, level: str) -> tuple[pd.Series, int | None]:
        return level_population(self.ingest, level)

    def names(self, lang: str) -> dict[str, str]:
        return unit_names(self.ingest, lang)

    def boundaries(self, codes) -> pd.DataFrame:
        return boundaries(self.ingest, tuple(codes))

    def layer(self, level: str):
        return parsed_layer(self.ingest, level)


def source(ingest: str) -> Source:
    return Source(ingest)


__all__ = ["level_matrix", "profile_matrix", "columns_for", "profile_indicator_ids", "level_counts",
           "level_population", "unit_names", "boundaries", "parsed_layer", "Source", "source",
           "AGE_GROUPS"]
