"""The reports page's body: subject (unit or area), chart choice, outline, download buttons.

The view is fully in the URL: unit or area (components.subject), peers, lang, and the chosen
charts (``charts`` extra, comma-separated chart keys of presentation.profile_charts such as
``position,trend:population_total,ranking:turnout_sejm``). Files are generated on
click (deferred download) from a cached report model, so choosing charts costs nothing until a
file is wanted and a second click on the same report is instant.
"""
from __future__ import annotations

import datetime as dt

import streamlit as st

import services
from components import a11y, downloads, share, state, subject
from presentation import profile_charts
from presentation.data_text import md
from presentation.labels import gminy_word
from i18n import t
from reports.gather import default_charts
from reports.model import file_stem
from reports.tables import display_frame, extra_sheets, key_indicator_frame
from services import reports as rs

PAGE = "raporty"
PDF_MIME = "application/pdf"
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def md(text: str) -> str:
    """Escape Markdown so unit names and user text show literally."""
    return "".join("\\" + c if c in "\\`*_{}[]()<>#+-.!|~$" else c for c in str(text))


def _on_charts_change() -> None:
    chosen = st.session_state.get("rp_charts") or []
    state.set_extra("charts", ",".join(chosen) if chosen else "none")


def chosen_charts(available: list[str], lang: str) -> tuple[str, ...]:
    """The URL's chart choice (validated), else the defaults."""
    raw = state.get_extra("charts")
    if raw is None:
        return tuple(default_charts(available))
    if raw == "none":
        return ()
    keys = [k for k in raw.split(",") if k]
    unknown = [k for k in keys if k not in available]
    known = tuple(k for k in keys if k in available)
    if unknown:
        st.warning(t("report.charts_unknown", lang, keys=md(", ".join(unknown)[:200])), icon="⚠️")  # URL text
        # drop them from the URL; with none left, the default choice (not an empty report)
        state.set_extra("charts", ",".join(known) or None)
        if not known:
            return tuple(default_charts(available))
    return known


def report_subject(ingest: str, lang: str) -> tuple[str | None, tuple[str, ...]]:
    """(unit code, area gminy) of the report; exactly one is set (components.subject decides)."""
    shown = subject.render_switch(ingest, lang)
    if shown.is_area:
        units = services.units(ingest)
        gminy = set(units.loc[units["level"] == "gmina", "code"])
        known = tuple(c for c in shown.members if c in gminy)
        unknown = [c for c in shown.members if c not in gminy]
        if unknown:
            st.warning(t("report.area_unknown_codes", lang, codes=", ".join(unknown[:20])), icon="⚠️")
        if len(known) >= 2:
            st.info(t("report.subject_area", lang, gminy=gminy_word(len(known), lang)), icon="🗺️")
            return None, known
    if not state.view().unit:
        st.info(t("report.pick_unit_hint", lang), icon="🔎")
    return state.view().unit or "PL", ()


def render(ingest: str, lang: str) -> None:
    code, area = report_subject(ingest, lang)
    available = rs.available_charts(ingest, code, area, state.view().peers)
    charts = chosen_charts(available, lang)
    indicators = services.indicators(ingest)
    st.session_state["rp_charts"] = list(charts)
    st.multiselect(t("report.charts_label", lang), available, key="rp_charts",
                   format_func=lambda k: profile_charts.label(k, indicators, lang), help=t("report.charts_help", lang),
                   on_change=_on_charts_change)
    st.caption(t("report.language_note", lang))

    permalink = share.permalink(PAGE)
    today = dt.date.today()
    args = (ingest, lang, code, area, state.view().peers, charts, permalink, today)
    with st.spinner(t("report.generating", lang)):
        model = rs.model(*args)

    st.header(md(model.title))
    st.markdown(md(model.subtitle))
    if model.peer_definition:
        st.markdown(f"**{t('report.peers_title', lang)}:** {md(model.peer_definition)}")
    if not model.key_indicators:
        st.warning(t("report.no_values", lang), icon="⚠️")

    st.subheader(t("report.download_title", lang))
    stem = file_stem(model.short_name, prefix="raport" if lang == "pl" else "report")
    c1, c2, c3 = st.columns(3)
    with c1:
        st.download_button(t("report.pdf_button", lang), data=lambda: rs.pdf_bytes(*args),
                           file_name=f"{stem}.pdf", mime=PDF_MIME, key="rp_pdf", on_click="ignore",
                           help=t("report.pdf_help", lang), icon="📄", type="primary", width="stretch")
    with c2:
        st.download_button(t("report.pptx_button", lang), data=lambda: rs.pptx_bytes(*args),
                           file_name=f"{stem}.pptx", mime=PPTX_MIME, key="rp_pptx", on_click="ignore",
                           help=t("report.pptx_help", lang), icon="📊", type="primary", width="stretch")
    with c3:
        docx_args = (ingest, lang, code, area, state.view().peers, permalink, today)
        st.download_button(t("report.docx_button", lang), data=lambda: rs.docx_bytes(*docx_args),
                           file_name=f"{stem}.docx", mime=DOCX_MIME, key="rp_docx", on_click="ignore",
                           help=t("report.docx_help", lang), icon="📝", type="primary", width="stretch")

    st.subheader(t("report.outline_title", lang))
    for i, item in enumerate(model.charts):
        with st.expander(md(item.takeaway)):
            a11y.chart(item.figure, summary=item.takeaway, lang=lang, width="stretch", data=item.data,
                       table_inline=True, config={"displaylogo": False}, key=f"rp_fig_{i}")
            st.caption(md(f"{item.caption} {t('report.source_label', lang)}: {item.source}"))
            downloads.chart(item.figure, data=item.data, name=f"{stem}-{item.key}", title=item.takeaway, lang=lang,
                            key=f"rp_chart_{i}", page=PAGE, sources=model.sources)
    for head, items in (("report.strengths", model.strengths), ("report.weaknesses", model.weaknesses)):
        if items:
            st.markdown(f"**{t(head, lang)}**\n" + "\n".join(f"- {md(x)}" for x in items))
    if model.sw_note:
        st.caption(md(model.sw_note))
    if model.members_only:
        st.markdown(f"**{t('report.members_only_title', lang)}**\n" + "\n".join(f"- {md(x)}" for x in model.members_only))

    st.subheader(t("report.data_title", lang))
    frame, docs = key_indicator_frame(model)
    st.dataframe(display_frame(model), hide_index=True, width="stretch")
    downloads.table(frame, name=f"{stem}-wskazniki" if lang == "pl" else f"{stem}-indicators",
                    title=t("report.table_title", lang, name=model.short_name), lang=lang, key="rp_table",
                    page=PAGE, columns=docs, sources=model.sources, notes=model.notes,
                    extra_sheets=extra_sheets(model))
