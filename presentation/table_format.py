"""Numbers in on-screen tables, formatted for the reader while the cells stay numbers.

``styled(frame, lang)`` returns a pandas Styler for ``st.dataframe``: sorting uses the numbers,
the reader sees "4 920,15" / "809 168" (Polish) or "4,920.15" / "809,168" (English) instead of
4920.148815 or 809168.0; years stay as they are (2024). ``auto_decimals`` is the one rule for
decimals that no indicator gives (also used for spreadsheet number formats).
"""
from __future__ import annotations

import math

import pandas as pd

from i18n import fmt_num

YEAR_HEADERS = {"rok", "year", "lata", "years"}


def auto_decimals(x: float) -> int:
    """Decimals that show a number without noise: 0 for whole numbers, 1–2 for others (17.249058…
    -> 17.25), more for small fractions so two significant digits show (0.00123 -> 0.0012)."""
    if not math.isfinite(float(x)) or float(x).is_integer():
        return 0
    ax = abs(float(x))
    if ax >= 1:
        return 1 if round(ax, 1) == round(ax, 6) else 2
    return min(6, max(2, -math.floor(math.log10(ax)) + 1))


def is_year_column(name, values: pd.Series) -> bool:
    v = pd.to_numeric(values, errors="coerce").dropna()
    return str(name).strip().casefold() in YEAR_HEADERS and bool(len(v)) and bool(
        ((v % 1 == 0) & v.between(1900, 2100)).all())


def styled(frame: pd.DataFrame, lang: str):
    """A Styler showing every numeric column in the reader's number format (see module doc)."""
    styler = frame.style
    for col in frame.columns:
        s = frame[col]
        if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            continue
        if is_year_column(col, s):
            styler = styler.format(lambda v: "–" if pd.isna(v) else str(int(v)), subset=[col])
        else:
            styler = styler.format(lambda v: "–" if pd.isna(v) else fmt_num(v, auto_decimals(v), lang), subset=[col])
    return styler
