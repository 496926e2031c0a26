"""The one matcher of user input to units: codes and names from uploaded value files, BDL API
answers, area lists, URLs and the command line.

* ``UnitIndex`` — every unit's code, name, type and parent, with the TERYT resolver (old codes,
  6-digit codes, BDL ids): ``match(code, name, powiat)`` for value files, ``match_name`` for names
  ("Kraków", "m. Bolesławiec", "gmina Kłodzko", "Bolesławiec (gmina wiejska)", "powiat krakowski").
* ``match_values`` — a long value file (row, code, name, year, value) matched to units of any
  level, with duplicates, conflicts and code/name disagreements.
* ``match_entries`` / ``resolve_definition`` — a list of gminy (an area), with a report row per
  entry (ok, note, duplicate, problem) and the canonical member codes.
* ``suggest_rule`` — the aggregation rule a fetched/uploaded variable gets unless the user says
  otherwise ("sum" only for counts and amounts with no rate wording).

Both matchers return one ``Matched``. Pure: frames in, frames out (the store builds the index,
``store.user_data.unit_index``).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Iterable

import pandas as pd

from domain.teryt import (COUNTRY, PART_TYPES, Resolver, TerytError, UnitRef, bdl12_to_teryt, normalise_name,
                          parse_code)

Resolve = Callable[[str], "tuple[str | None, str]"]  # Store.resolve_code: text -> (code, note)

# report statuses (area lists) and the value-file status of a row that matched nothing
OK, NOTE, DUPLICATE, PROBLEM = "ok", "note", "duplicate", "problem"
UNMATCHED = "unmatched"
IMPORT_COLUMNS = ("row", "input", "status", "code", "reason", "detail")

# Words that mark a rate/mean/share: such a variable must not be summed over units.
_RATE_WORDS = ("na 1 ", "na 10", "na 100", "na 1000", "na 1 000", "na 10 tys", "na 100 tys", "na km",
               "per capita", "per 1", "wskaźnik", "przeciętn", "średni", "mediana", "udział", "gęstość",
               "odsetek", "stopa", "%", "współczynnik", "dynamika", "struktura", "zł/", "/m2")
_SUM_UNITS = {"osoba", "osoby", "osób", "zł", "tys. zł", "mln zł", "mld zł", "szt.", "ha", "tys. ha", "km", "m",
              "km2", "m2", "tys. m2", "m3", "tys. m3", "dam3", "t", "tys. t", "msc.", "ob.", "gosp.", "etat",
              "wol.", "tys. osób", "mieszk.", "tys.", "tysiąc", "kg", "MWh", "GWh", "GJ", "tys. msc."}


def suggest_rule(measure_unit: str, name: str) -> str:
    """"sum" only for counts/amounts whose name has no rate/mean/share wording, else "none"."""
    text = f" {name} {measure_unit} ".casefold()
    if any(w in text for w in _RATE_WORDS):
        return "none"
    return "sum" if measure_unit.strip() in _SUM_UNITS else "none"


def _frame(*columns: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


@dataclass
class Matched:
    """Input rows matched to units.

    ``report``: one row per non-blank input row. Area lists (``match_entries``): columns
    ``IMPORT_COLUMNS``, status ok / note / duplicate / problem. Value files (``match_values``):
    row, code_text, name, unit, unit_name, status (exact, recoded, by_code6, by_name, country,
    unmatched), reason, values.
    ``codes``: the matched units, unique, sorted. Value files also fill ``values`` (unit, year,
    value: what would be stored), ``duplicates`` (unit, year, rows: identical repeats kept once),
    ``conflicts`` (unit, year, rows, values: different values, an error) and ``name_mismatch``
    (row, code, unit_name, name: a code whose unit's name differs from the name column).
    """
    report: pd.DataFrame
    codes: tuple[str, ...] = ()
    values: pd.DataFrame = field(default_factory=lambda: _frame("unit", "year", "value"))
    duplicates: pd.DataFrame = field(default_factory=lambda: _frame("unit", "year", "rows"))
    conflicts: pd.DataFrame = field(default_factory=lambda: _frame("unit", "year", "rows", "values"))
    name_mismatch: pd.DataFrame = field(default_factory=lambda: _frame("row", "code", "unit_name", "name"))

    @property
    def problems(self) -> pd.DataFrame:
        """Rows that could not be used."""
        return self.report.loc[self.report["status"].isin([PROBLEM, UNMATCHED])]

    @property
    def notes(self) -> pd.DataFrame:
        """Rows used with something to say (area lists: mapped codes, names, duplicates)."""
        return self.report.loc[self.report["status"].isin([NOTE, DUPLICATE])]

    @property
    def matched_rows(self) -> int:
        return int((~self.report["status"].isin([PROBLEM, UNMATCHED])).sum())

    @property
    def unmatched_rows(self) -> int:
        return int(self.report["status"].isin([PROBLEM, UNMATCHED]).sum())


_TYPE_HINTS = (
    (re.compile(r"^(gmina miejska|gm\.\s*miejska|miasto na prawach powiatu|m\.\s*st\.|miasto|m\.)\s*", re.I), "urban"),
    (re.compile(r"^(gmina wiejska|gm\.\s*wiejska|gmina|gm\.)\s*", re.I), "rural"),
    (re.compile(r"^(gmina miejsko-wiejska|gm\.\s*miejsko-wiejska)\s*", re.I), "urban_rural"),
)
_SUFFIX_HINT = re.compile(r"\s*[-–(,]\s*(gmina miejska|gmina wiejska|gmina miejsko-wiejska|miasto|gm\.?\s*w\.?|"
                          r"gm\.?\s*m\.?-?w\.?|gm\.|m\.|obszar wiejski|\d)\)?\s*$", re.I)
_SUFFIX_KIND = {"gmina miejska": "urban", "miasto": "urban", "m.": "urban", "1": "urban", "gmina wiejska": "rural",
                "gm. w.": "rural", "gm.w.": "rural", "gm w": "rural", "2": "rural", "gmina miejsko-wiejska": "urban_rural",
                "3": "urban_rural", "gm.": "rural"}


@dataclass
class UnitIndex:
    """Everything needed to match codes and names to the store's units (built once per store)."""
    units: pd.DataFrame
    resolver: Resolver
    names: dict[str, dict[str, str]] = field(default_factory=dict)  # code -> name, level

    @classmethod
    def from_frames(cls, units: pd.DataFrame, recoded: dict[str, str] | None = None) -> "UnitIndex":
        refs = [UnitRef(c, lv, n) for c, lv, n in units[["code", "level", "name"]].itertuples(index=False, name=None)]
        return cls(units=units.reset_index(drop=True), resolver=Resolver(refs, aliases=dict(recoded or {})))

    def __post_init__(self) -> None:
        u = self.units
        cur = u.loc[~u["historical"].astype(bool)]
        self.level = dict(zip(u["code"], u["level"]))
        self.name = dict(zip(u["code"], u["name"]))
        blank = pd.Series("", index=u.index)
        self.gtype = dict(zip(u["code"], u.get("gmina_type", blank).fillna("")))
        self.city = dict(zip(u["code"], u.get("city_powiat", blank).fillna(False).astype(bool)))
        self.parent = dict(zip(u["code"], u.get("parent_code", blank).fillna("")))
        self.by_name: dict[tuple[str, str], list[str]] = {}
        for code, level, name in cur[["code", "level", "name"]].itertuples(index=False, name=None):
            self.by_name.setdefault((level, normalise_name(name)), []).append(code)
        self.powiat_names = {code: normalise_name(n) for code, n in
                             cur.loc[cur["level"] == "powiat", ["code", "name"]].itertuples(index=False, name=None)}

    def match_name(self, name: str, powiat: str = "") -> tuple[str | None, str, str]:
        """(code, status, reason) for a unit name such as "Kraków", "m. Bolesławiec",
        "Bolesławiec (gmina wiejska)", "powiat krakowski", "województwo małopolskie"."""
        raw = unicodedata.normalize("NFC", str(name)).strip()
        low = raw.casefold()
        if low in {"polska", "poland", "kraj"}:
            return COUNTRY, "by_name", ""
        level, kind = "gmina", None
        if low.startswith(("województwo ", "woj. ", "woj ")):
            level, raw = "wojewodztwo", re.sub(r"^(województwo|woj\.?)\s*", "", raw, flags=re.I)
        elif low.startswith(("powiat ", "pow. ")):
            level, raw = "powiat", re.sub(r"^(powiat|pow\.)\s*", "", raw, flags=re.I)
        else:
            m = _SUFFIX_HINT.search(raw)
            if m:
                kind = _SUFFIX_KIND.get(m.group(1).casefold().strip())
                raw = raw[:m.start()]
            for rx, k in (_TYPE_HINTS[2], _TYPE_HINTS[0], _TYPE_HINTS[1]):
                m2 = rx.match(raw)
                if m2:
                    kind = kind or k
                    raw = raw[m2.end():]
                    break
        key = normalise_name(raw)
        cands = list(self.by_name.get((level, key), []))
        if kind and len(cands) > 1:
            if kind == "rural":  # "gmina X" / "gm. X": the gmina around a town, not the town itself
                typed = [c for c in cands if self.gtype.get(c) in ("rural", "urban_rural") and not self.city.get(c)]
            else:
                typed = [c for c in cands if self.gtype.get(c) == kind or (kind == "urban" and self.city.get(c))]
            cands = typed or cands
        if powiat and len(cands) > 1:
            pkey = normalise_name(re.sub(r"^(powiat|pow\.)\s*", "", powiat, flags=re.I))
            inp = [c for c in cands if self.powiat_names.get(self.parent.get(c, "")) == pkey]
            cands = inp or cands
        if len(cands) == 1:
            return cands[0], "by_name", ""
        if not cands:
            return None, "unmatched", "unknown_name"
        return None, "unmatched", "ambiguous_name:" + ",".join(sorted(cands)[:6])

    def match(self, code: str, name: str = "", powiat: str = "") -> tuple[str | None, str, str]:
        """(unit code, status, reason). Status: exact, recoded, by_code6, by_name, country, unmatched."""
        if code:
            r = self.resolver.resolve(code)
            if r.code is not None:
                return r.code, r.status, ""
            if not name:
                return None, "unmatched", _reason_key(r.reason)
        if name:
            found = self.match_name(name, powiat)
            if found[0] is None and code:  # say what is wrong with the code, the stronger key
                return None, "unmatched", _reason_key(self.resolver.resolve(code).reason)
            return found
        return None, "unmatched", "no_unit"


def _reason_key(reason: str) -> str:
    if reason.startswith("malformed"):
        return "malformed_code"
    if "part" in reason or reason in ("dzielnica", "delegatura"):
        return "unit_part"
    if reason.startswith("ambiguous"):
        return "ambiguous_code"
    if "non-administrative" in reason:
        return "not_a_unit"
    return "unknown_code"


def match_values(values: pd.DataFrame, index: UnitIndex) -> Matched:
    """Match a long frame (row, code, name, powiat, year, value[, code_text]) to units."""
    if "code_text" not in values.columns:
        values = values.assign(code_text=values["code"])
    if "powiat" not in values.columns:
        values = values.assign(powiat="")
    keys = values[["row", "code", "code_text", "name", "powiat"]].drop_duplicates("row")
    res = [index.match(c, n, p) for c, n, p in keys[["code", "name", "powiat"]].itertuples(index=False, name=None)]
    keys = keys.assign(unit=[r[0] for r in res], status=[r[1] for r in res], reason=[r[2] for r in res])
    keys["unit_name"] = keys["unit"].map(index.name).fillna("")
    nvals = values.groupby("row")["value"].count().rename("values")
    rows = keys.merge(nvals, left_on="row", right_index=True, how="left")
    rows = rows[["row", "code_text", "name", "unit", "unit_name", "status", "reason", "values"]].reset_index(drop=True)
    # codes whose unit name disagrees with the name column (possible wrong code)
    both = rows.loc[rows["unit"].notna() & (rows["name"] != "") & (rows["status"] != "by_name")]
    mism = both.loc[[normalise_name(a) != normalise_name(_strip_hints(b)) for a, b in zip(both["unit_name"], both["name"])]]
    mism = mism.rename(columns={"code_text": "code"})[["row", "code", "unit_name", "name"]].reset_index(drop=True)
    v = values.merge(keys[["row", "unit"]], on="row")
    v = v.loc[v["unit"].notna() & v["value"].notna()]
    grp = v.groupby(["unit", "year"])
    nuniq = grp["value"].nunique()
    rows_of = grp["row"].apply(lambda s: ",".join(str(x) for x in sorted(set(s))))
    count = grp.size()
    multi = count[count > 1].index
    conflicts = pd.DataFrame({"unit": [u for u, _ in multi if nuniq[(u, _)] > 1],
                              "year": [y for u, y in multi if nuniq[(u, y)] > 1],
                              "rows": [rows_of[k] for k in multi if nuniq[k] > 1],
                              "values": [", ".join(f"{x:g}" for x in sorted(set(v.loc[(v["unit"] == k[0]) & (v["year"] == k[1]), "value"])))
                                         for k in multi if nuniq[k] > 1]})
    dups = pd.DataFrame({"unit": [k[0] for k in multi if nuniq[k] == 1], "year": [k[1] for k in multi if nuniq[k] == 1],
                         "rows": [rows_of[k] for k in multi if nuniq[k] == 1]})
    out = v.drop_duplicates(["unit", "year"])[["unit", "year", "value"]].reset_index(drop=True)
    codes = tuple(sorted(set(out["unit"])))
    return Matched(report=rows, codes=codes, values=out, duplicates=dups, conflicts=conflicts, name_mismatch=mism)


def _strip_hints(name: str) -> str:
    raw = _SUFFIX_HINT.sub("", str(name))
    for rx, _ in _TYPE_HINTS:
        raw = rx.sub("", raw)
    return raw


# -- lists of gminy (functional areas) -------------------------------------------------------------

def _digits(text: str) -> str:
    return re.sub(r"[\s_\-./]", "", text)


def _candidates(text: str) -> list[str]:
    """Readings of a code; a code whose leading zero a spreadsheet dropped (0201011 -> 201011,
    020101 -> 20101) is also read with the zero restored."""
    s = _digits(text)
    out = [s]
    if s.isdigit() and s[0] != "0" and len(s) in (1, 3, 5, 6):
        out.append("0" + s)
    return out


class _Units:
    def __init__(self, units: pd.DataFrame):
        self.units = units
        self.by_code = {r["code"]: r for r in units.to_dict("records")}
        g = units.loc[(units["level"] == "gmina") & ~units["historical"].astype(bool)]
        self.current_gminy = set(g["code"])
        self._index: UnitIndex | None = None

    @property
    def index(self) -> "UnitIndex":
        """The one name matcher (type hints, powiat names), built on the first name."""
        if self._index is None:
            self._index = UnitIndex.from_frames(self.units)
        return self._index

    def name(self, code: str) -> str:
        r = self.by_code.get(code)
        return r["name"] if r is not None else ""

    def describe(self, code: str) -> str:
        r = self.by_code.get(code)
        if r is None:
            return code
        parent = self.by_code.get(r.get("parent_code") or "")
        where = f", {parent['name']}" if parent is not None and r["level"] == "gmina" else ""
        return f"{code} {r['name']}{where}"


def match_entries(entries: pd.DataFrame, units: pd.DataFrame, resolve: Resolve, *,
                  names: bool = True, strict: bool = False) -> Matched:
    """Match a list of entries (columns row, code, name — as read from a file or typed) to current
    gminy. Every non-blank entry gets a report row; nothing is dropped silently.

    ``units``: the store's units including historical ones (code, level, name, parent_code,
    historical). ``names=False``: entries are codes only (URL, command line). ``resolve``: ``Store.resolve_code`` (maps 6-digit and old codes).
    ``strict=True``: a code is read only as written — no leading zero restored ("201011" is the
    6-digit code it says, not 0201011) and no 12-digit BDL id (``malformed``); for lists typed as
    codes (``domain.area_codes``, the URL's area=), where the spreadsheet leniency would guess.
    Reasons (statuses): ok/note — ``exact``, ``code6``, ``old_code``, ``zero_restored``,
    ``by_name``, ``name_differs``, ``bdl_id``; duplicate — ``duplicate``; problem — ``malformed``,
    ``not_gmina``, ``part``, ``unknown``, ``historical``, ``ambiguous_code``, ``ambiguous_name``,
    ``unknown_name``.
    """
    u = _Units(units)
    rows: list[dict] = []
    first_row: dict[str, int] = {}
    for rec in entries.to_dict("records"):
        row = int(rec["row"])
        code_in = str(rec.get("code") or "").strip()
        name_in = str(rec.get("name") or "").strip()
        if names and code_in and not re.search(r"\d", code_in) and not name_in:
            code_in, name_in = "", code_in  # a name in the code column
        if not code_in and not name_in:
            continue
        shown = code_in or name_in
        if code_in and name_in:
            shown = f"{code_in} {name_in}"
        res = _match_code(code_in, u, resolve, strict) if code_in else _match_name(name_in, u)
        status, code, reason, detail = res
        if status in (OK, NOTE) and code_in and name_in:
            given, real = normalise_name(name_in), normalise_name(u.name(code))
            if given not in real and real not in given:  # "Bolesławiec (miasto)" is fine
                status, reason, detail = NOTE, "name_differs", u.describe(code)
        if status in (OK, NOTE):
            if code in first_row:
                status, reason, detail = DUPLICATE, "duplicate", str(first_row[code])
            else:
                first_row[code] = row
        rows.append({"row": row, "input": shown, "status": status, "code": code or "", "reason": reason,
                     "detail": detail})
    report = pd.DataFrame(rows, columns=list(IMPORT_COLUMNS))
    return Matched(codes=tuple(sorted(first_row)), report=report)


def _match_code(text: str, u: _Units, resolve: Resolve, strict: bool = False) -> tuple[str, str | None, str, str]:
    found: dict[str, str] = {}  # resolved code -> reason
    errors: list[tuple[str, str]] = []
    for i, cand in enumerate(_candidates(text)[:1] if strict else _candidates(text)):
        try:
            p = parse_code(cand)
        except TerytError:
            errors.append(("malformed", ""))
            continue
        if p.kind == "bdl12" and strict:
            errors.append(("malformed", ""))
            continue
        if p.kind == "bdl12":
            mapped = bdl12_to_teryt(p.code)
            if not mapped or mapped[0] != "gmina":
                errors.append(("not_gmina", mapped[1] if mapped else ""))
                continue
            try:
                p = parse_code(mapped[1])
            except TerytError:  # an id of a województwo that does not exist ("020101101011")
                errors.append(("malformed", ""))
                continue
            reason = "bdl_id"
        else:
            reason = "exact" if p.kind == "gmina7" else "code6"
        if p.kind in ("country", "wojewodztwo", "powiat"):
            errors.append(("not_gmina", u.describe(p.code) if p.code in u.by_code else p.code))
            continue
        if p.kind == "gmina7" and p.code[6] in PART_TYPES:
            errors.append(("part", PART_TYPES[p.code[6]]))
            continue
        code, note = resolve(p.code)
        if code is None:
            errors.append(("unknown", ""))
            continue
        if code not in u.current_gminy:
            r = u.by_code.get(code)
            if r is not None and r["level"] == "gmina":
                to = r.get("valid_to")
                errors.append(("historical", f"{u.describe(code)}" + (f" (–{int(to)})" if to == to and to else "")))
            else:
                errors.append(("not_gmina", u.describe(code)))
            continue
        if i > 0:
            reason = "zero_restored"
        elif note:
            reason = "old_code"
        found.setdefault(code, reason)
    if len(found) == 1:
        code, reason = next(iter(found.items()))
        status = OK if reason == "exact" else NOTE
        return status, code, reason, u.describe(code)
    if len(found) > 1:
        return PROBLEM, None, "ambiguous_code", "; ".join(u.describe(c) for c in sorted(found))
    # prefer the most informative error (a reading that parsed beats "malformed")
    rank = {"historical": 0, "part": 1, "not_gmina": 2, "unknown": 3, "malformed": 4}
    reason, detail = sorted(errors, key=lambda e: rank[e[0]])[0] if errors else ("malformed", "")
    return PROBLEM, None, reason, detail


def _match_name(text: str, u: _Units) -> tuple[str, str | None, str, str]:
    """A gmina by name, with the value-file matcher's rules ("gmina Kłodzko", "m. Bolesławiec",
    "Bolesławiec (gmina wiejska)")."""
    code, _, reason = u.index.match_name(text)
    if code is None:
        if reason.startswith("ambiguous_name:"):
            found = reason.split(":", 1)[1].split(",")
            return PROBLEM, None, "ambiguous_name", "; ".join(u.describe(c) for c in sorted(found))
        return PROBLEM, None, "unknown_name", ""
    if code not in u.current_gminy:
        return PROBLEM, None, "not_gmina", u.describe(code)
    return NOTE, code, "by_name", u.describe(code)


def resolve_definition(codes: Iterable[str], units: pd.DataFrame, resolve: Resolve, *,
                       strict: bool = False) -> Matched:
    """Canonicalise an area definition from a URL or the command line (6-digit, old and spaced
    codes are mapped to today's 7-digit codes); the report lists what could not be used.
    ``strict``: see ``match_entries`` (``domain.area_codes.check_area`` reads lists this way)."""
    entries = pd.DataFrame({"row": range(1, len(list(codes := list(codes))) + 1), "code": codes, "name": ""})
    return match_entries(entries, units, resolve, names=False, strict=strict)


# Plain-text reasons for the command line (the UI uses the message catalogue, keys areas.*)
REASON_TEXT = {
    "malformed": "not a TERYT code",
    "not_gmina": "not a gmina code",
    "part": "code of a part of a gmina",
    "unknown": "no gmina has this code",
    "historical": "gmina no longer exists",
    "ambiguous_code": "ambiguous code",
    "ambiguous_name": "ambiguous name",
    "unknown_name": "no gmina has this name",
}
