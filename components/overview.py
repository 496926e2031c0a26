"""The start page's table: every indicator of the selected unit with year, unit and source."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from components import device
from presentation.labels import source_label, source_lookup
from domain.catalogue import Indicator
from domain.profile import latest_by_indicator
from i18n import fmt_num, fmt_unit, t, unit_after


def source_text(row, lookup: dict[str, str], lang: str) -> str:
    """A value row's source in words (presentation.labels.source_label); ``lookup`` from
    source_lookup, built once per table (building it per row cost ~50 ms of a start-page run)."""
    return source_label(row, lookup, lang)


def overview_frame(values: pd.DataFrame, indicators: dict[str, Indicator], sources: pd.DataFrame,
                   lang: str) -> pd.DataFrame:
    latest = latest_by_indicator(values, indicators)
    lookup = source_lookup(sources, lang)
    rows = []
    for r in latest.to_dict("records"):
        ind = indicators[r["indicator"]]
        rows.append({
            t("col.category", lang): t(f"category.{ind.category}", lang),
            t("col.indicator", lang): ind.name(lang),
            t("col.value", lang): fmt_num(r["value"], ind.decimals, lang),
            t("col.unit", lang): unit_after(fmt_num(r["value"], ind.decimals, lang), ind.unit(lang), lang,
                                            keep_count_word=True),
            t("col.year", lang): str(int(r["year"])),
            t("col.source", lang): source_text(r, lookup, lang),
        })
    return pd.DataFrame(rows)


def render_headlines(values: pd.DataFrame, indicators: dict[str, Indicator], sources: pd.DataFrame,
                     lang: str) -> None:
    """The catalogue's headline indicators as large figures with year and source."""
    heads = sorted((i for i in indicators.values() if i.headline), key=lambda i: i.headline)
    latest = latest_by_indicator(values, {i.id: i for i in heads}).set_index("indicator")
    shown = [i for i in heads if i.id in latest.index]
    if not shown:
        return
    lookup = source_lookup(sources, lang)
    # two cards a row (a phone stacks them): four in a row cut "2 384 osoby n…" and long names
    phone = device.is_phone()
    cols = [c for start in range(0, len(shown), 2) for c in st.columns(2)]
    for col, ind in zip(cols, shown):
        r = latest.loc[ind.id]
        with col:
            if phone:  # the big figure alone fits a phone's card; its unit goes to the label
                st.metric(f"{ind.name(lang)} ({ind.unit(lang)})", fmt_num(r["value"], ind.decimals, lang),
                          help=ind.definition(lang), border=True)
            else:
                st.metric(ind.name(lang), fmt_unit(r["value"], ind.decimals, ind.unit(lang), lang),
                          help=ind.definition(lang), border=True)
            st.caption(t("overview.year_source", lang, year=int(r["year"]),
                         source=source_text(r.to_dict() | {"indicator": ind.id}, lookup, lang)))


def render(values: pd.DataFrame, indicators: dict[str, Indicator], sources: pd.DataFrame, lang: str) -> None:
    render_headlines(values, indicators, sources, lang)
    frame = overview_frame(values, indicators, sources, lang)
    if frame.empty:
        st.info(t("overview.no_values", lang))
        return
    phone = device.is_phone()
    cat_col, ind_col, value_col, unit_col, year_col, src_col = (
        t(k, lang) for k in ("col.category", "col.indicator", "col.value", "col.unit", "col.year", "col.source"))
    # a phone shows indicator, value, unit and year in columns that fit its width (six columns put
    # every value off-screen); the desktop keeps theme and source, in widths that fit at 1600 px
    widths = ({ind_col: 140, value_col: 76, unit_col: 80, year_col: 44} if phone else
              {cat_col: 110, ind_col: 320, value_col: 90, unit_col: 150, year_col: 50, src_col: 400})
    order = list(widths)
    config = {col: st.column_config.TextColumn(width=w) for col, w in widths.items()}
    st.dataframe(frame, hide_index=True, width="stretch", column_order=order, column_config=config,
                 height=min(38 * (len(frame) + 1), 900))
    if phone:
        st.caption(t("overview.phone_note", lang))
