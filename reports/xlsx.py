"""XLSX downloads: a data sheet plus a metadata sheet (definitions, units, sources, vintages,
export date, permalink), in the export's language.

Written with XlsxWriter, with automatic conversion of strings to formulas, numbers and URLs
switched off: every text cell is a string cell; text a spreadsheet would evaluate (= + - @ tab CR)
additionally carries Excel's quote-prefix style so it stays text after editing. Numbers stay
numeric.
"""
from __future__ import annotations

import datetime as dt
import io
from numbers import Real

import pandas as pd
import xlsxwriter

from i18n import fmt_when, t
from reports.cells import is_dangerous, is_missing, plain
from presentation.table_format import auto_decimals
from reports.model import ExportMeta

MAX_URL = 2000  # Excel's hyperlink limit is 2,079 characters; longer permalinks are plain text
SHEET_CHARS = r"[]:*?/\\"


def sheet_names(lang: str) -> tuple[str, str]:
    return t("report.xlsx_sheet_data", lang), t("report.xlsx_sheet_meta", lang)


def _workbook(buf: io.BytesIO) -> xlsxwriter.Workbook:
    return xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_numbers": False, "strings_to_urls": False,
                                     "nan_inf_to_errors": False})


class _Writer:
    def __init__(self, wb: xlsxwriter.Workbook):
        self.quoted = wb.add_format({"quote_prefix": True})
        self.quoted_bold = wb.add_format({"quote_prefix": True, "bold": True})
        self.bold = wb.add_format({"bold": True})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})

        self.wb = wb
        self.num_formats: dict[str, object] = {}

    def num_format(self, code: str):
        if code not in self.num_formats:
            self.num_formats[code] = self.wb.add_format({"num_format": code})
        return self.num_formats[code]

    def cell(self, ws, r: int, c: int, value, *, bold: bool = False, decimals: int | str | None = None) -> None:
        value = plain(value)
        if is_missing(value):
            ws.write_blank(r, c, None)
        elif isinstance(value, bool):
            ws.write_boolean(r, c, value)
        elif isinstance(value, Real):
            x = float(value)
            if x != x or x in (float("inf"), float("-inf")):
                ws.write_blank(r, c, None)
            else:
                fmt = self.bold if bold else self.num_format(number_format(x, decimals))
                ws.write_number(r, c, x, fmt)
        else:
            text = str(value)
            if is_dangerous(text):
                ws.write_string(r, c, text, self.quoted_bold if bold else self.quoted)
            else:
                ws.write_string(r, c, text, self.bold if bold else None)


def number_format(x: float, decimals: int | str | None = None) -> str:
    """Excel number format of a numeric cell: thousands grouped ("#,##0" shows "809 168" in a
    Polish Excel and "809,168" in an English one), fixed decimals; years without grouping."""
    if decimals == "year":
        return "0"
    d = auto_decimals(x) if decimals is None else int(decimals)
    return "#,##0" + ("." + "0" * d if d > 0 else "")


def _decimals_by_column(table: pd.DataFrame, meta: ExportMeta) -> dict[int, object]:
    """Column position -> decimals (int, per-row tuple, "year") from the column docs, and years
    recognised by a year header with whole numbers 1900–2100."""
    docs = {c.name: c.decimals for c in meta.columns if getattr(c, "decimals", None) is not None}
    year_words = {t("report.col_year", lang).casefold() for lang in ("pl", "en")} | {"rok", "year"}
    out: dict[int, object] = {}
    for c, name in enumerate(table.columns):
        if str(name) in docs:
            out[c] = docs[str(name)]
        elif str(name).casefold() in year_words:
            out[c] = "year"
    return out


def build_xlsx(table: pd.DataFrame, meta: ExportMeta) -> bytes:
    """Workbook bytes: sheet 1 the table, sheet 2 the metadata."""
    lang = meta.lang
    buf = io.BytesIO()
    wb = _workbook(buf)
    w = _Writer(wb)
    data_name, meta_name = sheet_names(lang)

    ws = wb.add_worksheet(data_name)
    for c, name in enumerate(table.columns):
        w.cell(ws, 0, c, str(name), bold=True)
    decimals = _decimals_by_column(table, meta)
    for r, row in enumerate(table.itertuples(index=False, name=None), start=1):
        for c, v in enumerate(row):
            d = decimals.get(c)
            if isinstance(d, tuple):
                d = d[r - 1] if r - 1 < len(d) else None
            w.cell(ws, r, c, v, decimals=d)
    if len(table.columns):
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(table), 1), len(table.columns) - 1)
        for c, name in enumerate(table.columns):
            sample = [len(str(name))] + [len(str(v)) for v in table.iloc[:200, c].tolist()]
            ws.set_column(c, c, min(max(sample) + 2, 60))

    for extra_name, extra in meta.extra_sheets:  # e.g. the strategy's progress (issue 14)
        es = wb.add_worksheet(str(extra_name)[:31])
        for c, name in enumerate(extra.columns):
            w.cell(es, 0, c, str(name), bold=True)
        for r, row in enumerate(extra.itertuples(index=False, name=None), start=1):
            for c, v in enumerate(row):
                w.cell(es, r, c, None if v is pd.NA else v)

    ms = wb.add_worksheet(meta_name)
    ms.set_column(0, 0, 28)
    ms.set_column(1, 1, 70, w.wrap)
    ms.set_column(2, 4, 24, w.wrap)
    exported = meta.exported or dt.datetime.now().replace(microsecond=0)
    rows: list[tuple] = [
        (t("report.meta_title", lang), meta.title),
        (t("report.meta_exported", lang), fmt_when(exported, lang)),
        (t("report.meta_language", lang), lang),
        (t("report.meta_rows", lang), len(table)),
        (t("report.meta_permalink", lang), meta.permalink),
    ]
    r = 0
    for key, value in rows:
        w.cell(ms, r, 0, key, bold=True)
        if key == t("report.meta_permalink", lang) and str(value).startswith(("http://", "https://")) \
                and len(str(value)) <= MAX_URL:
            ms.write_url(r, 1, str(value), string=str(value))
        else:
            w.cell(ms, r, 1, value)
        r += 1
    r += 1
    w.cell(ms, r, 0, t("report.meta_columns", lang), bold=True)
    r += 1
    for c, head in enumerate((t("report.meta_col_name", lang), t("report.meta_col_definition", lang),
                              t("report.meta_col_unit", lang))):
        w.cell(ms, r, c, head, bold=True)
    r += 1
    for col in meta.columns:
        for c, v in enumerate((col.name, col.definition, col.unit)):
            w.cell(ms, r, c, v)
        r += 1
    r += 1
    w.cell(ms, r, 0, t("report.meta_sources", lang), bold=True)
    r += 1
    for c, head in enumerate((t("report.src_publisher", lang), t("report.src_title", lang),
                              t("report.src_vintage", lang), t("report.src_licence", lang),
                              t("report.src_origin", lang))):
        w.cell(ms, r, c, head, bold=True)
    r += 1
    for s in meta.sources:
        for c, v in enumerate((s.publisher, s.title, s.vintage, s.licence, s.origin)):
            w.cell(ms, r, c, v)
        r += 1
    if meta.notes:
        r += 1
        w.cell(ms, r, 0, t("report.meta_notes", lang), bold=True)
        r += 1
        for note in meta.notes:
            w.cell(ms, r, 1, note)
            r += 1
    wb.close()
    return buf.getvalue()
