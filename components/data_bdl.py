"""BDL API section of the data page: curated variables, search, fetch with progress/ETA/quota."""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import streamlit as st

from presentation.data_text import md
from i18n import fmt_num, t
from services import data as D

LEVELS = ("gmina", "powiat", "wojewodztwo")
RULES = ("auto", "sum", "weighted_mean", "none")
POLARITIES = ("neutral", "higher_better", "lower_better")


def quota_line(lang: str) -> str:
    parts = [t("data.bdl.quota_window", lang, window=w, used=u, limit=lim) for w, u, lim in D.quota()]
    key = "data.bdl.quota_key" if D.has_key() else "data.bdl.quota_anonymous"
    return t(key, lang, windows=" · ".join(parts))


def curated_frame(lang: str) -> pd.DataFrame:
    rows = []
    for c in D.curated():
        rows.append({t("data.col.id", lang): str(c["id"]),
                     t("data.col.name", lang): c.get(f"name_{lang}") or c.get("name_pl", ""),
                     t("data.col.subject", lang): c.get("subject", ""),
                     t("data.col.unit", lang): c.get("unit", ""),
                     t("data.col.verified", lang): t("data.yes" if c.get("verified") else "data.no", lang)})
    return pd.DataFrame(rows)


def _search(lang: str) -> None:
    with st.form("data_bdl_search_form", border=False):
        text = st.text_input(t("data.bdl.search_label", lang), key="data_bdl_search",
                             placeholder=t("data.bdl.search_placeholder", lang))
        go = st.form_submit_button(t("data.bdl.search_button", lang))
    if not go or not text.strip():
        return
    if len(text.strip()) < 2:
        st.warning(t("data.bdl.search_short", lang), icon="⚠️")
        return
    query = text.strip()
    try:
        if re.fullmatch(r"[PpGgKk]\d{1,5}", query):  # a subject id: list its variables
            subjects, variables = pd.DataFrame(columns=["id", "name", "has_variables"]), \
                D.subject_variables(query.upper(), lang)
        else:
            subjects, variables = D.search_bdl(query, lang)
    except D.BdlApiError as exc:
        key, fields = D.api_error(exc)
        st.error(t(key, lang, **{k: md(v) for k, v in fields.items()}), icon="⚠️")
        return
    if subjects.empty and variables.empty:
        st.info(t("data.bdl.search_none", lang, text=md(text.strip())), icon="🔎")
        return
    if not variables.empty:
        st.dataframe(variables.rename(columns={"id": t("data.col.id", lang), "subject_id": t("data.col.subject", lang),
                                               "name": t("data.col.name", lang), "level": t("data.col.level", lang),
                                               "measure_unit": t("data.col.unit", lang)}),
                     hide_index=True, width="stretch")
    if not subjects.empty:
        st.caption(t("data.bdl.subjects_found", lang))
        st.dataframe(subjects[["id", "name", "has_variables"]].rename(columns={
            "id": t("data.col.subject", lang), "name": t("data.col.name", lang),
            "has_variables": t("data.col.has_variables", lang)}), hide_index=True, width="stretch")


def _progress_text(p, lang: str) -> str:
    quota = " · ".join(t("data.bdl.quota_window", lang, window=w, used=u, limit=lim) for w, u, lim in p.quota)
    return t("data.bdl.progress", lang, done=p.done, total=p.total, eta=fmt_num(p.eta or 0, 0, lang),
             cached=p.from_cache, quota=quota)


def _fetch(lang: str) -> None:
    this_year = dt.date.today().year
    with st.form("data_bdl_fetch_form"):
        c1, c2 = st.columns(2)
        var_id = c1.number_input(t("data.bdl.variable", lang), min_value=1, step=1, value=None, key="data_bdl_var",
                                 help=t("data.bdl.variable_help", lang))
        level = c2.radio(t("data.bdl.level", lang), LEVELS, horizontal=True, key="data_bdl_level",
                         format_func=lambda x: t(f"data.level.{x}", lang))
        years = st.multiselect(t("data.bdl.years", lang), list(range(this_year, 1994, -1)),
                               default=[this_year - 2], key="data_bdl_years")
        c3, c4 = st.columns(2)
        rule = c3.selectbox(t("data.bdl.rule", lang), RULES, key="data_bdl_rule",
                            format_func=lambda x: t(f"data.rule.{x}", lang), help=t("data.bdl.rule_help", lang))
        polarity = c4.selectbox(t("data.polarity", lang), POLARITIES, key="data_bdl_polarity",
                                format_func=lambda x: t(f"data.polarity.{x}", lang))
        go = st.form_submit_button(t("data.bdl.fetch_button", lang), type="primary")
    st.caption(quota_line(lang))
    if not go:
        return
    if not var_id or not years:
        st.warning(t("data.bdl.need_id_years", lang), icon="⚠️")
        return
    bar = st.progress(0.0, text=t("data.bdl.starting", lang))

    def progress(p) -> None:
        bar.progress(min(1.0, p.done / max(p.total, 1)), text=_progress_text(p, lang))

    try:
        imp = D.fetch_bdl(int(var_id), level, sorted(years), rule=None if rule == "auto" else rule,
                          polarity=polarity, progress=progress)
    except D.BdlApiError as exc:
        bar.empty()
        key, fields = D.api_error(exc)
        st.error(t(key, lang, **{k: md(v) for k, v in fields.items()}), icon="⚠️")
        st.caption(t("data.bdl.nothing_changed", lang))
        return
    except D.UserDataError as exc:
        bar.empty()
        st.error(t(exc.key, lang, **{k: md(v) for k, v in exc.fields.items()}), icon="⚠️")
        return
    bar.progress(1.0, text=t("data.bdl.done", lang))
    r = imp.result
    name = imp.spec.get(f"name_{lang}") or imp.spec["name_pl"]
    st.success(t("data.bdl.stored", lang, id=r.indicator, name=md(name), fetched=fmt_num(imp.fetched, 0, lang),
                 units=fmt_num(imp.matched, 0, lang), total=fmt_num(r.values, 0, lang)), icon="✅")
    if imp.skipped:
        st.caption(t("data.bdl.skipped", lang, detail=", ".join(
            f"{_skip_label(k, lang)}: {v}" for k, v in sorted(imp.skipped.items()))))
    if imp.combined:
        st.caption(t("data.bdl.combined", lang, n=imp.combined))
    if imp.no_data:
        st.caption(t("data.bdl.no_data", lang, n=fmt_num(imp.no_data, 0, lang)))
    if r.rule == "none":
        st.info(t("data.bdl.no_rollup", lang), icon="ℹ️")
    else:
        st.caption(t("data.bdl.rollup", lang, rule=t(f"data.rule.{r.rule}", lang),
                     n=fmt_num(r.aggregated, 0, lang), withheld=fmt_num(r.withheld, 0, lang)))


def _skip_label(reason: str, lang: str) -> str:
    known = {"town part": "town_part", "rural part": "rural_part", "dzielnica": "dzielnica", "delegatura": "delegatura"}
    return t(f"data.skip.{known[reason]}", lang) if reason in known else t("data.skip.other", lang)


def render(lang: str) -> None:
    st.markdown(t("data.bdl.intro", lang))
    with st.expander(t("data.bdl.curated", lang)):
        st.caption(t("data.bdl.curated_note", lang))
        st.dataframe(curated_frame(lang), hide_index=True, width="stretch")
    _search(lang)
    st.divider()
    _fetch(lang)
