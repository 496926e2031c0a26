"""Loaders for two powiat-level tables re-published from BDL.

``load_powiat_population`` — hrpunio-Data ``powiaty_ludnosc.csv``
    ``;``-separated; ``teryt`` = BDL 7-digit powiat code ``WWPP000`` (-> 4-digit powiat code
    ``WWPP``), ``powiat`` = name, then one column per group and year: ``total<YYYY>``,
    ``pp`` (pre-working age), ``pr`` (working age), ``pm`` (working, mobile), ``pn`` (working,
    non-mobile), ``po`` (post-working). Measure keys: ``total``, ``pre_working``, ``working``,
    ``working_mobile``, ``working_nonmobile``, ``post_working``; ``year`` from the header.
    A group-year column that is empty in every row (all of 2018 in the file) is not emitted —
    it carries no data, and emitting 2,280 NaN values would only suggest a vintage that does not
    exist. Single blank cells (Wałbrzych 0265 in 2012: a city with powiat rights again only from
    2013) are emitted as NaN. Any other column raises ``LoaderError``.

``load_crimes`` — KacperNatalia-Dashboard-przestepczosci ``dane_koncowe.csv``
    ``,``-separated; ``id`` = BDL 12-digit unit id with the leading zero dropped, laid out as
    ``MM WW R PP(podregion) PP(powiat) GGG`` (NUTS 2016): makroregion ``[0:2]``,
    województwo ``[2:4]``, region ``[4]``, podregion ``[5:7]``, powiat ``[7:9]``,
    gmina+type ``[9:12]``; ``name``; ``year``; the value columns. Measure keys are the value
    column headers exactly. Row kinds are read from the id (and checked against the name):

    ==================  =======================  ==========================================
    id pattern          kind                     emitted as
    ==================  =======================  ==========================================
    all zeros           POLSKA                   code ``"00"``, unit row
    ``[2:]`` zero       makroregion              ``skip="aggregate row (macroregion)"``
    ``[4:]`` zero       województwo              code ``[2:4]``, unit row
    ``[5:]`` zero       region (NUTS 2)          ``skip="aggregate row (region)"``
    ``[7:]`` zero       podregion (NUTS 3)       ``skip="aggregate row (podregion)"``
    ``[9:]`` zero       powiat                   code ``[2:4] + [7:9]``, unit row
    ==================  =======================  ==========================================

    A gmina-level id, an id/name mismatch or an unparseable value raises ``LoaderError``.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

from loaders.base import LoaderError, parse_number, raw_frame, validate_raw_frame

POPULATION_GROUPS = {
    "total": "total",
    "pp": "pre_working",
    "pr": "working",
    "pm": "working_mobile",
    "pn": "working_nonmobile",
    "po": "post_working",
}
_POP_COL_RE = re.compile(r"(total|pp|pr|pm|pn|po)(\d{4})")


def _read_csv(path: Path, sep: str, encoding: str):
    with path.open("r", encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=sep)
        try:
            header = [h.replace("\ufeff", "").strip() for h in next(reader)]
        except StopIteration:
            raise LoaderError(f"{path.name}: empty file") from None
        rows = [(reader.line_num, cells) for cells in reader if any(c.strip() for c in cells)]
    return header, rows


def _cell(cells, i):
    return cells[i].strip() if i < len(cells) else ""


def _require(fname, header, col):
    hits = [i for i, h in enumerate(header) if h == col]
    if len(hits) != 1:
        raise LoaderError(f"{fname}: column {col!r} found {len(hits)} times in the header "
                          "(expected once)")
    return hits[0]


def load_powiat_population(path, *, sep=";", encoding="utf-8-sig", code_column="teryt",
                           name_column="powiat"):
    """Powiat population by economic age group (see the module docstring)."""
    path = Path(path)
    fname = path.name
    header, rows = _read_csv(path, sep, encoding)
    ci = _require(fname, header, code_column)
    ni = _require(fname, header, name_column)

    value_cols = []  # (index, measure, year)
    for i, h in enumerate(header):
        if i in (ci, ni):
            continue
        m = _POP_COL_RE.fullmatch(h)
        if m:
            value_cols.append((i, POPULATION_GROUPS[m.group(1)], int(m.group(2)), h))
        elif h == "" and all(_cell(c, i) == "" for _, c in rows):
            continue  # the trailing ';' of every line makes one empty, nameless column
        else:
            raise LoaderError(f"{fname}: unexpected column {h!r} (position {i + 1})")
    if not value_cols:
        raise LoaderError(f"{fname}: no <group><year> columns found")
    # A group-year column empty in every row carries no data: not emitted (2018 in this file).
    value_cols = [vc for vc in value_cols if any(_cell(c, vc[0]) for _, c in rows)]

    records = []
    seen = {}
    for rowno, cells in rows:
        raw = _cell(cells, ci)
        if not raw.isdigit() or len(raw) > 7:
            raise LoaderError(f"{fname}: row {rowno}, column {code_column!r}: code {raw!r} is "
                              "not a 7-digit BDL powiat code")
        code7 = raw.zfill(7)
        if code7[4:] != "000":
            raise LoaderError(f"{fname}: row {rowno}, column {code_column!r}: code {raw!r} is "
                              "not a powiat code WWPP000")
        code = code7[:4]
        if code in seen:
            raise LoaderError(f"{fname}: row {rowno}: powiat {code} already given in row "
                              f"{seen[code]}")
        seen[code] = rowno
        name = _cell(cells, ni)
        for i, measure, year, col in value_cols:
            try:
                value = parse_number(_cell(cells, i), decimal=",")
            except ValueError:
                raise LoaderError(f"{fname}: row {rowno}, column {col!r}: cannot parse "
                                  f"{_cell(cells, i)!r} as a number") from None
            records.append({"code": code, "name": name, "measure": measure, "year": year,
                            "value": value})
    if not records:
        raise LoaderError(f"{fname}: no data rows")
    df = raw_frame(records)
    validate_raw_frame(df)
    return df


_AGGREGATE_PREFIX = {"macroregion": "MAKROREGION", "region": "REGION", "podregion": "PODREGION"}


def _crime_unit(id12: str):
    """Return (kind, code) for a 12-digit BDL unit id, or (None, None) if not recognised."""
    if id12 == "0" * 12:
        return "country", "00"
    if id12[2:] == "0" * 10:
        return "macroregion", None
    if id12[4:] == "0" * 8:
        return "wojewodztwo", id12[2:4]
    if id12[5:] == "0" * 7:
        return "region", None
    if id12[7:] == "0" * 5:
        return "podregion", None
    if id12[9:] == "000":
        return "powiat", id12[2:4] + id12[7:9]
    return None, None


def load_crimes(path, *, sep=",", encoding="utf-8-sig", id_column="id", name_column="name",
                year_column="year", decimal="."):
    """Crimes recorded by the Police by BDL unit (see the module docstring)."""
    path = Path(path)
    fname = path.name
    header, rows = _read_csv(path, sep, encoding)
    ii = _require(fname, header, id_column)
    ni = _require(fname, header, name_column)
    yi = _require(fname, header, year_column)
    value_cols = [(i, h) for i, h in enumerate(header) if i not in (ii, ni, yi)]
    for i, h in value_cols:
        if h == "":
            raise LoaderError(f"{fname}: value column at position {i + 1} has no name")
        _require(fname, header, h)  # no duplicated value headers
    if not value_cols:
        raise LoaderError(f"{fname}: no value columns")

    records = []
    seen = {}
    for rowno, cells in rows:
        raw = _cell(cells, ii)
        if not raw.isdigit() or len(raw) > 12:
            raise LoaderError(f"{fname}: row {rowno}, column {id_column!r}: id {raw!r} is not "
                              "a BDL unit id (up to 12 digits)")
        id12 = raw.zfill(12)
        name = _cell(cells, ni)
        kind, code = _crime_unit(id12)
        if kind is None:
            raise LoaderError(f"{fname}: row {rowno}, column {id_column!r}: id {id12} is below "
                              "powiat level (gmina) — not expected in this table")
        upper = name.upper()
        ok = {
            "country": upper == "POLSKA",
            "powiat": name.startswith("Powiat"),
            "wojewodztwo": upper == name and not upper.startswith(("MAKROREGION", "REGION",
                                                                    "PODREGION", "POLSKA")),
        }.get(kind, upper.startswith(_AGGREGATE_PREFIX.get(kind, "?") + " "))
        if not ok:
            raise LoaderError(f"{fname}: row {rowno}: id {id12} looks like a {kind} row but the "
                              f"name is {name!r}")
        try:
            year = int(_cell(cells, yi))
        except ValueError:
            raise LoaderError(f"{fname}: row {rowno}, column {year_column!r}: year "
                              f"{_cell(cells, yi)!r} is not an integer") from None
        skip = "" if code is not None else f"aggregate row ({kind})"
        if code is not None:
            if (code, year) in seen:
                raise LoaderError(f"{fname}: row {rowno}: unit {code} year {year} already given "
                                  f"in row {seen[(code, year)]}")
            seen[(code, year)] = rowno
        for i, col in value_cols:
            try:
                value = parse_number(_cell(cells, i), decimal=decimal)
            except ValueError:
                raise LoaderError(f"{fname}: row {rowno}, column {col!r}: cannot parse "
                                  f"{_cell(cells, i)!r} as a number") from None
            records.append({"code": code or "", "name": name, "measure": col, "year": year,
                            "value": value, "skip": skip})
    if not records:
        raise LoaderError(f"{fname}: no data rows")
    df = raw_frame(records)
    validate_raw_frame(df)
    return df
