"""Cached data and rendered files for reports (the report page and the download buttons).

Reports read their data through services.profile.Source (the same cached reads as the profile
and comparison pages, keyed by the ingest id). Models are cached as resources (they hold plotly figures; never mutate
them); rendered PDF/PPTX bytes as data, so a second click on the same report is instant.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import streamlit as st

from reports import deck, gather, pdf
from reports.model import ReportModel
from services import TTL
from services.profile import source


@st.cache_resource(ttl=TTL, show_spinner=False, max_entries=32)
def model(ingest: str, lang: str, code: str | None, area: tuple[str, ...], peers: str | None,
          charts: tuple[str, ...] | None, permalink: str, today: dt.date) -> ReportModel:
    built = gather.build(source(ingest), lang=lang, code=code, area=area, peers=peers, charts=charts,
                         permalink=permalink, today=today)
    from domain.areas import canonical_codes
    from services import strategy  # the subject's strategy progress section (issue 14)

    subject = ",".join(canonical_codes(area)) if len(area) >= 2 else (code or "PL")
    section = strategy.report_section(ingest, lang, subject)
    if section is not None:
        built = replace(built, strategy=section)
    summary = assessment(ingest, lang, code, area, peers)  # the synthetic assessment (issue 13)
    return replace(built, assessment=summary) if summary is not None else built


@st.cache_resource(ttl=TTL, show_spinner=False, max_entries=32)
def assessment(ingest: str, lang: str, code: str | None, area: tuple[str, ...], peers: str | None):
    """The assessment summary for the exports (reports.assessment_report), or None."""
    from reports import assessment_report

    return assessment_report.build(source(ingest), lang=lang, code=code, area=area, peers=peers)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=8)
def available_charts(ingest: str, code: str | None, area: tuple[str, ...], peers: str | None = None) -> list[str]:
    return gather.chart_choices(source(ingest), code=code, area=area, peers=peers)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=16)
def pdf_bytes(ingest: str, lang: str, code: str | None, area: tuple[str, ...], peers: str | None,
              charts: tuple[str, ...] | None, permalink: str, today: dt.date) -> bytes:
    return pdf.render_pdf(model(ingest, lang, code, area, peers, charts, permalink, today))


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=16)
def pptx_bytes(ingest: str, lang: str, code: str | None, area: tuple[str, ...], peers: str | None,
               charts: tuple[str, ...] | None, permalink: str, today: dt.date) -> bytes:
    return deck.build_deck(model(ingest, lang, code, area, peers, charts, permalink, today))



# -- the DOCX draft and the multi-gmina seminar deck (issue 15) --------------------------------------
@st.cache_data(ttl=TTL, show_spinner=False, max_entries=16)
def docx_bytes(ingest: str, lang: str, code: str | None, area: tuple[str, ...], peers: str | None, permalink: str,
               today: dt.date) -> bytes:
    """The editable 'Raport o stanie gminy' draft (its own chart set: reports.docx.DOCX_CHARTS)."""
    from reports import docx

    m = model(ingest, lang, code, area, peers, docx.DOCX_CHARTS, permalink, today)
    return docx.build_docx(m)  # the model carries the assessment and the strategy section




@st.cache_data(ttl=TTL, show_spinner=False, max_entries=8)
def seminar_bytes(ingest: str, lang: str, codes: tuple[str, ...], indicator: str, base_url: str, peers: str | None,
                  title: str, today: dt.date) -> bytes:
    """One deck for many gminy, each against its own peers (reports.seminar)."""
    from reports import seminar

    if indicator == "assessment":  # the overall synthetic assessment (the indicator overview where it is missing)
        return seminar.build_seminar(source(ingest), codes, lang=lang, base_url=base_url, peers=peers, title=title,
                                     today=today, overview="auto")
    return seminar.build_seminar(source(ingest), codes, lang=lang, indicator=indicator, base_url=base_url,
                                 peers=peers, title=title, today=today, overview="indicator")
