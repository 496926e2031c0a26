"""Unit search for the pickers: what a person types ("lodz", "Klodzko", "gmina Kłodzko",
"m. Bolesławiec", "powiat krakowski", "1261011") -> units, best first.

Names are compared folded: case, spaces and Polish diacritics ("ł" included, which Unicode does
not decompose) are ignored, so "lodz" finds Łódź and "Klodzko" Kłodzko. A leading "gmina"/"gm.",
"miasto"/"m."/"m. st.", "powiat"/"pow." or "województwo"/"woj." narrows the level or type. Among
equally good names a city with powiat rights comes first as its gmina (1061011 before the powiat
1061: the city opens as the gmina, its powiat is one click away on the profile), then gminy, then
powiaty and województwa; current units before historical ones.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from domain.teryt import TerytError, parse_code

_EXTRA = str.maketrans({"ł": "l", "Ł": "l", "đ": "d", "ø": "o"})
_PREFIXES = (  # (pattern, what it asks for)
    (r"^(m\.\s*st\.|miasto\s+stołeczne)\s*", "city"),
    (r"^(miasto|m\.)\s*", "city"),
    (r"^(gmina\s+miejska|gm\.\s*miejska)\s+", "urban"),
    (r"^(gmina\s+wiejska|gm\.\s*wiejska)\s+", "rural"),
    (r"^(gmina|gm\.)\s*", "gmina"),
    (r"^(powiat|pow\.)\s*", "powiat"),
    (r"^(województwo|wojewodztwo|woj\.)\s*", "wojewodztwo"),
)


def fold(text: str) -> str:
    """Lower case, no diacritics (ł -> l too), single spaces: "  Łódź " -> "lodz"."""
    s = unicodedata.normalize("NFKD", str(text or "").translate(_EXTRA))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).casefold()
    return re.sub(r"\s+", " ", s).strip()


@dataclass(frozen=True)
class Query:
    name: str        # folded name part
    wants: str       # "" | city | urban | rural | gmina | powiat | wojewodztwo
    code: str | None  # a TERYT code typed instead of a name (canonical form), else None


def parse_query(text: str) -> Query:
    raw = str(text or "").strip()
    try:
        p = parse_code(raw)
        if p.kind in ("wojewodztwo", "powiat", "gmina7", "gmina6", "country"):
            return Query("", "", p.code)
    except TerytError:
        pass
    low = raw.casefold()
    wants = ""
    for pattern, what in _PREFIXES:
        m = re.match(pattern, low)
        if m and low[m.end():].strip():
            wants, raw = what, raw[m.end():]
            break
    return Query(fold(raw), wants, None)


def _fits(wants: str, level: str, gtype: str, city: bool) -> bool:
    if not wants:
        return True
    if wants == "city":
        return level == "gmina" and gtype in ("urban", "urban_rural") or (level == "gmina" and city)
    if wants in ("urban", "rural"):
        return level == "gmina" and gtype == wants
    if wants == "gmina":
        return level == "gmina"
    return level == wants


def search(text: str, units: pd.DataFrame, limit: int = 10) -> list[str]:
    """Codes of the units matching ``text``, best first (at most ``limit``).

    ``units``: code, level, name, gmina_type, city_powiat (and optionally historical). A typed code
    is matched by its digits (7-digit, 6-digit without the type digit, 4-digit powiat, 2-digit
    województwo); old or part codes are for ``Store.resolve_code``.
    """
    q = parse_query(text)
    codes = units["code"].astype(str)
    if q.code is not None:
        if q.code in set(codes):
            return [q.code]
        if len(q.code) == 6:
            return sorted(c for c in codes if len(c) == 7 and c[:6] == q.code)[:limit]
        return []
    if not q.name:
        return []
    hist = units["historical"].fillna(False).astype(bool) if "historical" in units else pd.Series(False, units.index)
    found = []
    order = {"gmina": 1, "powiat": 2, "wojewodztwo": 3, "country": 4}
    for code, level, name, gtype, city, old in zip(codes, units["level"], units["name"],
                                                   units["gmina_type"].fillna(""), units["city_powiat"].fillna(False),
                                                   hist):
        if not _fits(q.wants, level, gtype, bool(city)):
            continue
        f = fold(name)
        if f == q.name:
            quality = 0
        elif f.startswith(q.name):
            quality = 1
        elif any(w.startswith(q.name) for w in re.split(r"[\s\-]", f)):
            quality = 2
        elif q.name in f:
            quality = 3
        else:
            continue
        # "gmina X" with an urban and a rural gmina X: the rural/urban-rural one is "gmina X",
        # the town is "miasto X"
        typed = 0
        if q.wants == "gmina" and gtype == "urban":
            typed = 1
        kind = 0 if (level == "gmina" and bool(city)) else order.get(level, 5)
        found.append((quality, bool(old), typed, kind, f, code))
    found.sort()
    return [row[-1] for row in found[:limit]]


def best(text: str, units: pd.DataFrame) -> str | None:
    """The single best match (None if nothing matches)."""
    hits = search(text, units, limit=1)
    return hits[0] if hits else None
