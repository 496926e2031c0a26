"""Spreadsheet-safe cell values: text that a spreadsheet would run as a formula is neutralised.

Unit names, indicator names typed by users and any other text can start with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return; Excel, LibreOffice and Google Sheets treat such cells (in CSV,
and in XLSX when written as formulas) as formulas — CSV/formula injection. Text cells are written as
text: CSV prefixes them with an apostrophe (OWASP's advice); XLSX writes them as string cells with
Excel's "quote prefix" style, so the text shows unchanged and is never evaluated. Numbers stay
numbers (a negative number is not text).
"""
from __future__ import annotations

import datetime as dt
import math
from numbers import Integral, Real

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def is_dangerous(text: str) -> bool:
    return isinstance(text, str) and text.startswith(DANGEROUS_START)


def neutralise(text: str) -> str:
    """The text with a leading apostrophe if a spreadsheet would read it as a formula."""
    return "'" + text if is_dangerous(text) else text


def is_missing(value) -> bool:
    if value is None:
        return True
    try:
        import pandas as pd
        if value is pd.NA or value is pd.NaT:
            return True
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return isinstance(value, float) and math.isnan(value)


def number_text(value: Real, decimal: str = ".") -> str:
    """A number without grouping and without a spurious ``.0`` (full precision)."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, Integral):
        return str(int(value))
    x = float(value)
    if math.isinf(x):
        return ""
    text = str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)
    return text.replace(".", decimal)


def plain(value):
    """numpy scalars -> Python scalars, dates -> ISO text; other values unchanged."""
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value
