"""CSV downloads: UTF-8 with a byte-order mark (so Excel detects the encoding), one header row.

Format (documented in the README, "Data downloads"):
  * Polish exports use ``;`` between fields and a decimal comma (what Polish Excel expects when a
    file is opened by double-click); English exports use ``,`` and a decimal point.
  * Numbers are written in full precision without thousands separators; no data = empty field.
  * Text cells that a spreadsheet would evaluate (starting with = + - @ tab CR) get a leading
    apostrophe (see reports.cells).
  * Headers are the column labels shown in the app, in the export's language; the XLSX download of
    the same table has a metadata sheet defining every column, its unit and its sources.
"""
from __future__ import annotations

import csv
import io
from numbers import Real

import pandas as pd

from reports.cells import is_missing, neutralise, number_text, plain

BOM = "\ufeff"
DIALECT = {"pl": (";", ","), "en": (",", ".")}


def separators(lang: str) -> tuple[str, str]:
    """(field separator, decimal mark) for a language."""
    return DIALECT.get(lang, DIALECT["pl"])


def cell_text(value, decimal: str) -> str:
    value = plain(value)
    if is_missing(value):
        return ""
    if isinstance(value, Real):
        return number_text(value, decimal)
    return neutralise(str(value))


def build_csv(table: pd.DataFrame, *, lang: str = "pl") -> bytes:
    """The table as CSV bytes (UTF-8 with BOM, CRLF line ends as RFC 4180 says)."""
    sep, dec = separators(lang)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    w.writerow([neutralise(str(c)) for c in table.columns])
    for row in table.itertuples(index=False, name=None):
        w.writerow([cell_text(v, dec) for v in row])
    return (BOM + buf.getvalue()).encode("utf-8")
