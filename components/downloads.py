"""Download buttons for any table or chart: CSV + XLSX (with a metadata sheet), PNG of a chart.

One call per table or chart, e.g.

    from components import downloads
    downloads.table(frame, name="profil-krakow", title=t("report.table_title", lang, name=name), lang=lang,
                    page="profil", source_ids=("gus_vital_2024",),
                    columns=(ColumnDoc("Wartość", "…", "osoby"),))
    downloads.chart(fig, data=frame, name="trend-ludnosc", title=..., lang=lang, page="profil")

Files are built only when the button is clicked (Streamlit's deferred ``data=callable``), so a page
with many tables pays nothing up front; the app does not rerun after a download. CSV/XLSX come from
the pure builders reports.csv / reports.xlsx (text that a spreadsheet would run as a formula is
neutralised there); the PNG from reports.png (the shared offline kaleido server).
"""
from __future__ import annotations

from dataclasses import replace

import datetime as dt
from typing import Sequence

import pandas as pd
import streamlit as st

import services
from components import share
from i18n import t
from reports import csv as csv_out
from reports import png, xlsx
from reports.model import ColumnDoc, ExportMeta, SourceRef, file_stem, source_refs

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sources_by_id(source_ids: Sequence[str], lang: str) -> tuple[SourceRef, ...]:
    ingest = services.ingest_id()
    if ingest is None or not source_ids:
        return ()
    return source_refs(source_ids, services.sources(ingest), lang)


def export_meta(*, title: str, lang: str, page: str = "", columns: Sequence[ColumnDoc] = (),
                source_ids: Sequence[str] = (), sources: Sequence[SourceRef] = (),
                notes: Sequence[str] = ()) -> ExportMeta:
    return ExportMeta(title=title, lang=lang, permalink=share.permalink(page),
                      exported=dt.datetime.now().replace(microsecond=0), columns=tuple(columns),
                      sources=tuple(sources) + sources_by_id(source_ids, lang), notes=tuple(notes))


def table(frame: pd.DataFrame, *, name: str, title: str, lang: str, key: str | None = None, page: str = "",
          columns: Sequence[ColumnDoc] = (), source_ids: Sequence[str] = (), sources: Sequence[SourceRef] = (),
          notes: Sequence[str] = (), extra_sheets: Sequence = ()) -> None:
    """CSV and XLSX buttons for ``frame`` (numbers should be numbers, not formatted text);
    ``extra_sheets``: (name, frame) pairs added to the XLSX only."""
    meta = export_meta(title=title, lang=lang, page=page, columns=columns, source_ids=source_ids,
                       sources=sources, notes=notes)
    if extra_sheets:
        meta = replace(meta, extra_sheets=tuple(extra_sheets))
    stem = file_stem(name)
    key = key or f"dl_{stem}"
    c1, c2 = st.columns(2)
    with c1:
        st.download_button(t("download.csv", lang), data=lambda: csv_out.build_csv(frame, lang=lang),
                           file_name=f"{stem}.csv", mime=CSV_MIME, key=f"{key}_csv", on_click="ignore",
                           help=t("download.csv_help", lang), icon="⬇️", width="stretch")
    with c2:
        st.download_button(t("download.xlsx", lang), data=lambda: xlsx.build_xlsx(frame, meta),
                           file_name=f"{stem}.xlsx", mime=XLSX_MIME, key=f"{key}_xlsx", on_click="ignore",
                           help=t("download.xlsx_help", lang), icon="⬇️", width="stretch")


def png_button(fig, *, name: str, lang: str, key: str | None = None) -> None:
    """A button that downloads the chart as a 1920 x 1080 PNG (for slides)."""
    stem = file_stem(name)
    st.download_button(t("download.png", lang), data=lambda: png.figure_png(fig), file_name=f"{stem}.png",
                       mime="image/png", key=key or f"dl_{stem}_png", on_click="ignore",
                       help=t("download.png_help", lang), icon="🖼️", width="stretch")


def chart(fig, *, data: pd.DataFrame, name: str, title: str, lang: str, key: str | None = None, page: str = "",
          columns: Sequence[ColumnDoc] = (), source_ids: Sequence[str] = (), sources: Sequence[SourceRef] = (),
          notes: Sequence[str] = ()) -> None:
    """PNG of the chart plus CSV/XLSX of the numbers behind it."""
    key = key or f"dl_{file_stem(name)}"
    c1, c2 = st.columns([1, 2])
    with c1:
        png_button(fig, name=name, lang=lang, key=f"{key}_png")
    with c2:
        table(data, name=name, title=title, lang=lang, key=key, page=page, columns=columns,
              source_ids=source_ids, sources=sources, notes=notes)


def unit_values_frame(values: pd.DataFrame, indicators: dict, lang: str, *, code: str = "",
                      name: str = "") -> tuple[pd.DataFrame, tuple[ColumnDoc, ...], tuple[str, ...]]:
    """A unit's latest value of every indicator as data (numbers as numbers), the documentation of
    its columns, and the source ids used — for the start page's download."""
    from domain.profile import latest_by_indicator

    latest = latest_by_indicator(values, indicators)
    keys = ["download.col_code", "download.col_name", "col.category", "col.indicator", "col.value", "col.unit",
            "col.year", "download.col_method", "download.col_coverage", "download.col_source_id",
            "download.col_indicator_id"]
    heads = [t(k, lang) for k in keys]
    rows = []
    for r in latest.to_dict("records"):
        ind = indicators[r["indicator"]]
        cov = f"{int(r['n'])}/{int(r['of'])}" if r.get("of") == r.get("of") and r.get("of") else ""
        rows.append([code, name, t(f"category.{ind.category}", lang), ind.name(lang), r["value"], ind.unit(lang),
                     int(r["year"]), t(f"download.method_{r['method']}", lang), cov, r["source"], r["indicator"]])
    frame = pd.DataFrame(rows, columns=heads)
    docs = tuple(ColumnDoc(h, t(k.replace("col.", "download.doc_").replace("download.col_", "download.doc_"), lang))
                 for h, k in zip(heads, keys))
    return frame, docs, tuple(sorted(set(latest["source"]))) if not latest.empty else ()
