"""Cached queries for the profile, comparison and report pages (keyed by the ingest id).

``level_matrix`` is the workhorse: every value of a set of indicators for every unit of one level
in ONE query, pivoted to a compact wide frame (index unit code, columns (indicator, year)); the
page's ranks, peer medians, kNN and charts are cheap pandas operations on it. Cached objects are
shared by all sessions: never mutate them.

``Source(ingest)`` answers the ``presentation.source.ProfileSource`` interface from these caches;
the derived logic (which matrix, joined columns, population, area values) is inherited from
``presentation.source.DerivedSource``, shared with ``reports.source.StoreSource`` (a bare Store,
for the command line and tests).
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

import services
from presentation.source import DerivedSource, build_level_matrix, build_population
from presentation.labels import short_names
from domain.profile import profile_ids
from services import TTL
from services import areas as SA

LEVEL_TTL = 12 * 3600  # level matrices are keyed by the ingest id, so only memory bounds their life


@st.cache_data(ttl=LEVEL_TTL, show_spinner=False, max_entries=24)
def level_matrix(ingest: str, level: str, indicators: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(wide values, provenance) for ``indicators`` at ``level`` (see domain.profile.wide_matrix):
    every current unit of the level is a row, even without values."""
    return build_level_matrix(services.store().values(indicators=list(indicators), level=level),
                              services.units(ingest), level)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=4)
def profile_indicator_ids(ingest: str) -> tuple[str, ...]:
    """Indicators the profile reads at a level: profile cards + default kNN context."""
    return profile_ids(services.indicators(ingest))


@st.cache_data(ttl=LEVEL_TTL, show_spinner=False, max_entries=8)
def level_population(ingest: str, level: str) -> tuple[pd.Series, int | None]:
    """Residents of every unit of the level in the latest well-covered year (for size classes)."""
    wide, _ = level_matrix(ingest, level, profile_indicator_ids(ingest))
    return build_population(wide, services.units(ingest), level)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=8)
def unit_names(ingest: str, lang: str) -> dict[str, str]:
    """Chart-friendly short names of every unit (presentation.labels.short_names)."""
    return short_names(services.units(ingest), lang)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=256)
def boundaries(ingest: str, codes: tuple[str, ...]) -> pd.DataFrame:
    """Simplified geometry (GeoJSON text) of single units, e.g. for a locator map."""
    return services.store().boundaries(list(codes))


class Source(DerivedSource):
    """``ProfileSource`` answered from the shared caches (primitive reads and the costly derived ones)."""

    def __init__(self, ingest: str):
        self.ingest = ingest

    def units(self, include_historical: bool = False) -> pd.DataFrame:
        return SA.all_units(self.ingest) if include_historical else services.units(self.ingest)

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

    def level_matrix(self, level: str, ids: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
        return level_matrix(self.ingest, level, tuple(ids))

    def boundaries(self, codes) -> pd.DataFrame:
        return boundaries(self.ingest, tuple(codes))

    def layer(self, level: str):
        return services.layer(self.ingest, level)

    # cached across sessions (same results as the inherited derivations)
    def profile_ids(self) -> tuple[str, ...]:
        return profile_indicator_ids(self.ingest)

    def population(self, level: str) -> tuple[pd.Series, int | None]:
        return level_population(self.ingest, level)

    def names(self, lang: str) -> dict[str, str]:
        return unit_names(self.ingest, lang)

    def area_values(self, codes: tuple[str, ...]) -> pd.DataFrame:
        return SA.area_values(self.ingest, tuple(codes))

    def area_breakdown(self, codes: tuple[str, ...], indicator: str, year: int) -> pd.DataFrame:
        return SA.area_breakdown(self.ingest, tuple(codes), indicator, int(year))


def source(ingest: str) -> Source:
    return Source(ingest)


__all__ = ["level_matrix", "profile_indicator_ids", "level_population",
           "unit_names", "boundaries", "Source", "source"]
