"""The list of user indicators (own data and BDL API) with source, years, retrieval date; delete."""
from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from i18n import t
from services import data as D


def manage_frame(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    rows = []
    for r in df.to_dict("records"):
        spec = json.loads(r["spec"])
        years = "" if pd.isna(r["year_min"]) else (
            str(int(r["year_min"])) if r["year_min"] == r["year_max"] else f"{int(r['year_min'])}–{int(r['year_max'])}")
        rows.append({t("data.col.id", lang): r["id"],
                     t("data.col.name", lang): spec.get(f"name_{lang}") or spec["name_pl"],
                     t("data.col.origin", lang): t(f"data.origin.{r['origin']}", lang),
                     t("data.col.unit", lang): spec.get(f"unit_{lang}") or spec["unit_pl"],
                     t("data.col.years", lang): years,
                     t("data.col.values", lang): 0 if pd.isna(r["values"]) else int(r["values"]),
                     t("data.col.rule", lang): t(f"data.rule.{spec['aggregation']['rule']}", lang),
                     t("data.col.retrieved", lang): str(r["retrieved"] or "")[:16].replace("T", " ")})
    return pd.DataFrame(rows)


def render(lang: str, ingest: str) -> None:
    df = D.user_indicators(ingest)
    if df.empty:
        st.info(t("data.manage.empty", lang), icon="📭")
        return
    st.dataframe(manage_frame(df, lang), hide_index=True, width="stretch")
    with st.form("data_delete_form"):
        which = st.selectbox(t("data.manage.pick", lang), df["id"].tolist(), key="data_del_pick")
        sure = st.checkbox(t("data.manage.confirm", lang), key="data_del_sure")
        go = st.form_submit_button(t("data.manage.delete", lang))
    if go:
        if not sure:
            st.warning(t("data.manage.need_confirm", lang), icon="⚠️")
        elif D.delete_indicator(which):
            st.success(t("data.manage.deleted", lang, id=which), icon="🗑️")
