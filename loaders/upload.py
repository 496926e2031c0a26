"""Reader for users' own indicator files (CSV or XLSX), forgiving about form, strict about content.

Accepted shapes
---------------
* **long**: a unit column (TERYT code and/or name), a year column, a value column;
* **wide**: a unit column and one column per year (``2022``, ``2023 r.``, ``rok 2024``...).
The header row is found among the first 30 rows (titles above it are ignored); in XLSX, merged
cells are filled with their top-left value, and a year row under a merged "Rok"/"Lata" header
takes the unit column's label from the row above.

Encodings and numbers
---------------------
CSV in UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text") or Windows-1250; the delimiter
(``;``, ``,``, tab, ``|``) is sniffed. The file's decimal mark is the one most value cells use
(``12,5`` vs ``12.5``); thousands separators (spaces, non-breaking spaces, ``1.234,5``/``1,234.5``)
are removed. Empty cells and the usual no-data marks (``-``, ``x``, ``.``, ``b.d.``, ``brak danych``,
``n/a``) mean "no data" (never 0).

Codes
-----
TERYT codes are kept as written (digits only; spaces, ``_`` and ``-`` removed): 7 digits
(``WWPPGGT``), 6 digits (``WWPPGG``, no type digit), 4 (powiat), 2 (województwo). Spreadsheets drop
leading zeros: in a column whose longest code has 7 digits, a 6-digit code starting with 2, 4, 6
or 8 is zero-padded (``201011`` -> ``0201011``, dolnośląskie..łódzkie); likewise 5 -> 6 digits in
a 6-digit column and 3 -> 4 / 1 -> 2. Which unit a code or name means is decided later against the
unit list (store.user_data), not here.

Safety
------
Cells are data, never formulas: XLSX formulas are read as their text (``=SUM(...)``), never their
cached or evaluated result, and a value cell holding one is an error; text cells starting with
``=``, ``+``, ``-``, ``@`` (formula-injection prefixes) are flagged so exports can neutralise them
(``neutralise_cell``). Any problem with the file's content raises ``UploadError`` with a list of
``Problem`` (row as numbered in the spreadsheet, column label, cell text, what is wrong); nothing is
stored for such a file.
"""
from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

from loaders.base import LoaderError

MAX_BYTES = 10 * 1024 * 1024  # = Streamlit's server.maxUploadSize (.streamlit/config.toml)
MAX_ROWS = 50_000
HEADER_SCAN = 30
YEAR_MIN, YEAR_MAX = 1945, 2100
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NO_DATA = {"", "-", "–", "—", "x", ".", "..", "…", "b.d.", "b.d", "bd", "brak", "brak danych", "n/a", "na", "nd",
           "n.d.", "#n/a", "null", "none"}

CODE_HEADERS = {"teryt", "kod teryt", "kodteryt", "kod_teryt", "kod", "code", "teryt code", "kod jst", "jst",
                "kod gminy", "kod terc", "terc", "id", "kod jednostki"}
NAME_HEADERS = {"nazwa", "name", "gmina", "jednostka", "nazwa gminy", "nazwa jednostki", "jst nazwa", "unit",
                "municipality", "miejscowość", "jednostka terytorialna", "nazwa jst"}
POWIAT_HEADERS = {"powiat", "nazwa powiatu", "county"}
YEAR_HEADERS = {"rok", "year", "lata", "okres"}
VALUE_HEADERS = {"wartość", "wartosc", "value", "wynik", "liczba", "wskaźnik", "wskaznik", "dane", "ocena",
                 "średnia", "srednia", "odsetek", "kwota"}

_YEAR_CELL = re.compile(r"^\D{0,6}?((?:19|20|21)\d{2})(?:\s*r\.?|\s*rok)?$", re.IGNORECASE)
_COMMA_DEC = re.compile(r"^[+-]?\d{1,3}([ .\u00a0\u202f]\d{3})*,\d+$|^[+-]?\d+,\d+$")
_POINT_DEC = re.compile(r"^[+-]?\d{1,3}([ ,\u00a0\u202f]\d{3})*\.\d+$|^[+-]?\d+\.\d+$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth noting) in the file. ``code`` is a stable key the UI translates."""
    code: str
    row: int | None = None  # row number as the spreadsheet shows it (1-based)
    column: str = ""
    value: str = ""
    detail: str = ""

    def text(self) -> str:  # English, for logs and the CLI
        where = ", ".join(x for x in (f"row {self.row}" if self.row else "",
                                      f"column '{self.column}'" if self.column else "") if x)
        cell = f" {self.value!r}" if self.value else ""
        return f"{where}:{cell} {self.code.replace('_', ' ')}" + (f" ({self.detail})" if self.detail else "")


class UploadError(LoaderError):
    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(p.text() for p in self.problems[:5])
                         + (f" … and {len(self.problems) - 5} more" if len(self.problems) > 5 else ""))


@dataclass
class ParsedUpload:
    """The file's values in long form: one row per (file row, year) with a value or a no-data mark.

    ``values`` columns: row (spreadsheet row), code (digits or ""), name, powiat, year, value (NaN =
    no data), column (label of the value's column)."""
    values: pd.DataFrame
    layout: str  # long | wide
    encoding: str  # utf-8 | utf-16 | cp1250 | xlsx | xls
    decimal: str
    header_row: int
    columns: dict[str, str]  # role -> column label (code, name, powiat, year, value)
    year_columns: list[str] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    filename: str = ""


def neutralise_cell(text: object) -> object:
    """A text cell safe to put in a CSV/XLSX export: formula-injection prefixes get a leading
    apostrophe so spreadsheets show the text instead of running it. Numbers pass unchanged."""
    if isinstance(text, str) and text.startswith(FORMULA_PREFIXES):
        if not _is_plain_number(text):
            return "'" + text
    return text


def _is_plain_number(s: str) -> bool:
    try:
        float(s.replace(",", "."))
        return True
    except ValueError:
        return False


def _norm(text: object) -> str:
    s = unicodedata.normalize("NFC", str(text or "")).replace("\u00a0", " ").strip().casefold()
    s = re.sub(r"[\s_]+", " ", s).strip(" :*")
    return s


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v).strip()


# -------------------------------------------------------------------------------------------------
# Reading cells
# -------------------------------------------------------------------------------------------------

def _decode(data: bytes) -> tuple[str, str, list[Problem]]:
    """(text, encoding, notes). A UTF-8 file with some lines in Windows-1250 (e.g. pasted from an
    older file) is read line by line — each line in the encoding it is valid in — and every such
    line is named in a note, instead of reading the whole file as Windows-1250 (which garbles the
    UTF-8 lines' Polish letters)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16", []
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    utf8_lines, bad = 0, []
    for i, ln in enumerate(lines, start=1):
        try:
            if not ln.isascii():
                ln.decode("utf-8")
                utf8_lines += 1
        except UnicodeDecodeError:
            bad.append(i)
    try:
        if utf8_lines and bad:  # mixed: mostly UTF-8 with some Windows-1250 lines
            text = "\n".join(ln.decode("cp1250") if i in set(bad) else ln.decode("utf-8")
                              for i, ln in enumerate(lines, start=1))
            notes = [Problem("mixed_encoding", row=i) for i in bad[:5]]
            if len(bad) > 5:
                notes.append(Problem("mixed_encoding_more", detail=str(len(bad) - 5)))
            return text, "utf-8", notes
        return data.decode("cp1250"), "cp1250", []
    except UnicodeDecodeError:
        raise UploadError([Problem("unknown_encoding")]) from None


# a spreadsheet formula in a CSV cell (its commas must not decide the delimiter)
_FORMULA_TEXT = re.compile(r"=\s*[A-Za-z_][A-Za-z0-9_.]*\s*\([^;\t|\n\"]*\)")


def _read_csv(data: bytes) -> tuple[list[list[object]], str, list[Problem]]:
    text, enc, notes = _decode(data)
    if "\x00" in text:
        raise UploadError([Problem("not_a_table")])
    lines = [ln for ln in text.splitlines() if ln.strip()][:50]
    if not lines:
        raise UploadError([Problem("empty_file")])
    sample = _FORMULA_TEXT.sub("=F", "\n".join(lines))
    try:
        delim = csv.Sniffer().sniff(sample, delimiters=";,\t|").delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in ";\t,|"}
        delim = max(counts, key=counts.get) if max(counts.values()) else ";"
    try:  # newline="": a bare CR (old Mac line ends, or a CR-prefixed cell) ends a line instead of failing
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
    except csv.Error as exc:  # e.g. a field larger than csv.field_size_limit
        raise UploadError([Problem("not_a_table", detail=str(exc)[:100])]) from None
    return [list(r) for r in rows], enc, notes


def _read_xlsx(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=False, data_only=False)
    except Exception as exc:  # noqa: BLE001 - any failure to open is "not a spreadsheet we can read"
        raise UploadError([Problem("not_a_table", detail=exc.__class__.__name__)]) from None
    sheet = wb.active
    if sheet is None or sheet.max_row < 1:
        sheet = next((ws for ws in wb.worksheets if ws.max_row > 1), None)
    if sheet is None:
        raise UploadError([Problem("empty_file")])
    if sheet.max_row > MAX_ROWS + HEADER_SCAN:
        raise UploadError([Problem("too_many_rows", detail=str(MAX_ROWS))])
    grid: list[list[object]] = []
    for row in sheet.iter_rows():
        out = []
        for c in row:
            v = c.value
            if c.data_type == "f":  # a formula: keep its text, never evaluate or trust a cached result
                v = str(v) if not isinstance(v, str) else v
                if not str(v).startswith("="):
                    v = "=" + str(v)
            elif isinstance(v, bool):
                v = str(v)
            elif hasattr(v, "isoformat"):
                v = v.isoformat()
            out.append(v)
        grid.append(out)
    for rng in sheet.merged_cells.ranges:  # fill merged areas with their top-left value
        top = grid[rng.min_row - 1][rng.min_col - 1] if rng.min_row - 1 < len(grid) else None
        for r in range(rng.min_row - 1, min(rng.max_row, len(grid))):
            for c in range(rng.min_col - 1, rng.max_col):
                if c < len(grid[r]):
                    grid[r][c] = top
    return grid


def _read_xls(data: bytes) -> list[list[object]]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data)
    except Exception as exc:  # noqa: BLE001
        raise UploadError([Problem("not_a_table", detail=exc.__class__.__name__)]) from None
    sh = book.sheet_by_index(0)
    grid = [[sh.cell_value(r, c) if sh.cell_type(r, c) not in (0, 6) else None for c in range(sh.ncols)]
            for r in range(min(sh.nrows, MAX_ROWS + HEADER_SCAN + 1))]
    return grid


def read_cells(data: bytes, filename: str = "") -> tuple[list[list[object]], str]:
    """The file's cells as rows (str for CSV; str/float for spreadsheets) and its encoding/kind."""
    grid, enc, _ = read_cells_notes(data, filename)
    return grid, enc


def read_cells_notes(data: bytes, filename: str = "") -> tuple[list[list[object]], str, list[Problem]]:
    """As ``read_cells``, plus notes about how the file was read (mixed encodings)."""
    if len(data) > MAX_BYTES:
        raise UploadError([Problem("too_big", detail=f"{len(data) / 1024 / 1024:.1f} MB")])
    if not data.strip():
        raise UploadError([Problem("empty_file")])
    if data[:4] == b"PK\x03\x04":
        if filename.lower().endswith(".ods"):
            raise UploadError([Problem("unsupported_format", value=filename)])
        return _read_xlsx(data), "xlsx", []
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return _read_xls(data), "xls", []
    return _read_csv(data)


# -------------------------------------------------------------------------------------------------
# Header and layout
# -------------------------------------------------------------------------------------------------

def year_of(cell: object) -> int | None:
    """The year a header cell names (``2023``, ``2023.0``, ``"2023 r."``, ``"rok 2023"``), else None."""
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        if isinstance(cell, float) and (math.isnan(cell) or not cell.is_integer()):
            return None
        y = int(cell)
        return y if YEAR_MIN <= y <= YEAR_MAX else None
    m = _YEAR_CELL.match(_norm(cell))
    if not m:
        return None
    y = int(m.group(1))
    return y if YEAR_MIN <= y <= YEAR_MAX else None


def _role(label: object) -> str | None:
    s = _norm(label)
    if not s:
        return None
    for role, names in (("code", CODE_HEADERS), ("name", NAME_HEADERS), ("powiat", POWIAT_HEADERS),
                        ("year", YEAR_HEADERS), ("value", VALUE_HEADERS)):
        if s in names:
            return role
    if "teryt" in s or s.startswith("kod"):
        return "code"
    if s.startswith(("nazwa", "gmina", "jednostka")):
        return "name"
    if s.startswith(("wartość", "wartosc", "value", "wynik")):
        return "value"
    return None


def _find_header(grid: list[list[object]]) -> tuple[int, list[str], dict[str, int], dict[int, int]]:
    """(row index, labels, role -> column, column -> year) of the header row."""
    width = max((len(r) for r in grid[:HEADER_SCAN + 1]), default=0)
    for i, row in enumerate(grid[:HEADER_SCAN]):
        cells = list(row) + [None] * (width - len(row))
        above = (list(grid[i - 1]) + [None] * width)[:width] if i > 0 else [None] * width
        labels = []
        for j, c in enumerate(cells):
            own = _cell_text(c)
            labels.append(own if own else _cell_text(above[j]))
        years = {j: y for j, c in enumerate(cells) if (y := year_of(c)) is not None}
        roles: dict[str, int] = {}
        for j, lab in enumerate(labels):
            if j in years:
                continue
            r = _role(lab)
            if r and r not in roles:
                roles[r] = j
        has_unit = "code" in roles or "name" in roles
        if has_unit and ("year" in roles or years):
            if "year" in roles and "value" not in roles:
                rest = [j for j, lab in enumerate(labels)
                        if lab and _role(lab) is None and year_of(lab) is None and j not in years]
                if len(rest) == 1:
                    roles["value"] = rest[0]
            if "year" in roles and "value" in roles:
                return i, labels, roles, {}
            if years:
                roles.pop("year", None)
                roles.pop("value", None)
                return i, labels, roles, years
    raise UploadError([Problem("no_header")])


# -------------------------------------------------------------------------------------------------
# Cells -> numbers and codes
# -------------------------------------------------------------------------------------------------

def _clean_num_text(s: str) -> str:
    s = s.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("'", "")
    if s.endswith("%"):
        s = s[:-1]
    return s


def detect_decimal(cells: list[str]) -> str:
    comma = sum(1 for c in cells if _COMMA_DEC.match(c.strip()))
    point = sum(1 for c in cells if _POINT_DEC.match(c.strip()))
    return "," if comma > point else "."


def parse_value(cell: object, decimal: str) -> tuple[float | None, str]:
    """(value, problem code): value None = no data; problem "" when fine."""
    if cell is None:
        return None, ""
    if isinstance(cell, bool):
        return None, "not_a_number"
    if isinstance(cell, (int, float)):
        v = float(cell)
        if math.isnan(v):
            return None, ""
        return (v, "") if math.isfinite(v) else (None, "not_a_number")
    raw = str(cell).strip()
    if _norm(raw) in NO_DATA:
        return None, ""
    s = _clean_num_text(raw)
    if decimal == ",":
        if re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?", s):
            s = s.replace(".", "")
        s = s.replace(",", ".")
    else:
        if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", s):
            s = s.replace(",", "")
        elif s.count(",") == 1 and "." not in s:
            s = s.replace(",", ".")
    if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", s):
        v = float(s)
        return (v, "") if math.isfinite(v) else (None, "invalid_number")
    if _NON_FINITE.fullmatch(_norm(raw)):
        return None, "invalid_number"  # "-inf", "NaN", "infinity": a number word, not a formula
    if is_formula(raw):
        return None, "formula"
    return None, "not_a_number"


_NON_FINITE = re.compile(r"[+-]?(inf|infinity|nan|∞|#num!|#div/0!|#value!)")


def is_formula(text: str) -> bool:
    """A spreadsheet formula: ``=…`` or ``@…``, or ``+``/``-`` followed by a cell reference, a
    function or an operator (``+A1``, ``-SUM(…)``); ``-12a`` or ``-inf`` are bad numbers, not formulas."""
    t = text.strip()
    if t.startswith(("=", "@")):
        return True
    if t.startswith(("+", "-")):
        return bool(re.search(r"[A-Za-z]+\d+|[A-Za-z_]+\s*\(|\d\s*[-+*/^]\s*\d", t[1:]))
    return False


def reading_note(cell: object, decimal: str, value: float | None) -> str:
    """How a text cell with the OTHER separator than the file's decimal mark was read ("" if the
    cell is unambiguous): ``thousands`` (``1.234`` in a file with decimal commas -> 1234) or
    ``decimal`` (``1,5`` in a file with decimal points -> 1.5)."""
    if value is None or not isinstance(cell, str):
        return ""
    s = _clean_num_text(cell)
    other = "." if decimal == "," else ","
    if other not in s or decimal in s:  # "1.234,5" has both marks: unambiguous
        return ""
    return "thousands" if value == int(value) and re.fullmatch(r"[+-]?\d{1,3}([.,]\d{3})+", s) else "decimal"


def _plain(v: float | None) -> str:
    """A read value as plain digits for a note ("1234", "1.5")."""
    return "" if v is None else (str(int(v)) if float(v).is_integer() else repr(float(v)))


def clean_code(cell: object) -> str:
    """Digits of a code cell ("" if the cell holds no digits-only code)."""
    if cell is None:
        return ""
    if isinstance(cell, float):
        if math.isnan(cell) or not cell.is_integer():
            return ""
        return str(int(cell))
    if isinstance(cell, int) and not isinstance(cell, bool):
        return str(cell)
    s = re.sub(r"[\s_\-./]", "", str(cell))
    return s if s.isdigit() else ""


def pad_codes(codes: pd.Series) -> pd.Series:
    """Restore leading zeros a spreadsheet dropped (see module docstring)."""
    digits = codes[codes != ""]
    if digits.empty:
        return codes
    longest = digits.str.len().max()

    def fix(c: str) -> str:
        if not c:
            return c
        n = len(c)
        if longest == 7 and n == 6 and c[0] in "2468":
            return "0" + c
        if longest == 6 and n == 5 and c[0] in "2468":
            return "0" + c
        if n in (1, 3) and c[0] in "2468":
            return "0" + c
        return c
    return codes.map(fix)


# -------------------------------------------------------------------------------------------------
# Parse
# -------------------------------------------------------------------------------------------------

def parse_upload(data: bytes, filename: str = "") -> ParsedUpload:
    """Read a user's CSV/XLSX file into long form; raise UploadError listing every problem."""
    grid, enc, read_notes = read_cells_notes(data, filename)
    grid = [list(r) for r in grid]
    if not any(any(_cell_text(c) for c in r) for r in grid):
        raise UploadError([Problem("empty_file")])
    try:
        hi, labels, roles, years = _find_header(grid)
    except UploadError:
        formulas = [(i, _cell_text(c)) for i, r in enumerate(grid[:HEADER_SCAN + 50], start=1) for c in r
                    if _cell_text(c).startswith(("=", "@"))]
        if formulas:  # a formula's commas or semicolons can break the columns: say what is wrong
            raise UploadError([Problem("formulas", row=i, value=v) for i, v in formulas[:5]]) from None
        raise
    body = grid[hi + 1:]
    if len(body) > MAX_ROWS:
        raise UploadError([Problem("too_many_rows", detail=str(MAX_ROWS))])
    width = len(labels)

    def cell(r: list, j: int):
        return r[j] if j < len(r) else None

    value_cols = list(years) if years else [roles["value"]]
    str_cells = [str(cell(r, j)) for r in body for j in value_cols if isinstance(cell(r, j), str)]
    decimal = detect_decimal(str_cells)
    problems: list[Problem] = []
    notes: list[Problem] = list(read_notes)
    readings: list[Problem] = []
    recs = []
    ignored = 0
    for k, r in enumerate(body):
        rownum = hi + 2 + k
        r = list(r) + [None] * (width - len(r))
        code_raw = cell(r, roles["code"]) if "code" in roles else None
        name = _cell_text(cell(r, roles["name"])) if "name" in roles else ""
        powiat = _cell_text(cell(r, roles["powiat"])) if "powiat" in roles else ""
        code_txt = _cell_text(code_raw)
        if not any(_cell_text(c) for c in r):
            continue
        parsed_vals = []
        if years:
            for j, y in years.items():
                v, prob = parse_value(cell(r, j), decimal)
                if prob:
                    problems.append(Problem(prob, rownum, labels[j], _cell_text(cell(r, j))))
                if how := reading_note(cell(r, j), decimal, v):
                    readings.append(Problem(f"read_{how}", rownum, labels[j], _cell_text(cell(r, j)), _plain(v)))
                parsed_vals.append((y, v, labels[j]))
        else:
            ycell = cell(r, roles["year"])
            vcell = cell(r, roles["value"])
            if not _cell_text(ycell) and not _cell_text(vcell):
                ignored += 1
                continue
            y = year_of(ycell)
            if y is None:
                problems.append(Problem("bad_year", rownum, labels[roles["year"]], _cell_text(ycell)))
                continue
            v, prob = parse_value(vcell, decimal)
            if prob:
                problems.append(Problem(prob, rownum, labels[roles["value"]], _cell_text(vcell)))
            if how := reading_note(vcell, decimal, v):
                readings.append(Problem(f"read_{how}", rownum, labels[roles["value"]], _cell_text(vcell), _plain(v)))
            parsed_vals.append((y, v, labels[roles["value"]]))
        if not code_txt and not name:
            if any(v is not None for _, v, _ in parsed_vals):
                problems.append(Problem("no_unit", rownum, labels[roles.get("code", roles.get("name", 0))]))
            else:
                ignored += 1
            continue
        if all(v is None for _, v, _ in parsed_vals) and not clean_code(code_raw) and years:
            ignored += 1  # a note line ("Źródło: ...") below the table
            continue
        for y, v, col in parsed_vals:
            recs.append({"row": rownum, "code": clean_code(code_raw), "code_text": code_txt, "name": name,
                         "powiat": powiat, "year": y, "value": float("nan") if v is None else v, "column": col})
    if problems:
        raise UploadError(problems)
    df = pd.DataFrame(recs, columns=["row", "code", "code_text", "name", "powiat", "year", "value", "column"])
    if df.empty or df["value"].notna().sum() == 0:
        raise UploadError([Problem("no_values")])
    df["code"] = pad_codes(df["code"].astype(str))
    df["year"] = df["year"].astype("int64")
    df["value"] = df["value"].astype("float64")
    bad_codes = df.loc[(df["code"] == "") & (df["code_text"] != "") & (df["name"] == "")]
    for r in bad_codes.drop_duplicates("row").itertuples():
        notes.append(Problem("bad_code", int(r.row), labels[roles["code"]], r.code_text))
    notes += readings[:5]  # how cells with the other separator were read (the first five, then a count)
    if len(readings) > 5:
        notes.append(Problem("read_more", detail=str(len(readings) - 5)))
    if ignored:
        notes.append(Problem("ignored_rows", detail=str(ignored)))
    nodata = int(df["value"].isna().sum())
    if nodata:
        notes.append(Problem("no_data_cells", detail=str(nodata)))
    cols = {role: labels[j] for role, j in roles.items()}
    return ParsedUpload(values=df, layout="wide" if years else "long", encoding=enc, decimal=decimal,
                        header_row=hi + 1, columns=cols, year_columns=[labels[j] for j in years],
                        notes=notes, filename=filename)
