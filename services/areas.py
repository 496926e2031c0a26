"""Cached queries for functional areas (groups of gminy computed on the fly).

Integration contract for other pages (profile, map, comparisons, exports):

* ``area_values(ingest, codes)`` -> DataFrame in exactly the shape of ``services.unit_values`` /
  ``Store.values()``: unit, indicator, year, value, source, method, n, of, flag. ``unit`` is the
  area's canonical definition ("1206172,1219053,1261011"), ``method`` is "aggregated" or
  "derived", ``n``/``of`` the members with data / members existing, ``flag`` may hold
  ``partial``, ``withheld`` (value NaN), ``nearest_denominator`` or ``not_aggregable`` (rule
  "none": value NaN, show the members instead). Filter ``value.notna()`` for plain display.
* ``area_result(ingest, codes)`` -> domain.areas.AreaResult (values + rule, member values, notes).
* ``area_breakdown(ingest, codes, indicator, year)`` -> each member's value and contribution.
* ``area_outline(ingest, codes)`` -> GeoJSON geometry string of the area (union of members).
* ``canonical(ingest, codes)`` -> domain.matching.Matched: maps 6-digit/old codes to today's codes.
``codes`` is always a tuple of current 7-digit gmina codes (``components.areas_state.current``
gives the validated area of the URL/session).
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from domain import areas as A

from domain import matching as M
from loaders.area_list import MAX_BYTES, MAX_ROWS, AreaList, AreaListError, parse_text, read_area_list
from services import TTL, PublicModeError, check_writable, indicators, store


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=4)
def all_units(ingest: str) -> pd.DataFrame:
    """Every unit including historical gminy (for resolving imported codes)."""
    return store().units(include_historical=True)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=2048)
def resolve_code(ingest: str, text: str) -> tuple[str | None, str]:
    return store().resolve_code(text)


def _resolver(ingest: str, units: pd.DataFrame):
    current = set(units.loc[~units["historical"].astype(bool), "code"])

    def resolve(text: str):
        if len(text) == 7 and text in current:  # most input: no query needed
            return text, ""
        return resolve_code(ingest, text)
    return resolve


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=64)
def match(ingest: str, entries: pd.DataFrame) -> M.Matched:
    """Match imported/typed entries (row, code, name) to current gminy, with a report."""
    units = all_units(ingest)
    return M.match_entries(entries, units, _resolver(ingest, units))


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=256)
def canonical(ingest: str, codes: tuple[str, ...]) -> M.Matched:
    """An area definition from a URL: codes mapped to today's 7-digit codes, with a report. Read
    strictly, as ``--area`` and the API's ``area=`` read it (domain.area_codes): "201011" is not
    guessed to be 0201011."""
    units = all_units(ingest)
    return M.resolve_definition(codes, units, _resolver(ingest, units), strict=True)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=32)
def area_result(ingest: str, codes: tuple[str, ...]) -> A.AreaResult:
    codes = A.canonical_codes(codes)
    values = store().values(units=list(codes))
    return A.compute(codes, values, indicators(ingest), all_units(ingest))


def area_values(ingest: str, codes: tuple[str, ...]) -> pd.DataFrame:
    """The area's values in the shape of ``services.unit_values`` (see the module docstring)."""
    return area_result(ingest, tuple(codes)).unit_values()


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=64)
def area_breakdown(ingest: str, codes: tuple[str, ...], indicator: str, year: int) -> pd.DataFrame:
    res = area_result(ingest, tuple(codes))
    return A.breakdown(res, indicators(ingest)[indicator], int(year))


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=32)
def area_outline(ingest: str, codes: tuple[str, ...]) -> str | None:
    b = store().boundaries(list(codes))
    return A.outline(b["geojson"].tolist())


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=4)
def predefined(ingest: str) -> dict[str, tuple[str, ...]]:
    """Every powiat and województwo code -> its current gminy."""
    return A.predefined_groups(all_units(ingest))


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=8)
def member_geometries(ingest: str, codes: tuple[str, ...]) -> pd.DataFrame:
    """code, geojson of gminy (for the selection map)."""
    return store().boundaries(list(codes))[["code", "geojson"]]


@st.cache_data(ttl=600, show_spinner=False, max_entries=8)
def read_list(data: bytes, filename: str) -> AreaList:
    """An uploaded CSV/XLSX list of gminy (raises AreaListError with a reason code)."""
    return read_area_list(data, filename)


def read_text(text: str) -> AreaList:
    """Codes or names typed by the user."""
    return parse_text(text)


__all__ = ["MAX_BYTES", "MAX_ROWS", "AreaListError", "all_units", "area_breakdown", "area_outline", "area_result",
           "area_values", "canonical", "delete_area", "match", "member_geometries", "predefined", "read_list",
           "read_text", "resolve_code", "save_area", "saved_areas", "PublicModeError"]


# -- saved areas (user rows: never cached across writes) ------------------------------------------

@st.cache_data(ttl=60, show_spinner=False, max_entries=1)
def saved_areas() -> pd.DataFrame:
    return store().saved_areas()


def _changed() -> None:
    saved_areas.clear()


def _check_writable() -> None:
    check_writable("saving or deleting areas")


def save_area(name: str, codes: tuple[str, ...], area_id: int | None = None) -> int:
    _check_writable()
    new_id = store().save_area(name, A.area_code(codes), area_id)
    _changed()
    return new_id


def delete_area(area_id: int) -> None:
    _check_writable()
    store().delete_area(area_id)
    _changed()
