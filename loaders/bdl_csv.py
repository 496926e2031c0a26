"""Loader for GUS Bank Danych Lokalnych (BDL) web CSV exports ("Eksport do CSV" on bdl.stat.gov.pl).

Format
------
* ``;``-separated, decimal comma, UTF-8 (with or without BOM; cp1250 is accepted as a fallback
  for files re-saved by Windows tools). Every line usually ends with ``;`` (an extra empty column),
  but files re-saved by a spreadsheet may lack it (welkierk ``dochody.csv``) — both are accepted.
* Header ``"Kod";"Nazwa";<data columns>``. A data header is one quoted string whose sub-fields are
  separated by ``;`` *inside the quotes*, e.g. ``"ogółem;2019;[%]"`` or
  ``"gminy łącznie z miastami na prawach powiatu;razem;2010;[zł]"``.

Measure key, year, unit
-----------------------
For each data header: the **year** is the one sub-field that is a 4-digit year, the **unit** is the
sub-field in square brackets (``source_unit`` is its text without the brackets, e.g. ``zł``,
``osoba``, ``%``, ``-``), and the **measure key** is all remaining sub-fields joined by ``;`` in
their original order, e.g. ``ogółem``, ``ogółem;wodociąg`` or
``gminy łącznie z miastami na prawach powiatu;razem``.

Codes and rows
--------------
``Kod`` is the 7-digit BDL unit code ``WWPPGGT``. Spreadsheet re-saves drop the leading zero
(``201011`` for ``0201011``): a 6-digit code is zero-padded to 7 (checked for welkierk
``dochody.csv``: every padded code exists with the identical name in ``ludnosc.csv``, which keeps
the zeros). Any other width, or a non-digit code, is a ``LoaderError``.

The type digit ``T`` decides ``skip``: 1/2/3 (urban/rural/urban-rural gmina) are units (``""``);
4 ``"town part"``, 5 ``"rural part"``, 8 ``"dzielnica"`` (Warsaw districts), 9 ``"delegatura"``;
rows with ``GG == "00"`` (Poland ``0000000``, województwo ``WW00000``, powiat ``WWPP000``) are
``"aggregate row"``. Skipped rows are emitted with their values, never dropped.

Names such as ``"Bolesławiec (1)"`` carry the type digit in brackets; ``name`` is the name without
that suffix, and a bracket digit that contradicts the code's type digit is a ``LoaderError``.

Values
------
An empty cell is "no data" -> NaN (never 0). BDL web exports use no ``-`` in the files seen so far;
option ``dash`` (default NaN) says what a dash would mean. Anything else that is not a number is a
``LoaderError`` naming the file, line and column.

The loader reports rows as they are: gminy that changed type appear under two codes (one per type,
each with data only for its own years), abolished gminy appear with their last code — the ingest
reconciles codes against the TERYT history.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from loaders.base import LoaderError, parse_number, raw_frame

TYPE_SKIP = {"1": "", "2": "", "3": "", "4": "town part", "5": "rural part",
             "8": "dzielnica", "9": "delegatura"}
AGGREGATE = "aggregate row"

_YEAR = re.compile(r"(19|20)\d{2}")
_UNIT = re.compile(r"\[(.*)\]")
_NAME_TYPE = re.compile(r"^(.*?)\s*\((\d)\)\s*$")


def read_text(path: Path, encoding: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used). UTF-8 (BOM or not) first, then cp1250."""
    raw = path.read_bytes()
    if encoding:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            raise LoaderError(f"{path.name}: cannot decode as {encoding}: {exc}") from exc
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1250"), "cp1250"
    except UnicodeDecodeError as exc:
        raise LoaderError(f"{path.name}: neither UTF-8 nor cp1250 text: {exc}") from exc


def parse_header(cell: str) -> tuple[str, int, str]:
    """Split a BDL data header into (measure key, year, unit). Raises ValueError if malformed."""
    parts = [p.strip() for p in cell.split(";")]
    years = [p for p in parts if _YEAR.fullmatch(p)]
    units = [p for p in parts if _UNIT.fullmatch(p)]
    if len(years) != 1:
        raise ValueError(f"expected exactly one 4-digit year, found {len(years)}")
    if len(units) > 1:
        raise ValueError("more than one [unit] part")
    rest = [p for p in parts if p not in years and p not in units]
    if not rest or any(p == "" for p in rest):
        raise ValueError("empty measure part")
    unit = _UNIT.fullmatch(units[0]).group(1).strip() if units else ""
    return ";".join(rest), int(years[0]), unit


def classify_code(code: str) -> str:
    """skip reason for a 7-digit BDL code ('' for a gmina). Raises ValueError for unknown types."""
    if code[4:6] == "00":
        return AGGREGATE
    if code[6] not in TYPE_SKIP:
        raise ValueError(f"unknown unit type digit {code[6]!r}")
    return TYPE_SKIP[code[6]]


def _parse_values(matrix: np.ndarray, dash: float, error) -> np.ndarray:
    """Parse a matrix of cell strings with ``parse_number`` semantics (decimal comma).

    Plain numbers take a vectorised path; every other distinct cell goes through
    ``parse_number``. ``error(row, col, cell)`` builds the exception for an unparsable cell.
    """
    flat = pd.Series(matrix.ravel(), dtype=object).astype(str).str.strip()
    fast = pd.to_numeric(flat.str.replace(",", ".", regex=False)
                         .where(flat.str.fullmatch(r"-?\d+(,\d+)?"), None), errors="coerce")
    out = fast.to_numpy(dtype=float, na_value=np.nan).copy()
    rest = fast.isna().to_numpy()
    mapping = {}
    for u in pd.unique(flat[rest]):
        try:
            mapping[u] = parse_number(u, decimal=",", dash=dash)
        except ValueError:
            k = int(np.flatnonzero(rest & (flat == u).to_numpy())[0])
            raise error(*divmod(k, matrix.shape[1]), u) from None
    out[rest] = flat[rest].map(mapping).to_numpy(dtype=float)
    return out.reshape(matrix.shape)


def load(path, *, encoding: str | None = None, dash: float = float("nan")) -> pd.DataFrame:
    """Read one BDL web CSV export into a raw frame (see module docstring for the rules)."""
    path = Path(path)
    text, _ = read_text(path, encoding)
    rows = list(csv.reader(io.StringIO(text), delimiter=";", quotechar='"'))
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        raise LoaderError(f"{path.name}: empty file")
    header = rows[0]
    if len(header) < 3 or header[0].strip().lower() != "kod" or header[1].strip().lower() != "nazwa":
        raise LoaderError(f"{path.name}: line 1: expected header \"Kod\";\"Nazwa\";..., "
                          f"got {header[:2]!r}")
    trailing = header[-1].strip() == ""
    width = len(header)
    data_headers = header[2:-1] if trailing else header[2:]
    if not data_headers:
        raise LoaderError(f"{path.name}: line 1: no data columns")
    cols = []
    seen = {}
    for j, h in enumerate(data_headers, start=3):
        if not h.strip():
            raise LoaderError(f"{path.name}: line 1, column {j}: empty header")
        try:
            key = parse_header(h)
        except ValueError as exc:
            raise LoaderError(f"{path.name}: line 1, column {j} ({h!r}): {exc}") from None
        if key[:2] in seen:
            raise LoaderError(f"{path.name}: line 1, column {j} ({h!r}): duplicate of column "
                              f"{seen[key[:2]]}")
        seen[key[:2]] = j
        cols.append(key)
    ncol = len(cols)

    codes, names, skips, cells, lines = [], [], [], [], []
    seen_codes: dict[str, int] = {}
    for i, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue  # blank line inside the file
        if len(row) != width:
            raise LoaderError(f"{path.name}: line {i}: {len(row)} fields, header has {width}")
        if trailing and row[-1].strip():
            raise LoaderError(f"{path.name}: line {i}, column {width}: value "
                              f"{row[-1]!r} under the empty trailing header")
        code = row[0].strip()
        if not code.isdigit() or len(code) not in (6, 7):
            raise LoaderError(f"{path.name}: line {i}, column 1 (Kod): malformed BDL code {code!r}")
        code = code.zfill(7)
        try:
            skip = classify_code(code)
        except ValueError as exc:
            raise LoaderError(f"{path.name}: line {i}, column 1 (Kod) {code!r}: {exc}") from None
        if code in seen_codes:
            raise LoaderError(f"{path.name}: line {i}, column 1 (Kod): code {code} repeats "
                              f"line {seen_codes[code]}")
        seen_codes[code] = i
        name = row[1].strip()
        m = _NAME_TYPE.match(name)
        if m:
            name = m.group(1)
            if skip != AGGREGATE and m.group(2) != code[6]:
                raise LoaderError(f"{path.name}: line {i}, column 2 (Nazwa): type ({m.group(2)}) "
                                  f"in {row[1]!r} contradicts code {code}")
        if not name:
            raise LoaderError(f"{path.name}: line {i}, column 2 (Nazwa): empty name")
        codes.append(code)
        names.append(name)
        skips.append(skip)
        cells.append(row[2:2 + ncol])
        lines.append(i)

    matrix = np.array(cells, dtype=object).reshape(len(cells), ncol)
    values = _parse_values(matrix, dash, lambda r, c, u: LoaderError(
        f"{path.name}: line {lines[r]}, column {c + 3} ({data_headers[c]!r}): not a number: {u!r}"))

    n = len(codes)
    obj = lambda seq: np.array(seq, dtype=object)  # noqa: E731 - repeat pointers, not long strings
    df = pd.DataFrame({
        "code": np.repeat(obj(codes), ncol),
        "name": np.repeat(obj(names), ncol),
        "parent_name": "",
        "measure": np.tile(obj([c[0] for c in cols]), n),
        "year": np.tile([c[1] for c in cols], n),
        "value": values.ravel(),
        "source_unit": np.tile(obj([c[2] for c in cols]), n),
        "skip": np.repeat(obj(skips), ncol),
    })
    return raw_frame(df)
