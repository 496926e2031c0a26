"""Loaders for three official Excel tables (mirror folder ``grusgemini-NYPD_project``).

* ``load_vital_2024`` — GUS "TABL. IV. Ludność, ruch naturalny oraz migracje ludności według gmin
  w 2024 r." (``population_data.xls``).
* ``load_areas`` — GUGiK official register of cadastral areas (``area_data.xlsx``).
* ``load_fire_incidents`` — State Fire Service (PSP) incidents by gmina 2023–2024
  (``fire_incidents.xlsx``).

Each returns a raw frame (``loaders.base``). ``load(path, table=..., **options)`` dispatches to
them so the dataset catalogue can name this module as one loader (``options: {table: vital_2024}``).
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from loaders.base import LoaderError, parse_number, raw_frame

PART_SKIP = {"4": "town part", "5": "rural part", "8": "dzielnica", "9": "delegatura"}
UNIT_TYPES = {"1", "2", "3"}


def _norm(text: object) -> str:
    """Header text for comparisons: lower case, single spaces."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    return re.sub(r"\s+", " ", str(text)).strip().lower()


def _gmina_skip(code: str, where: str) -> str:
    t = code[6]
    if t in UNIT_TYPES:
        return ""
    if t in PART_SKIP:
        return PART_SKIP[t]
    raise LoaderError(f"{where}: unknown unit type digit {t!r} in code {code}")


# --------------------------------------------------------------------------------------------
# GUS table IV: population, vital statistics and migration by gmina, 2024
# --------------------------------------------------------------------------------------------

#: (measure key, column index, texts required in header rows 4, 5, 6 of the sheet).
#: A required text of "" means the cell must be blank; None means not checked.
VITAL_COLUMNS: tuple[tuple[str, int, tuple[str | None, str | None, str | None]], ...] = (
    ("population", 2, ("population", "", "")),
    ("marriages", 3, ("marriages", "", "")),
    ("live_births", 4, ("live births", "", "")),
    ("deaths", 5, ("deaths", "total", "")),
    ("infant_deaths", 6, ("", "infant", "")),
    ("natural_increase", 7, ("natural increase", "", "")),
    ("internal_in", 8, ("internal migration", "inflow", "")),
    ("internal_out", 9, ("", "outflow", "")),
    ("internal_net", 10, ("", "net", "")),
    ("international_in", 11, ("international migration", "immigra", "")),
    ("international_out", 12, ("", "emigra", "")),
    ("international_net", 13, ("", "net", "")),
    ("net_migration_total", 14, ("total net migration", "", "")),
    ("marriages_per_1000", 15, ("marriages", "", "per 1000 of population")),
    ("births_per_1000", 16, ("live births", "", "")),
    ("deaths_per_1000", 17, ("deaths", "", "")),
    ("natural_increase_per_1000", 18, ("natural increase", "", "")),
    ("net_migration_per_1000", 19, ("total net migration", "", "")),
    ("infant_deaths_per_1000_births", 20, ("infant deaths per 1000 of live births", "", "")),
)
VITAL_UNITS = {"marriages_per_1000": "‰", "births_per_1000": "‰", "deaths_per_1000": "‰",
               "natural_increase_per_1000": "‰", "net_migration_per_1000": "‰",
               "infant_deaths_per_1000_births": "‰ of live births", "population": "persons"}
_VITAL_PREFIX = re.compile(r"^(M-W|M|G)\.\s*(.+)$")
_VITAL_PREFIX_TYPES = {"M": {"1", "4"}, "G": {"2", "5"}, "M-W": {"3"}}


def _xls_rows(path: Path) -> list[list[object]]:
    """All cells of the first sheet of an .xls file ('' for empty cells)."""
    import xlrd  # only needed for this legacy format

    try:
        book = xlrd.open_workbook(str(path))
    except Exception as exc:  # xlrd raises several unrelated types
        raise LoaderError(f"{path.name}: not a readable .xls workbook: {exc}") from exc
    sheet = book.sheet_by_index(0)
    return [sheet.row_values(r) for r in range(sheet.nrows)]


def _xlsx_rows(path: Path) -> list[list[object]]:
    """All cells of the first sheet of an .xlsx file (None for empty cells)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise LoaderError(f"{path.name}: not a readable .xlsx workbook: {exc}") from exc
    try:
        return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def _vital_code(cell: object, where: str) -> str:
    """Code cell -> 7-digit string, or '' for a blank cell (Poland, województwa)."""
    if isinstance(cell, float):
        if cell != int(cell):
            raise LoaderError(f"{where}: code {cell!r} is not an integer")
        return str(int(cell)).zfill(7)
    s = str(cell).strip()
    if s == "":
        return ""
    if not s.isdigit() or len(s) > 7:
        raise LoaderError(f"{where}: malformed TERYT code {cell!r}")
    return s.zfill(7)


def load_vital_2024(path, *, year: int | None = None) -> pd.DataFrame:
    """GUS table IV (population, vital statistics, migration by gmina) -> raw frame.

    Measure keys (column order of the table; the loader checks the header text of every column
    and fails if the file is reordered):

    ========================================  ==================================================
    ``population``                            population on 31 December
    ``marriages``                             marriages contracted
    ``live_births``                           live births
    ``deaths``                                deaths, total
    ``infant_deaths``                         deaths of infants (under 1 year)
    ``natural_increase``                      live births − deaths
    ``internal_in`` / ``internal_out``        internal migration inflow / outflow
    ``internal_net``                          internal migration net
    ``international_in`` / ``_out``           immigration from / emigration abroad
    ``international_net``                     international migration net
    ``net_migration_total``                   total net migration
    ``marriages_per_1000``                    marriages per 1,000 population
    ``births_per_1000``                       live births per 1,000 population
    ``deaths_per_1000``                       deaths per 1,000 population
    ``natural_increase_per_1000``             natural increase per 1,000 population
    ``net_migration_per_1000``                total net migration per 1,000 population
    ``infant_deaths_per_1000_births``         infant deaths per 1,000 live births
    ========================================  ==================================================

    Rows: ``POLSKA`` -> code ``"00"``; ``WOJ. …`` rows (no code in the file) -> the 2-digit code
    shared by all gmina codes up to the next ``WOJ.`` row, accepted only if that prefix is unique
    to the block and the woj. population equals the sum over its gminy (types 1/2/3); otherwise
    the row is kept with ``skip="aggregate row"``. Gmina rows: 7-digit TERYT (stored as text for
    some rows and as numbers for others — zero-padded); types 1/2/3 are units, 4/5
    ``"town part"``/``"rural part"``, 8/9 ``"dzielnica"``/``"delegatura"``. ``name`` drops the
    type prefix ``M.``/``G.``/``M-W.`` (checked against the type digit).

    Values: in GUS publication tables ``-`` means "zjawisko nie wystąpiło" (zero), so it is read
    as 0.0; an empty cell, ``x`` or ``.`` stays NaN (no data / not applicable). ``year`` defaults
    to the year in the table title ("… W 2024 R.").
    """
    path = Path(path)
    rows = _xls_rows(path)
    if len(rows) < 10 or len(rows[0]) < 21:
        raise LoaderError(f"{path.name}: expected at least 10 rows and 21 columns")
    title = _norm(rows[0][0])
    m = re.search(r"według gmin w (\d{4}) r", title)
    if not title.startswith("tabl. iv.") or not m:
        raise LoaderError(f"{path.name}: row 1: title {rows[0][0]!r} is not GUS table IV "
                          "'… według gmin w YYYY r.'")
    title_year = int(m.group(1))
    if year is None:
        year = title_year
    # header rows 4-6 (0-based 3-5)
    checks = [(0, ("gminy", None, None)), (1, ("identyfikator terytorialny", None, None))]
    checks += [(col, texts) for _, col, texts in VITAL_COLUMNS]
    for col, texts in checks:
        for r, want in zip((3, 4, 5), texts):
            got = _norm(rows[r][col])
            if want is None:
                continue
            if (want == "" and got != "") or (want and want not in got):
                raise LoaderError(f"{path.name}: row {r + 1}, column {col + 1}: header "
                                  f"{rows[r][col]!r} does not match expected {want!r} — "
                                  "columns reordered or a different table")
    if "31.12" not in _norm(rows[3][2]):
        raise LoaderError(f"{path.name}: row 4, column 3: population is not as of 31.12")

    start = next((i for i in range(3, 12) if _norm(rows[i][0]).startswith("polska")), None)
    if start is None:
        raise LoaderError(f"{path.name}: no 'POLSKA' row within the first 12 rows")

    units = []  # (row index, code, name, skip, level)
    for i in range(start, len(rows)):
        row = rows[i]
        raw_name = str(row[0]).strip()
        where = f"{path.name}: row {i + 1}"
        code = _vital_code(row[1], f"{where}, column 2")
        if raw_name == "" and code == "" and all(str(c).strip() == "" for c in row):
            continue
        if _norm(raw_name).startswith("polska"):
            if code:
                raise LoaderError(f"{where}: POLSKA row has a code {code!r}")
            units.append([i, "00", "POLSKA", "", "country"])
        elif raw_name.upper().startswith("WOJ."):
            if code:
                raise LoaderError(f"{where}: województwo row has a code {code!r}")
            units.append([i, "", raw_name, "", "woj"])
        else:
            if not code:
                raise LoaderError(f"{where}, column 2: row {raw_name!r} has no code")
            skip = _gmina_skip(code, where)
            pm = _VITAL_PREFIX.match(raw_name)
            if not pm:
                raise LoaderError(f"{where}, column 1: name {raw_name!r} lacks the M./G./M-W. prefix")
            if code[6] in "12345" and code[6] not in _VITAL_PREFIX_TYPES[pm.group(1)]:
                raise LoaderError(f"{where}, column 1: prefix {pm.group(1)}. contradicts code {code}")
            units.append([i, code, pm.group(2).strip(), skip, "gmina"])

    values = np.full((len(units), len(VITAL_COLUMNS)), np.nan)
    for k, (i, *_rest) in enumerate(units):
        for j, (key, col, _) in enumerate(VITAL_COLUMNS):
            cell = rows[i][col]
            try:
                values[k, j] = parse_number(cell, decimal=".", dash=0.0)
            except ValueError:
                raise LoaderError(f"{path.name}: row {i + 1}, column {col + 1} ({key}): "
                                  f"not a number: {cell!r}") from None

    # Derive województwo codes from the gmina codes of their block, with two safeguards.
    woj_idx = [k for k, u in enumerate(units) if u[4] == "woj"]
    used = set()
    for n, k in enumerate(woj_idx):
        end = woj_idx[n + 1] if n + 1 < len(woj_idx) else len(units)
        block = [units[b] for b in range(k + 1, end)]
        prefixes = {u[1][:2] for u in block}
        pop = sum(values[b, 0] for b in range(k + 1, end) if units[b][3] == "")
        if (len(prefixes) == 1 and prefixes.isdisjoint(used) and block
                and abs(pop - values[k, 0]) < 0.5):
            units[k][1] = prefixes.pop()
            used.add(units[k][1])
        else:
            units[k][3] = "aggregate row"

    n, m_ = len(units), len(VITAL_COLUMNS)
    keys = [c[0] for c in VITAL_COLUMNS]
    df = pd.DataFrame({
        "code": np.repeat([u[1] for u in units], m_),
        "name": np.repeat([u[2] for u in units], m_),
        "measure": np.tile(keys, n),
        "year": year,
        "value": values.ravel(),
        "source_unit": np.tile([VITAL_UNITS.get(k, "") for k in keys], n),
        "skip": np.repeat([u[3] for u in units], m_),
    })
    return raw_frame(df)


# --------------------------------------------------------------------------------------------
# GUGiK official areas
# --------------------------------------------------------------------------------------------

AREA_HEADER = ("teryt", "nazwa jednostki", "powierzchnia [ha]", "powierzchnia [km2]")
_AREA_CODE = re.compile(r"^(\d{2})(?: (\d{2})(?: (\d{2}) (\d))?)?$")


def load_areas(path, *, year: int = 2025) -> pd.DataFrame:
    """GUGiK register of cadastral areas -> raw frame with one measure, ``area_ha`` (unit ``ha``).

    The ``Powierzchnia [km2]`` column is derived from the ha column and rounded to 1 km², so it is
    only used as a check (|km² × 100 − ha| ≤ 50 on every row, catching swapped columns).

    Codes: ``'00'`` Poland, ``'02'`` województwo, ``'02 01  '`` powiat (trailing spaces),
    ``'02 01 01 1'`` gmina -> ``00`` / 2 / 4 / 7 digits without spaces. Gmina types 1/2/3 are
    units; 4/5/8/9 are emitted with skip ``"town part"``/``"rural part"``/``"dzielnica"``/
    ``"delegatura"``. Names are kept as in the file (``M. Kraków``, ``Powiat bolesławiecki``).

    ``year`` defaults to 2025: the file states no reference date, but it already lists the gminy
    created on 1 January 2025 (Szczawa 1207132, Grabówka 2002162) and has 2,479 gminy, the count
    valid from that day; the earliest date it can describe is therefore 1 January 2025. Pass
    another year if the publisher's date becomes known.
    """
    path = Path(path)
    rows = _xlsx_rows(path)
    if not rows:
        raise LoaderError(f"{path.name}: empty workbook")
    header = tuple(_norm(c) for c in rows[0][:4])
    if header != AREA_HEADER:
        raise LoaderError(f"{path.name}: row 1: header {rows[0][:4]!r}, expected {AREA_HEADER!r}")
    records = []
    for i, row in enumerate(rows[1:], start=2):
        cells = list(row[:4]) + [None] * (4 - len(row[:4]))
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        where = f"{path.name}: row {i}"
        raw = "" if cells[0] is None else str(cells[0])
        m = _AREA_CODE.match(raw.rstrip())
        if not m:
            raise LoaderError(f"{where}, column 1 (TERYT): malformed code {raw!r}")
        code = "".join(g for g in m.groups() if g)
        skip = _gmina_skip(code, where) if len(code) == 7 else ""
        name = "" if cells[1] is None else str(cells[1]).strip()
        if not name:
            raise LoaderError(f"{where}, column 2: empty name")
        try:
            ha = parse_number(cells[2], decimal=",")
            km2 = parse_number(cells[3], decimal=",")
        except ValueError:
            raise LoaderError(f"{where}: area {cells[2]!r} / {cells[3]!r} is not a number") from None
        if np.isnan(ha) or abs(km2 * 100 - ha) > 50:
            raise LoaderError(f"{where}: area {ha!r} ha does not match {km2!r} km² "
                              "(columns swapped or value missing)")
        records.append({"code": code, "name": name, "measure": "area_ha", "year": year,
                        "value": ha, "source_unit": "ha", "skip": skip})
    return raw_frame(records)


# --------------------------------------------------------------------------------------------
# PSP incidents by gmina
# --------------------------------------------------------------------------------------------

FIRE_MEASURES = {"ogółem zdarzeń": "incidents_total", "pożary": "fires",
                 "miejscowe zagrożenia": "local_hazards", "alarmy fałszywe": "false_alarms"}
FIRE_ID_HEADER = ("teryt", "województwo", "powiat", "gmina")
NAME_MISMATCH = "name differs from its code (values added to the code's gmina)"
_FIRE_VALUE_HEADER = re.compile(r"^(.+) rok (\d{4})$")


def load_fire_incidents(path) -> pd.DataFrame:
    """PSP incidents by gmina (2023, 2024) -> raw frame.

    Measure keys: ``incidents_total`` (Ogółem zdarzeń), ``fires`` (Pożary), ``local_hazards``
    (Miejscowe zagrożenia), ``false_alarms`` (Alarmy fałszywe); the year comes from each header
    ("… rok 2023"). ``code`` is the 6-digit ``WWPPGG`` of the file; ``parent_name`` the powiat.

    The file is a cross-tabulation of (TERYT, gmina name) rather than one row per gmina:

    * 17 codes appear twice (34 rows). They are not double-counted copies: in each pair one row
      carries the name of the gmina the code belongs to and the other the name of a neighbour
      (mostly all zeros, e.g. 160902 Dąbrowa + "Opole"; some small counts, e.g. 320907 Sianów
      267 + "Mielno" 5, 060303 Chełm 188 + "Sawin" 2) — incidents whose location code and
      reporting gmina disagree. Counting by location code, the rows are parts of one total and
      are **summed**; the rows whose name is not the code's gmina are also emitted as skipped
      rows (``NAME_MISMATCH``, name "Sawin → 060303 Chełm") so the reconciliation report lists them.
    * 37 rows carry codes of districts of the five cities that have them — Warszawa (146502–
      146519, dzielnice) and Kraków, Łódź, Poznań, Wrocław (WWPP02–WWPP06, delegatury); the
      city's own row (WWPP01) holds only incidents not assigned to a district (Warszawa 146501:
      3,191 of 20,214 in 2023). Codes with PP ≥ 61 (a city with powiat rights, which is one gmina)
      and GG ≠ 01 are therefore **added to the city's WWPP01 row**, and are also emitted as
      themselves with skip ``"dzielnica"``/``"delegatura"`` so the reconciliation report shows
      them.
    * Codes of gminy that no longer existed in 2023 (080910 Zielona Góra rural gmina, merged 2015;
      320304 Ostrowice, abolished 2019) appear with zeros; they are emitted as they are and the
      ingest reports them as unknown codes.

    ``name`` of a summed code is the name on its row with the most incidents. The file uses the
    2025 division (codes 120713 Szczawa and 200216 Grabówka, both created on 1 Jan 2025, carry
    2023–2024 incidents), so names there are those of the former gmina and unreliable; match by
    code.
    """
    path = Path(path)
    rows = _xlsx_rows(path)
    if not rows:
        raise LoaderError(f"{path.name}: empty workbook")
    header = [_norm(c) for c in rows[0]]
    while header and header[-1] == "":
        header.pop()
    if tuple(header[:4]) != FIRE_ID_HEADER:
        raise LoaderError(f"{path.name}: row 1: first columns {rows[0][:4]!r}, expected "
                          f"{FIRE_ID_HEADER!r}")
    value_cols = []
    for j, h in enumerate(header[4:], start=4):
        m = _FIRE_VALUE_HEADER.match(h)
        if not m or m.group(1) not in FIRE_MEASURES:
            raise LoaderError(f"{path.name}: row 1, column {j + 1}: unexpected header {rows[0][j]!r}")
        value_cols.append((j, FIRE_MEASURES[m.group(1)], int(m.group(2))))
    if len({(k, y) for _, k, y in value_cols}) != len(value_cols):
        raise LoaderError(f"{path.name}: row 1: duplicate measure/year columns")

    recs = []
    for i, row in enumerate(rows[1:], start=2):
        row = list(row) + [None] * (len(header) - len(row))
        if all(c is None or str(c).strip() == "" for c in row[:len(header)]):
            continue
        code = "" if row[0] is None else str(row[0]).strip()
        if not re.fullmatch(r"\d{6}", code):
            raise LoaderError(f"{path.name}: row {i}, column 1 (TERYT): malformed code {row[0]!r}")
        vals = []
        for j, key, yr in value_cols:
            try:
                v = parse_number(row[j], decimal=",")
            except ValueError:
                raise LoaderError(f"{path.name}: row {i}, column {j + 1} ({rows[0][j]}): "
                                  f"not a number: {row[j]!r}") from None
            vals.append(v)
        recs.append((code, str(row[3] or "").strip(), str(row[2] or "").strip(), vals))

    out = []
    # district rows: emitted as skipped, and added to their city's WWPP01 code
    target = {}
    for code, name, powiat, vals in recs:
        if int(code[2:4]) >= 61 and code[4:6] != "01":
            target.setdefault(code, code[:4] + "01")
            skip = "dzielnica" if code[:4] == "1465" else "delegatura"
            out += [{"code": code, "name": name, "parent_name": powiat, "measure": key,
                     "year": yr, "value": v, "source_unit": "", "skip": skip}
                    for (_, key, yr), v in zip(value_cols, vals)]
    cities = set(target.values())
    missing = cities - {c for c, *_ in recs}
    if missing:
        raise LoaderError(f"{path.name}: district rows without their city row {sorted(missing)}")

    sums: dict[str, np.ndarray] = {}
    label: dict[str, tuple[float, str, str]] = {}
    for code, name, powiat, vals in recs:
        key = target.get(code, code)
        arr = np.array(vals, dtype=float)
        sums[key] = sums[key] + arr if key in sums else arr
        if code == key:  # the name comes from the unit's own rows, not from its districts
            total = float(np.nansum(arr))
            if key not in label or total > label[key][0]:
                label[key] = (total, name, powiat)
    for code, arr in sums.items():
        _, name, powiat = label[code]
        out += [{"code": code, "name": name, "parent_name": powiat, "measure": key,
                 "year": yr, "value": v, "source_unit": "", "skip": ""}
                for (_, key, yr), v in zip(value_cols, arr)]
    # rows whose name is not the one of their code's gmina (a neighbour's name on a duplicated
    # code, e.g. "Sawin" coded 060303 Chełm): summed by code as above, and also emitted as skipped
    # rows so the reconciliation report names every such row and the gmina it was added to
    for code, name, powiat, vals in recs:
        key = target.get(code, code)
        if code == key and _norm(name) != _norm(label[key][1]):
            out += [{"code": code, "name": f"{name} → {code} {label[key][1]}", "parent_name": powiat,
                     "measure": k, "year": yr, "value": v, "source_unit": "", "skip": NAME_MISMATCH}
                    for (_, k, yr), v in zip(value_cols, vals)]
    return raw_frame(out)


# --------------------------------------------------------------------------------------------

TABLES = {"vital_2024": load_vital_2024, "areas": load_areas, "fire_incidents": load_fire_incidents}


def load(path, *, table: str, **options) -> pd.DataFrame:
    """Catalogue entry point: ``table`` is one of ``vital_2024``, ``areas``, ``fire_incidents``."""
    if table not in TABLES:
        raise LoaderError(f"gus_tables: unknown table {table!r}; expected one of {sorted(TABLES)}")
    return TABLES[table](path, **options)
