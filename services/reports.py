"""Cached data and rendered files for reports (the report page and the download buttons).

``CachedSource`` offers the Store's read methods that reports.gather needs, each through a cache
keyed by the ingest id. Models are cached as resources (they hold plotly figures; never mutate
them); rendered PDF/PPTX bytes as data, so a second click on the same report is instant.
"""
from __future__ import annotations

import datetime as dt
import pandas as pd
import streamlit as st

import services
from reports import deck, gather, pdf
from services import areas as areas_svc
from reports.model import ReportModel

TTL = 3600


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=256)
def boundaries(ingest: str, codes: tuple[str, ...]) -> pd.DataFrame:
    return services.store().boundaries(list(codes))


@st.cache_resource(ttl=TTL, show_spinner=False, max_entries=4)
def parsed_layer(ingest: str, level: str) -> tuple[str, str] | None:
    """A level's web layer (GeoJSON text, sha256) — kept as a resource: the text is large."""
    return services.store().layer(level)


class CachedSource:
    """The Store's read API as reports.gather uses it, answered from the services caches."""

    def __init__(self, ingest: str):
        self.ingest = ingest

    def units(self, include_historical: bool = False):
        if include_historical:
            return areas_svc.all_units(self.ingest)
        return services.units(self.ingest)

    def area_values(self, codes: tuple[str, ...]):
        return areas_svc.area_values(self.ingest, tuple(codes))

    def indicators(self):
        return services.indicators(self.ingest)

    def sources(self):
        return services.sources(self.ingest)

    def unit_values(self, code: str):
        return services.unit_values(self.ingest, code)

    def values(self, *, units=None, indicators=None):
        return services.values(self.ingest, tuple(units) if units is not None else None,
                               tuple(indicators) if indicators is not None else None)

    def level_values(self, indicator: str, year: int, level: str):
        return services.level_values(self.ingest, indicator, int(year), level)

    def boundaries(self, codes):
        return boundaries(self.ingest, tuple(codes))

    def layer(self, level: str):
        return parsed_layer(self.ingest, level)


@st.cache_resource(ttl=TTL, show_spinner=False, max_entries=32)
def model(ingest: str, lang: str, code: str | None, area: tuple[str, ...], peers: str | None,
          charts: tuple[str, ...] | None, permalink: str, today: dt.date) -> ReportModel:
    return gather.build(CachedSource(ingest), lang=lang, code=code, area=area, peers=peers, charts=charts,
                        permalink=permalink, today=today)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=8)
def available_charts(ingest: str, code: str | None, area: tuple[str, ...]) -> list[str]:
    return gather.chart_choices(CachedSource(ingest), code=code, area=area)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=16)
def pdf_bytes(ingest: str, lang: str, code: str | None, area: tuple[str, ...], peers: str | None,
              charts: tuple[str, ...] | None, permalink: str, today: dt.date) -> bytes:
    return pdf.render_pdf(model(ingest, lang, code, area, peers, charts, permalink, today))


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=16)
def pptx_bytes(ingest: str, lang: str, code: str | None, area: tuple[str, ...], peers: str | None,
               charts: tuple[str, ...] | None, permalink: str, today: dt.date) -> bytes:
    return deck.build_deck(model(ingest, lang, code, area, peers, charts, permalink, today))

