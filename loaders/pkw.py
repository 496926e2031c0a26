"""Loader for PKW "results by gmina" tables (CSV with ``;`` or ``,``, or XLSX).

One loader for every PKW-style file; what differs between files is given as options in the
dataset YAML (``data/catalogue/datasets/pkw.yaml``):

=====================  ======================================================================
option                 meaning
=====================  ======================================================================
``year``               reference year (required — PKW files have no year column)
``code_column``        header of the unit code column (required)
``columns``            headers of the value columns to emit (required; each must exist once)
``name_column``        header of the gmina name column (optional)
``powiat_column``      header of the powiat name column (optional; needed for codeless cities)
``code_width``         6 for PKW ``WWPPGG`` codes (default), 7 for BDL ``WWPPGGT`` codes
``sum_columns``        ``{key: [header, header, ...]}`` — emit the row-wise sum of several
                       columns under ``key`` (NaN if any part is NaN)
``percent_columns``    headers among ``columns`` holding percentages: never summed (no value
                       for Warszawa or a gmina assembled from parts), ``source_unit`` = "%"
``blank_as_zero``      headers whose blank cells mean 0 (the publisher omits zeros)
``sep``                CSV field separator (default ``;``)
``encoding``           CSV encoding (default ``utf-8-sig``, which also strips a BOM)
``thousands``          thousands separator in numbers (e.g. ``","`` in Sejm 2015), default none
``decimal``            decimal separator (default ``,``)
``dash``               value of a cell ``-`` (default NaN; ``0`` where PKW writes ``-`` for zero)
``sheet``              XLSX sheet name (default: the first sheet); XLSX is chosen by suffix
``sum_warsaw_districts``  sum the 18 Warsaw dzielnice into one Warszawa row (default true)
``sum_gmina_parts``    with 7-digit codes, sum town part (T=4) + rural part (T=5) into the
                       urban-rural gmina (T=3) when the file has no T=3 row (default true)
=====================  ======================================================================

Measure keys are the source column headers exactly as in the file after stripping surrounding
whitespace and a BOM (an internal newline such as ``"TERYT\\ngminy"`` is kept), or the
``sum_columns`` key. The catalogue maps them to indicators. ``source_unit`` is ``"%"`` for
``percent_columns`` and ``""`` otherwise (the files state no units).

Row handling (every data row of the file becomes rows of the raw frame; nothing is dropped):

* code cleaned to digits and zero-padded to ``code_width`` (PKW drops the leading zero of
  voivodeships 02–08, BDL-style codes lose it too);
* ``zagranica`` / all-zero code / PKW code ``WW99GG`` -> ``skip="abroad"``; ``statki`` / PKW code
  ``WW98GG`` -> ``skip="ships"`` (checked before the codeless rule, because these rows are
  codeless in the newer files too);
* empty code with a powiat name (cities with powiat rights in some 2024/2025 files): a unit
  row with ``code=""``, ``name`` = the gmina name or, when empty, the powiat name, and
  ``parent_name`` = the powiat name, so the ingest matches it by name;
* Warsaw dzielnice (PKW ``146502``–``146519``, or BDL type digit 8 under ``1465``) ->
  ``skip="dzielnica"``; unless the file has a whole-Warszawa row, one extra unit row
  ``146501`` (``1465011`` with 7-digit codes) named "Warszawa" holds their sum for non-percent
  columns (all 18 must be present; percentages are not summed, so % files get no Warszawa row);
* with 7-digit codes: T=4 ``town part``, T=5 ``rural part``, T=8 ``dzielnica``, T=9
  ``delegatura`` are skip rows; see ``sum_gmina_parts``.

Errors (unparseable number or code, missing/duplicated column, codeless row with no powiat
name, incomplete Warsaw dzielnice, duplicated unit) raise ``LoaderError`` naming the file, the
row (file line / sheet row) and the column.
"""
from __future__ import annotations

import csv
import math
import re
from collections import defaultdict
from pathlib import Path

from loaders.base import LoaderError, parse_number, raw_frame, validate_raw_frame

ABROAD_RE = re.compile(r"\bzagranica\b", re.IGNORECASE)
SHIPS_RE = re.compile(r"\bstatki\b", re.IGNORECASE)
# PKW 6-digit codes of the 18 Warsaw dzielnice (146502 Bemowo ... 146519 Żoliborz).
WARSAW_DISTRICT_RE = re.compile(r"1465(0[2-9]|1[0-9])")
WARSAW_DISTRICTS = {f"1465{i:02d}" for i in range(2, 20)}
WARSAW_CODE = {6: "146501", 7: "1465011"}
WARSAW_NAME = "Warszawa"
# BDL type digit (7th digit) of rows that are parts of a gmina, not gminy.
BDL_PART_TYPES = {"4": "town part", "5": "rural part", "8": "dzielnica", "9": "delegatura"}
BDL_GMINA_TYPES = {"1", "2", "3"}


def load(path, *, year, code_column, columns, name_column=None, powiat_column=None,
         code_width=6, sum_columns=None, percent_columns=(), blank_as_zero=(),
         sep=";", encoding="utf-8-sig", thousands=None, decimal=",", dash=None, sheet=None,
         sum_warsaw_districts=True, sum_gmina_parts=True):
    """Read one PKW results-by-gmina file into a raw frame (see the module docstring)."""
    path = Path(path)
    fname = path.name
    if code_width not in (6, 7):
        raise LoaderError(f"{fname}: code_width must be 6 or 7, not {code_width!r}")
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise LoaderError(f"{fname}: option year must be an integer, not {year!r}") from None
    if isinstance(columns, str) or not columns:
        raise LoaderError(f"{fname}: option columns must be a non-empty list of headers")
    columns = list(columns)
    sum_columns = {str(k): list(v) for k, v in (sum_columns or {}).items()}
    percent_columns = set(percent_columns)
    blank_as_zero = set(blank_as_zero)
    if not percent_columns <= set(columns):
        raise LoaderError(f"{fname}: percent_columns {sorted(percent_columns - set(columns))} "
                          "are not among columns")
    clash = set(sum_columns) & set(columns)
    if clash:
        raise LoaderError(f"{fname}: sum_columns keys {sorted(clash)} repeat column names")
    dash_value = float("nan") if dash is None else float(dash)

    header, rows = _read_table(path, sep=sep, encoding=encoding, sheet=sheet)
    value_sources = list(dict.fromkeys(columns + [c for parts in sum_columns.values() for c in parts]))
    wanted = [code_column] + [c for c in (name_column, powiat_column) if c] + value_sources
    idx = _column_index(fname, header, wanted)

    measures = columns + list(sum_columns)
    units: list[dict] = []  # one dict per source row: code, name, parent_name, skip, values, row
    for rowno, cells in rows:
        def cell(col, _cells=cells):
            i = idx[col]
            return _cells[i] if i < len(_cells) else None

        raw_code = _clean_code(cell(code_column), fname, rowno, code_column)
        name = _text(cell(name_column)) if name_column else ""
        parent = _text(cell(powiat_column)) if powiat_column else ""

        values = {}
        for col in value_sources:
            raw = cell(col)
            if col in blank_as_zero and _text(raw) == "":
                values[col] = 0.0
                continue
            try:
                values[col] = parse_number(raw, decimal=decimal, thousands=thousands,
                                           dash=dash_value)
            except ValueError:
                raise LoaderError(f"{fname}: row {rowno}, column {col!r}: cannot parse "
                                  f"{_text(raw)!r} as a number") from None
        for key, parts in sum_columns.items():
            vals = [values[p] for p in parts]
            values[key] = float("nan") if any(math.isnan(v) for v in vals) else float(sum(vals))

        code, skip, name = _classify(raw_code, name, parent, code_width, fname, rowno, code_column)
        units.append({"code": code, "raw_code": raw_code, "name": name, "parent_name": parent,
                      "skip": skip, "values": values, "row": rowno})

    summable = [m for m in measures if m not in percent_columns]
    if sum_warsaw_districts:
        units += _warsaw_row(units, code_width, summable, fname)
    if sum_gmina_parts and code_width == 7:
        units += _gmina_part_rows(units, summable, fname)
    _check_duplicates(units, fname)

    records = []
    for u in units:
        keys = summable if u.get("synthetic") else measures
        for m in keys:
            records.append({"code": u["code"], "name": u["name"], "parent_name": u["parent_name"],
                            "measure": m, "year": year, "value": u["values"][m],
                            "source_unit": "%" if m in percent_columns else "", "skip": u["skip"]})
    if not records:
        raise LoaderError(f"{fname}: no data rows")
    df = raw_frame(records)
    validate_raw_frame(df)
    return df


# --------------------------------------------------------------------------- reading

def _read_table(path: Path, *, sep, encoding, sheet):
    """Return (header, [(row number, cells), ...]); blank rows are not data rows."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    rows = []
    with path.open("r", encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=sep)
        try:
            header = next(reader)
        except StopIteration:
            raise LoaderError(f"{path.name}: empty file") from None
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((reader.line_num, cells))
    return [_header_name(h) for h in header], rows


def _read_xlsx(path: Path, sheet):
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet is None:
            ws = wb.worksheets[0]
        elif sheet in wb.sheetnames:
            ws = wb[sheet]
        else:
            raise LoaderError(f"{path.name}: no sheet {sheet!r} (sheets: {wb.sheetnames})")
        it = ws.iter_rows(values_only=True)
        header = next(it, None)
        if header is None:
            raise LoaderError(f"{path.name}: empty sheet {ws.title!r}")
        rows = [(n, list(r)) for n, r in enumerate(it, start=2)
                if any(v is not None and str(v).strip() for v in r)]
    finally:
        wb.close()
    return [_header_name(h) for h in header], rows


def _header_name(h) -> str:
    return "" if h is None else str(h).replace("\ufeff", "").strip()


def _column_index(fname, header, wanted):
    idx = {}
    for col in wanted:
        hits = [i for i, h in enumerate(header) if h == col]
        if not hits:
            raise LoaderError(f"{fname}: column {col!r} not found in the header "
                              f"(first columns: {header[:8]})")
        if len(hits) > 1:
            raise LoaderError(f"{fname}: column {col!r} occurs {len(hits)} times in the header")
        idx[col] = hits[0]
    return idx


def _text(v) -> str:
    return "" if v is None else str(v).replace("\ufeff", "").strip()


def _clean_code(v, fname, rowno, col) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = _text(v)
    if s and not s.isdigit():
        raise LoaderError(f"{fname}: row {rowno}, column {col!r}: code {s!r} is not digits")
    return s


# --------------------------------------------------------------------------- classification

def _classify(raw_code, name, parent, width, fname, rowno, col):
    """Return (code, skip, name) for one source row."""
    texts = (name, parent)
    if any(ABROAD_RE.search(t) for t in texts) or (raw_code and set(raw_code) == {"0"}):
        return raw_code, "abroad", name
    if any(SHIPS_RE.search(t) for t in texts):
        return raw_code, "ships", name
    if width == 6 and raw_code and len(raw_code) <= 6:
        pp = raw_code.zfill(6)[2:4]
        if pp == "99":
            return raw_code, "abroad", name
        if pp == "98":
            return raw_code, "ships", name
    if raw_code == "":
        if not parent:
            raise LoaderError(f"{fname}: row {rowno}, column {col!r}: empty code and no powiat "
                              "name to match the unit by")
        return "", "", name or parent  # city with powiat rights listed without a code
    if WARSAW_DISTRICT_RE.fullmatch(raw_code):  # PKW dzielnica code, also inside 7-digit files
        return raw_code, "dzielnica", name
    if len(raw_code) > width:
        raise LoaderError(f"{fname}: row {rowno}, column {col!r}: code {raw_code!r} is longer "
                          f"than {width} digits")
    code = raw_code.zfill(width)
    if width == 7:
        t = code[6]
        if t in BDL_PART_TYPES:
            return code, BDL_PART_TYPES[t], name
        if t not in BDL_GMINA_TYPES:
            raise LoaderError(f"{fname}: row {rowno}, column {col!r}: code {raw_code!r} has "
                              f"unknown type digit {t!r}")
    return code, "", name


def _sum(units, measures):
    out = {}
    for m in measures:
        vals = [u["values"][m] for u in units]
        out[m] = float("nan") if any(math.isnan(v) for v in vals) else float(sum(vals))
    return out


def _warsaw_row(units, width, summable, fname):
    """One Warszawa row summing the 18 dzielnice, unless the file has a whole-city row."""
    districts = [u for u in units if u["skip"] == "dzielnica"
                 and (u["raw_code"] if len(u["raw_code"]) == 6 else u["code"][:6]) in WARSAW_DISTRICTS]
    if not districts or not summable:
        return []  # no dzielnice, or only percentages (which cannot be summed)
    whole = [u for u in units if u["skip"] == "" and u["code"] == WARSAW_CODE[width]]
    if whole:
        return []  # the file gives the city itself; dzielnice stay skip rows (no double count)
    keys = [u["raw_code"] if len(u["raw_code"]) == 6 else u["code"][:6] for u in districts]
    missing = sorted(WARSAW_DISTRICTS - set(keys))
    if missing or len(keys) != len(WARSAW_DISTRICTS):
        raise LoaderError(f"{fname}: Warsaw dzielnice incomplete or repeated (missing {missing}, "
                          f"{len(keys)} rows, e.g. row {districts[0]['row']}); cannot sum Warszawa")
    return [{"code": WARSAW_CODE[width], "raw_code": "", "name": WARSAW_NAME,
             "parent_name": WARSAW_NAME, "skip": "", "values": _sum(districts, summable),
             "row": None, "synthetic": True}]


def _gmina_part_rows(units, summable, fname):
    """Urban-rural gminy given only as town part (T=4) + rural part (T=5): add their sum (T=3)."""
    parts = defaultdict(list)
    for u in units:
        if u["skip"] in ("town part", "rural part"):
            parts[u["code"][:6]].append(u)
    whole = {u["code"] for u in units if u["skip"] == ""}
    out = []
    for stem, group in sorted(parts.items()):
        if stem + "3" in whole:
            continue
        kinds = sorted(u["code"][6] for u in group)
        if kinds != ["4", "5"]:
            raise LoaderError(f"{fname}: row {group[0]['row']}: gmina {stem}3 has parts {kinds} "
                              "and no whole row; need exactly one town part (4) and one rural "
                              "part (5) to sum")
        town = next(u for u in group if u["code"][6] == "4")
        out.append({"code": stem + "3", "raw_code": "", "name": town["name"],
                    "parent_name": town["parent_name"], "skip": "",
                    "values": _sum(group, summable), "row": None, "synthetic": True})
    return out


def _check_duplicates(units, fname):
    seen = {}
    for u in units:
        if u["skip"]:
            continue
        key = (u["code"], u["name"] if u["code"] == "" else "")
        if key in seen:
            where = [r for r in (seen[key], u["row"]) if r is not None]
            raise LoaderError(f"{fname}: unit {key[0] or key[1]!r} occurs twice (rows {where})")
        seen[key] = u["row"]
