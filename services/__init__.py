"""The one place with ``st.cache_*``: the store connection and cached, read-only queries.

Cached values are shared by all sessions, so callers must never mutate them (DataFrames are
returned as copies by Streamlit's cache_data; the store and catalogue objects are immutable).
Every data cache is keyed by the store's ingest id, so a re-ingest is picked up at once.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from domain.catalogue import Indicator
from loaders.catalogue import licence_text  # noqa: F401 - the stored (English) licence in the reader's language
from presentation.labels import picker_order, unit_labels
from settings import get_settings
from store.db import Store, StoreError, StoreUnavailable

TTL = 3600  # the one time-to-live of data caches (they are keyed by the ingest id anyway)


class PublicModeError(PermissionError):
    """A write (saving areas, uploads, API refresh, plans) attempted in the public citizen deployment."""


def check_writable(what: str) -> None:
    """Refuse a write in public mode — a second line of defence: the UI offers none there."""
    if get_settings().public_mode:
        raise PublicModeError(f"{what} is not available in the public version")


@st.cache_resource(show_spinner=False, max_entries=1)  # one store per process (bounded like every cache)
def store() -> Store:
    s = get_settings()
    return Store(s.database_url, schema=s.db_schema)


def ingest_id() -> str | None:
    """Identifier of the live store's ingest (None if there is no data). Cheap: one tiny query,
    cached for a few seconds so a rerun storm does not hit the database."""
    return _ingest_id()


@st.cache_data(ttl=5, show_spinner=False, max_entries=1)
def _ingest_id() -> str | None:
    s = store()
    if not s.has_data():
        return None
    return s.meta().get("ingest_id")


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=4)
def indicators(ingest: str) -> dict[str, Indicator]:
    return store().indicators()


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=4)
def units(ingest: str) -> pd.DataFrame:
    return store().units()


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=4)
def sources(ingest: str) -> pd.DataFrame:
    return store().sources()


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=512)
def unit_values(ingest: str, code: str) -> pd.DataFrame:
    return store().unit_values(code)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=256)
def level_values(ingest: str, indicator: str, year: int, level: str) -> pd.DataFrame:
    return store().level_values(indicator, year, level)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=512)
def indicator_years(ingest: str, indicator: str, level: str) -> list[int]:
    return store().indicator_years(indicator, level)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=64)
def values(ingest: str, units_: tuple[str, ...] | None, indicators_: tuple[str, ...] | None,
           years: tuple[int, ...] | None = None, level: str | None = None) -> pd.DataFrame:
    return store().values(units=list(units_) if units_ is not None else None,
                          indicators=list(indicators_) if indicators_ is not None else None,
                          years=list(years) if years is not None else None, level=level)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=4)
def coverage(ingest: str) -> pd.DataFrame:
    return store().coverage()


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=4)
def report(ingest: str) -> pd.DataFrame:
    return store().report()


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=4)
def indicator_sources(ingest: str) -> pd.DataFrame:
    return store().indicator_sources()


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=4)
def meta(ingest: str) -> dict[str, str]:
    return store().meta()


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=8)
def unit_picker(ingest: str, lang: str) -> tuple[list[str], dict[str, str]]:
    """The unit picker's options (codes in picker order) and their labels."""
    u = units(ingest)
    return picker_order(u), unit_labels(u, lang)


@st.cache_resource(ttl=TTL, show_spinner=False, max_entries=4)
def layer(ingest: str, level: str) -> tuple[str, str] | None:
    """A level's web layer (GeoJSON text, sha256) — a resource, not data: the text is large and
    read-only, so sessions share it without a copy."""
    return store().layer(level)


__all__ = ["StoreError", "StoreUnavailable", "store", "ingest_id", "indicators", "units", "sources",
           "unit_values", "level_values", "indicator_years", "values", "coverage", "report", "layer",
           "indicator_sources", "meta", "unit_picker", "TTL", "PublicModeError", "check_writable"]
