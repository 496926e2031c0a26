"""Own-data section of the data page: upload a CSV/XLSX, preview matched/unmatched rows, describe
the indicator, store it. Every cell text from the file is escaped before it reaches Markdown; tables
are shown with st.dataframe (text, never markup)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from presentation.data_text import md
from i18n import fmt_num, t
from services import data as D

RULES = ("none", "sum", "weighted_mean")
POLARITIES = ("neutral", "higher_better", "lower_better")
MAX_PROBLEMS = 25
STATUSES = ("exact", "recoded", "by_code6", "by_name", "country", "unmatched")


def problem_text(p, lang: str) -> str:
    """One line per problem: where (row, column), the cell, what is wrong — all cell text escaped."""
    where = []
    if p.row:
        where.append(t("data.problem.at_row", lang, row=p.row))
    if p.column:
        where.append(t("data.problem.at_column", lang, column=md(p.column)))
    head = ", ".join(where)
    body = t(f"data.problem.{p.code}", lang, value=md(p.value), detail=md(p.detail), max_mb=D.MAX_UPLOAD_MB)
    return f"{head}: {body}" if head else body


def reason_text(reason: str, lang: str) -> str:
    if not reason:
        return ""
    if reason.startswith("ambiguous_name:"):
        return t("data.reason.ambiguous_name", lang, codes=reason.split(":", 1)[1].replace(",", ", "))
    return t(f"data.reason.{reason}", lang)


def preview_frame(matched, lang: str) -> pd.DataFrame:
    rows = matched.report
    return pd.DataFrame({
        t("data.col.row", lang): rows["row"].astype(int),
        t("data.col.code_in_file", lang): rows["code_text"].map(D.upload.neutralise_cell),
        t("data.col.name_in_file", lang): rows["name"].map(D.upload.neutralise_cell),
        t("data.col.status", lang): [t(f"data.status.{s}", lang) for s in rows["status"]],
        t("data.col.unit", lang): [f"{n} ({c})" if isinstance(c, str) and c else "" for c, n in
                                   zip(rows["unit"], rows["unit_name"])],
        t("data.col.note", lang): [reason_text(r, lang) for r in rows["reason"]],
        t("data.col.values", lang): rows["values"].fillna(0).astype(int),
    })


def _show_problems(problems, lang: str) -> None:
    lines = [f"- {problem_text(p, lang)}" for p in problems[:MAX_PROBLEMS]]
    if len(problems) > MAX_PROBLEMS:
        lines.append("- " + t("data.problem.more", lang, n=len(problems) - MAX_PROBLEMS))
    st.error(t("data.upload.rejected", lang) + "\n\n" + "\n".join(lines), icon="⛔")


def _summary(pv, lang: str) -> None:
    m, p = pv.matched, pv.parsed
    years = sorted(set(m.values["year"])) if not m.values.empty else []
    c = st.columns(4)
    c[0].metric(t("data.upload.m_matched", lang), fmt_num(m.matched_rows, 0, lang))
    c[1].metric(t("data.upload.m_unmatched", lang), fmt_num(m.unmatched_rows, 0, lang))
    c[2].metric(t("data.upload.m_values", lang), fmt_num(len(m.values), 0, lang))
    c[3].metric(t("data.upload.m_years", lang), f"{years[0]}–{years[-1]}" if len(years) > 1 else
                (str(years[0]) if years else "–"))
    st.caption(t("data.upload.read_as", lang, layout=t(f"data.layout.{p.layout}", lang), encoding=p.encoding,
                 decimal=p.decimal, header=p.header_row))
    notes = [problem_text(n, lang) for n in p.notes]
    if not m.duplicates.empty:
        for (unit, rows), grp in m.duplicates.groupby(["unit", "rows"], sort=False):
            years = ", ".join(str(y) for y in sorted(grp["year"]))
            notes.append(t("data.upload.duplicate", lang, unit=unit, year=years, rows=rows))
    for x in m.name_mismatch.itertuples():
        notes.append(t("data.upload.name_mismatch", lang, row=x.row, code=md(x.code), unit=md(x.unit_name),
                       name=md(x.name)))
    recoded = int((m.report["status"] == "recoded").sum())
    if recoded:
        notes.append(t("data.upload.recoded", lang, n=recoded))
    if notes:
        st.info("\n".join(f"- {n}" for n in notes[:MAX_PROBLEMS]), icon="ℹ️")


def _save_form(pv, lang: str) -> None:
    m = pv.matched
    if not m.conflicts.empty:
        lines = [t("data.upload.conflict", lang, unit=r.unit, year=r.year, rows=r.rows, values=r.values)
                 for r in m.conflicts.head(MAX_PROBLEMS).itertuples()]
        st.error(t("data.upload.conflicts", lang, n=len(m.conflicts)) + "\n\n" + "\n".join(f"- {x}" for x in lines),
                 icon="⛔")
        return
    if m.values.empty:
        st.warning(t("data.upload.nothing_matched", lang), icon="⚠️")
        return
    with st.form("data_upload_form"):
        st.markdown(t("data.upload.describe", lang))
        c1, c2 = st.columns(2)
        name_pl = c1.text_input(t("data.upload.name_pl", lang), key="data_up_name", max_chars=200)
        name_en = c2.text_input(t("data.upload.name_en", lang), key="data_up_name_en", max_chars=200)
        c3, c4 = st.columns(2)
        unit_pl = c3.text_input(t("data.upload.unit_pl", lang), key="data_up_unit", max_chars=200,
                                placeholder=t("data.upload.unit_placeholder", lang))
        unit_en = c4.text_input(t("data.upload.unit_en", lang), key="data_up_unit_en", max_chars=200)
        c5, c6 = st.columns(2)
        polarity = c5.selectbox(t("data.polarity", lang), POLARITIES, key="data_up_polarity",
                                format_func=lambda x: t(f"data.polarity.{x}", lang))
        rule = c6.selectbox(t("data.upload.rule", lang), RULES, key="data_up_rule",
                            format_func=lambda x: t(f"data.rule.{x}", lang), help=t("data.upload.rule_help", lang))
        description = st.text_input(t("data.upload.description", lang), key="data_up_desc", max_chars=200)
        publisher = st.text_input(t("data.upload.publisher", lang), key="data_up_publisher", max_chars=200,
                                  placeholder=t("data.upload.publisher_placeholder", lang))
        go = st.form_submit_button(t("data.upload.save", lang, n=fmt_num(len(m.values), 0, lang)), type="primary")
    if not go:
        return
    try:
        res = D.save_upload(pv, name_pl=name_pl, name_en=name_en, unit_pl=unit_pl, unit_en=unit_en,
                            polarity=polarity, rule=rule, description=description, publisher=publisher)
    except D.UserDataError as exc:
        st.error(t(exc.key, lang, **{k: md(v) for k, v in exc.fields.items()}), icon="⚠️")
        return
    st.success(t("data.upload.saved", lang, id=res.indicator, n=fmt_num(res.values, 0, lang)), icon="✅")
    if res.rule != "none":
        st.caption(t("data.bdl.rollup", lang, rule=t(f"data.rule.{res.rule}", lang),
                     n=fmt_num(res.aggregated, 0, lang), withheld=fmt_num(res.withheld, 0, lang)))
    if res.unknown_units:
        st.caption(t("data.upload.unknown_units", lang, n=res.unknown_units))


def render(lang: str, ingest: str) -> None:
    st.markdown(t("data.upload.intro", lang))
    with st.expander(t("data.upload.formats", lang)):
        st.markdown(t("data.upload.formats_text", lang, max_mb=D.MAX_UPLOAD_MB))
    f = st.file_uploader(t("data.upload.file", lang, max_mb=D.MAX_UPLOAD_MB), type=["csv", "txt", "xlsx", "xls"],
                         key="data_upload_file", help=t("data.upload.file_help", lang, max_mb=D.MAX_UPLOAD_MB))
    if f is None:
        return
    try:
        pv = D.preview(f.getvalue(), f.name, ingest)
    except D.UploadError as exc:
        _show_problems(exc.problems, lang)
        st.caption(t("data.upload.nothing_changed", lang))
        return
    _summary(pv, lang)
    only_bad = st.toggle(t("data.upload.only_unmatched", lang), key="data_up_only_bad",
                         value=pv.matched.unmatched_rows > 0)
    frame = preview_frame(pv.matched, lang)
    if only_bad:
        frame = frame.loc[(pv.matched.report["status"] == "unmatched").to_numpy()]
    st.dataframe(frame, hide_index=True, width="stretch", height=min(38 * (len(frame) + 1), 420))
    _save_form(pv, lang)
