"""Read a user's list of gminy (CSV or XLSX) for a functional area.

The file holds TERYT codes and/or names, one gmina per row (a single row of codes also works).
This module only reads the format; matching to units is ``domain.matching.match_entries``.

Result: ``AreaList.entries`` with columns row (the row number as a spreadsheet shows it, so
the header is row 1), code, name (raw text, "" if absent); blank rows are left out (they hold
nothing). Columns are chosen by the header (``teryt``/``kod``/``code`` for codes,
``nazwa``/``name``/``gmina``/``jst`` for names) or, without a header, by content (the column
with most code-like cells; the column with most text). Columns not used are listed in
``AreaList.ignored`` so the UI can say so — nothing is dropped silently.

Numbers typed into spreadsheets lose leading zeros (0201011 -> 201011); the reader keeps the
digits as they are and the matcher tries the zero back.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import pandas as pd

from loaders.base import LoaderError

MAX_BYTES = 1_000_000  # 1 MB: a list of all 2,479 gminy with names is ≈ 60 kB
MAX_ROWS = 5_000
EXTENSIONS = ("csv", "txt", "xlsx")

_CODE_HEADER = re.compile(r"^(teryt|kod|code|terc|identyfikator|id)\b", re.I)
_NAME_HEADER = re.compile(r"^(nazwa|name|gmina|jst|jednostka|unit)\b", re.I)
_CODELIKE = re.compile(r"^[\d\s_\-./]{1,16}$")


class AreaListError(LoaderError):
    """The file cannot be read as a list; ``reason`` is a stable code for the UI's message."""

    def __init__(self, reason: str, **params):
        super().__init__(f"{reason}: {params}" if params else reason)
        self.reason = reason
        self.params = params


@dataclass
class AreaList:
    entries: pd.DataFrame  # row, code, name
    code_column: str | None = None  # e.g. "A (TERYT)"
    name_column: str | None = None
    ignored: tuple[str, ...] = field(default_factory=tuple)
    header: bool = False


def _col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if v != v:
            return ""
        if v.is_integer():
            return str(int(v))
    return str(v).strip().lstrip("\ufeff").strip()


def _decode(data: bytes) -> str:
    for enc in ("utf-8-sig", "cp1250"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise AreaListError("encoding")  # pragma: no cover - cp1250 decodes almost anything


def _read_csv(data: bytes) -> list[list[str]]:
    text = _decode(data)
    sample = text[:4096]
    first = sample.splitlines()[0] if sample.splitlines() else ""
    delim = max((";", ",", "\t", "|"), key=lambda d: first.count(d))
    if first.count(delim) == 0:
        delim = ";"
    return [[_cell(c) for c in row] for row in csv.reader(io.StringIO(text), delimiter=delim)]


def _read_xlsx(data: bytes) -> list[list[str]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any failure means "not a readable workbook"
        raise AreaListError("not_xlsx") from exc
    try:
        ws = wb.worksheets[0]
        rows = []
        for row in ws.iter_rows(values_only=True):
            rows.append([_cell(c) for c in row])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        wb.close()


def read_area_list(data: bytes, filename: str) -> AreaList:
    """Read ``data`` (the uploaded file's bytes) as a list of gminy; raise AreaListError."""
    if len(data) > MAX_BYTES:
        raise AreaListError("too_big", size=len(data), max=MAX_BYTES)
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext not in EXTENSIONS:
        raise AreaListError("extension", ext=ext or "?")
    if ext == "xlsx" or data[:2] == b"PK":
        rows = _read_xlsx(data)
    else:
        if b"\x00" in data[:1024]:
            raise AreaListError("binary")
        rows = _read_csv(data)
    return parse_rows(rows)


def parse_rows(rows: list[list[str]]) -> AreaList:
    """Choose the code and name columns of a table of cells and list the entries."""
    numbered = [(i + 1, [c.strip() for c in r]) for i, r in enumerate(rows)]
    numbered = [(i, r) for i, r in numbered if any(r)]
    if not numbered:
        raise AreaListError("empty")
    if len(numbered) > MAX_ROWS + 1:
        raise AreaListError("too_many_rows", max=MAX_ROWS)
    width = max(len(r) for _, r in numbered)
    table = [(i, r + [""] * (width - len(r))) for i, r in numbered]
    first = table[0][1]
    header = (any(_CODE_HEADER.match(c) or _NAME_HEADER.match(c) for c in first if c)
              and not any(_CODELIKE.match(c) and re.search(r"\d", c) for c in first if c))
    body = table[1:] if header else table
    if not body:
        raise AreaListError("empty")
    code_col = name_col = None
    if header:
        code_col = next((j for j, c in enumerate(first) if _CODE_HEADER.match(c)), None)
        name_col = next((j for j, c in enumerate(first) if _NAME_HEADER.match(c) and j != code_col), None)
        if code_col is None and name_col is None:  # pragma: no cover - header implies one of them
            raise AreaListError("no_columns")
    elif len(body) == 1 and sum(1 for c in body[0][1] if c) > 1:
        # one row of codes ("1261011;1206172;...") — every cell is an entry
        i, r = body[0]
        entries = pd.DataFrame({"row": i, "code": [c for c in r if c], "name": ""})
        return AreaList(entries=entries, code_column=None, name_column=None, header=False)
    else:
        code_like = [sum(1 for _, r in body if r[j] and _CODELIKE.match(r[j]) and re.search(r"\d", r[j]))
                     for j in range(width)]
        texty = [sum(1 for _, r in body if r[j] and re.search(r"[^\W\d_]", r[j])) for j in range(width)]
        if max(code_like) > 0:
            code_col = max(range(width), key=lambda j: code_like[j])
        others = [j for j in range(width) if j != code_col and texty[j] > 0]
        if others:
            name_col = max(others, key=lambda j: texty[j])
        if code_col is None and name_col is None:
            raise AreaListError("no_columns")

    def label(j):
        if j is None:
            return None
        return f"{_col_letter(j)} ({first[j]})" if header and first[j] else _col_letter(j)

    used = {code_col, name_col}
    ignored = tuple(label(j) for j in range(width) if j not in used and any(r[j] for _, r in body))
    entries = pd.DataFrame({
        "row": [i for i, _ in body],
        "code": [r[code_col] if code_col is not None else "" for _, r in body],
        "name": [r[name_col] if name_col is not None else "" for _, r in body],
    })
    entries = entries.loc[(entries["code"] != "") | (entries["name"] != "")].reset_index(drop=True)
    return AreaList(entries=entries, code_column=label(code_col), name_column=label(name_col), ignored=ignored,
                    header=header)


def parse_text(text: str) -> AreaList:
    """Codes or names typed/pasted by the user: one per line, or separated by commas/semicolons."""
    rows = []
    for line in text.splitlines():
        parts = [p.strip() for p in re.split(r"[,;\t]", line)]
        rows.append(parts)
    # a pasted line "1261011 Kraków" is one entry with code and name
    entries = []
    for i, parts in enumerate(rows, 1):
        for p in parts:
            if not p:
                continue
            m = re.match(r"^([\d\s_\-./]*\d)\s+(\D.*)$", p)
            if m:
                entries.append({"row": i, "code": m.group(1).strip(), "name": m.group(2).strip()})
            elif re.search(r"\d", p):
                entries.append({"row": i, "code": p, "name": ""})
            else:
                entries.append({"row": i, "code": "", "name": p})
    if len(entries) > MAX_ROWS:
        raise AreaListError("too_many_rows", max=MAX_ROWS)
    return AreaList(entries=pd.DataFrame(entries, columns=["row", "code", "name"]))
