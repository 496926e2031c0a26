"""Tables derived from a report model for the data downloads (numbers stay numbers)."""
from __future__ import annotations

import pandas as pd

from i18n import t
from reports.model import ColumnDoc, ReportModel


def key_indicator_frame(model: ReportModel) -> tuple[pd.DataFrame, tuple[ColumnDoc, ...]]:
    """The key-indicators table as data, and the documentation of its columns."""
    lang = model.lang
    cols = [("report.col_indicator", "report.doc_indicator"), ("report.col_value", "report.doc_value"),
            ("report.col_unit", "report.doc_unit"), ("report.col_year", "report.doc_year"),
            ("report.col_rank_national", "report.doc_rank_national"), ("report.col_of_national", "report.doc_of"),
            ("report.col_rank_peers", "report.doc_rank_peers"), ("report.col_of_peers", "report.doc_of"),
            ("report.col_source", "report.doc_source"), ("report.col_indicator_id", "report.doc_indicator_id")]
    names = [t(c, lang) for c, _ in cols]
    rows = [[k.name, k.value, k.unit, k.year, k.national_rank, k.national_of, k.peer_rank, k.peer_of, k.source,
             k.indicator_id] for k in model.key_indicators]
    frame = pd.DataFrame(rows, columns=names)
    for c in (names[4], names[5], names[6], names[7]):
        frame[c] = frame[c].astype("Int64")
    docs = tuple(ColumnDoc(n, t(d, lang)) for n, (_, d) in zip(names, cols))
    return frame, docs
