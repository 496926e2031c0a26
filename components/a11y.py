"""Text alternatives for charts (issue 8): every chart on every page is drawn through ``chart``,
which gives the figure an accessible name (plotly ``alt``) and puts a one-sentence summary
generated from the data directly after it — a caption starting with ``t("a11y.summary")``'s
prefix — optionally followed by the numbers behind it in an expander table. Tests walk every
page and check this convention, so a new chart without an alternative fails the suite."""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from i18n import fmt_num, fmt_unit, t
from presentation.table_format import styled


def chart(fig, *, summary: str, lang: str, data: pd.DataFrame | None = None, table_inline: bool = False,
          **kwargs):
    """``st.plotly_chart(fig, **kwargs)`` + its text alternative. Returns what plotly_chart returns.
    ``data``: the numbers behind the chart, shown as a table in an expander — or directly under the
    summary with ``table_inline`` (for charts that are already inside an expander: Streamlit does not
    nest expanders)."""
    summary = " ".join(str(summary).split()) or t("a11y.no_summary", lang)
    out = st.plotly_chart(fig, alt=summary, **kwargs)
    st.caption(t("a11y.summary", lang, text=summary))
    if data is not None and not data.empty:
        if table_inline:
            st.markdown(f"**{t('a11y.table', lang)}**")
            st.dataframe(styled(data, lang), hide_index=True, width="stretch")
        else:
            with st.expander(t("a11y.table", lang)):
                st.dataframe(styled(data, lang), hide_index=True, width="stretch")
    return out


def extremes_summary(frame: pd.DataFrame, *, title: str, unit: str, decimals: int, lang: str,
                     name_col: str = "name", value_col: str = "value") -> str:
    """"{title}: highest A (v unit), lowest B (v unit), median m; n with a value."""
    have = frame.loc[frame[value_col].notna()]
    if have.empty:
        return t("a11y.no_values", lang, title=title)
    hi = have.loc[have[value_col].idxmax()]
    lo = have.loc[have[value_col].idxmin()]
    return t("a11y.extremes", lang, title=title, hi=hi[name_col], hi_value=fmt_unit(hi[value_col], decimals, unit, lang),
             lo=lo[name_col], lo_value=fmt_unit(lo[value_col], decimals, unit, lang),
             median=fmt_unit(float(have[value_col].median()), decimals, unit, lang), n=fmt_num(len(have), 0, lang),
             of=fmt_num(len(frame), 0, lang))


def classes_summary(rows: Sequence[tuple[str, str, int]], *, title: str, lang: str) -> str:
    """Class counts of a classed map/histogram: ``rows`` = (colour, label, count) low -> high."""
    parts = "; ".join(f"{label}: {fmt_num(n, 0, lang)}" for _, label, n in rows)
    return t("a11y.classes", lang, title=title, k=len(rows), classes=parts)
