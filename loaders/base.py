"""The contract every indicator loader fulfils.

A loader reads ONE external file format and returns a *raw frame*: a long pandas DataFrame with
exactly the columns in ``RAW_COLUMNS``. Loaders know nothing about the store, the catalogue's
indicator ids or the current TERYT list; the ingest maps ``measure`` to an indicator through the
catalogue and resolves ``code``/``name`` to a unit through ``domain.teryt``.

Columns
-------
code         str. The unit code as the source gives it, cleaned: digits only, zero-padded to the
             width the source means (7 for BDL gmina codes ``WWPPGGT``, 6 for PKW ``WWPPGG``,
             4 for a powiat, 2 for a województwo, 12 for a BDL API unit id); "" if the source has
             no code (PKW rows of cities with powiat rights in some files) — then ``name`` and
             ``parent_name`` must allow a match by name.
name         str. The unit name as in the source (used for name matching and in reports).
parent_name  str. The powiat name when the source has one (PKW), else "".
measure      str. A stable key of the source column the value came from; the catalogue maps
             ``measure`` -> indicator id. Each loader documents how it builds the key.
year         int. The reference year of the value.
value        float. NaN means "no data" in the source (never replaced by 0).
source_unit  str. The unit of measure as the source states it ("" if not stated).
skip         str. "" for a row describing a unit the store should hold. Otherwise a short reason why
             the row is not a unit ("abroad", "ships", "town part", "rural part", "dzielnica",
             "aggregate row", ...); such rows are counted in the reconciliation report, never
             silently dropped.
"""
from __future__ import annotations

from typing import Protocol

import numpy as np
import pandas as pd

RAW_COLUMNS = ("code", "name", "parent_name", "measure", "year", "value", "source_unit", "skip")


class LoaderError(ValueError):
    """A source file does not have the shape its loader expects (message names file/row/column)."""


class Loader(Protocol):
    def __call__(self, path, **options) -> pd.DataFrame: ...


def raw_frame(records: list[dict] | pd.DataFrame) -> pd.DataFrame:
    """Build a raw frame from records, filling optional columns and fixing dtypes."""
    df = pd.DataFrame(records)
    for col in RAW_COLUMNS:
        if col not in df.columns:
            df[col] = "" if col not in ("year", "value") else np.nan
    df = df.loc[:, list(RAW_COLUMNS)].copy()
    for col in ("code", "name", "parent_name", "measure", "source_unit", "skip"):
        df[col] = df[col].fillna("").astype(str)
    df["year"] = pd.to_numeric(df["year"], errors="raise").astype("int64")
    df["value"] = pd.to_numeric(df["value"], errors="coerce").astype("float64")
    return df.reset_index(drop=True)


def validate_raw_frame(df: pd.DataFrame) -> None:
    """Raise LoaderError if ``df`` breaks the contract above."""
    missing = [c for c in RAW_COLUMNS if c not in df.columns]
    if missing:
        raise LoaderError(f"raw frame lacks columns {missing}")
    if df["year"].dtype.kind != "i":
        raise LoaderError("raw frame: year must be integer")
    if df["value"].dtype.kind != "f":
        raise LoaderError("raw frame: value must be float")
    bad = df.loc[(df["skip"] == "") & ~df["code"].str.fullmatch(r"(\d{2}|\d{4}|\d{6}|\d{7}|\d{12})?")]
    if len(bad):
        raise LoaderError(f"raw frame: malformed codes, e.g. {bad['code'].iloc[0]!r}")
    nameless = df.loc[(df["skip"] == "") & (df["code"] == "") & (df["name"] == "")]
    if len(nameless):
        raise LoaderError("raw frame: a unit row has neither code nor name")


def parse_number(text: object, *, decimal: str = ",", thousands: str | None = None,
                 dash: float = float("nan")) -> float:
    """Parse a number as written in Polish official tables.

    '' / 'x' / '.' -> NaN (no data / not applicable). ``'-'`` means "zjawisko nie wystąpiło"
    (zero) in GUS publication tables but is used for "no data" elsewhere, so the caller says
    what it means via ``dash``. Anything else that is not a number raises ``ValueError`` so the
    loader can name the row and column.
    """
    if text is None:
        return float("nan")
    if isinstance(text, (int, float, np.integer, np.floating)):
        return float(text)
    s = str(text).strip().replace("\xa0", "").replace(" ", "")
    if s in {"", "x", "X", ".", "…"}:
        return float("nan")
    if s in {"-", "–", "—"}:
        return dash
    if thousands:
        s = s.replace(thousands, "")
    if decimal != ".":
        s = s.replace(decimal, ".")
    return float(s)
