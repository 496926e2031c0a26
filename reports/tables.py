"""Tables derived from a report model for the data downloads (numbers stay numbers)."""
from __future__ import annotations

import pandas as pd

from i18n import fmt_num, t
from reports.model import ColumnDoc, ReportModel


def key_indicator_frame(model: ReportModel) -> tuple[pd.DataFrame, tuple[ColumnDoc, ...]]:
    """The key-indicators table as data, and the documentation of its columns. A functional area
    has no national rank; it has the coverage of each value (from how many gminy). The indicator
    id is always the last column."""
    lang = model.lang
    ks = model.key_indicators
    cols: list[tuple[str, str, list]] = [
        ("report.col_indicator", "report.doc_indicator", [k.name for k in ks]),
        ("report.col_value", "report.doc_value", [k.value for k in ks]),
        ("report.col_unit", "report.doc_unit", [k.unit for k in ks]),
        ("report.col_year", "report.doc_year", [k.year for k in ks])]
    if model.is_area:
        cols.append(("report.col_coverage", "report.doc_coverage", [k.coverage for k in ks]))
    else:
        cols += [("report.col_rank_national", "report.doc_rank_national", [k.national_rank for k in ks]),
                 ("report.col_of_national", "report.doc_of", [k.national_of for k in ks])]
    cols += [("report.col_rank_peers", "report.doc_rank_peers", [k.peer_rank for k in ks]),
             ("report.col_of_peers", "report.doc_of", [k.peer_of for k in ks]),
             ("report.col_source", "report.doc_source", [k.source for k in ks]),
             ("report.col_indicator_id", "report.doc_indicator_id", [k.indicator_id for k in ks])]
    frame = pd.DataFrame({t(c, lang): v for c, _, v in cols})
    for c, _, _ in cols:
        if c.startswith(("report.col_rank", "report.col_of")):
            frame[t(c, lang)] = frame[t(c, lang)].astype("Int64")
    decimals = {"report.col_value": tuple(k.decimals for k in ks), "report.col_year": "year"}
    docs = tuple(ColumnDoc(t(c, lang), t(d, lang), decimals=decimals.get(c, 0 if c.startswith(("report.col_rank",
                                                                                               "report.col_of")) else None))
                 for c, d, _ in cols)
    return frame, docs


def display_frame(model: ReportModel) -> "pd.io.formats.style.Styler":
    """The key-indicators table for the screen: numbers stay numbers (sortable), shown as the
    report prints them — each value with its indicator's decimals in the reader's format
    ("809 168", "17,2", "−0,62"), ranks with thousands separators, years as they are. The
    indicator id (last column) is left out."""
    lang = model.lang
    frame, docs = key_indicator_frame(model)
    frame = frame.drop(columns=frame.columns[-1])
    value_col = t("report.col_value", lang)
    styler = frame.style
    for i, k in enumerate(model.key_indicators):
        styler = styler.format(lambda v, d=k.decimals: fmt_num(v, d, lang), subset=pd.IndexSlice[[i], [value_col]])
    for doc in docs:
        if doc.name in frame.columns and doc.decimals == 0:
            styler = styler.format(lambda v: "–" if pd.isna(v) else fmt_num(v, 0, lang), subset=[doc.name])
        elif doc.name in frame.columns and doc.decimals == "year":
            styler = styler.format(lambda v: "–" if pd.isna(v) else str(int(v)), subset=[doc.name])
    return styler


def extra_sheets(model: ReportModel) -> tuple:
    """(sheet name, frame) pairs the report's XLSX adds after its data sheet: the strategy's
    progress (issue 14) and the synthetic assessment's every node (issue 13)."""
    out = []
    if model.strategy is not None:
        out.append((model.strategy.sheet_name, model.strategy.table))
    if model.assessment is not None:
        out.append((model.assessment.sheet_name, model.assessment.table))
    return tuple(out)
